"""What is on screen, in a real browser (issue 10): at 1280x720 and 1440x900, in English and
Chinese, every page renders (its title, no exception, no error), shows its tables' key columns
without horizontal scrolling and its cards without a cut, the wide tables named in ``FIT``
(roll-rate drill-down, Compliance, the Payouts statement) with no column cut at all, and every
money axis in one unit with one number of decimals; the app makes no request to any host
but its own; a click on a roll-rate cell, a leaderboard bar or a leaderboard row drills down,
and the choice is in the URL.

One tour per screen size visits every page in both languages once (``tour``) and records what
these tests check: the title, exceptions and errors, the cards cut, every table's columns, the
requests the browser made, the seconds each page took; it leaves a screenshot of the viewport
of every page (``screen_<page>_<lang>_<width>.png``) and, at 1440 px, of the whole page
(``<page>_<lang>.png``) in tests/artifacts/, to be looked at.

How a table's columns are measured: Streamlit's dataframe is a canvas grid (glide-data-grid).
Its header cells exist in the DOM only as the grid's accessibility table *inside* the canvas
(no layout boxes), one ``th`` per column that is at least partly drawn, in display order. The
column borders are measured on the canvas itself: the grid draws a 1-px vertical line at the
right edge of every header cell, so the pixel row just below the top border of the header has
the header's background colour except at those lines. A column is fully on screen when its
right border is inside the canvas; the canvas itself must be inside the viewport. When the
grid's scroller is no wider than its view (``scrollWidth <= clientWidth``), every column is.

Expected numbers come from the command line's reports or from the sample CSV files through
plain pandas, and the compact card text is written out here by hand for the sample's values.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e import browse
from tests.e2e.browse import main, open_page, settle
from tests.e2e.sample import CLOSED, accounts

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((1280, 720), (1440, 900))
LANGS = {"en": "English", "zh": "中文"}
PAGES = ("", "delinquency", "recovery", "agents", "compliance", "payouts", "data")

# The key columns of each table a page shows, in the order of the tables on the page (the
# tables drawn on screen: one in a closed expander is not). Headers as a user reads them; a
# money column's header may carry the currency, " (¥)" or "（¥）".
K = {
    "agent": ("Agent", "催收员编号"),
    "name": ("Name", "姓名"),
    "team": ("Team", "团队"),
    "collected": ("Net collected", "净回收金额"),
    "paying": ("Paying accounts", "有还款账户数"),
    "contacts": ("Contacts", "联系次数"),
    "rpc_rate": ("Right-party rate", "本人接通率"),
    "promises": ("Promises", "承诺还款数"),
    "kept_rate": ("Kept rate", "承诺兑现率"),
    "bucket": ("Bucket", "逾期阶段"),
    "accounts": ("Accounts", "账户数"),
    "balance": ("Balance", "余额"),
    "share_accounts": ("Share of accounts", "账户占比"),
    "share_balance": ("Share of balance", "余额占比"),
    "from_bucket": ("From bucket", "起始阶段"),
    "to_state": ("State in next snapshot", "下一快照状态"),
    "share": ("Share", "占比"),
    "roll_forward": ("Roll-forward rate", "向前迁徙率"),
    "cure_rate": ("Cure rate", "治愈率"),
    "account": ("Account", "账号"),
    "current_balance": ("Balance", "当前余额"),
    "portfolio": ("Portfolio", "资产包"),
    "region": ("Region", "地区"),
    "recovery_rate": ("Recovery rate", "回收率"),
    "channel": ("Channel", "渠道"),
    "month": ("Month", "月份"),
    "violations": ("Violations", "违规次数"),
    "complaints": ("Complaints", "投诉"),
    "rule": ("Rule", "规则"),
    "contacted_at": ("Contacted at", "联系时间"),
    "why": ("Why", "违规说明"),
    "payout": ("Payout", "应发佣金"),
    "total": ("Total", "合计"),
    "cap_applied": ("Cap applied", "已封顶"),
    "status": ("Status", "状态"),
    "kind": ("Kind", "类型"),
    "payment_date": ("Payment date", "还款日期"),
    "amount": ("Amount", "金额"),
    "reason": ("Reason", "原因"),
    "next_balance": ("Balance next", "下期余额"),
    "outcome": ("Outcome", "结果"),
}
KEYS: dict[str, list[tuple[str, ...]]] = {
    "": [("agent", "name", "collected", "paying", "kept_rate")] * 2,  # top and bottom 5
    "delinquency": [
        ("bucket", "accounts", "balance", "share_accounts", "share_balance"),
        ("from_bucket", "roll_forward", "cure_rate"),
        ("from_bucket", "to_state", "accounts", "share"),
        ("account", "current_balance", "next_balance"),
    ],
    "recovery": [
        ("portfolio", "recovery_rate", "collected"),
        ("channel", "collected"),
        ("region", "recovery_rate", "collected"),
        ("month", "portfolio", "collected"),
    ],
    "agents": [
        ("agent", "name", "collected", "paying", "contacts", "rpc_rate", "promises", "kept_rate"),
        ("team", "collected", "rpc_rate", "kept_rate"),
    ],
    "compliance": [
        ("agent", "violations", "complaints"),
        ("agent", "rule", "violations"),
        ("agent", "rule", "contacted_at", "why", "outcome"),
    ],
    "payouts": [
        ("agent", "name", "payout", "total", "cap_applied", "status"),
        ("kind", "payment_date", "amount", "reason"),
    ],
    "data": [],
}
# The tables (by their place on the page, as in KEYS) that show every column they draw whole:
# no horizontal scrolling at all (issue 10: the roll-rate drill-down, the Compliance tables'
# 联系次数 / 结果 and the Payouts statement's Reason were cut at the right).
FIT = {"delinquency": {3}, "compliance": {0, 1, 2}, "payouts": {1}}

MEASURE = """(d) => {
  const c = d.querySelector('canvas');
  const sc = d.querySelector('.dvn-scroller');
  const box = c.getBoundingClientRect();
  const heads = [...d.querySelectorAll('[role=columnheader]')].map(h => h.textContent.trim());
  const dpr = window.devicePixelRatio || 1;
  const ctx = c.getContext('2d');
  const row = ctx.getImageData(0, Math.round(4 * dpr), c.width, 1).data;
  const colour = (x) => row.slice(4 * x, 4 * x + 4).join(',');
  const counts = {};
  for (let x = 0; x < c.width; x++) counts[colour(x)] = (counts[colour(x)] || 0) + 1;
  const bg = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
  const lines = [];
  for (let x = 1; x < c.width; x++)
    if (colour(x) !== bg && colour(x - 1) === bg) lines.push(x / dpr);
  return {heads, lines, width: c.width / dpr, left: box.left, right: box.right,
          sw: sc.scrollWidth, cw: sc.clientWidth, vw: window.innerWidth};
}"""


# A grid is ready to measure when its accessibility table lists its headers and the canvas shows
# their borders (or every column fits): a pickable grid is drawn again once its selection is set.
HEADER_PAINTED = f"""(d) => {{ const m = ({MEASURE})(d);
  return m.heads.length > 0 && (m.lines.length > 0 || m.sw <= m.cw + 1); }}"""

# ----------------------------------------------------------------------------- the browser


def url_of(app_url: str, path: str, lang: str, **query: str) -> str:
    params = {"lang": LANGS[lang], **query} if lang == "zh" else dict(query)
    q = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{app_url}/{path}" + (f"?{q}" if q else "")


def bare(header: str) -> str:
    """A header without the currency a money column may carry."""
    for cut in (" (", "（"):
        if cut in header:
            header = header.split(cut)[0]
    return header.strip()


def fully_visible(m: dict[str, Any]) -> list[str]:
    """The headers of the columns drawn whole, left to right (module doc)."""
    if m["sw"] <= m["cw"] + 1:
        return list(m["heads"])
    inside = [x for x in m["lines"] if x < m["width"] - 2]
    return list(m["heads"][: len(inside)])


def tables(page: Any) -> list[dict[str, Any]]:
    """Every table drawn on the page (scrolled into view so that the grid paints it)."""
    out = []
    frames = main(page).locator('[data-testid="stDataFrame"]')
    for i in range(frames.count()):
        frame = frames.nth(i)
        if not frame.is_visible():
            continue  # in a closed expander
        frame.scroll_into_view_if_needed()
        frame.locator("canvas").first.wait_for(timeout=20_000)
        try:  # the grid has painted its header: the column borders are on the canvas
            page.wait_for_function(
                HEADER_PAINTED,
                arg=frame.element_handle(),
                timeout=15_000,
            )
        except PlaywrightTimeout:
            pass  # measured as it is: the test says which table shows no whole column
        out.append(frame.evaluate(MEASURE))
    return out


def cut_cards(page: Any) -> list[str]:
    """The cards whose value text is wider than its box (shown cut, with an ellipsis)."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
              .filter(v => [v, ...v.querySelectorAll('*')]
                 .some(e => e.scrollWidth > e.clientWidth + 1))
              .map(v => v.innerText)"""
        )
    )


def card(page: Any, label: str) -> str:
    box = main(page).locator('[data-testid="stMetric"]', has_text=label).first
    return str(box.locator('[data-testid="stMetricValue"]').inner_text()).strip()


def cli(app_db: Path, *args: str) -> list[dict[str, str]]:
    pristine = app_db.parent / "sample.duckdb"
    env = {**os.environ, "DASHBOARD_DB": str(pristine)}
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", "report", *args, "--format", "csv"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return list(csv.DictReader(io.StringIO(out.stdout)))


# ------------------------------------------------------------------------ independent numbers


def open_balance(snapshot: str) -> Decimal:
    """Sum of current_balance of the accounts not Closed in one snapshot (domain.md)."""
    df = accounts()
    snap = df[df["as_of_date"].astype(str) == snapshot]
    keep = snap[~snap["status"].isin(CLOSED) & (snap["current_balance"] != 0)]
    return sum(keep["current_balance"], Decimal("0.00"))


def short(value: Decimal, lang: str) -> str:
    """Compact money for a value in the millions (en: M) / tens of thousands (zh: 万)."""
    unit, scale = ("M", Decimal(10) ** 6) if lang == "en" else ("万", Decimal(10) ** 4)
    n = (value / scale).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"¥{n:,}{unit}"


# ----------------------------------------------------------------------------- the tour


TITLES = {  # url path -> (English title, Chinese title)
    "": ("Overview", "总览"),
    "delinquency": ("Delinquency", "逾期分析"),
    "recovery": ("Recovery", "回收分析"),
    "agents": ("Agents", "催收员"),
    "compliance": ("Compliance", "合规"),
    "payouts": ("Payouts", "佣金"),
    "data": ("Data", "数据"),
}


@dataclass
class Visit:
    """What one page showed in one language at one size."""

    title: str
    seconds: float
    exceptions: int
    errors: int
    cut: list[str]
    tables: list[dict[str, Any]]
    open_balance: str | None
    axes: list[dict[str, Any]]


@dataclass
class Tour:
    visits: dict[tuple[str, str], Visit]  # (lang, path) -> what it showed
    requests: list[str]  # every URL the browser asked for, WebSockets included


@pytest.fixture(scope="session")  # per worker: modules of other files may run between its tests
def tour(browser: Any, app_url: str, artifacts: Path) -> Iterator[Callable[[int], Tour]]:
    """The tour at a screen width (module doc), made once per width when first asked for."""
    done: dict[int, Tour] = {}

    def at(width: int) -> Tour:
        if width in done:
            return done[width]
        size = {"width": width, "height": dict(SIZES)[width]}
        context = browse.new_context(browser, viewport=size)
        seen: list[str] = []
        context.on("request", lambda r: seen.append(r.url))
        visits: dict[tuple[str, str], Visit] = {}
        try:
            page = browse.new_page(context)
            page.on("websocket", lambda w: seen.append(w.url))
            for path in PAGES:
                for lang in LANGS:  # the same page in Chinese right after: its data cached
                    seconds = browse.open_page(page, url_of(app_url, path, lang))
                    name = path or "overview"
                    page.screenshot(path=str(artifacts / f"screen_{name}_{lang}_{width}.png"))
                    visits[(lang, path)] = Visit(
                        title=str(main(page).locator("h1").first.inner_text()),
                        seconds=round(seconds, 2),
                        exceptions=page.locator('[data-testid="stException"]').count(),
                        errors=page.locator('[data-testid="stAlertContentError"]').count(),
                        cut=cut_cards(page),
                        tables=tables(page),  # every table scrolled into view: lazy parts load
                        open_balance=card(page, OPEN_BALANCE[lang]) if not path else None,
                        axes=page.evaluate(AXES),
                    )
                    if width == 1440:
                        browse.screenshot(page, artifacts / f"{name}_{lang}.png")
        finally:
            context.close()
        done[width] = Tour(visits, seen)
        return done[width]

    yield at


OPEN_BALANCE = {"en": "Open balance", "zh": "在催余额"}

# The tick texts of every chart's axes, as drawn.
AXES = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
  .map(g => ({
    title: (g._fullLayout.title && g._fullLayout.title.text || '').replace(/<[^>]*>/g, ''),
    x: [...g.querySelectorAll('.xtick text')].map(t => t.textContent),
    y: [...g.querySelectorAll('.ytick text')].map(t => t.textContent),
  }))"""
