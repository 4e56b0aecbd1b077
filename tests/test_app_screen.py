"""What is on screen, without a browser (issue 10): one number formatter for the whole app,
tables that put their key columns first, honest payout bars and contact stage rates, compact
cards with the exact value on hover.

Expected values are hand-written (the formatter) or come from the command line's reports, with
the arithmetic done here in plain Python (never through the chart or table code under test).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
Y = "¥"


def cli(db: Path, *args: str) -> list[dict[str, str]]:
    """A report of the real command line, as CSV rows."""
    env = {**os.environ, "DASHBOARD_DB": str(db)}
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", "report", *args, "--format", "csv"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return list(csv.DictReader(io.StringIO(out.stdout)))


# ------------------------------------------------------------------------------ the formatter

D = Decimal


@pytest.mark.parametrize(
    ("value", "sign", "text"),
    [
        (D("-3973"), False, "-¥3,973.00"),  # the sign before the currency symbol
        (D("-217289.83"), False, "-¥217,289.83"),
        (D("0"), False, "¥0.00"),
        (D("0"), True, "¥0.00"),  # zero has no sign
        (D("34775943.57"), False, "¥34,775,943.57"),
        (D("999999999999.99"), False, "¥999,999,999,999.99"),
        (D("0.005"), False, "¥0.01"),  # half up, as the payout engine rounds
        (D("-0.005"), False, "-¥0.01"),
        (D("132080.13"), True, "+¥132,080.13"),
        (D("-5.88"), True, "-¥5.88"),
        (None, False, "–"),
    ],
)
def test_money_is_exact_with_the_sign_before_the_symbol(
    value: Decimal | None, sign: bool, text: str
) -> None:
    from dashboard.ui import fmt

    for lang in ("en", "zh"):
        assert fmt.money(value, sign=sign, lang=lang) == text


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (D("34775943.57"), "¥34.8M", "¥3,477.6万"),
        (D("1516125.35"), "¥1.5M", "¥151.6万"),
        (D("-217289.83"), "-¥217.3K", "-¥21.7万"),
        (D("3824423.15"), "¥3.8M", "¥382.4万"),
        (D("123456789"), "¥123.5M", "¥1.2亿"),
        (D("1234567890123.00"), "¥1,234.6B", "¥12,345.7亿"),
        (D("999950"), "¥1.0M", "¥100.0万"),  # 999.95K rounds up to the next unit
        (D("99999999"), "¥100.0M", "¥1.0亿"),  # 9,999.99999万 rounds up to 亿
        (D("999.99"), "¥999.99", "¥999.99"),  # below the first unit: exact
        (D("9999.99"), "¥10.0K", "¥9,999.99"),
        (D("0"), "¥0.00", "¥0.00"),
        (None, "–", "–"),
    ],
)
def test_compact_money_for_cards(value: Decimal | None, en: str, zh: str) -> None:
    from dashboard.ui import fmt

    assert fmt.money_short(value, lang="en") == en
    assert fmt.money_short(value, lang="zh") == zh


def test_compact_money_signed_for_card_deltas() -> None:
    from dashboard.ui import fmt

    assert fmt.money_short(D("204737.59"), sign=True, lang="en") == "+¥204.7K"
    assert fmt.money_short(D("204737.59"), sign=True, lang="zh") == "+¥20.5万"
    assert fmt.money_short(D("-126528.50"), sign=True, lang="en") == "-¥126.5K"
    assert fmt.money_short(D("0.00"), sign=True, lang="en") == "¥0.00"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("0.444444"), "44.4%"),
        (D("0.68"), "68.0%"),  # the same decimals as every other rate ("68%" beside "44.44%")
        (D("0"), "0.0%"),
        (D("1.5"), "150.0%"),  # a recovery rate has no upper bound
        (D("0.00049"), "0.0%"),
        (D("0.0005"), "0.1%"),  # half up
        (D("-0.012"), "-1.2%"),
        (None, "–"),
    ],
)
def test_rates_have_one_decimal_everywhere(value: Decimal | None, text: str) -> None:
    from dashboard.ui import fmt

    assert fmt.rate(value) == text


def test_points_counts_dates_factors_and_plan_rates() -> None:
    from dashboard.ui import fmt

    assert fmt.points(D("0.009"), lang="en") == "+0.9 pp"
    assert fmt.points(D("0.009"), lang="zh") == "+0.9 个百分点"
    assert fmt.points(D("-0.0862"), lang="en") == "-8.6 pp"
    assert fmt.points(D("0"), lang="en") == "0.0 pp"
    assert fmt.points(None, lang="en") == "–"
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.count(27, sign=True) == "+27"
    assert fmt.count(-3, sign=True) == "-3"
    assert fmt.count(0, sign=True) == "0"
    assert fmt.count(D("20")) == "20"  # a task level is a count, never "20.00"
    assert fmt.day(date(2026, 10, 31)) == "2026-10-31"
    assert fmt.month(date(2026, 10, 1)) == "2026-10"
    assert fmt.factor(D("0.96")) == "0.9600"
    assert fmt.plan_rate(D("0.015")) == "1.50%"
    assert fmt.plan_rate(D("0.02")) == "2.00%"


def test_the_currency_symbol_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.ui import fmt

    monkeypatch.setenv("DASHBOARD_CURRENCY", "$")
    assert fmt.money(D("-1234.5")) == "-$1,234.50"
    assert fmt.money_short(D("-1234567"), lang="zh") == "-$123.5万"


def test_money_ticks_are_round_and_formatted_like_the_cards() -> None:
    from dashboard.ui import fmt

    values, texts = fmt.ticks(0, 9144.85, "money", lang="en")
    assert values == [0, 2000, 4000, 6000, 8000, 10000]
    assert texts == ["¥0", "¥2K", "¥4K", "¥6K", "¥8K", "¥10K"]
    _, zh = fmt.ticks(0, 1_600_000, "money", lang="zh")
    assert zh == ["¥0", "¥50万", "¥100万", "¥150万", "¥200万"]
    _, neg = fmt.ticks(-4000, 2000, "money", lang="en")
    assert neg == ["-¥4K", "-¥2K", "¥0", "¥2K"]  # the sign before the symbol on an axis too
    _, rates = fmt.ticks(0, 0.38, "rate", lang="en")
    assert rates[:3] == ["0%", "10%", "20%"]


@pytest.mark.parametrize(
    ("low", "high", "lang", "texts"),
    [
        # The Payouts chart in Chinese (issue 10): ¥8,000 stood under ¥1万 on one axis.
        (0, 9144.85, "zh", ["¥0", "¥0.2万", "¥0.4万", "¥0.6万", "¥0.8万", "¥1.0万"]),
        # a step of 2,500 would be ¥0.25万: plain amounts for the whole axis instead
        (0, 12_000, "zh", ["¥0", "¥2,500", "¥5,000", "¥7,500", "¥10,000", "¥12,500"]),
        (0, 1200, "en", ["¥0", "¥250", "¥500", "¥750", "¥1,000", "¥1,250"]),
        (0, 1.5e8, "zh", ["¥0", "¥0.5亿", "¥1.0亿", "¥1.5亿"]),
        (-1e5, 3e5, "zh", ["-¥10万", "¥0", "¥10万", "¥20万", "¥30万"]),
        (0, 3.4e7, "zh", ["¥0", "¥1,000万", "¥2,000万", "¥3,000万", "¥4,000万"]),
    ],
)
def test_a_money_axis_has_one_unit_and_one_number_of_decimals(
    low: float, high: float, lang: str, texts: list[str]
) -> None:
    from dashboard.ui import fmt

    assert fmt.ticks(low, high, "money", lang=lang)[1] == texts


def test_a_rate_axis_has_one_number_of_decimals() -> None:
    from dashboard.ui import fmt

    assert fmt.rate_ticks([0, 0.025, 0.05, 0.075]) == ["0.0%", "2.5%", "5.0%", "7.5%"]
    assert fmt.rate_ticks([0, 0.25, 0.5]) == ["0%", "25%", "50%"]


def test_shares_stacked_to_100_percent_end_on_the_100_percent_tick() -> None:
    """Six states of 1/6 each, each share rounded to six places (queries' rate6): 0.166667 x 6
    = 1.000002. The axis of a chart stacked to 100 % ends at 100 %, not at 125 % (seen on the
    Delinquency page, issue 10)."""
    import pyarrow as pa

    from dashboard.ui import charts

    buckets = ["Current", "M1", "M2", "M3", "M4", "M5"]
    table = pa.table(
        {
            "as_of_date": [date(2026, 10, 31)] * 6,
            "bucket": buckets,
            "share_accounts": pa.array([Decimal("0.166667")] * 6, pa.decimal128(9, 6)),
        }
    )
    fig = charts.bucket_mix_over_time(table, buckets, "share_accounts", "t")
    assert list(fig.layout.yaxis.range) == [0, 1]
    assert fig.layout.yaxis.ticktext[-1] == "100%"


# ------------------------------------------------------------------------------ tables


def test_a_chinese_page_names_every_sample_region_in_chinese() -> None:
    """The regions of an extract are pinyin ("Guangdong"); the Chinese Recovery page showed
    them so beside Chinese headers. Every region of the sample has a Chinese name (written
    here by hand for a few), and tables and charts translate the region column."""
    import pandas as pd

    from dashboard.paths import SAMPLE_DATA
    from dashboard.ui import tables
    from dashboard.ui.catalogue import CATALOGUE

    regions = set()
    for f in SAMPLE_DATA.glob("accounts_*.csv"):
        regions |= set(pd.read_csv(f, dtype=str)["region"].dropna())
    assert regions and all(f"region.{r}" in CATALOGUE for r in regions), regions
    for en, zh in (("Guangdong", "广东"), ("Shaanxi", "陕西"), ("Shanxi", "山西")):
        assert CATALOGUE[f"region.{en}"] == (en, zh)
    assert tables.VALUE_LABELS["region"] == "region"


def test_table_money_and_rate_columns_share_the_formatter() -> None:
    from dashboard.ui import tables

    table = pa.table(
        {
            "agent_id": ["AG1", "AG2"],
            "balance": pa.array([D("-3973.00"), D("12.50")], pa.decimal128(38, 2)),
            "kept_rate": pa.array([D("0.680000"), D("0.444444")], pa.decimal128(38, 6)),
            "tasks": pa.array([20, 3], pa.int64()),
        }
    )
    config = tables.column_config(table)
    # money: the symbol in the header, the sign before the digits in the cell
    assert config["balance"]["label"] == "Balance (¥)"
    assert config["balance"]["type_config"]["format"] == "%,.2f"
    assert config["kept_rate"]["type_config"]["format"] == "%.1f%%"
    assert config["tasks"]["type_config"]["format"] == "%,d"
    frame = tables.table_frame(table)
    assert list(frame["kept_rate"]) == [68.0, pytest.approx(44.4444)]  # percent units
    assert list(frame["balance"]) == [-3973.0, 12.5]


def test_an_empty_value_of_a_translated_column_stays_empty() -> None:
    # A Missing account's next_status, a payment's state in an account history: the grid
    # showed "nan" (a None became NaN in pandas, and NaN was "translated" as text).
    from dashboard.ui import tables

    table = pa.table({"status": ["legal", None], "channel": [None, "call"]})
    frame = tables.table_frame(table)
    assert frame["status"][0] == "legal" and frame["channel"][1] == "call"
    assert list(frame["status"].isna()) == [False, True]  # missing, not the text "nan"
    assert list(frame["channel"].isna()) == [True, False]


def test_key_columns_first_id_pinned_constant_columns_last() -> None:
    from dashboard.ui import tables

    table = pa.table(
        {
            "period": ["2026-10", "2026-10"],
            "agent_id": ["AG1", "AG2"],
            "agent_name": ["A", "B"],
            "team": ["T1", "T2"],
            "basis": pa.array([D("1.00"), D("2.00")], pa.decimal128(38, 2)),
            "payout": pa.array([D("1.00"), D("2.00")], pa.decimal128(38, 2)),
            "status": ["draft", "draft"],
        }
    )
    order = tables.column_order(table, key=("payout", "status"))
    assert order == ["agent_id", "agent_name", "payout", "status", "team", "basis", "period"]
    config = tables.column_config(table)
    assert config["agent_id"]["pinned"] is True
    assert config["agent_name"]["pinned"] is True
    assert not config["payout"].get("pinned")


# ------------------------------------------------------------------------------ charts


def _trace(fig: Any, meta: str) -> Any:
    found = [d for d in fig.data if d.meta == meta]
    assert found, [d.meta for d in fig.data]
    return found[0]


def test_a_capped_payout_bar_is_the_paid_amount_with_the_cut_above_it(on_sample: Path) -> None:
    from dashboard.payouts.plan_file import load_plans
    from dashboard.ui import charts, payout_view

    rows = {r["agent_id"]: r for r in cli(on_sample, "payouts", "--period", "2026-10")}
    ag006 = rows["AG006"]
    cap = D(str(load_plans(ROOT / "sample_data" / "plans.yaml").plans["ladder"].cap))
    assert ag006["cap_applied"] == "true" and D(ag006["payout"]) == cap == D("5000")
    assert D(ag006["total"]) > cap  # the "~9,100 under a 5,000 payout"

    view = payout_view.view("2026-10", ROOT / "sample_data" / "plans.yaml")
    fig = charts.payout_bars(view.table, "t")
    paid = _trace(fig, "paid")
    cut = _trace(fig, "cut")
    paid_of = dict(zip(paid.x, paid.y, strict=True))
    cut_of = dict(zip(cut.x, cut.y, strict=True))
    for agent, r in rows.items():
        payout, total = D(r["payout"]), D(r["total"])
        assert paid_of[agent] == pytest.approx(float(payout)), agent
        above = total - payout if r["cap_applied"] == "true" else D(0)
        assert cut_of.get(agent, 0) == pytest.approx(float(above)), agent
    assert cut_of["AG006"] == pytest.approx(float(D(ag006["total"]) - cap))
    assert cut.marker.pattern.shape  # the cut is hatched: not paid
    # the tallest bar is no longer the pre-cap total
    assert (
        max(p + c for p, c in zip(paid.y, [cut_of.get(a, 0) for a in paid.x], strict=True)) < 9200
    )
    deficit = _trace(fig, "deficit")
    deficit_of = dict(zip(deficit.x, deficit.y, strict=True))
    assert deficit_of["AG020"] == pytest.approx(float(D(rows["AG020"]["total"])))


def test_contact_stages_are_rates_of_the_stage_before(on_sample: Path) -> None:
    from dashboard.engine.kpi_common import Filters
    from dashboard.ui import charts, reads

    window = ("--from", "2026-10-01", "--to", "2026-10-31")
    row = next(r for r in cli(on_sample, "agents", *window) if r["agent_id"] == "AG006")
    contacts, rpc = int(row["contacts"]), int(row["right_party_contacts"])
    promises, kept = int(row["promises"]), int(row["promises_kept"])
    expected = [rpc / contacts, promises / rpc, kept / promises]

    agents = reads.report(
        "agents", Filters(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))
    )
    engine_row = next(r for r in agents.to_pylist() if r["agent_id"] == "AG006")
    fig = charts.stage_rates(engine_row, "t")
    stages = _trace(fig, "stages")
    assert list(stages.x) == pytest.approx(expected)
    assert stages.type == "bar" and all(0 <= x <= 1 for x in stages.x)
    assert f"{kept:,} / {promises:,}" in " ".join(stages.text)
    # paying accounts is no stage (not a subset of kept promises): not among the bars
    assert len(stages.x) == 3
    assert not any(d.type == "funnel" for d in fig.data)


def test_vintage_highlights_the_latest_and_the_best_and_worst(on_sample: Path) -> None:
    from dashboard.engine.kpi_common import Filters
    from dashboard.ui import charts, reads

    vintage = reads.report("vintage", Filters(as_of=date(2026, 10, 31)))
    rows = vintage.to_pylist()
    cohorts = sorted({r["placement_month"] for r in rows})
    assert len(cohorts) >= 15
    fig = charts.vintage_curves(vintage, "t")
    lines = [d for d in fig.data if d.type == "scatter"]
    shown = [d for d in lines if d.meta != "other"]
    grey = [d for d in lines if d.meta == "other"]
    assert 3 <= len(shown) <= 5, [d.name for d in shown]
    legend = [d for d in lines if d.showlegend is not False]
    assert len(legend) == len(shown) + 1  # one entry for the grey rest: a legend that fits
    assert {d.name for d in shown} >= set(cohorts[-3:])
    assert len(grey) == len(cohorts) - len(shown)
    assert len({d.line.color for d in grey}) == 1  # the rest greyed, one colour
    # best and worst at the age most cohorts reached, computed here from the report rows
    ages: dict[int, list[tuple[Decimal, str]]] = {}
    for r in rows:
        k, rate = r["months_since_placement"], r["recovery_rate"]
        ages.setdefault(k, []).append((rate, r["placement_month"]))
    half = (len(cohorts) + 1) // 2
    age = max(k for k, v in ages.items() if len(v) >= half)
    best, worst = max(ages[age])[1], min(ages[age])[1]
    assert {best, worst} <= {d.name for d in shown}


def test_a_vintage_cohort_of_one_point_is_a_marker_even_when_grey() -> None:
    """A line of one point draws nothing (issue 10: the newest cohort was invisible). Here
    five cohorts, the oldest with one point only (its later months missing): it is not among
    the highlighted (the latest three; best and worst at month 1 are 2026-05 and 2026-06), so
    it is grey, and it is drawn as a marker."""
    from dashboard.ui import charts

    rows = [  # (placement month, months since placement, recovery rate)
        ("2026-04", 0, "0.01"),
        ("2026-05", 0, "0.02"), ("2026-05", 1, "0.09"),
        ("2026-06", 0, "0.01"), ("2026-06", 1, "0.03"),
        ("2026-07", 0, "0.02"), ("2026-07", 1, "0.05"),
        ("2026-08", 0, "0.02"),
    ]  # fmt: skip
    table = pa.table(
        {
            "placement_month": [r[0] for r in rows],
            "months_since_placement": pa.array([r[1] for r in rows], pa.int64()),
            "recovery_rate": pa.array([D(r[2]) for r in rows], pa.decimal128(18, 6)),
        }
    )
    fig = charts.vintage_curves(table, "t")
    alone = {d.hovertext[0].split(" +")[0]: d for d in fig.data if len(d.x) == 1}
    assert set(alone) == {"2026-04", "2026-08"}
    assert alone["2026-04"].meta == "other"  # grey
    for d in alone.values():
        assert "markers" in d.mode and d.marker.size >= 8
    assert fig.layout.xaxis.range[0] < 0  # a point on month 0 is not cut by the axis' edge


# ------------------------------------------------------------------------------ cards


def test_cards_show_compact_money_with_the_exact_value_on_hover(on_sample: Path) -> None:
    kpis = cli(on_sample, "kpis")[0]  # the current window's row
    assert kpis["period"] == "current"
    for lang, short in (("English", "¥34.8M"), ("中文", "¥3,477.6万")):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        label = "Open balance" if lang == "English" else "在催余额"
        card = next(m for m in at.metric if m.label == label)
        assert card.value == short
        exact = D(kpis["open_balance"])
        assert f"¥{exact:,.2f}" in card.proto.help  # the exact value on hover
