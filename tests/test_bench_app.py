"""The app bench (bench/app.py) without a browser: it measures every page the app has, and its
figures are judged against the absolute goals of issue 14 (first load <= 3 s, a filter change
<= 1.5 s, the app process <= 2 GiB = 2048 MB), not against the sample database's times.

The pages are read from dashboard/app.py's ``PAGES`` literal (not imported: importing the app
runs Streamlit); the figures are made from hand-built visits with times either side of a goal.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bench import app
from bench.results import markdown

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def _app_pages() -> list[str]:
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            pages = ast.literal_eval(node.value)
            return [key for group in pages.values() for _path, key, _icon in group]
    raise AssertionError("no PAGES in dashboard/app.py")


def test_every_page_of_the_app_is_measured() -> None:
    assert sorted(app.PAGES) == sorted(_app_pages())
    assert app.DEFAULT_PAGE in app.PAGES
    assert all(app.WARM_UP[key] != key for key in app.PAGES)  # a warm-up caches other reports


def _run(first: float, change: float, peak: float) -> app.Run:
    return app.Run(
        visits={"overview": app.Visit("overview", first_s=first, change_s=change, charts=3)},
        peak_mb={"overview": peak},
        tour_mb=peak,
    )


def test_the_goals_are_absolute() -> None:
    fast = {f.name: f for f in app.figures(_run(2.9, 1.4, 2047.0), _run(10.0, 10.0, 4000.0))}
    slow = {f.name: f for f in app.figures(_run(3.1, 1.6, 2049.0), _run(0.1, 0.1, 10.0))}
    for name in ("app overview: first load", "app overview: filter change",
                 "app overview: peak RSS", "app: peak RSS, every page in one server"):  # fmt: skip
        assert fast[name].met is True, name
        assert slow[name].met is False, name
    assert fast["app overview: first load"].ratio == 2.9 / 10.0  # ours over the sample's


def test_a_page_that_failed_misses_its_goal() -> None:
    broken = app.Run(visits={"data": app.Visit("data", problems=["app data: TimeoutError"])})
    (first, memory) = app.figures(broken, None)
    assert (first.project, first.met, memory.project, memory.met) == (None, False, None, False)
    assert "failed" in first.note


def test_the_app_section_says_what_its_baseline_is() -> None:
    figures = [f.as_dict() for f in app.figures(_run(2.0, 1.0, 500.0), None)]
    result = {
        "date": "2026-12-03 12:00 UTC",
        "scale": 0.05,
        "wall_s": 60.0,
        "problems": [],
        "figures": figures,
        "machine": {
            "cpu": "x",
            "cores": 2,
            "memory_gib": 8,
            "python": "3",
            "duckdb": "2",
            "load_average_at_start": [0.0],
        },
        "manifest": {"rows": {"accounts": 1}, "bytes": {"accounts": 1}, "plans": 1, "seconds": 1},
    }
    text = markdown(result, {0.05: result})
    section = text.split("### app", 1)[1]
    assert "same page on the sample database" in section.split("|", 1)[0]
