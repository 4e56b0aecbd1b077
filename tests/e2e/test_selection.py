"""Selections that never lie, in a real browser (issue 10): what a selector shows is what the
figures beside it use, every figure on a page follows the page's filters, an invalid window
blanks only the pages that need it, Reset puts controls and figures back together, and a
shared link restores a page-level choice.

Expected numbers come from the sample CSV files through plain pandas (``credited_payments``,
``roll_cell_count``: domain.md's rules written out again, never the engine) or from the
command line's ``report``; what the user sees is read from the page: the selector's text,
chart titles and the values Plotly drew, metrics, captions, download names.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboard.paths import SAMPLE_DATA
from tests.e2e import browse
from tests.e2e.browse import open_page, settle
from tests.e2e.sample import (
    BUCKET_MIN,
    CLOSED,
    accounts,
    compact,
    credited_payments,
    latest_portfolio,
    money,
    net_collected,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[2]
CHARTS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
  .map(g => ({
    title: (g.layout && g.layout.title && g.layout.title.text || '').replace(/<[^>]*>/g, ''),
    data: (g._fullData || []).map(d => ({
      type: d.type, name: d.name,
      x: d.x ? Array.from(d.x) : null, y: d.y ? Array.from(d.y) : null,
      labels: d.labels ? Array.from(d.labels) : null,
      values: d.values ? Array.from(d.values) : null})),
  }))"""
WARNING = "created with a default value but also had its value set"


# ----------------------------------------------------------------------------- the browser


def area(page: Any, where: str) -> Any:
    return page.locator(f'[data-testid="{where}"]')


def selectbox(page: Any, label: str, where: str = "stMain") -> Any:
    inputs = area(page, where).locator(f'[data-testid="stSelectbox"] input[aria-label="{label}"]')
    return inputs.last


def shown(page: Any, label: str, where: str = "stMain") -> str:
    """The text a selectbox shows."""
    return str(selectbox(page, label, where).input_value())


def choose(page: Any, label: str, option: str, where: str = "stMain") -> None:
    """Open a selectbox, type to filter, click the option whose text starts with ``option``."""
    box = (
        area(page, where)
        .locator('[data-testid="stSelectbox"]')
        .filter(has=page.locator(f'input[aria-label="{label}"]'))
    )
    box.last.scroll_into_view_if_needed()
    box.last.click()
    box.last.locator("input").fill(option)
    page.get_by_role("option", name=re.compile("^" + re.escape(option))).first.click()
    settle(page)


def pick_multi(page: Any, label: str, option: str) -> None:
    box = area(page, "stSidebar").locator('[data-testid="stMultiSelect"]').filter(has_text=label)
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # a click that lands while the page redraws only focuses the box
        box.first.click()
        try:
            wanted.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
            settle(page)
    wanted.click()
    page.keyboard.press("Escape")
    settle(page)


def type_date(page: Any, label: str, day: date) -> None:
    """Type a date into a date input's year, month and day fields, then leave the field."""
    page.get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(f"{day:%Y%m%d}")
    page.keyboard.press("Enter")
    area(page, "stMain").locator("h1").first.click()
    settle(page)


def custom_window(page: Any) -> None:
    """Open the From/To fields: choose the Custom range where the app has range presets."""
    if selectbox(page, "Date range", "stSidebar").count():
        choose(page, "Date range", "Custom", "stSidebar")


def set_window(page: Any, start: date, end: date) -> None:
    custom_window(page)
    type_date(page, "From", start)
    type_date(page, "To", end)


def go(page: Any, title: str) -> None:
    area(page, "stSidebarNav").get_by_role("link", name=title).click()
    settle(page)


def invalidate_window(page: Any, where: str | None = None) -> None:
    """'To' before 'From': From moves past the window's end (on page ``where`` when given,
    then back: a page that does not use the window may not offer it)."""
    if where:
        back = str(area(page, "stMain").locator("h1").first.inner_text())
        go(page, where)
    custom_window(page)
    type_date(page, "From", date(2026, 11, 15))
    if where:
        go(page, back)


def reset(page: Any) -> None:
    area(page, "stSidebar").get_by_role("button", name="Reset filters").click()
    settle(page)


def charts(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate(CHARTS))


