"""Spark timings (issue 16): the heaviest reports on Spark local mode beside DuckDB's, on the book.

The lake is exported from the book (``lake.export``, timed as context), one SparkSession is
started (local[2], the command line's settings, a 4 GB driver; its start-up timed as context)
and the lake registered on it. Then each report of ``REPORTS`` (roll-rates, compliance and
agencies over the whole book, the payouts of the latest month: the arguments of
``bench/reports.py``) runs through the registry on DuckDB (a fresh read-only connection, best
of 3) and on Spark (the same function, its ``con`` a ``SparkConnection``: the path of
``report NAME --engine spark``, best of 3 after connecting), and the two results are compared
(a difference is a problem of the run). The figure is Spark's time with DuckDB's as the
baseline: informational, no goal. On one machine Spark is expected to be slower: its figure is
its job overhead (0.3-3 s a query), not what a cluster would take on a book that outgrows one
machine.
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from bench.figures import Figure
from bench.reports import _arguments, _required, best_of
from dashboard import db, lake, reports
from dashboard.engine.kpi_common import Filters, latest_snapshot

REPORTS = ("roll-rates", "compliance", "agencies", "payouts")
RUNS = 3
DRIVER_MEMORY = "4g"
NOTE = "informational: Spark local[2] over the lake, best of 3 after connecting"


def _rows(table: pa.Table) -> list[tuple[Any, ...]]:
    rows = zip(*(c.to_pylist() for c in table.columns), strict=True)
    return sorted(rows, key=lambda r: tuple((v is None, str(v)) for v in r))


def _session() -> Any:
    from dashboard import spark as engine
    from dashboard import spark_session as sessions

    sessions.check_runtime(remote=False)
    session = (
        engine.session_builder(sessions.DEFAULT_MASTER)
        .config("spark.driver.memory", DRIVER_MEMORY)
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={sessions.LOG}")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def measure(db_path: Path, work: Path) -> tuple[list[Figure], list[str]]:
    """The Spark figures and any problem met (pyspark or Java missing is one, not a crash)."""
    from dashboard import spark as engine
    from dashboard import spark_session as sessions

    figures: list[Figure] = []
    problems: list[str] = []
    folder = work / "lake"
    shutil.rmtree(folder, ignore_errors=True)
    with db.connect(db_path, read_only=True) as con:
        latest = latest_snapshot(con)
        (earliest,) = con.execute("select min(payment_date) from stg_payments").fetchall()[0]
        first: date = min(earliest or latest, latest.replace(day=1))
        values = _required(con, latest)
        start = time.perf_counter()
        exported = lake.export(con, folder)
        export_s = time.perf_counter() - start
    rows = sum(exported.rows.values())
    figures.append(Figure("spark", "lake export (whole book)", export_s, "s", goal="-",
                          note=f"{len(exported.rows)} tables, {rows:,} rows, "
                          f"{exported.written} partitions"))  # fmt: skip
    try:
        start = time.perf_counter()
        spark = _session()
        engine.register_lake(spark, folder)
        start_s = time.perf_counter() - start
    except Exception as exc:  # no pyspark or Java, a JVM that did not start: a finding
        problems.append(f"spark: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        shutil.rmtree(folder, ignore_errors=True)
        return figures, problems
    figures.append(Figure("spark", "spark session start (local[2])", start_s, "s", goal="-",
                          note="a JVM, and the lake registered as views"))  # fmt: skip
    con_spark = sessions.SparkConnection(spark)
    try:
        for name in REPORTS:
            filters, options = _arguments(reports.REPORTS[name], first, latest, values)
            try:
                figure, problem = _compare(db_path, con_spark, name, filters, options)
            except Exception as exc:  # a report that fails is a finding, not a crash
                problems.append(f"spark {name}: {type(exc).__name__}: {str(exc)[:300]}")
                continue
            figures.append(figure)
            problems += [problem] if problem else []
            print(f"    spark {name}: {figure.project:.2f} s (DuckDB {figure.baseline:.3f} s)",
                  flush=True)  # fmt: skip
    finally:
        spark.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return figures, problems


def _compare(
    db_path: Path, con_spark: Any, name: str, filters: Filters, options: dict[str, Any]
) -> tuple[Figure, str | None]:
    """One report on DuckDB (a fresh read-only connection) and on Spark, best of 3 each."""
    with db.connect(db_path, read_only=True) as own:
        duck_s, want = best_of(lambda: reports.run(own, name, filters, **options), RUNS)
    # The report function as the command line's --engine spark calls it: con is Spark's.
    spark_s, got = best_of(lambda: reports.run(con_spark, name, filters, **options), RUNS)
    same = got.schema == want.schema and _rows(got) == _rows(want)
    figure = Figure(
        "spark", f"spark {name}", spark_s, "s", duck_s, spark_s / duck_s if duck_s else None,
        "-", None, note=f"{NOTE}; baseline: DuckDB, best of 3; {want.num_rows:,} rows out",
    )  # fmt: skip
    return figure, None if same else f"spark {name}: Spark's result differs from DuckDB's"