MONEY_TICK = re.compile(r"^-?¥(?P<number>[\d,]+(?:\.(?P<decimals>\d+))?)(?P<unit>\D*)$")


def not_rendered(tour: Tour, width: int) -> list[str]:
    """Pages without their title, or with an exception or an error."""
    problems = []
    for (lang, path), v in tour.visits.items():
        title = TITLES[path][0 if lang == "en" else 1]
        if (v.title, v.exceptions, v.errors) != (title, 0, 0):
            problems.append(f"{path or 'overview'} {lang} {width}: does not render: {v}")
    return problems


def off_screen(tour: Tour, width: int) -> list[str]:
    """Cards cut, tables outside the viewport, key columns not drawn whole, a wrong card."""
    problems: list[str] = []
    for (lang, path), v in tour.visits.items():
        where = f"{path or 'overview'} {lang} {width}"
        if v.cut:
            problems.append(f"{where}: cards cut: {v.cut}")
        specs = KEYS[path]
        if len(v.tables) < len(specs):
            problems.append(f"{where}: {len(v.tables)} tables, expected {len(specs)}")
        for i, m in enumerate(v.tables):
            if m["right"] > m["vw"] + 1 or m["left"] < 0:
                problems.append(f"{where}: table {i} is outside the viewport: {m}")
            whole = [bare(h) for h in fully_visible(m)]
            if not whole:
                problems.append(f"{where}: table {i} shows no whole column")
            if i >= len(specs):
                continue
            if i in FIT.get(path, ()) and m["sw"] > m["cw"] + 1:
                cut = [bare(h) for h in m["heads"] if bare(h) not in whole]
                problems.append(
                    f"{where}: table {i} does not fit: {m['sw']} px of columns in {m['cw']} px,"
                    f" cut or off screen: {cut or 'the columns right of ' + str(whole[-1:])}"
                )
            wanted = [K[k][0 if lang == "en" else 1] for k in specs[i]]
            off = [w for w in wanted if w not in whole]
            if off:
                problems.append(f"{where}: table {i} cuts {off} (whole: {whole})")
        if v.open_balance is not None:  # the compact value of the exact figure, computed here
            expected = short(open_balance("2026-10-31"), lang)
            if v.open_balance != expected:
                problems.append(f"{where}: open balance {v.open_balance!r} != {expected!r}")
    return problems


