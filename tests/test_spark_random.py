"""The reports give the same results on Spark as on DuckDB on random portfolios (issue 16).

Three seeded random portfolios (``tests.case_fixtures.random_case_world``: 70 accounts each
over four month-end snapshots with boundary DPDs, zero balances, closed statuses, accounts
missing from a snapshot and changing portfolio, agents off the roster, blank-agent payments,
reversals and orphan payments, contacts at the boundary times, repayment plans paid around
their due dates, agencies and complaints); the second moved two years back, so that its
February snapshot and the payments and contacts of that day fall on the leap day 2024-02-29
(and its accounts are missing from the later snapshots of the others). They are imported into
one DuckDB database (their ids kept apart by a prefix; the roster and the agencies shared): a
Spark job costs about a CPU second however small its data, and every report's calls on one
book are some 70 jobs, so three books in three databases cost three times as much CI time for
the same edge cases. Its lake is exported and registered on Spark (the staged tables then held
in memory: the Parquet reading is tested on the sample), its derived tables built on Spark from
the lake's staged tables (``dashboard.spark_derive``; they must equal DuckDB's), and every
query call of the registry's reports, recorded on DuckDB without filters and with a portfolio
and an agent filter, run on them and compared with DuckDB's result
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
    hold_in_memory,
    record,
    run_calls,
    spark_session,
    unexpected,
)

pytestmark = pytest.mark.xdist_group("spark")  # one SparkSession, in one test process

SEEDS = (1, 2, 3)
LEAP_SEED = 2  # moved two years back
FILTERED = ("portfolios", "agents")  # the sample's filtered calls set all three
# The columns of each kind that hold an id of the portfolio (accounts, payments, contacts,
# plans, complaints), by position in the kind's canonical columns (tests.kpi_fixtures).
ID_COLUMNS = {
    "accounts": (0,),
    "payments": (0, 1, 5),
    "contacts": (0, 1),
    "repayment_plans": (0, 1),
    "complaints": (0, 1),
}
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


def merged_world() -> dict[str, Any]:
    """The three portfolios as ``build_db``'s keyword arguments: each one's ids prefixed with
    ``S<seed>``, the roster and the agencies (the same in each) once."""
    out: dict[str, Any] = {}
    for seed in SEEDS:
        world = random_case_world(seed)
        if seed == LEAP_SEED:
            world = leap_world(world)
        for kind, rows in world.items():
            if not isinstance(rows, list):
                out[kind] = rows  # the account columns
                continue
            ids = ID_COLUMNS.get(kind, ())
            mine = [
                tuple(f"S{seed}{v}" if i in ids and v else v for i, v in enumerate(row))
                for row in rows
            ]
            have = out.setdefault(kind, [])
            have.extend(r for r in mine if r not in have)
    return out


@dataclass(frozen=True)
class Book:
    path: Path
    dims: dict[str, tuple[str, ...]]
    derived_problems: dict[str, str | None]  # each derived table: how Spark's differs
    outcomes: dict[str, list[Outcome]]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    spark = spark_session()
    folder = tmp_path_factory.mktemp("spark_random")
    path = build_db(folder, **merged_world())
    dims = {d: v for d, v in dimension_values(path).items() if d in FILTERED}
    calls = record(path) + record(path, dims)
    tables = engine.register_lake(spark, export_lake(path, folder / "lake"))
    hold_in_memory(spark, set(tables) - set(spark_derive.derived_tables()))
    spark_derive.build(spark)
    with db.connect(path, read_only=True) as con:
        derived = {
            n: difference(
                con.table(n).to_arrow_table(),
                engine.read_temp(spark, n, f"{db.DERIVED_DIR}/{n}"),
            )
            for n in spark_derive.derived_tables()
        }
    return Book(path, dims, derived, run_calls(spark, calls))


def test_two_years_back_keeps_month_ends() -> None:
    assert _two_years_back("2026-02-28") == "2024-02-29"
    assert _two_years_back("2026-02-28 21:00:00") == "2024-02-29 21:00:00"
    assert _two_years_back("2026-03-31") == "2024-03-31"
    assert _two_years_back("2025-02-28") == "2023-02-28"  # 2023 is no leap year
    assert _two_years_back("G1") == "G1"


def test_the_book_holds_the_three_portfolios_and_the_leap_day(book: Book) -> None:
    with db.connect(book.path, read_only=True) as con:
        rows = con.execute(
            "select left(account_id, 2) as seed, count(distinct account_id), "
            "count(*) filter (where as_of_date = date '2024-02-29') "
            "from stg_accounts group by all order by 1"
        ).fetchall()
        (leap_payments,) = con.execute(
            "select count(*) from stg_payments where payment_date = date '2024-02-29'"
        ).fetchone() or (0,)
    assert [r[0] for r in rows] == ["S1", "S2", "S3"]
    assert all(r[1] >= 60 for r in rows)  # 70 accounts each, a few never in a snapshot
    assert [r[2] > 0 for r in rows] == [False, True, False]
    assert leap_payments > 0


@pytest.mark.parametrize("table", spark_derive.derived_tables())
def test_derived_table_built_on_spark_equals_duckdbs(book: Book, table: str) -> None:
    assert book.derived_problems[table] is None


def test_reports_equal_on_spark(book: Book) -> None:
    every = [o for os_ in book.outcomes.values() for o in os_]
    filtered = [o for o in every if o.call.params.get("agents")]
    assert len(every) > 40 and filtered  # every report's calls, some with the filters
    assert all(o.call.params.get("portfolios") for o in filtered)
    assert sum(o.call.result.num_rows for o in filtered) > 0
    problems = unexpected(every)
    assert not problems, "\n".join(problems)
