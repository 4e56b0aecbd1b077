"""Every report of the CLI gives the same result on Spark as on DuckDB (issue 16).

Every query call the reports of the registry (``reports.REPORTS``) make on the sample database
is recorded with its parameters and its DuckDB result, then run on Spark (local mode) from a
lake exported from the same database (its derived tables as DuckDB built them; the calls with
filters run on the derived tables Spark builds: tests/test_spark_derive.py), and compared row
by row (``spark_support.difference``): the
same column names and Arrow types, the same number of rows, and the same values (exact:
counts, money to the cent, rates of 6 places and text; a float to 1e-9).

``spark_support.NOT_YET`` is the one list of queries that do not match on Spark yet, each with
the reason; a report's calls of them must still differ (strict, like ``xfail(strict=True)``: a
fix is noticed and the entry removed), and every other call of the report must match.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from dashboard import reports
from tests.spark_support import (
    NOT_YET,
    Outcome,
    difference,
    export_lake,
    record,
    run_calls,
    spark_session,
    unexpected,
)

pytestmark = pytest.mark.xdist_group("spark")  # one SparkSession, in one test process


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session()
    yield session


@pytest.fixture(scope="module")
def lake_views(spark: Any, sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    from dashboard import spark as engine

    folder = export_lake(sample_db, tmp_path_factory.mktemp("lake") / "lake")
    return engine.register_lake(spark, folder)


@pytest.fixture(scope="module")
def outcomes(spark: Any, sample_db: Path, lake_views: list[str]) -> dict[str, list[Outcome]]:
    return run_calls(spark, record(sample_db))


def test_difference_finds_what_differs() -> None:
    base = pa.table({"n": pa.array([1, 2], pa.int64()), "x": pa.array([0.5, 0.25])})
    assert difference(base, base) is None
    assert difference(base, base.slice(0, 1)) is not None
    other = pa.table({"n": pa.array([1, 3], pa.int64()), "x": pa.array([0.5, 0.25])})
    assert "n" in (difference(base, other) or "")
    close = pa.table({"n": pa.array([2, 1], pa.int64()), "x": pa.array([0.25, 0.5 + 1e-12])})
    assert difference(base, close) is None  # order of rows free, floats to 1e-9
    wider = base.cast(pa.schema([("n", pa.int32()), ("x", pa.float64())]))
    assert "schema" in (difference(base, wider) or "")


@pytest.mark.parametrize("report", [n for n, r in reports.REPORTS.items() if r.run is not None])
def test_report_equal_on_spark(report: str, outcomes: dict[str, list[Outcome]]) -> None:
    found = outcomes.get(report, [])
    problems = unexpected(found)
    assert not problems, "\n".join(problems)
    expected = [
        f"{o.call.name}: {NOT_YET[o.call.name]} ({o.problem[:120]})"
        for o in found
        if o.problem is not None and o.call.name in NOT_YET
    ]
    if expected:
        pytest.xfail("; ".join(expected))


def test_not_yet_lists_only_queries_that_still_differ(outcomes: dict[str, list[Outcome]]) -> None:
    """Strict, as xfail(strict=True): a query of NOT_YET that now matches in every call of
    every report is noticed, and its entry removed."""
    called = {o.call.name for os_ in outcomes.values() for o in os_}
    differing = {o.call.name for os_ in outcomes.values() for o in os_ if o.problem is not None}
    assert set(NOT_YET) <= called, f"never called: {sorted(set(NOT_YET) - called)}"
    fixed = set(NOT_YET) - differing
    assert not fixed, f"now equal on Spark, remove from NOT_YET: {sorted(fixed)}"