def mixed_money_axes(tour: Tour, width: int) -> list[str]:
    """Money axes whose ticks are not written in one unit with one number of decimals
    (issue 10: "¥8,000" under "¥1万" on the Payouts chart in Chinese); zero is "¥0"."""
    problems = []
    for (lang, path), v in tour.visits.items():
        for chart in v.axes:
            for axis in ("x", "y"):
                ticks = [t for t in chart[axis] if "¥" in t]
                if not ticks:
                    continue
                parts = [MONEY_TICK.match(t.replace("\u2212", "-")) for t in ticks]
                styles = {
                    (m["unit"], len(m["decimals"] or "")) if m else ("?", t)
                    for m, t in zip(parts, ticks, strict=True)
                    if not m or m["number"] != "0"
                }
                if len(styles) > 1:
                    where = f"{path or 'overview'} {lang} {width}: {chart['title']!r} {axis}"
                    problems.append(f"{where}: ticks in more than one format: {ticks}")
    return problems


def outside_requests(tour: Tour, app_url: str) -> list[str]:
    """Requests to any host but the app's own."""
    own = urlparse(app_url).netloc
    if not tour.requests:
        return ["no request was seen at all: the listener is not working"]
    outside = sorted(
        {u for u in tour.requests if urlparse(u).scheme not in ("data", "blob", "about")}
        - {u for u in tour.requests if urlparse(u).netloc == own}
    )
    return [f"a request leaves the app's own host: {u}" for u in outside]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_page_renders_with_its_key_columns_on_screen_and_no_outside_request(
    tour: Callable[[int], Tour], artifacts: Path, app_url: str, size: tuple[int, int]
) -> None:
    """One test per screen size, so that each size's tour is made once whichever worker
    runs it: every page renders in both languages, shows its key columns and cards whole,
    and asks no other host for anything (pages in view, every table scrolled into view)."""
    width = size[0]
    seen = tour(width)
    problems = not_rendered(seen, width) + off_screen(seen, width)
    problems += mixed_money_axes(seen, width) + outside_requests(seen, app_url)
    assert not problems, "\n".join(problems)
    if size != SIZES[0]:
        return
    timings = {  # first_s: in English; again_s: the same page right after, in Chinese (the
        path or "overview": {  # data cached, the page built again)
            "first_s": seen.visits[("en", path)].seconds,
            "again_s": seen.visits[("zh", path)].seconds,
        }
        for path in PAGES
    }
    (artifacts / "page_load_times.json").write_text(json.dumps(timings, indent=2))
    assert all(t["again_s"] < 15 for t in timings.values()), timings


