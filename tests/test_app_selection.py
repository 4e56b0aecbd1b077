"""Selections that never lie, through Streamlit's AppTest (issue 10): the date-range presets,
the snapshot that follows the window's end, an invalid window that stops only the pages that
need it, page-level choices restored from a link (also one made in the other language), Reset
that puts every control and choice back, filters a page does not use saying so, Payouts that
follow the team filter, and one agent's trend that adds up to the leaderboard.

Expected values: hand-computed dates, plain pandas over the sample CSV files
(``tests.e2e.sample``, ``tests.e2e.test_selection``), or the command line's ``report``.
The browser tests (tests/e2e/test_selection.py) check what a user sees; these check the
same rules quickly, page by page.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import struct
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.catalogue import CATALOGUE
from dashboard.ui.choices import CHOICES
from dashboard.ui.filters import PRESETS, preset_window, snapshot_for
from tests.e2e.sample import bucket_counts, money, net_collected
from tests.e2e.test_selection import collected_by, roll_cell_count

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
NOT_HERE = "Not used on this page."


def open_page(page: str, query: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    """A card's value; for money, the exact value its hover text gives (the card is compact)."""
    card = next(m for m in at.metric if m.label == label)
    exact = re.search(r"[+-]?¥[\d,]+\.\d{2}", card.proto.help or "")
    return exact.group(0) if exact else str(card.value)


def captions(at: AppTest, where: Any = None) -> list[str]:
    return [c.value for c in (where or at).caption]


def active(at: AppTest) -> str:
    line = [c for c in captions(at.main) if c.startswith(":material/filter_alt:")]
    assert len(line) == 1, captions(at.main)
    return line[0].replace("\\", "")


def chart(at: AppTest, title: str) -> dict[str, Any]:
    """A Plotly chart's figure (as sent to the browser), by the start of its title."""
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        text = (spec["layout"].get("title") or {}).get("text", "")
        if text.startswith(title):
            return dict(spec)
    raise AssertionError(f"no chart titled {title!r}")


def numbers(values: Any) -> list[float]:
    """A Plotly data array: a list, or base64 'bdata' of float64 / int values."""
    if isinstance(values, dict):
        raw = base64.b64decode(values["bdata"])
        fmt = {"f8": "d", "i4": "i", "i2": "h", "i1": "b", "u1": "B", "u2": "H", "u4": "I"}
        code = fmt[values["dtype"]]
        return list(struct.unpack(f"<{len(raw) // struct.calcsize(code)}{code}", raw))
    return [float(v) for v in values]


