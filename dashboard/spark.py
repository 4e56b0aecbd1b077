"""The report queries on Apache Spark, from the same queries/ files as DuckDB (issue 16).

A query file is DuckDB SQL. To run it on Spark it is parsed with sqlglot (DuckDB dialect), its
macro calls are expanded in the syntax tree (a macro's Spark body from
``queries/macros_spark.sql`` where it has one, else its DuckDB body from ``queries/macros.sql``)
and the tree is written as Spark SQL. Parameters stay bound, never pasted: ``$name`` becomes
Spark's ``:name`` and the values go to ``spark.sql(text, args=...)``.

The result comes back as Arrow with the column types DuckDB gives the same query (its schema is
taken from DuckDB running the query on an empty database with the same schema): Spark's sum of
a BIGINT is a BIGINT where DuckDB's is a HUGEINT, its DECIMAL precisions differ, its
timestamps may carry a time zone. A lake (``dashboard.lake``) is registered table by table as
Spark temporary views, so the query files read the names they read on DuckDB.

pyspark is imported only where a session is used: transpiling needs sqlglot alone. The session
of the command line (``report NAME --engine spark``) and its checks are ``dashboard.spark_session``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from dashboard import db

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SPARK_MACRO_FILE = "macros_spark"  # queries/macros_spark.sql: the Spark bodies
_MACRO = re.compile(r"create or replace macro (\w+)\(([^)]*)\) as\s+(.*)", re.S)
_MACRO_PREFIX = "__m_"
_PARAM_PREFIX = "__p_"


class SparkQueryError(Exception):
    """A query file that cannot be written as Spark SQL; ``str(exc)`` says which and why."""


def _parse_macros(text: str) -> dict[str, tuple[list[str], str]]:
    out: dict[str, tuple[list[str], str]] = {}
    for statement in db.statements(text):
        m = _MACRO.match(statement)
        if not m:
            raise SparkQueryError(f"not a macro: {statement[:60]!r}")
        out[m.group(1)] = ([a.strip() for a in m.group(2).split(",") if a.strip()], m.group(3))
    return out


@cache
def duckdb_macros() -> dict[str, tuple[list[str], str]]:
    """Name -> (parameters, DuckDB body) of every macro of queries/macros.sql."""
    return _parse_macros(db.query_text(db.MACRO_FILE))


@cache
def spark_macros() -> dict[str, tuple[list[str], str]]:
    """Name -> (parameters, Spark body) of every macro of queries/macros_spark.sql."""
    spark = _parse_macros(db.query_text(SPARK_MACRO_FILE))
    duck = duckdb_macros()
    for name, (args, _) in spark.items():
        if name not in duck:
            raise SparkQueryError(f"{SPARK_MACRO_FILE}.sql: {name} is no macro of macros.sql")
        if args != duck[name][0]:
            raise SparkQueryError(
                f"{SPARK_MACRO_FILE}.sql: {name}({', '.join(args)}) takes other parameters "
                f"than macros.sql's {name}({', '.join(duck[name][0])})"
            )
    return spark


@cache
def _call_pattern() -> re.Pattern[str]:
    names = sorted(duckdb_macros(), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(names) + r")\s*\(")


def _marked(text: str) -> str:
    """Macro calls and ``$params`` renamed to plain identifiers sqlglot parses alike in both
    dialects (``__m_name(``, ``__p_name``); comments dropped first, so that none is renamed."""
    code = "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("--"))
    code = _call_pattern().sub(lambda m: f"{_MACRO_PREFIX}{m.group(1)}(", code)
    return re.sub(r"\$(\w+)", rf"{_PARAM_PREFIX}\1", code)


@cache
def _macro_tree(name: str) -> tuple[list[str], exp.Expr]:
    if name in spark_macros():
        args, body = spark_macros()[name]
        tree: exp.Expr = sqlglot.parse_one(_marked(body), read="spark")
    else:
        args, body = duckdb_macros()[name]
        tree = sqlglot.parse_one(_marked(body), read="duckdb")
    return args, _expand(tree)


def _expand(tree: exp.Expr) -> exp.Expr:
    """Every macro call in ``tree`` replaced by the macro's body, its parameters replaced by
    the call's arguments (each expanded first, and parenthesised)."""

    def replace(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Anonymous) and node.name.lower().startswith(_MACRO_PREFIX):
            name = node.name[len(_MACRO_PREFIX) :].lower()
            params, body = _macro_tree(name)
            if len(params) != len(node.expressions):
                raise SparkQueryError(
                    f"{name} takes {len(params)} arguments, given {len(node.expressions)}"
                )
            values = {p: _expand(e.copy()) for p, e in zip(params, node.expressions, strict=True)}

            def substitute(n: exp.Expr) -> exp.Expr:
                if isinstance(n, exp.Column) and not n.table and n.name in values:
                    return exp.Paren(this=values[n.name].copy())
                return n

            out = body.copy().transform(substitute)
            # The tree keeps no precedence of its own: a body such as `a or b` inside `x and
            # <call>` keeps its parentheses (sqlglot counts OR among its functions: every
            # body is parenthesised).
            return out if isinstance(out, exp.Paren) else exp.Paren(this=out)
        return node

    return tree.transform(replace)


def _spark_fixes(node: exp.Expr) -> exp.Expr:
    """What sqlglot writes wrong for Spark, rewritten in the tree (each fix tested in
    tests/test_spark_macros.py):

    - DuckDB's ``quantile_disc(x, q)`` becomes ``PERCENTILE_DISC(x, q)``, which Spark refuses
      (and its ``percentile_disc(q) within group`` becomes the approximate PERCENTILE_APPROX):
      Spark's own form is ``percentile_disc(q) within group (order by x)``.
    """
    if isinstance(node, exp.PercentileDisc) and node.expression is not None:
        return exp.WithinGroup(
            this=exp.Anonymous(this="percentile_disc", expressions=[node.expression.copy()]),
            expression=exp.Order(expressions=[exp.Ordered(this=node.this.copy())]),
        )
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileDisc):
        return exp.WithinGroup(
            this=exp.Anonymous(this="percentile_disc", expressions=[node.this.this.copy()]),
            expression=node.expression.copy(),
        )
    return node