def chart(page: Any, title_start: str) -> dict[str, Any]:
    found = [c for c in charts(page) if c["title"].startswith(title_start)]
    assert found, [c["title"] for c in charts(page)]
    return found[0]


def metric_value(page: Any, label: str) -> str:
    box = area(page, "stMain").locator('[data-testid="stMetric"]', has_text=label).first
    return str(box.locator('[data-testid="stMetricValue"]').inner_text()).strip()


def main_text(page: Any) -> str:
    return str(area(page, "stMain").inner_text())


def agent_of(text: str) -> str:
    found = re.search(r"AG\d{3}", text)
    assert found, text
    return found.group(0)


# ----------------------------------------------------------------------- independent numbers


def collected_by(agent: str, start: date, end: date, portfolio: str | None = None) -> Decimal:
    pay = credited_payments()
    keep = pay[(pay["agent"] == agent) & (pay["payment_date"] >= start)]
    keep = keep[keep["payment_date"] <= end]
    if portfolio:
        keep = keep[keep["portfolio"] == portfolio]
    return sum((Decimal(a) for a in keep["amount"]), Decimal("0.00"))


def contacts_by_channel(agent: str, start: date, end: date, portfolio: str) -> dict[str, int]:
    con = pd.read_csv(SAMPLE_DATA / "contacts.csv", dtype=str, keep_default_na=False)
    day = pd.to_datetime(con["contacted_at"]).dt.date
    owner = latest_portfolio()
    keep = con[(con["agent_id"] == agent) & (day >= start) & (day <= end)]
    keep = keep[keep["account_id"].map(owner) == portfolio]
    return {str(k): int(v) for k, v in keep["channel"].value_counts().items()}


def state_of(row: Any) -> str:
    if row["status"] in CLOSED or row["current_balance"] == 0:
        return "Closed"
    return [b for b, lo in BUCKET_MIN.items() if row["days_past_due"] >= lo][-1]


def roll_cell_count(s0: date, s1: date, from_bucket: str, to_state: str) -> int:
    """Accounts open in s0 in ``from_bucket`` whose state in s1 is ``to_state`` (a bucket,
    Closed, or Missing when absent from s1)."""
    df = accounts()
    before = {r["account_id"]: state_of(r) for _, r in df[df["as_of_date"] == s0].iterrows()}
    after = {r["account_id"]: state_of(r) for _, r in df[df["as_of_date"] == s1].iterrows()}
    return sum(
        1
        for account, state in before.items()
        if state == from_bucket and after.get(account, "Missing") == to_state
    )


