"""The results table: printed after a run, written to ``bench/RESULTS.md``.

Each run saves its figures as ``bench/out/results-<scale>.json``. ``bench/RESULTS.md`` is
written from those files whenever the bank-scale one (scale 1) is among them: its table is
the scale-1 run's, and a growth section compares every figure at the scales 0.25, 0.5 and 1
whose results are there. A run without a scale-1 result writes ``bench/out/RESULTS.md``.
"""

from __future__ import annotations

import json
import math
import os
import platform
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
GROWTH_SCALES = (0.25, 0.5, 1.0)
FASTER_THAN_LINEAR = 1.15  # a growth exponent above this is flagged (1 = linear in rows)
# A line under a section's heading where its goals or baseline differ from the rest.
SECTION_NOTES = {
    "spark": (
        "The heaviest reports on Spark local mode (`bench/spark.py`: local[2], a 4 GB driver, "
        "over a lake exported from the book, through the same report functions as "
        "`report NAME --engine spark`), best of 3 after connecting, with DuckDB's time on the "
        "same book as the baseline. Informational, no goal: on one machine Spark pays its job "
        "overhead on every query; it is there for books that outgrow one machine."
    ),
    "app": (
        "Each page in headless Chromium (`bench/app.py`), on its own fresh server (its reports "
        "not cached yet; the app's imports and the sidebar's look-ups done by a visit to "
        "another page first), timed until the script run has finished and every chart is "
        "drawn. The goals are absolute (first load <= 3 s, a filter change <= 1.5 s, the app "
        "process <= 2 GiB); the baseline is the same page on the sample database, in the same "
        "run, for scale; the note gives the server's share (request to `script_finished`, per "
        "run), the rest is the browser."
    ),
}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "s":
        return f"{value:,.3f} s" if value < 1 else f"{value:,.2f} s"
    return f"{value:,.2f} {unit}"


def _met(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "**NO**")


def rows(figures: list[dict[str, Any]]) -> list[list[str]]:
    """The table's cells: figure, project, baseline, ratio, goal, met?, note."""
    return [
        [
            f["name"],
            _num(f["project"], f["unit"]),
            _num(f["baseline"], f["unit"]),
            "" if f["ratio"] is None else f"{f['ratio']:.2f}x",
            f["goal"],
            _met(f["met"]),
            f["note"],
        ]
        for f in figures
    ]


HEAD = ["figure", "project", "baseline", "ratio", "goal", "met?", "note"]


def text_table(figures: list[dict[str, Any]]) -> str:
    """The table for a terminal (the note column last, unpadded)."""
    cells = [HEAD, *rows(figures)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(HEAD) - 1)]
    return "\n".join(
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                  enumerate(zip(r[:-1], widths, strict=True))) + "  " + r[-1]
        for r in cells
    )  # fmt: skip


def _markdown(cells: list[list[str]], head: list[str]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells]
    return out


