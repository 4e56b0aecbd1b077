"""Numbers written alike and charts that do not mislead, in a real browser (issue 10).

- Formats agree: "¥-3,973.00" in tables vs "-¥217,289.83" in cards; "68%" beside "44.44%"; a
  task level shown as "20.00". Now money has its sign before the symbol in cards and before
  the digits in tables (whose header carries the symbol), every rate one decimal, a task
  level is a count of tasks.
- Charts that mislead: payout bars showed the pre-cap total (AG006 ~9,100 under a 5,000
  payout); the contact "funnel" widened at its last stage; 18 vintage cohorts in one scale
  with a scrolling legend; the trend did not show the window. Now the paid part is drawn up to
  the cap with the cut above it hatched, the contact path is three stage rates (each at most
  100 %), a few cohorts are coloured and the rest grey, the window is shaded on the trend.

What the user sees is read from the page: card texts, the cells the tables paint
(browse.INIT), the Plotly figures as drawn (``_fullData``, ``calcdata`` for where a stacked
bar starts). Expected values come from the sample CSV files through plain pandas
(tests/e2e/sample.py), from the plan file (the cap), from the command line's payouts report, or
are written out by hand.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboard.paths import SAMPLE_DATA
from tests.e2e import browse
from tests.e2e.browse import main, open_page, plot, trace
from tests.e2e.sample import (
    compact,
    contact_stages,
    net_collected,
    percent,
    placement_months,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[2]
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
CAP = Decimal("5000")  # sample_data/plans.yaml: the ladder plan's cap
PAYOUTS = "/payouts?pay_period=2026-10&pay_agent=AG006"
GREY = "rgba(127, 140, 141"  # the colour of what is not highlighted (ui/style.py's OTHER)


@pytest.fixture(scope="session")  # per worker: modules of other files may run between its tests
def shown(browser: Any, app_url: str) -> Iterator[Callable[[str], Any]]:
    """A page of the app opened once for this module's tests, which only read it."""
    context = browse.new_context(browser, viewport={"width": 1440, "height": 900})
    pages: dict[str, Any] = {}

    def get(path: str) -> Any:
        if path not in pages:
            pages[path] = browse.new_page(context)
            open_page(pages[path], app_url + path)
        pages[path].bring_to_front()  # a page in the background paints nothing
        return pages[path]

    yield get
    context.close()


