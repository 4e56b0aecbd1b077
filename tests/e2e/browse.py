"""What the browser tests do to a page and read from it, in one place.

When is a page done (ecosystem-notes.md): the app's script state is "notRunning" and every
Plotly chart holds its SVG, with no skeleton left. What the user sees is read from the page:
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
from pathlib import Path
from typing import Any

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


def settle(page: Any) -> None:
    """Wait until the last action's script run has finished and every chart is painted."""
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(DRAWN, timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(300)


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    settle(page)


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
    """The headers of the columns a table draws (its accessibility table), in order."""
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
        page.wait_for_timeout(300)


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
