"""``make bench``: the figures of issue 14 at bank scale, each against a baseline of the same run.

For each scale: generate the extracts (``bench/generate.py``), import them one kind at a time
against DuckDB's bare reader and import them again (``bench/imports.py``), run every report
against a bare group-by-and-sum and the compliance listing of a year (``bench/reports.py``),
the heaviest reports on Spark local mode beside DuckDB (``bench/spark.py``, informational),
open every page of the app in headless Chromium on a copy of the book and on the sample
database (``bench/app.py``), then import a new month into the book and into an empty
database. Prints the table and writes ``bench/out/results-<scale>.json`` and
``bench/RESULTS.md`` (``bench/results.py``).

Usage: python -m bench.run [--scale F]... [--reuse-data] [--work DIR]
The default scale is ``$BENCH_SCALE`` (one number, or several separated by commas), else 1.
``BENCH_SCALE=0.01 make bench`` is a quick run (about a minute); ``--scale 0.25 --scale 0.5
--scale 1`` gives the growth section. Scale 1 needs about 15 GB of disk under the work folder.
Run heavy runs one at a time on a shared machine (``flock /work/heavy.lock make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import app, generate, imports, reports, results, spark
from bench.figures import Figure


def _data(work: Path, scale: float, reuse: bool) -> dict[str, Any]:
    data = work / "data"
    manifest_path = data / "manifest.json"
    if reuse and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest["scale"] == scale and all((data / f"{n}.csv").exists() for n in
                                              manifest["rows"]):  # fmt: skip
            print(f"reusing the extracts in {data} (generated in {manifest['seconds']} s)")
            return manifest
    shutil.rmtree(data, ignore_errors=True)
    print(f"generating scale {scale:g} into {data} ...", flush=True)
    manifest = generate.generate(data, scale)
    print(f"generated in {manifest['seconds']} s: {manifest['rows']}", flush=True)
    return manifest


def run_scale(scale: float, work: Path, reuse: bool) -> dict[str, Any]:
    """Every figure at one scale; the result saved by ``results.save``."""
    start = time.perf_counter()
    meta = results.machine()
    work.mkdir(parents=True, exist_ok=True)
    manifest = _data(work, scale, reuse)
    data = work / "data"
    figures: list[Figure] = [
        Figure("context", "generate the extracts (DuckDB SQL)", manifest["seconds"], "s",
               goal="a few minutes", note=f"{sum(manifest['bytes'].values()) / 1e6:,.0f} MB"),
        reports.startup(),
    ]  # fmt: skip
    problems: list[str] = []
    step = time.perf_counter()
    print("imports ...", flush=True)
    found, trouble = imports.book(data, work, manifest)
    figures += found
    problems += trouble
    print(f"  {time.perf_counter() - step:.0f} s; reports ...", flush=True)
    step = time.perf_counter()
    found, trouble = reports.measure(work / "book.duckdb")
    figures += found
    problems += trouble
    figures += reports.listing(work / "book.duckdb")
    print(f"  {time.perf_counter() - step:.0f} s; the heaviest reports on Spark ...", flush=True)
    step = time.perf_counter()
    found, trouble = spark.measure(work / "book.duckdb", work)
    figures += found
    problems += trouble
    print(f"  {time.perf_counter() - step:.0f} s; the app in the browser ...", flush=True)
    step = time.perf_counter()
    found, trouble = app.measure(work / "book.duckdb", work)
    figures += found
    problems += trouble
    print(f"  {time.perf_counter() - step:.0f} s; the new month ...", flush=True)
    found, trouble = imports.incremental(data, work, manifest)
    figures += found
    problems += trouble
    order = ("context", "import", "re-import", "memory", "incremental", "reports", "payouts",
             "listing", "spark", "app")  # fmt: skip
    figures.sort(key=lambda f: order.index(f.section) if f.section in order else len(order))
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": scale,
        "machine": meta,
        "manifest": {k: manifest[k] for k in ("sizes", "rows", "bytes", "plans", "seconds")},
        "figures": [f.as_dict() for f in figures],
        "problems": problems,
        "wall_s": round(time.perf_counter() - start, 1),
    }


def _scales(text: str) -> list[float]:
    return [float(s) for s in text.replace(" ", "").split(",") if s]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--scale", type=float, action="append", help="repeatable; default $BENCH_SCALE or 1"
    )
    p.add_argument("--reuse-data", action="store_true",
                   help="keep extracts already generated at the same scale")  # fmt: skip
    p.add_argument("--work", type=Path, default=results.OUT, help="data and databases (bench/out)")
    args = p.parse_args(argv)
    scales = args.scale or _scales(os.environ.get("BENCH_SCALE", "1"))
    for scale in sorted(scales):
        print(f"== scale {scale:g}", flush=True)
        result = run_scale(scale, args.work / f"scale-{scale:g}", args.reuse_data)
        target = results.save(result)
        print(results.text_table(result["figures"]))
        for problem in result["problems"]:
            print(f"problem: {problem}")
        print(f"scale {scale:g}: {result['wall_s'] / 60:.1f} min; wrote {target}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
