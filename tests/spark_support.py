"""What the Spark tests share: one SparkSession per test process, and a clear failure (not a
skip) when pyspark or Java is missing: the equality of the engines is a claim CI must check;
the recording of every query call the registry's reports make on a DuckDB database (with or
without dimension filters), running those calls on Spark and comparing the results."""

from __future__ import annotations

import dataclasses
import math
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from bench.reports import _arguments, _required
from dashboard import db, lake, reports
from dashboard.engine.kpi_common import latest_snapshot


def spark_session() -> Any:
    """A local[2] SparkSession (ANSI on, UTC, no UI, 1 shuffle partition), or a test failure
    that says what to install."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail(
            "pyspark is not installed: `pip install -r requirements-dev.txt` (the Spark "
            "equality tests need it)",
            pytrace=False,
        )
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and os.path.isfile(f"{java_home}/bin/java")):
        pytest.fail(
            "no Java found (java on PATH or JAVA_HOME): install Debian's "
            "openjdk-17-jre-headless for the Spark tests",
            pytrace=False,
        )
    from dashboard import spark as engine

    session = (
        engine.session_builder("local[2]", shuffle_partitions=1)
        .config("spark.driver.memory", "1g")
        # Tiny data: re-planning every stage (adaptive execution) and a second shuffle
        # partition cost more than they save (the sample's report calls ran in 45 s instead
        # of 83 s, on a loaded machine).
        .config("spark.sql.adaptive.enabled", "false")
        # Tiny data: compiling whole-stage code costs more than it saves.
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


# The queries that do not give DuckDB's result on Spark yet, and why (none on the sample since
# macro bodies keep their parentheses and bucket_name refuses no 0 on Spark; none on the random
# portfolios of tests/test_spark_random.py either).
NOT_YET: dict[str, str] = {}


@dataclass(frozen=True)
class Call:
    """One query call a report made on DuckDB, with its parameters and result."""

    report: str
    kind: str  # "run", or "temp:<table>" for db.run_into_temp
    name: str
    params: dict[str, Any]
    result: pa.Table


@dataclass(frozen=True)
class Outcome:
    call: Call
    problem: str | None  # how Spark's result differs, None when equal


def dimension_values(path: Path) -> dict[str, tuple[str, ...]]:
    """One value of each filter dimension that selects part of the book at ``path``: the
    agent credited with the most payments, that agent's team, and the portfolio holding most
    of that agent's accounts in the latest snapshot (ties by name), so that the three filters
    together still select rows."""
    with db.connect(path, read_only=True) as con:
        agent, team = con.execute(
            "select p.credited_agent_id, a.team from rpt_payments as p "
            "inner join stg_agents as a on a.agent_id = p.credited_agent_id "
            "group by all order by count(*) desc, 1 limit 1"
        ).fetchall()[0]
        (portfolio,) = con.execute(
            "select portfolio from rpt_accounts where agent_id = $agent "
            "group by all order by count(*) desc, 1 limit 1",
            {"agent": agent},
        ).fetchall()[0]
    return {"portfolios": (str(portfolio),), "teams": (str(team),), "agents": (str(agent),)}


def record(path: Path, dims: Mapping[str, tuple[str, ...]] | None = None) -> list[Call]:
    """Every query call of every report of the registry on the database at ``path``, with the
    dimension filters ``dims`` (portfolios, teams, agents) set on the reports that take them
    (the others are not run when ``dims`` is given)."""
    calls: list[Call] = []
    current = [""]
    run, into = db.run, db.run_into_temp

    def recorded_run(con: Any, name: str, params: Any = None) -> pa.Table:
        table = run(con, name, params)
        calls.append(Call(current[0], "run", name, dict(params or {}), table))
        return table

    def recorded_into(con: Any, table: str, name: str, params: Any = None) -> None:
        into(con, table, name, params)
        result = con.sql(f"select * from {table}").to_arrow_table()
        calls.append(Call(current[0], f"temp:{table}", name, dict(params or {}), result))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db, "run", recorded_run)
        patch.setattr(db, "run_into_temp", recorded_into)
        with db.connect(path, read_only=True) as con:
            latest = latest_snapshot(con)
            (earliest,) = con.execute("select min(payment_date) from stg_payments").fetchone()
            first: date = min(earliest or latest, latest.replace(day=1))
            values = _required(con, latest)
        for name, report in reports.REPORTS.items():
            if report.run is None or (dims and not report.dims):
                continue
            current[0] = name
            filters, options = _arguments(report, first, latest, values)
            if dims:
                filters = dataclasses.replace(filters, **dims)
            with db.connect(path, read_only=True) as own:
                reports.run(own, name, filters, **options)
    return calls


def export_lake(path: Path, folder: Path) -> Path:
    """The lake of the database at ``path``, exported into ``folder``."""
    with db.connect(path, read_only=True) as con:
        lake.export(con, folder)
    return folder


def hold_in_memory(spark: Any, names: Iterable[str]) -> None:
    """Replace each temporary view of ``names`` (a lake's tables) by a copy held in memory (a
    local checkpoint): the calls then skip reading Parquet (20 % of their time on the sample's
    lake, measured); for tests whose point is the data, not the reading."""
    for name in names:
        spark.table(name).localCheckpoint(eager=True).createOrReplaceTempView(name)


def run_calls(spark: Any, calls: Iterable[Call]) -> dict[str, list[Outcome]]:
    """Every call run on Spark (on the views registered in ``spark``), in the reports' order (a
    temporary table before the queries that read it); a call made again with the same
    parameters is compared once. By report name."""
    from dashboard import spark as engine

    by_report: dict[str, list[Outcome]] = {}
    seen: set[tuple[str, str, str]] = set()
    temps: dict[str, tuple[str, str, str]] = {}  # temporary table -> the call that made it
    for call in calls:
        key = (call.kind, call.name, repr(sorted(call.params.items(), key=str)))
        table = call.kind.removeprefix("temp:")
        if key in seen and (call.kind == "run" or temps.get(table) == key):
            continue
        seen.add(key)
        try:
            if call.kind == "run":
                got = engine.run(spark, call.name, call.params)
            else:  # the queries after it read it
                temps.pop(table, None)
                engine.run_into_temp(spark, table, call.name, call.params)
                temps[table] = key
                got = engine.read_temp(spark, table, call.name, call.params)
            problem = difference(call.result, got)
        except Exception as exc:  # an error is a difference to report
            problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        by_report.setdefault(call.report, []).append(Outcome(call, problem))
    return by_report


def unexpected(outcomes: Iterable[Outcome]) -> list[str]:
    """The differences of ``outcomes`` not explained by ``NOT_YET``, one line each."""
    return [
        f"{o.call.name} {sorted(o.call.params.items(), key=str)}: {o.problem}"
        for o in outcomes
        if o.problem is not None and o.call.name not in NOT_YET
    ]


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, str(type(v)), v if v is not None else 0) for v in row)


def _rows(table: pa.Table) -> list[tuple[Any, ...]]:
    return sorted(zip(*(c.to_pylist() for c in table.columns), strict=True), key=_key)


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return bool(a == b) and type(a) is type(b)


def difference(want: pa.Table, got: pa.Table) -> str | None:
    """How ``got`` (Spark's) differs from ``want`` (DuckDB's), or None when they are equal:
    the same column names and Arrow types, the same number of rows, and the same values in
    some order (exact: counts, money to the cent, rates of 6 places and text; a float to
    1e-9)."""
    if got.schema != want.schema:
        return f"schema {got.schema} vs DuckDB's {want.schema}"
    if got.num_rows != want.num_rows:
        return f"{got.num_rows} rows vs DuckDB's {want.num_rows}"
    for i, (g, w) in enumerate(zip(_rows(got), _rows(want), strict=True)):
        for column, a, b in zip(want.column_names, g, w, strict=True):
            if not _same_value(a, b):
                return f"row {i} (sorted), {column}: {a!r} vs DuckDB's {b!r}"
    return None