def transpile_text(text: str) -> str:
    """The Spark SQL of a DuckDB SELECT that may call the macros and use ``$params``."""
    try:
        parsed: exp.Expr = sqlglot.parse_one(_marked(text), read="duckdb")
        tree = _expand(parsed).transform(_spark_fixes)
        out = tree.sql(dialect="spark", comments=False, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.SqlglotError as exc:
        raise SparkQueryError(str(exc).splitlines()[0]) from exc
    return re.sub(rf"`?{_PARAM_PREFIX}(\w+)`?", r":\1", out)


@cache
def transpile(name: str) -> str:
    """The Spark SQL of ``queries/<name>.sql`` (cached: the files do not change in a run).

    Raises:
        SparkQueryError: the query uses something sqlglot cannot write for Spark.
    """
    try:
        return transpile_text(db.query_text(name))
    except SparkQueryError as exc:
        raise SparkQueryError(f"{name}: {exc}") from exc


@cache
def _param_names(name: str) -> frozenset[str]:
    code = "\n".join(
        ln for ln in db.query_text(name).splitlines() if not ln.strip().startswith("--")
    )
    return frozenset(re.findall(r"\$(\w+)", code))


def _arg(value: Any) -> Any:
    """A parameter value as Spark binds it: a time of day as 'HH:MM:SS' text (the Spark
    time_of_day macro gives text), a list as an array column."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, (list, tuple)):
        from pyspark.sql import functions as F

        return F.array(*[F.lit(v) for v in value])
    return value


# The DuckDB result types of a query: from DuckDB running it on an empty database with the
# same schema (its macros, staging views and derived tables), with the same parameters.
_SHAPE_LOCK = threading.Lock()


@cache
def _empty_database() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    db.ensure_schema(con)
    return con


def duckdb_schema(name: str, params: Mapping[str, Any]) -> pa.Schema:
    """The Arrow schema of ``db.run(con, name, params)``'s result on DuckDB."""
    with _SHAPE_LOCK:
        con = _empty_database()
        rel = con.sql(db.query_text(name), params=dict(params))
        assert rel is not None, f"{name} is not a query"
        return rel.limit(0).to_arrow_table().schema


def _cast(table: pa.Table, schema: pa.Schema, name: str) -> pa.Table:
    if table.column_names != schema.names:
        raise SparkQueryError(
            f"{name}: Spark gave the columns {table.column_names}, DuckDB {schema.names}"
        )
    columns = []
    for column, field in zip(table.columns, schema, strict=True):
        if column.type == field.type:
            columns.append(column)
        elif pa.types.is_timestamp(column.type) and pa.types.is_timestamp(field.type):
            # Spark's TIMESTAMP is an instant shown in the session's zone (UTC): its wall
            # clock is the naive timestamp DuckDB gives.
            columns.append(
                column.cast(pa.timestamp(field.type.unit, column.type.tz)).cast(field.type)
            )
        else:
            columns.append(column.cast(field.type, safe=True))
    return pa.Table.from_arrays(columns, schema=schema)


def sql(spark: SparkSession, name: str, params: Mapping[str, Any] | None = None) -> Any:
    """The Spark DataFrame of ``queries/<name>.sql`` with bound parameters (lazy)."""
    used = _param_names(name)
    args = {k: _arg(v) for k, v in (params or {}).items() if k in used}
    return spark.sql(transpile(name), args=args)


def run(spark: SparkSession, name: str, params: Mapping[str, Any] | None = None) -> pa.Table:
    """Run ``queries/<name>.sql`` on Spark with bound parameters: Arrow, with the column names
    and types of ``db.run``'s DuckDB result.

    Raises:
        SparkQueryError: the query cannot be written for Spark, or its columns differ.
    """
    table = sql(spark, name, params).toArrow()
    return _cast(table, duckdb_schema(name, params or {}), name)


def run_into_temp(
    spark: SparkSession, table: str, name: str, params: Mapping[str, Any] | None = None
) -> None:
    """Run ``queries/<name>.sql`` into the cached temporary view ``table`` (the Spark side of
    ``db.run_into_temp``); ``table`` is a name of the code, never a value. The empty DuckDB
    database that gives the result types gets the same temporary table (empty)."""
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    sql(spark, name, params).cache().createOrReplaceTempView(table)
    with _SHAPE_LOCK:
        db.run_into_temp(_empty_database(), table, name, dict(params or {}))


def read_temp(
    spark: SparkSession, table: str, name: str, params: Mapping[str, Any] | None = None
) -> pa.Table:
    """The temporary view ``table`` that ``run_into_temp(spark, table, name, params)`` made, as
    Arrow with DuckDB's types (as ``db.run_into_temp``'s table reads on DuckDB)."""
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    return _cast(spark.table(table).toArrow(), duckdb_schema(name, params or {}), name)


def spark_error(exc: BaseException) -> bool:
    """An error raised by pyspark or by the JVM behind it (py4j)."""
    return type(exc).__module__.split(".")[0] in ("pyspark", "py4j")


class LakeMissing(Exception):
    """The folder holds no lake (no manifest); ``str(exc)`` says so for a person."""


def is_url(folder: str | Path) -> bool:
    """A lake Spark reads by URL (``hdfs://``, ``s3a://``, ``file://``...), not a local path."""
    return "://" in str(folder)


def _join(root: str | Path, part: str) -> str:
    return f"{str(root).rstrip('/')}/{part}" if is_url(root) else str(Path(root) / part)


def read_lake_manifest(spark: SparkSession, folder: str | Path) -> dict[str, Any]:
    """The manifest of the lake at ``folder``: read by this process for a local path, by Spark
    for a URL (a lake on HDFS or S3 is read through Spark's own file systems).

    Raises:
        LakeMissing: no readable manifest there.
    """
    where = _join(folder, "_lake.json")
    try:
        if is_url(folder):
            text = _hadoop_text(spark, where)
        else:
            text = Path(where).read_text(encoding="utf-8")
        manifest = json.loads(text)
        if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
            raise ValueError("no tables")
    except Exception as exc:
        if not isinstance(exc, (OSError, ValueError)) and not spark_error(exc):
            raise
        raise LakeMissing(
            f"{folder} holds no lake export (no readable _lake.json): "
            "run `python -m dashboard lake export --to DIR` first"
        ) from exc
    return manifest


def _hadoop_text(spark: SparkSession, url: str) -> str:
    """The text of one file by URL, through Spark's Hadoop file systems (HDFS, S3A, file:
    whatever the session is configured to read). Not through a DataFrame: Spark's readers
    skip a file whose name starts with ``_``, as ``_lake.json`` does.

    Raises:
        LakeMissing: a Spark Connect session (no driver JVM here to read the file through).
    """
    try:
        context = spark.sparkContext
    except Exception as exc:  # Spark Connect has no SparkContext
        raise LakeMissing(
            f"{url}: a lake by URL is checked through the driver's file systems, which a "
            "Spark Connect client does not have: give --lake as a local folder (the export "
            "itself or a copy of it) and the session reads its files by the paths it names"
        ) from exc
    jvm, jsc = context._jvm, context._jsc
    assert jvm is not None and jsc is not None
    path = jvm.org.apache.hadoop.fs.Path(url)
    stream = path.getFileSystem(jsc.hadoopConfiguration()).open(path)
    try:
        return str(jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8"))
    finally:
        stream.close()


def register_lake(
    spark: SparkSession, folder: str | Path, manifest: Mapping[str, Any] | None = None
) -> list[str]:
    """Register every table of the lake in ``folder`` (a local path or a URL Spark reads; its
    version in force, named by its manifest, ``manifest`` when already read) as a Spark
    temporary view of the table's name; returns the names.

    Raises:
        LakeMissing: ``folder`` holds no lake manifest, or one that names no version.
    """
    if manifest is None:
        manifest = read_lake_manifest(spark, folder)
    tables = manifest["tables"]
    names = sorted(tables)
    for table in names:
        entry = tables[table]
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
            raise LakeMissing(f"{_join(folder, '_lake.json')}: not a table name: {table!r}")
        where = _join(folder, entry["path"])
        columns = [c["name"] for c in entry["columns"]]
        # A table by month has the Hive partition column too: only the table's own columns.
        frame = spark.read.option("basePath", where).parquet(where).select(*columns)
        frame.createOrReplaceTempView(table)
    return names


def session_builder(master: str | None = "local[2]", *, shuffle_partitions: int = 4) -> Any:
    """A SparkSession builder with the settings the queries need: ANSI SQL (errors, not nulls,
    on overflow), UTC, no UI; ``master`` None leaves the master to spark-submit."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
    return (
        builder.config("spark.sql.ansi.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    )


def param_names(name: str) -> Sequence[str]:
    """The ``$params`` of ``queries/<name>.sql``, sorted."""
    return sorted(_param_names(name))