def cli_payouts(db_path: Path, period: str) -> dict[str, dict[str, str]]:
    """The command line's payouts of a period (agent_id -> row)."""
    env = {**os.environ, "DASHBOARD_DB": str(db_path)}
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", "report", "payouts", "--period", period,
         "--format", "csv"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {r["agent_id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}


# ----------------------------------------------------------------------- presets, snapshot


def test_presets_are_relative_to_the_latest_snapshot() -> None:
    oct31 = date(2026, 10, 31)
    assert preset_window("month", oct31) == (date(2026, 10, 1), oct31)
    assert preset_window("last_month", oct31) == (date(2026, 9, 1), date(2026, 9, 30))
    assert preset_window("quarter", oct31) == (date(2026, 10, 1), oct31)
    assert preset_window("ytd", oct31) == (date(2026, 1, 1), oct31)
    assert preset_window("12m", oct31) == (date(2025, 11, 1), oct31)
    feb15 = date(2024, 2, 15)  # mid-month, leap year, first quarter
    assert preset_window("last_month", feb15) == (date(2024, 1, 1), date(2024, 1, 31))
    assert preset_window("quarter", feb15) == (date(2024, 1, 1), feb15)
    assert preset_window("12m", feb15) == (date(2023, 3, 1), feb15)
    jan31 = date(2026, 1, 31)  # last month is in the year before
    assert preset_window("last_month", jan31) == (date(2025, 12, 1), date(2025, 12, 31))
    mar31 = date(2025, 3, 31)
    assert preset_window("last_month", mar31) == (date(2025, 2, 1), date(2025, 2, 28))
    with pytest.raises(ValueError, match="custom"):
        preset_window("custom", oct31)
    assert all(f"range.{p}" in CATALOGUE for p in PRESETS)


def test_the_snapshot_is_the_latest_on_or_before_the_window_end() -> None:
    dates = [date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30)]
    assert snapshot_for(dates, date(2026, 8, 31)) == date(2026, 8, 31)
    assert snapshot_for(dates, date(2026, 9, 29)) == date(2026, 8, 31)
    assert snapshot_for(dates, date(2026, 12, 1)) == date(2026, 9, 30)
    assert snapshot_for(dates, date(2026, 1, 1)) == date(2026, 7, 31)  # none before: the first
    assert snapshot_for(dates, None) == date(2026, 9, 30)


def test_a_preset_is_the_window_every_figure_uses(on_sample: Path) -> None:
    at = open_page("overview", {"range": "Last month"})
    assert metric(at, "Net collected") == money(net_collected(date(2026, 9, 1), date(2026, 9, 30)))
    assert "2026-09-01 to 2026-09-30 (Last month)" in active(at)
    assert "balances as of the snapshot 2026-09-30" in active(at)


def test_the_snapshot_follows_the_window_end_unless_pinned(on_sample: Path) -> None:
    window = {"range": "Custom", "from": "2026-08-01", "to": "2026-08-15"}
    at = open_page("delinquency", window)
    shown = at.dataframe[0].value
    assert set(shown["as_of_date"].astype(str)) == {"2026-07-31"}
    got = dict(zip(shown["bucket"], shown["accounts"].astype(int), strict=True))
    assert got == bucket_counts(date(2026, 7, 31))
    assert "snapshot 2026-07-31 (the latest on or before 2026-08-15)" in active(at)
    assert at.sidebar.selectbox(key="snapshot").value == "window_end"

    at = open_page("delinquency", {**window, "snapshot": "2026-06-30"})
    assert set(at.dataframe[0].value["as_of_date"].astype(str)) == {"2026-06-30"}
    assert "snapshot 2026-06-30 (pinned)" in active(at)
    # pinned, the window does not apply to Delinquency: the sidebar says so
    assert NOT_HERE in captions(at, at.sidebar)

    # Overview's balances are as of the window's end, pinned or not, and it says so
    at = open_page("overview", {**window, "snapshot": "2026-06-30"})
    assert "balances as of the snapshot 2026-07-31" in active(at)
    assert chart(at, "Balance by delinquency bucket")["layout"]["title"]["text"].endswith(
        "(2026-07-31)"
    )


# --------------------------------------------------------------------- an invalid window


def test_an_invalid_window_stops_only_the_pages_that_need_it(on_sample: Path) -> None:
    inverted = {"from": "2026-10-31", "to": "2026-10-01"}  # an old link: no range, so Custom
    for page in ("overview", "recovery", "agents", "compliance"):
        at = open_page(page, inverted)
        assert any("starts (2026-10-31) after it ends" in e.value for e in at.sidebar.error)
        assert any("starts (2026-10-31) after it ends (2026-10-01)" in w.value for w in at.warning)
        assert not at.metric and not at.dataframe, page
    at = open_page("payouts", inverted)
    assert any("after it ends" in e.value for e in at.sidebar.error)
    assert not at.warning and not any("Fix the filters" in i.value for i in at.info)
    assert metric(at, "Total payout")
    at = open_page("data", inverted)
    assert not at.warning
    assert any(s.value == "Import history" for s in at.subheader)
    at = open_page("delinquency", inverted)  # follows the window's end, To
    assert set(at.dataframe[0].value["as_of_date"].astype(str)) == {"2026-09-30"}


# ------------------------------------------------------------- page-level choices, links


def test_page_choices_in_a_link_are_what_the_pages_use(on_sample: Path) -> None:
    at = open_page("agents", {"agents_pick": "AG006 Lin B.", "agents_sort": "Kept rate"})
    assert at.selectbox(key="agents_pick").value == "AG006"
    assert chart(at, "Net collected per month")["layout"]["title"]["text"].endswith("AG006")
    assert at.selectbox(key="agents_sort").value == "kept_rate"
    assert chart(at, "Leaderboard")["layout"]["title"]["text"] == "Leaderboard: Kept rate"

    at = open_page("payouts", {"pay_period": "2026-08", "pay_agent": "AG006"})
    assert at.selectbox(key="pay_period").value == "2026-08"
    assert at.selectbox(key="pay_agent").value == "AG006"
    basis = money(Decimal(cli_payouts(on_sample, "2026-08")["AG006"]["basis"]))
    statement = [m.value for m in at.markdown if "Basis (net credited)" in m.value]
    assert statement and f"| {basis} |" in statement[0].replace("\\", ""), statement

    at = open_page("delinquency", {"drill_from": "M1", "drill_to": "M2"})
    n = roll_cell_count(date(2026, 9, 30), date(2026, 10, 31), "M1", "M2")
    assert any(c.startswith(f"{n:,} accounts") for c in captions(at.main)), captions(at.main)

    at = open_page("compliance", {"compliance_preset": "US (Regulation F / FDCPA)"})
    assert at.get("button_group")[0].value == "us"


def test_a_link_made_in_the_other_language_opens_the_same_view(on_sample: Path) -> None:
    zh = {
        "agents_sort": CATALOGUE["col.kept_rate"][1],
        "agents_order": CATALOGUE["order.worst"][1],
        "range": CATALOGUE["range.last_month"][1],
    }
    at = open_page("agents", zh)  # an English session
    assert at.selectbox(key="agents_sort").value == "kept_rate"
    assert at.get("button_group")[0].value == "worst"
    assert at.sidebar.selectbox(key="range").value == "last_month"
    at = open_page("agents", {"agents_sort": "kept_rate", "agents_pick": "AG006"})  # codes
    assert at.selectbox(key="agents_sort").value == "kept_rate"
    assert at.selectbox(key="agents_pick").value == "AG006"
    at = open_page("agents", {"lang": "中文", "agents_sort": "Kept rate"})  # and the other way
    assert at.selectbox(key="agents_sort").value == "kept_rate"


def test_an_agent_who_left_the_leaderboard_is_not_kept(on_sample: Path) -> None:
    at = open_page("agents", {"agents_pick": "AG006"})
    assert at.selectbox(key="agents_pick").value == "AG006"
    at.sidebar.multiselect(key="agent").set_value(["AG003"]).run()
    assert at.selectbox(key="agents_pick").value == "AG003"
    assert chart(at, "Net collected per month")["layout"]["title"]["text"].endswith("AG003")


# ------------------------------------------------------------------------------- Reset


def test_reset_puts_every_control_and_every_choice_back(on_sample: Path) -> None:
    query = {
        "range": "Custom",
        "from": "2026-07-01",
        "to": "2026-09-30",
        "snapshot": "2026-06-30",
        "portfolio": "BANK_B_CARD",
        "agents_pick": "AG006",
        "agents_sort": "Kept rate",
        "pay_period": "2026-08",
        "case_account": "A0000006",
    }
    at = open_page("payouts", query)
    assert at.selectbox(key="pay_period").value == "2026-08"
    at.switch_page("views/agents.py").run()
    assert at.selectbox(key="agents_pick").value == "AG006"
    at.sidebar.button(key="reset_filters").click().run()
    assert not at.exception
    assert at.sidebar.selectbox(key="range").value == "month"
    assert at.sidebar.selectbox(key="snapshot").value == "window_end"
    assert at.sidebar.multiselect(key="portfolio").value == []
    first = at.selectbox(key="agents_pick").options[0]
    assert at.selectbox(key="agents_pick").value == first.split()[0]
    assert chart(at, "Net collected per month")["layout"]["title"]["text"].endswith(
        first.split()[0]
    )
    assert at.selectbox(key="agents_sort").value == "collected"
    assert "2026-10-01 to 2026-10-31 (This month)" in active(at)
    at.switch_page("views/payouts.py").run()  # a choice of a page not shown at Reset
    assert at.selectbox(key="pay_period").value == at.selectbox(key="pay_period").options[0]
    at.switch_page("views/cases.py").run()
    assert at.text_input(key="case_account").value == ""
    assert set(CHOICES.values()) <= {"delinquency", "agents", "compliance", "payouts", "cases"}


# ------------------------------------------------------------ which filters apply where


@pytest.mark.parametrize(
    ("page", "unused"),
    [
        ("overview", "Snapshot"),
        ("delinquency", None),
        ("recovery", "Snapshot"),
        ("agents", "Snapshot"),
        ("compliance", "Snapshot"),
        ("payouts", "Date range, Snapshot, Portfolio"),
        ("data", "Date range, Snapshot, Portfolio, Team, Agent"),
    ],
)
def test_filters_a_page_does_not_use_say_so(on_sample: Path, page: str, unused: str) -> None:
    at = open_page(page)
    n = 0 if unused is None else len(unused.split(", "))
    assert captions(at, at.sidebar).count(NOT_HERE) == n
    line = active(at)
    if unused is None:
        assert "Not used on this page" not in line
    else:
        assert f"Not used on this page: {unused}." in line


def test_payouts_show_the_agents_of_the_team_filter(on_sample: Path) -> None:
    rows = list(cli_payouts(on_sample, "2026-10").values())
    team = [r for r in rows if r["team"] == "T1"]
    at = open_page("payouts", {"team": "T1"})
    table = at.dataframe[0].value
    assert sorted(table["agent_id"]) == sorted(r["agent_id"] for r in team)
    assert metric(at, "Agents") == str(len(team))
    total = sum((Decimal(r["payout"]) for r in team), Decimal("0.00"))
    assert metric(at, "Total payout") == money(total)
    assert any(f"{len(team)} of {len(rows)} agents shown" in c for c in captions(at.main))
    assert at.selectbox(key="pay_agent").options == [
        f"{r['agent_id']} {r['agent_name']}" for r in sorted(team, key=lambda r: r["agent_id"])
    ]


def test_one_agent_adds_up_to_the_leaderboard(on_sample: Path) -> None:
    window = {"range": "Custom", "from": "2026-07-01", "to": "2026-10-31"}
    at = open_page("agents", {**window, "portfolio": "BANK_B_CARD", "agents_pick": "AG006"})
    expected = collected_by("AG006", date(2026, 7, 1), date(2026, 10, 31), "BANK_B_CARD")
    board = chart(at, "Leaderboard")["data"][0]
    on_board = dict(zip(board["y"], numbers(board["x"]), strict=True))["AG006"]
    assert abs(Decimal(str(on_board)) - expected) < Decimal("0.005")
    trend = chart(at, "Net collected per month")["data"]
    drawn = sum(Decimal(str(v)) for trace in trend for v in numbers(trace["y"]))
    assert abs(drawn - expected) < Decimal("0.005"), (drawn, expected)


# ------------------------------------------------------------------------------- Cases


def test_a_link_opens_one_accounts_history(on_sample: Path) -> None:
    at = open_page("cases", {"case_account": "A0000006"})
    assert not at.exception
    assert at.text_input(key="case_account").value == "A0000006"
    history = next(d for d in at.dataframe if "event" in d.value.columns)
    assert set(history.value["account_id"]) == {"A0000006"}
    assert list(history.value["event_date"]) == sorted(history.value["event_date"])


def test_overview_pacing_is_the_pacing_report_of_the_window_end(on_sample: Path) -> None:
    # The cards are pacing's total row and each bullet a team row of `report pacing --as-of`
    # the window's end (the sample's default window ends 2026-10-31), as shares of target.
    at = open_page("overview")
    assert not at.exception
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", "report", "pacing", "--as-of", "2026-10-31",
         "--db", str(on_sample), "--format", "csv"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    total = next(r for r in rows if r["level"] == "total")
    cards = {m.label: m for m in at.metric}
    for label, column in [("Target", "target"), ("Collected to date", "collected_to_date"),
                          ("Projected month", "projected")]:  # fmt: skip
        assert cards[label].help == f"Exact: ¥{Decimal(total[column]):,}", label
    attainment = Decimal(total["projected_attainment"]) * 100
    assert cards["Projected attainment"].value == f"{attainment:.1f}%"
    fig = chart(at, "Pacing per team, 2026-10")
    by_name = {tr["name"]: tr for tr in fig["data"]}
    teams = [r for r in rows if r["level"] == "team" and r["target"]]
    collected = by_name["Collected to date"]
    assert list(collected["y"]) == [r["id"] for r in teams]
    for r, x in zip(teams, numbers(collected["x"]), strict=True):
        share = Decimal(r["collected_to_date"]) / Decimal(r["target"])
        assert abs(Decimal(str(x)) - share) < Decimal("1e-9"), (r["id"], x, share)
    assert numbers(by_name["Target"]["x"]) == [1.0] * len(teams)


def test_overview_pacing_says_why_a_month_is_not_projected(on_sample: Path) -> None:
    # The sample's payments begin in 2025-05: July 2025 has no three complete months before
    # it (README, pacing: short_history), so nothing is projected and the page says why.
    at = open_page("overview", {"range": "Custom", "from": "2025-07-01", "to": "2025-07-15"})
    assert not at.exception
    infos = [i.value for i in at.info]
    assert "fewer than 3 complete months of payments before this one" in infos, infos
    assert {m.label: m.value for m in at.metric}["Projected month"] == "–"


def test_the_kept_rate_by_bucket_is_the_reports(on_sample: Path) -> None:
    # The chart's points are plan-summary --by bucket's kept rates, as the CLI prints them
    # (the plans agreed before their account's first snapshot under a name of their own).
    at = open_page("cases", {"cases_plan_by": "bucket"})
    assert not at.exception
    fig = chart(at, "Kept rate by bucket when agreed")
    shown = {(tr["name"], x): Decimal(str(y)) for tr in fig["data"]
             for x, y in zip(tr["x"], numbers(tr["y"]), strict=True)}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", "report", "plan-summary", "--by", "bucket",
         "--db", str(on_sample), "--format", "csv"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    expected = {  # the English names of the plan types are their codes
        (r["plan_type"], r["bucket_at_creation"] or "Before first snapshot"):
            Decimal(r["kept_rate"])
        for r in csv.DictReader(io.StringIO(out)) if r["kept_rate"]
    }  # fmt: skip
    assert shown.keys() == expected.keys()
    assert all(abs(shown[k] - expected[k]) < Decimal("1e-9") for k in expected)
    table = next(d for d in at.dataframe if "bucket_at_creation" in d.value.columns)
    assert "installment_no" not in table.value.columns
    assert "Before first snapshot" in set(table.value["bucket_at_creation"])  # not "–"


def test_an_unknown_or_ambiguous_account_says_why_in_the_pages_language(on_sample: Path) -> None:
    at = open_page("cases", {"case_account": "NOPE1", "lang": "中文"})
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any("已导入的快照中没有账号 NOPE1" in i for i in infos), infos
    at.text_input(key="case_account").set_value("A000000*").run()
    infos = [i.value for i in at.info]
    assert any("有 9 个账号与 A000000\\* 匹配" in i for i in infos), infos


def test_reset_also_clears_a_linked_choice_whose_page_was_not_opened_yet(on_sample: Path) -> None:
    # A link sets choices of three pages; Reset is pressed on a fourth, before any of them was
    # drawn: Streamlit seeds a bound widget's first draw from the session's first URL, so
    # without the second run (choices._reset_drawn) each page showed the link's value.
    query = {"pay_period": "2026-08", "drill_from": "M1", "case_account": "A0000006"}
    at = open_page("agents", query)
    at.sidebar.button(key="reset_filters").click().run()
    at.switch_page("views/payouts.py").run()
    assert at.selectbox(key="pay_period").value == at.selectbox(key="pay_period").options[0]
    at.switch_page("views/delinquency.py").run()
    assert at.selectbox(key="drill_from").value == "Current"
    at.switch_page("views/cases.py").run()
    assert at.text_input(key="case_account").value == ""


def test_a_clicked_account_row_opens_its_history_on_the_cases_page(on_sample: Path) -> None:
    # What blocks.open_history leaves in the state when a row of the drill-down (Delinquency)
    # or of the violating contacts (Compliance) is clicked: the next run is the Cases page.
    at = open_page("delinquency")
    at.session_state["_open_account"] = "A0000006"
    at.run()
    assert not at.exception
    assert at.text_input(key="case_account").value == "A0000006"
    history = next(d for d in at.dataframe if "event" in d.value.columns)
    assert set(history.value["account_id"]) == {"A0000006"}