def _growth(results: dict[float, dict[str, Any]]) -> list[str]:
    scales = [s for s in GROWTH_SCALES if s in results]
    if len(scales) < 2:
        return [
            (
                "Not run at more than one of the scales 0.25, 0.5 and 1 yet "
                "(`python -m bench.run --scale 0.25 --scale 0.5`)."
            )
        ]
    by_scale = {s: {f["name"]: f for f in results[s]["figures"]} for s in scales}
    names = [f["name"] for f in results[scales[-1]]["figures"] if f["unit"] in ("s", "MB")]
    lo, hi = scales[0], scales[-1]
    head = ["figure", *[f"scale {s:g}" for s in scales], f"x{hi / lo:g} rows", "exponent"]
    cells = []
    flagged = []
    for name in names:
        vals = [by_scale[s].get(name) for s in scales]
        if any(v is None or not v["project"] for v in vals):
            continue
        first, last = vals[0]["project"], vals[-1]["project"]  # type: ignore[index]
        exponent = math.log(last / first) / math.log(hi / lo)
        mark = " (faster than linear)" if exponent > FASTER_THAN_LINEAR else ""
        if mark:
            flagged.append(name)
        unit = vals[-1]["unit"]  # type: ignore[index]
        cells.append([name, *[_num(v["project"], unit) for v in vals if v],
                      f"x{last / first:.2f}", f"{exponent:.2f}{mark}"])  # fmt: skip
    dates = ", ".join(f"scale {s:g}: {results[s]['date']}" for s in scales)
    out = [
        (
            f"Each figure at each scale ({dates}); the exponent is log(growth of the figure) / "
            f"log(growth of the rows) from scale {lo:g} to {hi:g}: 1 is linear, 0 constant (a "
            "fixed cost such as the start-up dominates), above 1 faster than linear."
        ),
        "",
        *_markdown(cells, head),
        "",
        (
            f"Faster than linear (exponent above {FASTER_THAN_LINEAR}): {', '.join(flagged)}."
            if flagged
            else "Nothing grows faster than linearly."
        ),
    ]
    return out


def markdown(result: dict[str, Any], all_results: dict[float, dict[str, Any]]) -> str:
    """RESULTS.md: the run, its table by section, the problems met, the growth."""
    m, man = result["machine"], result["manifest"]
    data = ", ".join(f"{name} {n:,}" for name, n in man["rows"].items())
    mb = sum(man["bytes"].values()) / 1e6
    lines = [
        "# Benchmark results",
        "",
        (
            f"Written by `make bench` (`python -m bench.run`, {RESULTS.relative_to(ROOT)}); "
            "the goals are those of issue 14. Each ratio is measured in the same run: import "
            "ratios are the importer's speed as a share of DuckDB's bare `read_csv` of the same "
            "file (higher is better), all other ratios our time over the baseline's (lower is "
            "better)."
        ),
        "",
        (
            f"- **Date**: {result['date']}; whole run {result['wall_s'] / 60:,.1f} min "
            f"(data generated in {man['seconds']:,.0f} s)"
        ),
        (
            f"- **Machine**: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python "
            f"{m['python']}, DuckDB {m['duckdb']}; load average at start "
            f"{', '.join(map(str, m['load_average_at_start']))}"
        ),
        (
            f"- **Scale**: {result['scale']:g} (rows per file: {data}; {mb:,.0f} MB of CSV; "
            f"{man['plans']:,} plans)"
        ),
        "",
    ]
    if result["problems"]:
        lines += ["## Problems met", "", *[f"- {p}" for p in result["problems"]], ""]
    sections: dict[str, list[dict[str, Any]]] = {}
    for f in result["figures"]:
        sections.setdefault(f["section"], []).append(f)
    lines += ["## Figures", ""]
    not_met = [f["name"] for f in result["figures"] if f["met"] is False]
    lines += [f"{len(not_met)} of {sum(f['met'] is not None for f in result['figures'])} "
              "goals not met." if not_met else "Every goal met.", ""]  # fmt: skip
    for section, figures in sections.items():
        lines += [f"### {section}", ""]
        if section in SECTION_NOTES:
            lines += [SECTION_NOTES[section], ""]
        lines += [*_markdown(rows(figures), HEAD), ""]
    lines += ["## Growth", "", *_growth(all_results), ""]
    return "\n".join(lines)


def save(result: dict[str, Any]) -> Path:
    """Save one run's result; rewrite RESULTS.md (see the module's docstring)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"results-{result['scale']:g}.json").write_text(json.dumps(result, indent=1))
    found: dict[float, dict[str, Any]] = {}
    for p in OUT.glob("results-*.json"):
        r = json.loads(p.read_text())
        found[float(r["scale"])] = r
    main = found.get(1.0)
    target = RESULTS if main else OUT / "RESULTS.md"
    target.write_text(markdown(main or result, found), encoding="utf-8")
    return target
