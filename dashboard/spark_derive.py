"""The derived tables built on Spark from a lake's staged tables (issue 16).

On DuckDB the derived tables (``queries/derived/*.sql``: ``rpt_*`` and the crediting table
``payments_credited``) are built by ``db.refresh_derived`` from the staging views. A book on
Spark needs them built there too, from the same files: each definition runs through
``dashboard.spark`` (transpiled, its macros expanded) on the lake's staged tables, in
``db.build_order`` (each after the derived tables it reads), and replaces the lake's copy of
the same name as a temporary view. Only the full-rebuild definitions run: the incremental slices
(``queries/derived/incremental/``) are DuckDB's way to keep a database file current after an
import, and a lake is exported whole.

Each table gets the column types DuckDB gives it (a Spark ``sum`` of DECIMAL(18, 2) is
DECIMAL(28, 2) where DuckDB's is DECIMAL(38, 2)), so that the report queries reading it compute
with the types they compute with on DuckDB, and is materialised once (a local checkpoint, held by
the executors: a lost executor means building again) before the next one is built. A cached
DataFrame would not do: Spark 4.3 does not substitute the cache for a view read inside another
query's CTE (a plain read or a join of it is substituted), so every derived table would
recompute all those upstream (on the sample, rpt_payments reran the whole crediting walk from
the staged payments).

pyspark is imported only by the caller's session: this module needs none of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from dashboard import db
from dashboard import spark as engine
from dashboard.paths import QUERIES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def derived_tables() -> tuple[str, ...]:
    """The derived tables of ``queries/derived/``, each after those it reads."""
    folder = QUERIES / db.DERIVED_DIR
    return tuple(n for n in db.build_order() if (folder / f"{n}.sql").is_file())


def spark_type(arrow: pa.DataType) -> str:
    """The Spark SQL type of a column DuckDB gives as Arrow type ``arrow`` (as Spark reads it
    from the lake's Parquet: a naive timestamp is TIMESTAMP_NTZ).

    Raises:
        engine.SparkQueryError: a type the derived tables do not use and Spark lacks.
    """
    simple = {
        pa.bool_(): "boolean",
        pa.int8(): "tinyint",
        pa.int16(): "smallint",
        pa.int32(): "int",
        pa.int64(): "bigint",
        pa.float32(): "float",
        pa.float64(): "double",
        pa.string(): "string",
        pa.large_string(): "string",
        pa.date32(): "date",
    }
    if arrow in simple:
        return simple[arrow]
    if pa.types.is_decimal(arrow) and arrow.precision <= 38:
        return f"decimal({arrow.precision}, {arrow.scale})"
    if pa.types.is_timestamp(arrow):
        return "timestamp" if arrow.tz else "timestamp_ntz"
    if pa.types.is_list(arrow) or pa.types.is_large_list(arrow):
        return f"array<{spark_type(arrow.value_type)}>"
    raise engine.SparkQueryError(f"no Spark type for DuckDB's {arrow}")


def typed(frame: Any, schema: pa.Schema, name: str) -> Any:
    """``frame`` (a Spark DataFrame) with the column names of ``schema`` and each column cast
    to its Spark type where Spark's differs (a cast that does not fit fails: ANSI SQL).

    Raises:
        engine.SparkQueryError: Spark's columns are not DuckDB's.
    """
    if list(frame.columns) != schema.names:
        raise engine.SparkQueryError(
            f"{name}: Spark gave the columns {list(frame.columns)}, DuckDB {schema.names}"
        )
    have = dict(frame.dtypes)
    columns = []
    for field in schema:
        want = spark_type(field.type)
        column = frame[field.name]
        if have[field.name].replace(",", ", ") != want:
            column = column.cast(want).alias(field.name)
        columns.append(column)
    return frame.select(*columns)


def build(spark: SparkSession, folder: str | Path | None = None) -> dict[str, int]:
    """Build every derived table on ``spark`` from the staged tables, as temporary views named
    like the DuckDB tables (replacing the lake's copies); returns each one's rows.

    Args:
        spark: the session; its temporary views hold the staged and other base tables (a lake
            registered by ``dashboard.spark.register_lake``), unless ``folder`` is given.
        folder: a lake to register first (``register_lake``).

    Raises:
        engine.SparkQueryError: a definition cannot be written for Spark, or its columns
            differ from DuckDB's.
        engine.LakeMissing: ``folder`` holds no lake.
    """
    if folder is not None:
        engine.register_lake(spark, folder)
    names = derived_tables()
    for name in names:  # never read a lake's copy: each is built before it is read
        spark.catalog.dropTempView(name)
    rows: dict[str, int] = {}
    for name in names:
        query = f"{db.DERIVED_DIR}/{name}"
        frame = typed(engine.sql(spark, query), engine.duckdb_schema(query, {}), name)
        frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        rows[name] = frame.count()
    return rows
