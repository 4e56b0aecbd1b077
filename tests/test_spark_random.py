"""The reports give the same results on Spark as on DuckDB on random portfolios (issue 16).

Three seeded random books (``tests.case_fixtures.random_case_world``: 70 accounts over four
month-end snapshots with boundary DPDs, zero balances, closed statuses, accounts missing from a
snapshot and changing portfolio, agents off the roster, blank-agent payments, reversals and
orphan payments, contacts at the boundary times, repayment plans paid around their due dates,
agencies and complaints); the second moved two years back, so that its February snapshot and
the payments and contacts of that day fall on the leap day 2024-02-29. Each is imported into a
DuckDB database, its lake exported and registered on Spark, its derived tables built on Spark
from the lake's staged tables (``dashboard.spark_derive``; they must equal DuckDB's), and every
query call of the registry's reports, recorded on DuckDB without filters and with one filter
(a portfolio, a team, an agent: one per book), run on them and compared with DuckDB's result
(``tests.spark_support.difference``: exact, floats to 1e-9).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dashboard import db, spark_derive
from dashboard import spark as engine
from tests.case_fixtures import random_case_world
from tests.kpi_fixtures import build_db
from tests.spark_support import (
    Outcome,
    difference,
    dimension_values,
    export_lake,
    record,
    run_calls,
    spark_session,
    unexpected,
)

pytestmark = pytest.mark.xdist_group("spark")  # one SparkSession, in one test process

# seed -> (moved to the leap year, the one dimension filtered)
BOOKS = {1: (False, "portfolios"), 2: (True, "teams"), 3: (False, "agents")}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _two_years_back(value: Any) -> Any:
    """An ISO date (or date and time) two years earlier; 28 February of a year whose
    February then has 29 days becomes the 29th (the month end stays the month end)."""
    if not isinstance(value, str) or not _DATE.match(value):
        return value
    y, m, d = (int(g) for g in _DATE.match(value).groups())  # type: ignore[union-attr]
    moved = date(y - 2, m, d)
    if (m, d) == (2, 28) and date(y - 2, 3, 1).toordinal() - moved.toordinal() == 2:
        moved = date(y - 2, 2, 29)
    return moved.isoformat() + value[10:]


def leap_world(world: dict[str, Any]) -> dict[str, Any]:
    """``world`` (``build_db``'s keyword arguments) with every date two years back."""
    return {
        k: [tuple(_two_years_back(v) for v in row) for row in rows]
        if isinstance(rows, list)
        else rows
        for k, rows in world.items()
    }


@dataclass(frozen=True)
class Book:
    path: Path
    dims: dict[str, tuple[str, ...]]
    derived_problems: dict[str, str | None]  # each derived table: how Spark's differs
    outcomes: dict[str, list[Outcome]]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Book]:
    spark = spark_session()
    out = {}
    for seed, (leap, dimension) in BOOKS.items():
        world = random_case_world(seed)
        if leap:
            world = leap_world(world)
        folder = tmp_path_factory.mktemp(f"spark_random{seed}")
        path = build_db(folder, **world)
        dims = {dimension: dimension_values(path)[dimension]}
        calls = record(path) + record(path, dims)
        engine.register_lake(spark, export_lake(path, folder / "lake"))
        spark_derive.build(spark)
        with db.connect(path, read_only=True) as con:
            derived = {
                n: difference(
                    con.table(n).to_arrow_table(),
                    engine.read_temp(spark, n, f"{db.DERIVED_DIR}/{n}"),
                )
                for n in spark_derive.derived_tables()
            }
        out[seed] = Book(path, dims, derived, run_calls(spark, calls))
    return out


def test_two_years_back_keeps_month_ends() -> None:
    assert _two_years_back("2026-02-28") == "2024-02-29"
    assert _two_years_back("2026-02-28 21:00:00") == "2024-02-29 21:00:00"
    assert _two_years_back("2026-03-31") == "2024-03-31"
    assert _two_years_back("2025-02-28") == "2023-02-28"  # 2023 is no leap year
    assert _two_years_back("G1") == "G1"


def test_the_leap_book_has_the_leap_day(books: dict[int, Book]) -> None:
    leap = next(seed for seed, (is_leap, _) in BOOKS.items() if is_leap)
    with db.connect(books[leap].path, read_only=True) as con:
        (snapshots,) = con.execute(
            "select count(*) from stg_accounts where as_of_date = date '2024-02-29'"
        ).fetchone()
    assert snapshots > 0


@pytest.mark.parametrize("seed", sorted(BOOKS))
def test_derived_tables_built_on_spark_equal_duckdbs(books: dict[int, Book], seed: int) -> None:
    differing = {n: p for n, p in books[seed].derived_problems.items() if p is not None}
    assert not differing, differing


@pytest.mark.parametrize("seed", sorted(BOOKS))
def test_reports_equal_on_spark(books: dict[int, Book], seed: int) -> None:
    book = books[seed]
    every = [o for os_ in book.outcomes.values() for o in os_]
    filtered = [o for o in every if any(o.call.params.get(d) for d in book.dims)]
    assert len(every) > 40 and filtered  # every report's calls, some with the filter
    assert sum(o.call.result.num_rows for o in filtered) > 0
    problems = unexpected(every)
    assert not problems, "\n".join(problems)