# ----------------------------------------------------------------------------- the clicks


def _click_plot(page: Any, title: str, x: Any, y: Any, fraction: float = 0.5) -> None:
    """Click a chart at data coordinates (x, y) (categories as drawn); for a horizontal bar,
    ``fraction`` of the way from the axis to the value."""
    where = page.evaluate(
        """([title, x, y, fraction]) => {
          const g = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
            .find(g => (g.layout.title && g.layout.title.text || '')
              .replace(/<[^>]*>/g, '').startsWith(title));  // Streamlit's theme adds <b>
          if (!g) return null;
          g.scrollIntoView({block: 'center'});  // a point below the fold takes no click
          const L = g._fullLayout, xa = L.xaxis, ya = L.yaxis, box = g.getBoundingClientRect();
          const px = typeof x === 'number' ? xa.l2p(x * fraction) : xa.d2p(x);
          return {x: box.left + xa._offset + px, y: box.top + ya._offset + ya.d2p(y)};
        }""",
        [title, x, y, fraction],
    )
    assert where, f"no chart titled {title!r}"
    page.mouse.click(where["x"], where["y"])
    settle(page)


def selected(page: Any, label: str) -> str:
    box = main(page).locator(f'[data-testid="stSelectbox"] input[aria-label="{label}"]').last
    return str(box.input_value())


