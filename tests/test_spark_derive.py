"""The derived tables built on Spark from the staged tables equal DuckDB's (issue 16).

A lake of the sample is exported, its tables registered on Spark, and every derived table
(``queries/derived/*.sql``) built there by ``dashboard.spark_derive`` from the lake's staged
tables. Each must equal the table DuckDB built (the lake's copy of it): the same Spark column
types as the copy read from Parquet, the same rows with the same values (exact, compared as
Arrow in DuckDB's types). Then the query calls of the registry's reports on the sample with a
portfolio, a team and an agent filter set (``spark_support.dimension_values``) are run on the
Spark-built tables and must give DuckDB's result (the unfiltered calls run on the lake's copies:
tests/test_spark_equality.py; both on the Spark-built tables of the random book:
tests/test_spark_random.py; each pass costs a Spark job per call).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from dashboard import db, spark_derive
from dashboard import spark as engine
from dashboard.paths import QUERIES
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

DERIVED = spark_derive.derived_tables()


@dataclass(frozen=True)
class Built:
    rows: dict[str, int]  # what build returned
    lake_types: dict[str, list[tuple[str, str]]]  # the lake copies' Spark columns
    spark_types: dict[str, list[tuple[str, str]]]  # the Spark-built tables' columns
    spark_tables: dict[str, pa.Table]  # the Spark-built tables, in DuckDB's Arrow types
    duckdb_tables: dict[str, pa.Table]  # DuckDB's tables
    outcomes: dict[str, list[Outcome]]  # the reports' calls on the Spark-built tables


def build_and_compare(spark: Any, path: Path, folder: Path, calls: list[Any]) -> Built:
    """Export the lake of ``path``, register it, build the derived tables on Spark, and run
    ``calls`` (recorded on ``path``) on them."""
    export_lake(path, folder)
    engine.register_lake(spark, folder)
    lake_types = {n: spark.table(n).dtypes for n in DERIVED}
    rows = spark_derive.build(spark)
    spark_types = {n: spark.table(n).dtypes for n in DERIVED}
    spark_tables = {n: engine.read_temp(spark, n, f"{db.DERIVED_DIR}/{n}") for n in DERIVED}
    with db.connect(path, read_only=True) as con:
        duckdb_tables = {n: con.table(n).to_arrow_table() for n in DERIVED}
    return Built(
        rows, lake_types, spark_types, spark_tables, duckdb_tables, run_calls(spark, calls)
    )


@pytest.fixture(scope="module")
def built(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    spark = spark_session()
    folder = tmp_path_factory.mktemp("derive") / "lake"
    calls = record(sample_db, dimension_values(sample_db))
    return build_and_compare(spark, sample_db, folder, calls)


def test_every_derived_table_is_built() -> None:
    files = {p.stem for p in (QUERIES / db.DERIVED_DIR).glob("*.sql")}
    assert set(DERIVED) == files
    order = list(DERIVED)
    assert order.index("payments_credited") < order.index("rpt_payments")
    assert order.index("rpt_accounts") < order.index("rpt_payments")
    assert order.index("rpt_payments") < order.index("rpt_promises")


@pytest.mark.parametrize("table", DERIVED)
def test_derived_table_equals_duckdbs(built: Built, table: str) -> None:
    assert built.spark_types[table] == built.lake_types[table]
    want = built.duckdb_tables[table]
    assert want.num_rows > 0, "the sample fills every derived table"
    assert built.rows[table] == want.num_rows
    assert difference(want, built.spark_tables[table]) is None


def test_filtered_reports_on_the_spark_built_tables_equal_duckdbs(built: Built) -> None:
    every = [o for os_ in built.outcomes.values() for o in os_]
    assert len(every) > 20  # the calls of every report that takes the filters
    assert all(o.call.params.get("agents") for o in every if "agents" in o.call.params)
    problems = unexpected(every)
    assert not problems, "\n".join(problems)


def test_the_filters_select_part_of_the_sample(built: Built, sample_db: Path) -> None:
    """The filtered calls are a real test: they give some rows, fewer than the same queries
    give without the filters."""
    filtered = [
        o.call for os_ in built.outcomes.values() for o in os_ if o.call.params.get("agents")
    ]
    names = {c.name for c in filtered}
    unfiltered = [c for c in record(sample_db) if c.name in names]
    rows = sum(c.result.num_rows for c in filtered)
    assert 0 < rows < sum(c.result.num_rows for c in unfiltered)


def test_spark_types_of_duckdbs_columns() -> None:
    assert spark_derive.spark_type(pa.decimal128(38, 2)) == "decimal(38, 2)"
    assert spark_derive.spark_type(pa.timestamp("us")) == "timestamp_ntz"
    assert spark_derive.spark_type(pa.timestamp("us", "UTC")) == "timestamp"
    assert spark_derive.spark_type(pa.list_(pa.string())) == "array<string>"
    assert spark_derive.spark_type(pa.int32()) == "int"
    with pytest.raises(engine.SparkQueryError):
        spark_derive.spark_type(pa.time64("us"))
