"""Every page of the app, through Streamlit's AppTest: on the sample data and on an empty
database, in English and Chinese; the sidebar filters change the numbers shown (checked against
numbers computed from the CSV files with pandas, not by the engine); a busy database gives a
message, not a traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.e2e.sample import bucket_counts, money, net_collected

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ("overview", "delinquency", "recovery", "agents", "compliance", "payouts", "data")
TITLES = {
    "overview": ("Overview", "总览"),
    "delinquency": ("Delinquency", "逾期分析"),
    "recovery": ("Recovery", "回收分析"),
    "agents": ("Agents", "催收员"),
    "compliance": ("Compliance", "合规"),
    "payouts": ("Payouts", "佣金"),
    "data": ("Data", "数据"),
}


@pytest.fixture
def on_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def open_page(page: str, query: dict[str, object] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metric(at: AppTest, label: str) -> str:
    """A card's value; for money, the exact value its hover text gives (the card is compact)."""
    card = next(m for m in at.metric if m.label == label)
    exact = re.search(r"[+-]?¥[\d,]+\.\d{2}", card.proto.help or "")
    return exact.group(0) if exact else str(card.value)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_sample(on_sample: Path, page: str) -> None:
    at = open_page(page)
    assert_clean(at)
    assert at.title[0].value == TITLES[page][0]
    assert not at.warning, [w.value for w in at.warning]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_chinese(on_sample: Path, page: str) -> None:
    at = open_page(page, {"lang": "中文"})
    assert_clean(at)
    assert at.title[0].value == TITLES[page][1]


@pytest.mark.parametrize("page", PAGES)
def test_page_on_an_empty_database_offers_the_welcome(on_empty: Path, page: str) -> None:
    at = open_page(page)
    assert_clean(at)
    if page == "data":
        assert any("Nothing imported yet" in c.value for c in at.caption)
    else:
        assert at.subheader[0].value == "Welcome: the database is empty"
        assert [b.label for b in at.button] == ["Load sample data"]


def test_chinese_is_the_default_for_a_chinese_browser(on_sample: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["locale"] = "zh-CN"
    at.run()
    assert at.title[0].value == "总览"
    assert metric(at, "净回收金额") == money(net_collected(date(2026, 10, 1), date(2026, 10, 31)))


def test_headline_collected_matches_the_csv_and_follows_the_filters(on_sample: Path) -> None:
    at = open_page("overview")
    october = net_collected(date(2026, 10, 1), date(2026, 10, 31))
    assert metric(at, "Net collected") == money(october)

    at.sidebar.multiselect(key="portfolio").set_value(["BANK_B_CARD"]).run()
    b_only = net_collected(date(2026, 10, 1), date(2026, 10, 31), "BANK_B_CARD")
    assert b_only < october
    assert metric(at, "Net collected") == money(b_only)

    at.sidebar.selectbox(key="range").set_value("custom").run()  # From/To: the Custom range
    at.sidebar.date_input(key="from").set_value(date(2026, 9, 1)).run()
    two_months = net_collected(date(2026, 9, 1), date(2026, 10, 31), "BANK_B_CARD")
    assert metric(at, "Net collected") == money(two_months)
    assert_clean(at)


def test_a_bookmarked_url_opens_the_same_view(on_sample: Path) -> None:
    query = {"from": "2026-08-01", "to": "2026-08-31", "portfolio": "BANK_A_CARD"}
    at = open_page("overview", query)
    expected = net_collected(date(2026, 8, 1), date(2026, 8, 31), "BANK_A_CARD")
    assert metric(at, "Net collected") == money(expected)
    assert at.sidebar.multiselect(key="portfolio").value == ["BANK_A_CARD"]


def test_bucket_table_follows_snapshot_and_portfolio(on_sample: Path) -> None:
    at = open_page("delinquency", {"snapshot": "2026-06-30", "portfolio": "BANK_C_CONSUMER"})
    assert_clean(at)
    shown = at.dataframe[0].value
    got = dict(zip(shown["bucket"], shown["accounts"].astype(int), strict=True))
    assert got == bucket_counts(date(2026, 6, 30), "BANK_C_CONSUMER")
    assert set(shown["as_of_date"].astype(str)) == {"2026-06-30"}


def test_an_inverted_window_is_refused_with_a_message(on_sample: Path) -> None:
    at = open_page("overview", {"from": "2026-10-31", "to": "2026-10-01"})
    assert not at.exception
    assert any("starts (2026-10-31) after it ends" in e.value for e in at.sidebar.error)
    assert not at.metric


def test_a_busy_database_shows_a_message(on_sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_BUSY_TIMEOUT", "0.5")
    code = (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
        "print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(on_sample)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        at = open_page("overview")
        assert time.monotonic() - started < 30
        assert not at.exception
        assert any("database is busy" in w.value for w in at.warning)
    finally:
        holder.kill()
        holder.wait()
    at.run()
    assert_clean(at)
    assert at.metric


def test_compliance_tables_list_the_agents_with_violations_first(on_sample: Path) -> None:
    """Issue 10's screenshots: the per-agent table listed AG001.. by id, all with 0 violations,
    and the three agents who broke a rule sat below the table's fold. Violations first, most
    first (ties by agent id): the order is checked on the rows, whatever the counts are."""
    at = open_page("compliance")
    assert_clean(at)
    frames = [d.value for d in at.dataframe if "violations" in d.value.columns]
    assert len(frames) >= 2, [list(d.value.columns) for d in at.dataframe]
    for frame in frames[:2]:  # per agent, then per agent and rule
        rows = list(zip(frame["violations"], frame["agent_id"], strict=True))
        assert rows[0][0] > 0, rows[:3]  # the sample has violations in its last month
        assert rows == sorted(rows, key=lambda r: (-r[0], r[1])), rows
