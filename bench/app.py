"""App figures (issue 14): every page of the Streamlit app in headless Chromium, on the bench's
book and, as the baseline, the same page on the sample database, measured in the same run.

For each page a fresh ``streamlit run dashboard/app.py`` (so its reports are not in the cache
yet: the first user after a start pays for them), warmed up by a visit to another page
(``WARM_UP``: the Python imports and the sidebar's look-ups done, as in a server that has been
up a while), then one browser context:

- **first load**: from ``page.goto`` until the script run has finished, the app says
  ``notRunning`` and every Plotly chart holds its SVG with no skeleton left
  (``tests/e2e/browse.py``: ``open_page`` / ``settle``, the same "done" as the browser tests);
- **filter change**: one change of the filter the page has, timed from the click on the
  option to the same "done": the sidebar's date range from "This month" to "Last month"
  (pages with a window), the sidebar's snapshot to the one before the latest (Delinquency,
  Cases), the month of the payout period to the one before (Payouts); the Data page has none;
- **peak RSS** of the app's process and its children, sampled every 50 ms (psutil), and the
  kernel's high-water mark of the process (``VmHWM``), whichever is higher, from after the
  warm-up: what the warm-up left in memory counts, its own peak does not.

Then one more server for a tour of every page and its change in one session: its peak RSS is
the cache filling up as a user goes through the app. A screenshot of each page after its first
load goes to ``bench/out/app-<label>-<page>.png`` (look at them: a page of errors is fast too).

Goals: first load <= 3 s, filter change <= 1.5 s, the process <= 2 GiB; ``met`` is the
absolute goal, the ratio is ours over the sample database's (for scale, not the goal).

Usage (alone): python -m bench.app DB [--baseline SAMPLE_DB] [--label NAME] [--page KEY]...
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.figures import GIB_MB, Figure

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1500, "height": 1000}
FIRST_GOAL_S = 3.0
CHANGE_GOAL_S = 1.5
TIMEOUT_MS = 300_000  # a page that takes longer is reported as failed
SAMPLE_S = 0.05


@dataclass(frozen=True)
class Change:
    """One filter change: the selectbox labelled ``label`` in ``where``, its option at ``index``
    (0 is the first; the options as the app lists them)."""

    label: str
    where: str
    index: int
    what: str


RANGE = Change("Date range", "stSidebar", 1, "date range: This month -> Last month")
SNAPSHOT = Change("Snapshot", "stSidebar", 2, "snapshot: the window's end -> the one before")
PERIOD = Change("Period (month)", "stMain", 1, "payout period: latest month -> the one before")
# Every page of dashboard/app.py (PAGES) and the change measured on it.
PAGES: dict[str, Change | None] = {
    "overview": RANGE,
    "delinquency": SNAPSHOT,
    "recovery": RANGE,
    "agents": RANGE,
    "compliance": RANGE,
    "cases": SNAPSHOT,
    "payouts": PERIOD,
    "data": None,
}
DEFAULT_PAGE = "overview"  # served at / (st.Page default=True): /overview is "page not found"
# Before each measured page its server serves one other page, so that the Python imports of
# the app and the sidebar's look-ups (snapshot dates, filter values) are done, as in a server
# that has been up a while; that page reads none of the measured page's reports.
# (Data's own warm-up is Agents, a light page.) The peak RSS is counted from after it.
WARM_UP = {key: "agents" if key == "data" else "data" for key in PAGES}


@dataclass
class Visit:
    """What one page did in the browser."""

    page: str
    first_s: float | None = None
    change_s: float | None = None
    chose: str = ""  # the option the change chose
    charts: int = 0
    load: float = 0.0  # the machine's 1-minute load average as the page was opened
    first_script_s: list[float] = field(default_factory=list)  # server-side runs (``Runs``)
    change_script_s: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Server:
    """A running app: its URL, the seconds until it answered, its peak RSS so far."""

    url: str
    start_s: float
    proc: subprocess.Popen[bytes]
    peak_mb: float = 0.0

    def rss_mb(self) -> float:
        try:
            p = psutil.Process(self.proc.pid)
            procs = [p, *p.children(recursive=True)]
            return sum(q.memory_info().rss for q in procs) / 2**20
        except psutil.Error:
            return 0.0

    def reset_peak(self) -> None:
        """Forget the peak so far (a warm-up's): the kernel's high-water mark too (Linux:
        ``5`` into ``/proc/PID/clear_refs``); what the warm-up left in memory still counts."""
        try:
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
        except OSError:
            pass
        self.peak_mb = self.rss_mb()

    def high_water_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


@contextmanager
def serve(db_path: Path, log: Path) -> Iterator[Server]:
    """``streamlit run dashboard/app.py`` on a free localhost port over ``db_path``, its RSS
    sampled until it stops (``Server.peak_mb``)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DASHBOARD_DB": str(db_path), "DASHBOARD_USER": "bench"}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        server = Server(url, 0.0, proc)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                server.peak_mb = max(server.peak_mb, server.rss_mb())
                stop.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            deadline = time.monotonic() + 120
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start (see {log})")
                time.sleep(0.1)
            server.start_s = time.perf_counter() - start
            yield server
        finally:
            server.peak_mb = max(server.peak_mb, server.rss_mb(), server.high_water_mb())
            stop.set()
            sampler.join()
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _change(pg: Any, change: Change) -> tuple[float, str]:
    """Make ``change`` on the page; the seconds from the click on the option until the page
    is done again, and the option's text."""
    from tests.e2e.browse import settle

    box = (
        pg.locator(f'[data-testid="{change.where}"] [data-testid="stSelectbox"]')
        .filter(has=pg.locator(f'input[aria-label="{change.label}"]'))
        .last
    )
    box.scroll_into_view_if_needed()
    box.click()
    option = pg.get_by_role("option").nth(change.index)
    option.wait_for(timeout=10_000)
    text = str(option.inner_text()).strip()
    started = time.perf_counter()
    option.click()
    settle(pg, TIMEOUT_MS)
    return time.perf_counter() - started, text


class Runs:
    """The server-side time of each script run of a page: from the browser's request
    (``rerun_script``) to the server's ``script_finished`` (the rest of a load is the browser:
    its bundle, layout, Plotly drawing)."""

    def __init__(self) -> None:
        self.asked: float | None = None
        self.seconds: list[float] = []

    def websocket(self, ws: Any) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framesent", self.sent)
            ws.on("framereceived", self.received)

    def sent(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            msg = BackMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "rerun_script":
                self.asked = time.perf_counter()

    def received(self, payload: str | bytes) -> None:
        if isinstance(payload, str) or len(payload) > 4096 or self.asked is None:
            return
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        if msg.WhichOneof("type") == "script_finished":
            self.seconds.append(round(time.perf_counter() - self.asked, 2))
            self.asked = None


def _url(server: str, key: str) -> str:
    return f"{server}/" if key == DEFAULT_PAGE else f"{server}/{key}"  # the default is at /


def visit(browser: Any, url: str, key: str, shot: Path | None) -> Visit:
    """First load of page ``key``, a screenshot, then its filter change (``PAGES``)."""
    from tests.e2e.browse import new_context, new_page, open_page, screenshot

    found = Visit(key)
    runs = Runs()
    context = new_context(browser, viewport=VIEWPORT)
    try:
        pg = new_page(context)
        pg.on("websocket", runs.websocket)
        found.load = os.getloadavg()[0]
        try:
            found.first_s = open_page(pg, _url(url, key), TIMEOUT_MS)
            found.charts = pg.locator('[data-testid="stPlotlyChart"]').count()
            found.first_script_s, runs.seconds = runs.seconds, []
            _check(pg, found, "first load")
            if shot is not None:
                screenshot(pg, shot)
            change = PAGES[key]
            if change is not None:
                found.change_s, found.chose = _change(pg, change)
                _check(pg, found, "after the change")
        except Exception as exc:  # a time-out or a missing control: reported, the run goes on
            found.problems.append(f"app {key}: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        context.close()
    found.change_script_s = runs.seconds
    return found


def _check(pg: Any, found: Visit, when: str) -> None:
    shown = pg.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    if shown.count():
        text = re.sub(r"\s+", " ", str(shown.first.inner_text()))[:300]
        found.problems.append(f"app {found.page}: an error shown on the {when}: {text}")


@dataclass
class Run:
    """Every page on one database: the visits, each page's server peak, the tour's peak."""

    visits: dict[str, Visit] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)
    start_s: list[float] = field(default_factory=list)
    tour_mb: float | None = None
    problems: list[str] = field(default_factory=list)


def run_all(db_path: Path, label: str, pages: list[str], tour: bool = True) -> Run:
    """Every page in ``pages`` on ``db_path``, each on its own server, then the tour."""
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    result = Run()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            for key in pages:
                print(f"  app {label} {key} ...", flush=True)
                with serve(db_path, OUT / f"app-{label}-{key}.log") as server:
                    result.start_s.append(server.start_s)
                    warm = visit(browser, server.url, WARM_UP[key], None)
                    result.problems += [f"warm-up: {m}" for m in warm.problems]
                    server.reset_peak()
                    found = visit(browser, server.url, key, OUT / f"app-{label}-{key}.png")
                result.visits[key] = found
                result.peak_mb[key] = server.peak_mb
                result.problems += found.problems
                print(f"    first {found.first_s} s, change {found.change_s} s, server runs "
                      f"{found.first_script_s} / {found.change_script_s} s, "
                      f"{server.peak_mb:,.0f} MB", flush=True)  # fmt: skip
            if tour:
                print(f"  app {label} tour of every page ...", flush=True)
                with serve(db_path, OUT / f"app-{label}-tour.log") as server:
                    for key in pages:
                        found = visit(browser, server.url, key, None)
                        result.problems += [f"tour: {m}" for m in found.problems]
                result.tour_mb = server.peak_mb
        finally:
            browser.close()
    return result


def _time(name: str, ours: float | None, base: float | None, goal: float, note: str) -> Figure:
    ratio = ours / base if ours is not None and base else None
    met = ours is not None and ours <= goal
    return Figure("app", name, ours, "s", base, ratio, f"<= {goal:g} s", met, note)


def _mem(name: str, ours: float | None, base: float | None, note: str) -> Figure:
    ratio = ours / base if ours is not None and base else None
    met = ours is not None and ours <= 2 * GIB_MB
    return Figure("app", name, ours, "MB", base, ratio, "<= 2 GiB", met, note)


def _runs(seconds: list[float]) -> str:
    return " + ".join(f"{x:g} s" for x in seconds) or "no run"


def figures(ours: Run, base: Run | None) -> list[Figure]:
    """The app section: per page first load, filter change, peak RSS; the tour's peak."""
    out: list[Figure] = []
    if ours.start_s:
        slowest = max(ours.start_s)
        b = max(base.start_s) if base and base.start_s else None
        out.append(Figure("app", "app start-up until /_stcore/health (slowest)", slowest, "s",
                          b, slowest / b if b else None))  # fmt: skip
    for key, v in ours.visits.items():
        bv = base.visits.get(key) if base else None
        failed = "; failed, see problems" if v.problems else ""
        note = f"{v.charts} charts; server {_runs(v.first_script_s)}; load {v.load:.1f}{failed}"
        out.append(
            _time(f"app {key}: first load", v.first_s, bv.first_s if bv else None,
                  FIRST_GOAL_S, note)
        )  # fmt: skip
        change = PAGES[key]
        if change is not None:
            chose = f" (chose {v.chose})" if v.chose else ""
            out.append(
                _time(f"app {key}: filter change", v.change_s, bv.change_s if bv else None,
                      CHANGE_GOAL_S, f"{change.what}{chose}; server {_runs(v.change_script_s)}")
            )  # fmt: skip
        out.append(
            _mem(f"app {key}: peak RSS", ours.peak_mb.get(key),
                 base.peak_mb.get(key) if base else None, "its own server, cold cache")
        )  # fmt: skip
    if ours.tour_mb is not None:
        out.append(
            _mem("app: peak RSS, every page in one server", ours.tour_mb,
                 base.tour_mb if base else None, "each page's first load and change in turn")
        )  # fmt: skip
    return out


def sample_db(path: Path) -> Path:
    """A database loaded with the sample data (``python -m dashboard init``), the baseline."""
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "dashboard", "init", "--db", str(path)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return path


def measure(
    book: Path, work: Path, pages: list[str] | None = None
) -> tuple[list[Figure], list[str]]:
    """The app section on ``book`` (served from a copy in ``work``, deleted after: the app
    opens its database read-write) against the sample database; figures and problems."""
    import shutil

    chosen = pages or list(PAGES)
    if not Path(CHROMIUM).exists():
        return [], [f"app: not measured, {CHROMIUM} is missing (make browser)"]
    work.mkdir(parents=True, exist_ok=True)
    sample = sample_db(work / "app-sample.duckdb")
    copy = work / "app-book.duckdb"
    try:
        print("  app on the sample database (baseline) ...", flush=True)
        base = run_all(sample, "sample", chosen)
        shutil.copy(book, copy)
        print("  app on the book ...", flush=True)
        ours = run_all(copy, "book", chosen)
    finally:
        for p in (sample, copy):
            for f in (p, Path(f"{p}.wal")):
                f.unlink(missing_ok=True)
    problems = ours.problems + [f"baseline (sample): {m}" for m in base.problems]
    return figures(ours, base), problems


def main(argv: list[str] | None = None) -> int:
    from bench import results

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("db", type=Path, help="the database to serve (not changed by the pages)")
    p.add_argument("--baseline", type=Path, help="a sample database (default: none measured)")
    p.add_argument("--label", default="db", help="names the screenshots and logs")
    p.add_argument("--page", action="append", choices=list(PAGES), help="repeatable; default all")
    p.add_argument("--no-tour", action="store_true", help="skip the one-server tour")
    args = p.parse_args(argv)
    pages = args.page or list(PAGES)
    base = run_all(args.baseline, "sample", pages, not args.no_tour) if args.baseline else None
    ours = run_all(args.db, args.label, pages, not args.no_tour)
    print(results.text_table([f.as_dict() for f in figures(ours, base)]))
    for problem in ours.problems + (base.problems if base else []):
        print(f"problem: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