def cli_payouts(app_db: Path, period: str) -> dict[str, dict[str, str]]:
    env = {**os.environ, "DASHBOARD_DB": str(app_db.parent / "sample.duckdb")}
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", "report", "payouts", "--period", period,
         "--format", "csv"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {r["agent_id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}


def card(page: Any, label: str) -> tuple[str, str]:
    """(value, delta) of a card."""
    box = main(page).locator('[data-testid="stMetric"]', has_text=label).first
    value = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
    delta = box.locator('[data-testid="stMetricDelta"]')
    return str(value), str(delta.inner_text()).strip() if delta.count() else ""


def figure_line(page: Any, name: str) -> str:
    """A line of the statement's figures table (Figure | Value)."""
    row = (
        main(page)
        .locator("table tr")
        .filter(has=page.locator("td", has_text=re.compile(f"^{re.escape(name)}$")))
    )
    return str(row.first.locator("td").last.inner_text()).strip()


def every_text(page: Any) -> list[str]:
    """What a page writes: its visible text, every painted cell, the charts' labels (not
    their axis ticks: round values, "20%")."""
    cells = [c for i in range(browse.grids(page).count())
             for c in browse.painted(page, browse.grids(page).nth(i))]  # fmt: skip
    return [browse.main_text(page, charts=False), *cells, *browse.plot_texts(page)]


def grid_with(page: Any, header: str) -> Any:
    frames = browse.grids(page)
    for i in range(frames.count()):
        if any(h.startswith(header) for h in browse.headers(frames.nth(i))):
            return frames.nth(i)
    raise AssertionError(f"no table with a column {header!r}")


def table_cells(page: Any, grid: Any) -> dict[str, dict[str, str]]:
    """First cell -> (header -> value) of every row in view, every column: the grid scrolled
    across by half its width at a time (pinned columns stay), its accessibility table read
    at each step (the values as the grid holds them: a text column's own text)."""
    width, view = grid.evaluate(
        "d => [d.querySelector('.dvn-scroller').scrollWidth,"
        " d.querySelector('.dvn-scroller').clientWidth]"
    )
    cells: dict[str, dict[str, str]] = {}
    for left in range(0, int(width) + 1, max(int(view / 2), 1)):
        browse.scroll_grid(page, grid, left, 0)
        rows = grid.evaluate(
            "d => [...d.querySelectorAll('tr')].map(r => [...r.children].map(c => c.textContent))"
        )
        for row in rows[1:]:
            if row:
                cells.setdefault(row[0], {}).update(zip(rows[0], row, strict=False))
    return cells


# ------------------------------------------------------------------------------ formats


def test_money_has_its_sign_before_the_symbol_in_cards_and_tables(shown: Any) -> None:
    page = shown("/?range=last_month")
    september = net_collected(date(2026, 9, 1), date(2026, 9, 30))
    change = september - net_collected(date(2026, 8, 1), date(2026, 8, 31))
    assert change == Decimal("-118741.00")  # September collected less than August
    assert card(page, "Net collected") == (compact(september), "-¥118.7K")
    texts = every_text(page)

    page = shown(PAYOUTS)
    lines = grid_with(page, "Amount (¥)")  # the symbol in the header
    reversal = pd.read_csv(SAMPLE_DATA / "payments.csv", dtype=str)
    amount = Decimal(reversal.set_index("payment_id").loc["P0001227-002", "amount"])
    assert amount == Decimal("-6230.00")  # AG006's reversal in 2026-10
    # the sign before the digits (the grid scrolled through: wrapped reasons, taller rows)
    assert "-6,230.00" in browse.all_painted(page, lines)
    assert figure_line(page, "Total") == "¥9,144.85"
    assert figure_line(page, "Payout") == "¥5,000.00"
    texts += every_text(page)
    assert not [t for t in texts if "¥-" in t], [t for t in texts if "¥-" in t][:3]


def test_rates_have_one_decimal_everywhere(shown: Any) -> None:
    page = shown("/")
    top, bottom = browse.grids(page).nth(0), browse.grids(page).nth(1)
    _, _, promises, kept = contact_stages("AG006", *OCTOBER)
    assert (promises, kept) == (25, 17)
    assert "68.0%" == percent(kept, promises)
    assert "68.0%" in browse.painted(page, top)  # not "68%"
    _, _, promises, kept = contact_stages("AG017", *OCTOBER)
    assert percent(kept, promises) == "44.4%"
    assert "44.4%" in browse.painted(page, bottom)  # not "44.44%"
    found: list[str] = []
    for path in ("/", "/agents", "/recovery", "/delinquency"):
        found += browse.percents(every_text(shown(path)))
    assert len(found) > 50, found  # cards, tables and chart labels were read
    assert [p for p in found if not re.fullmatch(r"[-+]?\d[\d,]*\.\d%", p)] == []


def test_a_task_level_is_a_count_of_tasks(shown: Any, app_db: Path) -> None:
    page = shown(PAYOUTS)
    board = grid_with(page, "Payout (¥)")
    cells = table_cells(page, board)
    levels = {a: cells[a].get("Level from") for a in ("AG002", "AG006", "AG001")}
    rows = cli_payouts(app_db, "2026-10")
    # the ladder plan's levels start at 0, 10 and 20 tasks (plans.yaml)
    assert int(rows["AG006"]["tasks"]) >= 20 and 20 <= int(rows["AG002"]["tasks"]) < 30
    assert levels == {"AG002": "20 tasks", "AG006": "20 tasks", "AG001": "–"}, levels
    assert "20.00" not in browse.painted(page, board)


# ------------------------------------------------------------------------------- charts


def test_a_capped_payout_is_drawn_up_to_the_cap_and_the_cut_hatched(
    shown: Any, app_db: Path
) -> None:
    figure = plot(shown(PAYOUTS), "Payout per agent")
    rows = cli_payouts(app_db, "2026-10")
    paid, cut, cap = trace(figure, "paid"), trace(figure, "cut"), trace(figure, "cap")
    paid_of = dict(zip(paid["x"], paid["y"], strict=True))
    cut_of = dict(zip(cut["x"], cut["y"], strict=True))
    base_of = dict(zip(cut["x"], cut["base"], strict=True))
    assert set(paid_of) == set(rows)
    for agent, r in rows.items():
        assert paid_of[agent] == pytest.approx(float(r["payout"])), agent
        if r["cap_applied"] == "true":
            assert paid_of[agent] == pytest.approx(float(CAP)), agent  # the bar ends at the cap
            above = Decimal(r["total"]) - CAP
            assert cut_of[agent] == pytest.approx(float(above)), agent
            assert base_of[agent] == pytest.approx(float(CAP)), agent  # the cut sits on top
        else:
            assert cut_of[agent] == 0, agent
    assert rows["AG006"]["cap_applied"] == "true"
    assert cut_of["AG006"] == pytest.approx(4144.85)  # 9,144.85 - 5,000.00, by hand
    assert cut["pattern"] == "/"  # hatched: not paid
    assert paid["pattern"] in ("", None)
    assert set(cap["y"]) == {float(CAP)}  # the cap as a tick on every capped plan's agent
    assert "Above the cap: not paid" in [d["name"] for d in figure["data"]]


def test_contact_stages_are_rates_of_the_stage_before_not_a_funnel(shown: Any) -> None:
    page = shown("/agents?agents_pick=AG006")
    figure = plot(page, "Contact stages")
    assert [d["type"] for d in figure["data"]] == ["bar"], figure["data"]
    stages = trace(figure, "stages")
    contacts, right_party, promises, kept = contact_stages("AG006", *OCTOBER)
    expected = [right_party / contacts, promises / right_party, kept / promises]
    assert stages["x"] == pytest.approx(expected)
    assert all(0 <= x <= 1 for x in stages["x"])
    assert stages["y"] == ["Right party / contacts", "Promises / right party", "Kept / promises"]
    assert stages["text"] == [
        f"{percent(right_party, contacts)}  ({right_party} / {contacts})",
        f"{percent(promises, right_party)}  ({promises} / {right_party})",
        f"{percent(kept, promises)}  ({kept} / {promises})",
    ]
    # paying accounts beside the chart, never as a narrower last stage
    assert not any("aying" in str(y) for y in stages["y"])


# The vintage chart's traces of the chain-ladder forecast (lookahead_charts): the projected
# segments and the legend entry saying what dashed means; not cohorts of their own.
FORECAST = ("projection", "projected_key")


def test_a_few_vintage_cohorts_are_coloured_and_the_rest_grey(shown: Any) -> None:
    figure = plot(shown("/recovery"), "Vintage curves")
    lines = [d for d in figure["data"] if d["type"] == "scatter" and d["meta"] not in FORECAST]
    drawn = {str(d["hovertext"][0]).split(" +")[0] for d in lines}
    cohorts = placement_months(date(2026, 10, 31))
    assert drawn == set(cohorts) and len(cohorts) == 18
    coloured = [d for d in lines if not str(d["line_colour"]).startswith(GREY)]
    grey = [d for d in lines if str(d["line_colour"]).startswith(GREY)]
    assert 3 <= len(coloured) <= 5, [d["name"] for d in coloured]
    assert len({d["line_colour"] for d in coloured}) == len(coloured)  # told apart
    assert {d["name"] for d in coloured} >= set(cohorts[-3:])  # the latest three
    assert len(grey) == len(cohorts) - len(coloured)
    assert {d["name"] for d in grey} == {"other cohorts"}
    # one entry for the grey rest, one saying what the dashed projections are
    assert figure["legend_items"] == len(coloured) + 2
    assert [d["name"] for d in figure["data"] if d["meta"] == "projected_key"] == [
        "projected (dashed)"
    ]
    assert not [h for h in figure["legend_scroll"] if h > 0]  # the legend does not scroll


# Per cohort of a chart's scatter traces (not the forecast's): its line as drawn (the SVG path)
# and the boxes of its markers, with the plot area (markers outside it are cut by the axes' clip
# path).
DRAWN_COHORTS = """(title) => {
  const g = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => (g._fullLayout.title.text || '').replace(/<[^>]*>/g, '').startsWith(title));
  const a = g.querySelector('.draglayer .nsewdrag').getBoundingClientRect();
  return {area: [a.left, a.top, a.right, a.bottom],
    traces: [...g.querySelectorAll('.scatterlayer .trace')]
      .filter(tr => !['projection', 'projected_key'].includes(tr.__data__[0].trace.meta))
      .map(tr => {
      const t = tr.__data__[0].trace;
      const line = tr.querySelector('.js-line');
      return {cohort: String(t.hovertext[0]).split(' +')[0], points: t.x.length,
              line: line ? line.getAttribute('d') || '' : '',
              markers: [...tr.querySelectorAll('.points .point')].map(p => {
                const b = p.getBoundingClientRect();
                return [b.left, b.top, b.right, b.bottom]; })};
    })};
}"""


def test_every_vintage_cohort_shows_a_cohort_of_one_point_as_a_whole_marker(
    shown: Any,
) -> None:
    """The newest cohort (placed in October, one point as of 2026-10-31) was a line of one
    point, that is nothing but a 5-px marker half cut by the axis at month 0 (issue 10). Now
    every cohort shows: a line through its points, or a marker at least 8 px wide drawn whole
    inside the plot area."""
    page = shown("/recovery")
    drawn = page.evaluate(DRAWN_COHORTS, "Vintage curves")
    left, top, right, bottom = drawn["area"]
    cohorts = placement_months(date(2026, 10, 31))
    single = [t for t in drawn["traces"] if t["points"] == 1]
    assert {t["cohort"] for t in single} >= {cohorts[-1]}  # the sample's newest: one point
    invisible = []
    for t in drawn["traces"]:
        if t["points"] > 1 and "L" in t["line"]:
            continue
        whole = [
            m for m in t["markers"]
            if m[2] - m[0] >= 8 and m[0] >= left - 0.5 and m[2] <= right + 0.5
            and m[1] >= top - 0.5 and m[3] <= bottom + 0.5
        ]  # fmt: skip
        if not whole:
            invisible.append(t)
    assert not invisible, invisible
    assert {t["cohort"] for t in drawn["traces"]} == set(cohorts)


@pytest.mark.parametrize("path,title", [("/", "Net collected per month"),
                                        ("/recovery", "Collections over time")])  # fmt: skip
def test_the_trend_marks_the_chosen_window(shown: Any, path: str, title: str) -> None:
    page = shown(f"{path}?from=2026-07-01&to=2026-09-30")
    figure = plot(page, title)
    months = figure["categories"]
    assert months[-1] == "2026-09" and "2025-05" in months  # every month to the window's end
    (window,) = [s for s in figure["shapes"] if s["type"] == "rect"]
    inside = [m for i, m in enumerate(months) if window["x0"] < i < window["x1"]]
    assert inside == ["2026-07", "2026-08", "2026-09"]
    assert "chosen window" in figure["annotations"]
    # the last month's label is drawn whole, inside the chart
    clipped = page.evaluate(
        """(title) => {
          const g = [...document.querySelectorAll('.js-plotly-plot')]
            .find(g => (g._fullLayout.title.text || '').replace(/<[^>]*>/g, '')
              .startsWith(title));
          const box = g.getBoundingClientRect();
          const ticks = [...g.querySelectorAll('.xtick text')];
          const last = ticks[ticks.length - 1].getBoundingClientRect();
          return last.right > box.right || last.bottom > box.bottom;
        }""",
        title,
    )
    assert not clipped