def test_a_click_on_a_roll_rate_cell_lists_its_accounts(
    page: Any, app_url: str, app_db: Path, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, f"{app_url}/delinquency")
    main(page).get_by_text("Roll-rate matrix", exact=False).first.scroll_into_view_if_needed()
    _click_plot(page, "Roll-rate matrix", "M2", "M1")
    assert selected(page, "From bucket").startswith("M1")
    assert selected(page, "State in next snapshot").startswith("M2")
    query = parse_qs(urlparse(page.url).query)
    assert query.get("drill_from") == ["M1"] and query.get("drill_to") == ["M2"], page.url

    expected = cli(
        app_db, "roll-accounts", "--as-of", "2026-10-31", "--from-bucket", "M1", "--to-state", "M2"
    )
    assert expected, "the sample has accounts in that cell"
    caption = main(page).get_by_text("accounts (personal data masked)").inner_text()
    assert caption.startswith(f"{len(expected):,} accounts"), caption
    with page.expect_download() as download:
        button = f"Download CSV ({len(expected):,} rows, all"  # every column, more than shown
        main(page).get_by_role("button", name=button).last.click()
    saved = tmp_path / "cell.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    assert [r["account_id"] for r in rows] == [r["account_id"] for r in expected]
    assert {(r["from_bucket"], r["to_state"]) for r in rows} == {("M1", "M2")}

    # the link opens the same drill-down
    other = browse.new_context(page.context.browser, viewport={"width": 1440, "height": 900})
    try:
        again = browse.new_page(other)
        open_page(again, page.url)
        assert selected(again, "From bucket").startswith("M1")
        assert selected(again, "State in next snapshot").startswith("M2")
    finally:
        other.close()


def picked(page: Any) -> str:
    """The agent in the link. A URL-bound selectbox writes its option's label there
    ("AG019 Wang P.", streamlit#14224); the page reads the id back from it."""
    return parse_qs(urlparse(page.url).query).get("agents_pick", [""])[0]


def test_a_click_on_an_agent_bar_or_row_opens_that_agent(
    page: Any, app_url: str, app_db: Path
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, f"{app_url}/agents")
    board = cli(app_db, "agents", "--from", "2026-10-01", "--to", "2026-10-31")
    ranked = sorted(board, key=lambda r: (-Decimal(r["collected"]), r["agent_id"]))
    second, first = ranked[1], ranked[0]
    _click_plot(page, "Leaderboard", float(second["collected"]), second["agent_id"], 0.5)
    assert selected(page, "Agent").startswith(second["agent_id"]), selected(page, "Agent")
    assert picked(page).startswith(second["agent_id"]), page.url

    # a row of the leaderboard table: the first row is the best agent
    frame = main(page).locator('[data-testid="stDataFrame"]').first
    frame.scroll_into_view_if_needed()
    canvas = frame.locator("canvas").first
    box = canvas.bounding_box()
    assert box
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the row's selection box
    settle(page)
    assert selected(page, "Agent").startswith(first["agent_id"]), selected(page, "Agent")
    assert picked(page).startswith(first["agent_id"]), page.url
