"""What the browser tests do to a page and read from it, in one place.

When is a page done: when the script runs that the last actions asked for have finished, the
app's script state is "notRunning" and every Plotly chart holds its SVG, with no skeleton left
(ecosystem-notes.md). The runs are followed on the session's WebSocket (``Session``): the
browser sends a ``rerun_script`` message for every run it asks for (the page's first run,
every widget change), and the server answers each run with ``new_session`` when it starts and
``script_finished`` when it ends (``FINISHED_EARLY_FOR_RERUN`` when a newer request cut it
short). ``settle`` waits for those messages, not for a fixed time: the app's own status
attribute says "notRunning" until the server has started the run a click asked for, so a
check of it alone may pass before the run has begun (and a fixed pause only makes that less
likely). A page must be watched from its start (``new_page``, conftest's ``page``).

What the user sees is read from the page:
its visible text (``innerText``: a collapsed expander's content is not in it), the Plotly
figures as drawn (``_fullData``/``_fullLayout`` of each ``.js-plotly-plot``: the values, not
pixels), and the tables' cells as the grid painted them. Streamlit's table is a canvas
(glide-data-grid): its cells are no DOM text, so ``INIT`` records every string the page draws
on a canvas with ``fillText``, per canvas. That is the formatted text a reader sees
("-6,230.00", "68.0%"), which the grid's accessibility table does not hold (it has the raw
values, "1512.3500000000001").
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
       .every(c => c.querySelector('.main-svg'))"""

# Added to every test context (conftest.page): the strings drawn on each canvas.
INIT = """(() => {
  const drawn = new WeakMap();
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    let seen = drawn.get(this.canvas);
    if (!seen) { seen = new Set(); drawn.set(this.canvas, seen); }
    seen.add(String(text));
    return fillText.call(this, text, ...rest);
  };
  window.__drawnTexts = (canvas) => [...(drawn.get(canvas) || [])];
})();"""