def cli_payouts(app_db: Path, period: str) -> dict[str, dict[str, str]]:
    """The command line's payouts for a period, on the pristine sample database."""
    pristine = app_db.parent / "sample.duckdb"
    env = {**os.environ, "DASHBOARD_DB": str(pristine)}
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", "report", "payouts", "--period", period,
         "--format", "csv"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {r["agent_id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}


def statement_figure(page: Any, name: str) -> str:
    """A line of the statement's figures table (Figure | Value)."""
    row = (
        area(page, "stMain")
        .locator("table tr")
        .filter(has=page.locator("td", has_text=re.compile(f"^{re.escape(name)}$")))
    )
    return str(row.first.locator("td").last.inner_text()).strip()


# ----------------------------------------------------------------------------- the defects


def test_agents_reset_keeps_the_selector_and_the_figures_together(page: Any, app_url: str) -> None:
    open_page(page, f"{app_url}/agents")
    choose(page, "Agent", "AG006")
    assert shown(page, "Agent").startswith("AG006")
    assert chart(page, "Net collected per month")["title"].endswith("AG006")
    invalidate_window(page)
    reset(page)
    selected = agent_of(shown(page, "Agent"))
    title = chart(page, "Net collected per month")["title"]
    assert agent_of(title) == selected, (shown(page, "Agent"), title)


def test_payouts_reset_keeps_the_statement_agent_and_its_figures_together(
    page: Any, app_url: str, app_db: Path
) -> None:
    open_page(page, f"{app_url}/payouts")
    choose(page, "Period (month)", "2026-10")
    choose(page, "Agent", "AG006")
    invalidate_window(page, "Overview")
    reset(page)
    selected = agent_of(shown(page, "Agent"))
    with page.expect_download() as download:
        area(page, "stMain").get_by_role("button", name="Statement (HTML)").click()
    assert download.value.suggested_filename == f"statement_2026-10_{selected}.html"
    expected = cli_payouts(app_db, "2026-10")[selected]
    assert statement_figure(page, "Basis (net credited)") == money(Decimal(expected["basis"]))
    assert statement_figure(page, "Payout") == money(Decimal(expected["payout"]))


def test_delinquency_reset_keeps_the_drill_cell_and_its_accounts_together(
    page: Any, app_url: str
) -> None:
    open_page(page, f"{app_url}/delinquency")
    choose(page, "From bucket", "M1")
    choose(page, "State in next snapshot", "M2")
    invalidate_window(page)
    reset(page)
    b0 = shown(page, "From bucket").split()[0]
    s1 = shown(page, "State in next snapshot").split()[0]
    n = roll_cell_count(date(2026, 9, 30), date(2026, 10, 31), b0, s1)
    caption = area(page, "stMain").get_by_text("accounts (personal data masked)").inner_text()
    assert caption.startswith(f"{n:,} accounts"), (b0, s1, caption)


def test_one_agent_figures_follow_the_portfolio_and_the_window(page: Any, app_url: str) -> None:
    start, end = date(2026, 7, 1), date(2026, 10, 31)
    open_page(page, f"{app_url}/agents")
    pick_multi(page, "Portfolio", "BANK_B_CARD")
    set_window(page, start, end)
    choose(page, "Agent", "AG006")
    expected = collected_by("AG006", start, end, "BANK_B_CARD")
    assert expected == Decimal("9615.59")  # the figure, computed here from the CSVs

    board = chart(page, "Leaderboard")["data"][0]
    on_board = dict(zip(board["y"], board["x"], strict=True))["AG006"]
    assert abs(Decimal(str(on_board)) - expected) < Decimal("0.005")
    trend = chart(page, "Net collected per month")["data"]
    drawn = sum(Decimal(str(v)) for trace in trend for v in trace["y"])
    assert abs(drawn - expected) < Decimal("0.005"), (drawn, expected)
    months = {str(x)[:7] for trace in trend for x in trace["x"]}
    assert months <= {"2026-07", "2026-08", "2026-09", "2026-10"}, months

    pie = chart(page, "Contacts by channel")["data"][0]
    channel_names = {"SMS": "sms", "e-mail": "email"}
    drawn_mix = {
        channel_names.get(lbl, lbl): int(v)
        for lbl, v in zip(pie["labels"], pie["values"], strict=True)
    }
    assert drawn_mix == contacts_by_channel("AG006", start, end, "BANK_B_CARD")


def test_an_invalid_window_leaves_payouts_and_data_working(page: Any, app_url: str) -> None:
    open_page(page, app_url)
    invalidate_window(page)
    # a page that needs the window says why it has no figures
    assert "after it ends" in main_text(page)
    assert "Fix the filters" not in main_text(page)
    for title in ("Payouts", "Data"):
        go(page, title)
        assert "2026-11-15" in str(page.url)  # the window travels with the page
        sidebar = area(page, "stSidebar")  # and is explained next to the control
        assert sidebar.get_by_text("starts (2026-11-15) after it ends", exact=False).count() == 1
        text = main_text(page)
        assert "Fix the filters" not in text
        if title == "Payouts":
            metrics = area(page, "stMain").locator('[data-testid="stMetric"]')
            assert metrics.filter(has_text="Total payout").count() == 1
            assert shown(page, "Period (month)")
        else:
            assert "Import history" in text
            assert area(page, "stMain").locator('[data-testid="stFileUploaderDropzone"]').count()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_snapshot_follows_the_window_end(page: Any, app_url: str) -> None:
    open_page(page, app_url)
    set_window(page, date(2026, 8, 1), date(2026, 8, 31))
    assert "balances as of the snapshot 2026-08-31" in main_text(page)
    assert "2026-08-31" in shown(page, "Snapshot", "stSidebar")
    area(page, "stSidebarNav").get_by_role("link", name="Delinquency").click()
    settle(page)
    assert chart(page, "Delinquency buckets on")["title"].endswith("2026-08-31")
    assert "2026-08-31" in shown(page, "Snapshot", "stSidebar")


def test_payouts_follow_the_agent_filter_it_shows(page: Any, app_url: str) -> None:
    open_page(page, f"{app_url}/payouts")
    pick_multi(page, "Agent", "AG006")
    box = (
        area(page, "stMain")
        .locator('[data-testid="stSelectbox"]')
        .filter(has=page.locator('input[aria-label="Agent"]'))
    )
    box.last.scroll_into_view_if_needed()
    box.last.click()
    box.last.locator("input").fill("AG")
    page.get_by_role("option").first.wait_for()
    offered = [o.inner_text() for o in page.get_by_role("option").all()]
    page.keyboard.press("Escape")
    assert [agent_of(o) for o in offered] == ["AG006"], offered
    assert shown(page, "Agent").startswith("AG006")

    # The portfolio does not apply to a payout: greyed out, says so, does not open.
    portfolio = (
        area(page, "stSidebar")
        .locator('[data-testid="stMultiSelect"]')
        .filter(has_text="Portfolio")
    )
    group = (
        area(page, "stSidebar")
        .locator("div")
        .filter(has=page.locator('[data-testid="stMultiSelect"]', has_text="Portfolio"))
        .filter(has_text="Not used on this page.")
    )
    assert group.count() >= 1
    opacity = portfolio.first.evaluate(
        "e => Math.min(...[...function* up(n) { while (n) { yield n; n = n.parentElement } }(e)]"
        ".map(n => Number(getComputedStyle(n).opacity)))"
    )
    assert opacity < 0.6, opacity
    portfolio.first.click(force=True)
    browse.frames(page, 10)  # a list that opens is drawn in the next frame
    assert page.get_by_role("option", name="BANK_B_CARD", exact=True).count() == 0


def test_a_shared_link_restores_the_page_choices(page: Any, app_url: str) -> None:
    open_page(page, f"{app_url}/agents")
    choose(page, "Sort by", "Kept rate")
    choose(page, "Agent", "AG006")
    link = str(page.url)
    other = browse.new_context(page.context.browser, viewport={"width": 1440, "height": 900})
    try:
        again = browse.new_page(other)
        open_page(again, link)
        assert shown(again, "Agent").startswith("AG006")
        assert chart(again, "Net collected per month")["title"].endswith("AG006")
        assert shown(again, "Sort by") == "Kept rate"
        assert chart(again, "Leaderboard")["title"].endswith("Kept rate")
    finally:
        other.close()

    open_page(page, f"{app_url}/payouts")
    choose(page, "Period (month)", "2026-08")
    choose(page, "Agent", "AG006")
    link = str(page.url)
    other = browse.new_context(page.context.browser, viewport={"width": 1440, "height": 900})
    try:
        again = browse.new_page(other)
        open_page(again, link)
        assert shown(again, "Period (month)") == "2026-08"
        assert shown(again, "Agent").startswith("AG006")
    finally:
        other.close()


def test_a_custom_range_starts_from_the_preset_and_travels_in_the_link(
    page: Any, app_url: str
) -> None:
    open_page(page, app_url)
    choose(page, "Date range", "Last month", "stSidebar")
    september = compact(net_collected(date(2026, 9, 1), date(2026, 9, 30)))
    assert metric_value(page, "Net collected") == september
    choose(page, "Date range", "Custom", "stSidebar")  # From/To show the window on screen
    assert metric_value(page, "Net collected") == september
    link = str(page.url)
    assert "from=2026-09-01" in link and "to=2026-09-30" in link, link
    other = browse.new_context(page.context.browser, viewport={"width": 1440, "height": 900})
    try:
        again = browse.new_page(other)
        open_page(again, link)
        assert metric_value(again, "Net collected") == september
    finally:
        other.close()


def test_reset_logs_no_default_value_warning(page: Any, app_url: str, artifacts: Path) -> None:
    open_page(page, f"{app_url}/agents")
    pick_multi(page, "Portfolio", "BANK_A_CARD")
    set_window(page, date(2026, 9, 1), date(2026, 10, 31))
    reset(page)
    log = (artifacts / "streamlit.log").read_text(encoding="utf-8", errors="replace")
    assert WARNING not in log, log[log.find(WARNING) - 200 : log.find(WARNING) + 200]