PLOTS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
  .map(g => {
    const L = g._fullLayout;
    const arr = (v) => v == null ? null : (typeof v === 'object' && 'length' in v
      ? Array.from(v) : v);
    return {
      title: (L.title && L.title.text || '').replace(/<[^>]*>/g, ''),
      categories: L.xaxis && L.xaxis._categories ? Array.from(L.xaxis._categories) : null,
      shapes: (L.shapes || []).map(s => ({type: s.type, xref: s.xref, x0: s.x0, x1: s.x1,
                                          layer: s.layer, fill: s.fillcolor})),
      annotations: (L.annotations || []).map(a => a.text),
      legend_items: g.querySelectorAll('.legend .traces').length,
      legend_scroll: [...g.querySelectorAll('.legend .scrollbar')]
        .map(s => Number(s.getAttribute('height') || 0)),
      data: (g._fullData || []).map((d, i) => ({
        type: d.type, name: d.name, meta: d.meta === undefined ? null : d.meta,
        showlegend: d.showlegend, visible: d.visible,
        x: arr(d.x), y: arr(d.y), text: arr(d.text), hovertext: arr(d.hovertext),
        orientation: d.orientation || null,
        line_colour: d.line ? d.line.color : null,
        marker_colour: d.marker ? arr(d.marker.color) : null,
        pattern: d.marker && d.marker.pattern ? d.marker.pattern.shape : null,
        base: (g.calcdata && g.calcdata[i] || []).map(p => p.b === undefined ? null : p.b),
      })),
    };
  })"""

PERCENT = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%")


# An action that asks for no run (a click that only opens a list) is told apart from one whose
# request is still on its way by this long a wait for a request; only such actions pay it.
GRACE_S = 2.0
SMALL = 4096  # script_finished and new_session are a few bytes; deltas can be megabytes


class Session:
    """The script runs of one page's Streamlit session, from its WebSocket frames."""

    def __init__(self) -> None:
        self.requests = 0  # rerun_script messages sent
        self.settled = 0  # requests when the last settle returned
        self.pending = False  # a request whose run has not finished yet
        self.started = False  # a run started after the last request

    def websocket(self, ws: Any) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framesent", self.sent)
            ws.on("framereceived", self.received)

    def sent(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            msg = BackMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "rerun_script":
                self.requests += 1
                self.pending, self.started = True, False

    def received(self, payload: str | bytes) -> None:
        if isinstance(payload, str) or len(payload) > SMALL:
            return
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.started = True
        elif kind == "script_finished" and self.started:
            self.pending = msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN


SESSIONS: WeakKeyDictionary[Any, Session] = WeakKeyDictionary()


def watch(page: Any) -> Any:
    """Follow a page's script runs (before its first ``goto``); the page."""
    if page not in SESSIONS:
        SESSIONS[page] = Session()
        page.on("websocket", SESSIONS[page].websocket)
    return page


def new_context(browser: Any, **options: Any) -> Any:
    """A browser context whose pages record what they paint on canvases (``INIT``)."""
    context = browser.new_context(**options)
    context.add_init_script(INIT)
    return context


def new_page(context: Any) -> Any:
    """A page of ``context``, watched (``watch``)."""
    return watch(context.new_page())


def _until(page: Any, done: Any, timeout_s: float) -> bool:
    """Let Playwright deliver the page's events until ``done()``; False after the time-out."""
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(25)
    return True


def settle(page: Any, timeout: float = 60_000) -> None:
    """Wait until the runs that the actions since the last ``settle`` asked for have
    finished, the app says so and every chart is painted (module doc)."""
    session = SESSIONS.get(page)
    assert session is not None, "a page must be watched from its start (browse.new_page)"
    while True:
        _until(page, lambda: session.requests > session.settled, GRACE_S)
        if not _until(page, lambda: not session.pending, timeout / 1000):
            raise TimeoutError(f"the script run did not finish in {timeout / 1000:.0f} s")
        page.wait_for_selector(IDLE, timeout=timeout)
        page.wait_for_function(DRAWN, timeout=timeout)
        frames(page)  # what the last run sent is laid out and drawn
        if not session.pending and page.locator(IDLE).count():
            break
    session.settled = session.requests


def open_page(page: Any, url: str, timeout: float = 60_000) -> float:
    """Go to a page and wait until it is done; the seconds that took."""
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    settle(page, timeout)
    return time.perf_counter() - started


def screenshot(page: Any, path: Path) -> None:
    """The whole page: Streamlit scrolls inside stMain, so the viewport grows to fit it for
    the picture (the grids now in view paint), then goes back."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size(
        {"width": size["width"], "height": max(size["height"], int(height) + 40)}
    )
    page.wait_for_function(DRAWN)
    frames(page, 6)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def main(page: Any) -> Any:
    return page.locator('[data-testid="stMain"]')


def main_text(page: Any, charts: bool = True) -> str:
    """The page's visible text; without the charts' texts unless ``charts``."""
    if charts:
        return str(main(page).inner_text())
    return str(
        page.evaluate(
            """() => { const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];
              const was = charts.map(c => c.style.display);
              charts.forEach(c => { c.style.display = 'none'; });  // restored before a repaint
              const text = document.querySelector('[data-testid=stMain]').innerText;
              charts.forEach((c, i) => { c.style.display = was[i]; });
              return text; }"""
        )
    )


def assert_no_exception(page: Any) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def plots(page: Any) -> list[dict[str, Any]]:
    """Every Plotly figure on the page as drawn (module doc)."""
    return list(page.evaluate(PLOTS))


def plot(page: Any, title_start: str) -> dict[str, Any]:
    found = [p for p in plots(page) if p["title"].startswith(title_start)]
    assert found, [p["title"] for p in plots(page)]
    return found[0]


def trace(figure: dict[str, Any], meta: str) -> dict[str, Any]:
    found = [d for d in figure["data"] if d["meta"] == meta]
    assert found, [d["meta"] for d in figure["data"]]
    return found[0]


def plot_texts(page: Any, ticks: bool = False) -> list[str]:
    """The texts the charts draw (labels, titles, legends); axis and colour-bar ticks (round
    values) only with ``ticks``."""
    return list(
        page.evaluate(
            """(ticks) => [...document.querySelectorAll('.js-plotly-plot text')]
              .filter(t => ticks || !t.closest('.xtick, .ytick, .cbaxis'))
              .map(t => t.textContent)""",
            ticks,
        )
    )


def grids(page: Any) -> Any:
    return main(page).locator('[data-testid="stDataFrame"]')


def painted(page: Any, grid: Any) -> list[str]:
    """The cell texts a table has painted so far (``INIT``), in the order first drawn."""
    return list(grid.evaluate("d => window.__drawnTexts(d.querySelector('canvas'))"))


def headers(grid: Any) -> list[str]:
    """The headers of the columns a table draws (its accessibility table, which the grid
    fills once it is in view), in order."""
    grid.scroll_into_view_if_needed()
    grid.locator("[role=columnheader]").first.wait_for(state="attached")
    return [
        str(h).strip()
        for h in grid.evaluate(
            "d => [...d.querySelectorAll('[role=columnheader]')].map(h => h.textContent)"
        )
    ]


SCROLL = """(d, [left, top]) => {
  const s = d.querySelector('.dvn-scroller'), table = d.querySelector('table');
  const before = table ? table.textContent : '';
  const was = [s.scrollLeft, s.scrollTop];
  s.scrollLeft = left === null ? s.scrollWidth : left;
  s.scrollTop = top === null ? s.scrollHeight : top;
  return {before, moved: s.scrollLeft !== was[0] || s.scrollTop !== was[1]};
}"""


def scroll_grid(page: Any, grid: Any, left: float | None = 0, top: float | None = 0) -> None:
    """Scroll a table's own scroller (None: to the end) and wait until the grid shows the
    new cells: its accessibility table, which lists the cells in view, has changed (the grid
    updates it, and paints, a little after the scroll event)."""
    grid.scroll_into_view_if_needed()
    state = grid.evaluate(SCROLL, [left, top])
    if state["moved"]:
        grid.evaluate(
            """(d, before) => new Promise(done => {
                 const t0 = performance.now();  // a move of less than a cell changes nothing
                 const check = () => {
                   const table = d.querySelector('table');
                   if ((table ? table.textContent : '') !== before) return done();
                   if (performance.now() - t0 > 3000) return done();
                   requestAnimationFrame(check);
                 };
                 check();
               })""",
            state["before"],
        )
    frames(page)


def all_painted(page: Any, grid: Any) -> list[str]:
    """Every cell text of a table: scrolled through top to bottom, left to right, by half
    its view at a time (pinned columns and the header stay in view)."""
    size = grid.evaluate(
        """d => { const s = d.querySelector('.dvn-scroller');
                  return [s.scrollWidth, s.scrollHeight, s.clientWidth, s.clientHeight]; }"""
    )
    width, height, view_w, view_h = (float(v) for v in size)
    for left in range(0, int(width) + 1, max(int(view_w / 2), 1)):
        for top in range(0, int(height) + 1, max(int(view_h / 2), 1)):
            scroll_grid(page, grid, left, top)
    return painted(page, grid)


def all_cells(page: Any, grid: Any) -> list[str]:
    """Every cell text of a table as the grid holds it (its accessibility table, read at each
    step of a scroll through the grid as ``all_painted`` scrolls): a wrapped text is painted
    line by line, so ``all_painted`` holds its lines, this its whole text."""
    size = grid.evaluate(
        """d => { const s = d.querySelector('.dvn-scroller');
                  return [s.scrollWidth, s.scrollHeight, s.clientWidth, s.clientHeight]; }"""
    )
    width, height, view_w, view_h = (float(v) for v in size)
    seen: dict[str, None] = {}
    for left in range(0, int(width) + 1, max(int(view_w / 2), 1)):
        for top in range(0, int(height) + 1, max(int(view_h / 2), 1)):
            scroll_grid(page, grid, left, top)
            for text in grid.evaluate("d => [...d.querySelectorAll('td')].map(c => c.textContent)"):
                seen[str(text)] = None
    return list(seen)


def expand(page: Any, summary: str) -> None:
    """Open the expander whose summary starts with ``summary`` (when closed)."""
    box = (
        main(page)
        .locator('[data-testid="stExpander"]')
        .filter(has=page.locator("summary", has_text=summary))
    )
    details = box.first.locator("details")
    if details.get_attribute("open") is None:
        box.first.locator("summary").click()
        details.and_(page.locator("details[open]")).wait_for()
        frames(page)


def download(page: Any, button: str, folder: Path, where: Any = None) -> Path:
    """Click a download button (by its text); the saved file."""
    scope = where if where is not None else main(page)
    with page.expect_download() as got:
        scope.get_by_role("button", name=button).first.click()
    path = folder / got.value.suggested_filename
    got.value.save_as(path)
    return path


def upload(page: Any, path: Path, button: str) -> None:
    """Choose ``path`` in the Data page's file chooser and press the import button."""
    with page.expect_file_chooser() as chooser:
        page.locator('[data-testid="stFileUploaderDropzone"]').click()
    chooser.value.set_files(str(path))
    page.get_by_text(path.name).first.wait_for()
    page.get_by_role("button", name=button, exact=True).click()


def percents(texts: list[str]) -> list[str]:
    """Every percentage written in ``texts``."""
    return [p for text in texts for p in PERCENT.findall(text)]


def frames(page: Any, n: int = 3) -> None:
    """Wait ``n`` animation frames: what a scroll or a resize asked the page to paint is
    painted (the grid and Plotly draw in animation frames)."""
    page.evaluate(
        """(n) => new Promise(done => { const step = (k) => k ? requestAnimationFrame(
             () => step(k - 1)) : done(); step(n); })""",
        n,
    )
