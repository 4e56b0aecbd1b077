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

pyspark is imported only where a session is used: transpiling needs sqlglot alone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
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
        if not isinstance(exc, (OSError, ValueError)) and not _spark_error(exc):
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


# --- The engine switch of the command line (``report NAME --engine spark``) -----------------

DEFAULT_MASTER = "local[2]"
MASTER_TIMEOUT_S = 10.0  # how long a master's (or a Spark Connect server's) port may take
REMOTE_ENV = "SPARK_REMOTE"  # Spark Connect's own variable: sc://host:port
SUBMIT_ENV = "PYSPARK_GATEWAY_PORT"  # set by spark-submit for the Python driver it starts
LOG = (Path(__file__).parent / "spark_log4j2.properties").as_uri()  # errors only, on stderr
CONNECT_PORT = 15002  # Spark Connect's default port
STANDALONE_PORT = 7077  # a standalone master's default port


class SparkUnavailable(Exception):
    """Spark cannot run the reports as asked: pyspark or Java missing, a master that does not
    answer, no lake or one older than the database. ``str(exc)`` says what, for a person;
    nothing was run or written."""


class SparkFailed(Exception):
    """Spark refused or failed a query while running (a lake file gone, a lost executor);
    ``str(exc)`` says which query and Spark's first line."""


def master_addresses(master: str) -> list[tuple[str, int]]:
    """The host and port a master URL makes the driver connect to first (a standalone master,
    each of a list of them; a Spark Connect server; a Kubernetes API server); none for local
    mode and YARN, which start or find their own.

    Raises:
        SparkUnavailable: a standalone or Connect URL without a host, or with a bad port.
    """
    scheme, _, rest = master.partition("://")
    if scheme == "k8s":
        scheme, _, rest = rest.partition("://")
        scheme = scheme or "https"
        default = 443 if scheme == "https" else 80
    elif scheme in ("spark", "sc"):
        default = STANDALONE_PORT if scheme == "spark" else CONNECT_PORT
    else:
        return []
    found = []
    for part in rest.split("/")[0].split(";")[0].split(","):
        host, colon, port = part.strip().rpartition(":")
        if not colon:
            host, port = port, ""
        host = host.strip("[]")
        if not host or not (port == "" or (port.isdigit() and 0 < int(port) < 65536)):
            raise SparkUnavailable(f"--master {master}: not a host:port ({part!r})")
        found.append((host, int(port) if port else default))
    return found


def check_master(master: str, timeout: float = MASTER_TIMEOUT_S) -> None:
    """Refuse, within ``timeout`` seconds per address, a master no address of which accepts
    a connection. Spark itself would wait longer: a standalone driver retries its
    registration 3 times 20 s (hard-coded in StandaloneAppClient, no setting shortens it),
    a Spark Connect client retries for minutes (its retry policy).

    Raises:
        SparkUnavailable: no address of ``master`` answers.
    """
    import socket

    addresses = master_addresses(master)
    problems = []
    for host, port in addresses:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return
        except OSError as exc:
            why = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
            problems.append(f"{host}:{port}: {why}")
    if addresses:
        raise SparkUnavailable(
            f"the Spark master {master} cannot be reached ({'; '.join(problems)}, waited "
            f"{timeout:g} s): check --master (or ${REMOTE_ENV}) and that it runs"
        )


def check_runtime(remote: bool) -> None:
    """Refuse early when pyspark, or (for a session of its own, not Spark Connect) Java, is
    missing.

    Raises:
        SparkUnavailable: what to install.
    """
    import importlib.util
    import os
    import shutil

    try:
        found = importlib.util.find_spec("pyspark") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise SparkUnavailable(
            "pyspark is not installed: `pip install pyspark` (4.x) to run reports on Spark, "
            "or use --engine duckdb"
        )
    if remote:
        return
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        if not os.access(os.path.join(java_home, "bin", "java"), os.X_OK):
            raise SparkUnavailable(
                f"JAVA_HOME={java_home} holds no bin/java: Spark needs Java 17 or 21 (Debian: "
                "apt-get install openjdk-17-jre-headless), or unset JAVA_HOME"
            )
    elif not shutil.which("java"):
        raise SparkUnavailable(
            "no Java found (java on PATH or JAVA_HOME): Spark needs Java 17 or 21 (Debian: "
            "apt-get install openjdk-17-jre-headless), or use --engine duckdb"
        )


def check_lake(folder: Path, state: Mapping[str, Any], db_path: Path) -> dict[str, Any]:
    """The manifest of the lake in the local folder ``folder``, refused when there is none
    or when it is out of date (``check_state``).

    Raises:
        SparkUnavailable: no lake, a broken manifest, or a lake out of date.
    """
    from dashboard import lake

    again = _again(db_path, folder)
    if folder.exists() and not folder.is_dir():
        raise SparkUnavailable(f"--lake {folder} is a file, not a lake folder")
    try:
        manifest = lake.read_manifest(folder)
    except lake.LakeError as exc:
        raise SparkUnavailable(f"{exc}: export the lake again: {again}") from exc
    if manifest is None:
        raise SparkUnavailable(
            f"{folder} holds no lake export (no {lake.MANIFEST}): export one first: {again}"
        )
    check_state(manifest, state, folder, db_path)
    return manifest


def _again(db_path: Path, folder: str | Path) -> str:
    return f"python -m dashboard lake export --db {db_path} --to {folder}"


def check_state(
    manifest: Mapping[str, Any], state: Mapping[str, Any], folder: str | Path, db_path: Path
) -> None:
    """Refuse a lake exported from another state of the database (``lake.database_state``:
    its schema, the imports in force, the last import and payout event) than ``state``, the
    database's now.

    Raises:
        SparkUnavailable: the lake is out of date; the message says what changed.
    """
    had = manifest.get("database") or {}
    if had == dict(state):
        return
    what = [
        label
        for key, label in (
            ("schema", "the query files (schema)"),
            ("imports_in_force", "the imports in force"),
            ("last_import_id", "the last import"),
            ("last_payout_event_id", "the payout approvals"),
        )
        if had.get(key) != state.get(key)
    ]
    raise SparkUnavailable(
        f"the lake in {folder} (version {manifest.get('version')}, exported "
        f"{manifest.get('created_at', '?')}) is older than the database {db_path}: "
        f"{', '.join(what) or 'its state'} changed since; export it again: "
        f"{_again(db_path, folder)}"
    )


def _pyspark_version() -> str:
    import pyspark

    return str(pyspark.__version__)


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _spark_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in ("pyspark", "py4j")


@contextmanager
def session(master: str | None = None) -> Iterator[Any]:
    """A SparkSession for the command line: local[2] by default, ``master`` (a cluster's URL;
    ``sc://host:port`` is Spark Connect), Spark Connect at ``$SPARK_REMOTE``, or under
    spark-submit the session it configured (its ``--master``, ``--conf``...). Checked
    first (``check_runtime``, ``check_master``), stopped at the end when this call made it
    (a session already running in the process, e.g. a test's, is reused and left running).

    Raises:
        SparkUnavailable: as the checks, or Spark did not start.
    """
    import os

    remote_env = os.environ.get(REMOTE_ENV)
    if master and remote_env:
        raise SparkUnavailable(
            f"--master {master} and ${REMOTE_ENV}={remote_env} both name a Spark: give one "
            f"(unset {REMOTE_ENV} for --master)"
        )
    # Under spark-submit the JVM runs already, with the master and configuration it was given.
    submitted = SUBMIT_ENV in os.environ and not master
    target = master or remote_env or DEFAULT_MASTER
    remote = target.startswith("sc://")
    check_runtime(remote)
    if not submitted:
        check_master(target)
    from pyspark.sql import SparkSession

    running = SparkSession.getActiveSession()
    try:
        if remote:
            spark = SparkSession.builder.remote(target).getOrCreate()
            for key, value in _SESSION_SQL_CONF.items():
                spark.conf.set(key, value)
        else:
            with warnings.catch_warnings():  # pyspark's note that pandas 3 is new to it
                warnings.simplefilter("ignore", FutureWarning)
                spark = (
                    session_builder(None if submitted else target)
                    .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG}")
                    .config("spark.ui.showConsoleProgress", "false")
                    .getOrCreate()
                )
            spark.sparkContext.setLogLevel("ERROR")
    except ImportError as exc:  # Spark Connect's client needs grpcio, zstandard ...
        raise SparkUnavailable(
            f"Spark Connect ({target}) needs pyspark's connect extras: "
            f"`pip install 'pyspark[connect]'` ({_first(exc)})"
        ) from exc
    except Exception as exc:
        if not _spark_error(exc) and not isinstance(exc, (OSError, RuntimeError)):
            raise
        if "stopped SparkContext" in str(exc):  # a standalone master that never registered it
            raise SparkUnavailable(
                f"the Spark master {target} took a connection but did not register this "
                "application (Spark gave up after its 3 tries of 20 s): is a Spark master of "
                f"version {_pyspark_version()} listening there?"
            ) from exc
        raise SparkUnavailable(f"Spark did not start on {target}: {_first(exc)}") from exc
    try:
        yield spark
    finally:
        if running is None:
            spark.stop()


_SESSION_SQL_CONF = {  # session_builder's settings a Spark Connect session takes at run time
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
}


class SparkConnection:
    """What a report function takes as ``con`` when it runs on Spark: ``db.run`` and
    ``db.run_into_temp`` hand it the query's name and parameters (``db.OtherEngine``), it
    runs them on the session's registered lake (``run``, ``run_into_temp``). Errors Spark
    raises while running become ``SparkFailed`` naming the query."""

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def run(self, name: str, params: Mapping[str, Any]) -> pa.Table:
        try:
            return run(self.spark, name, params)
        except SparkQueryError:
            raise
        except Exception as exc:
            if not _spark_error(exc):
                raise
            raise SparkFailed(f"Spark could not run queries/{name}.sql: {_first(exc)}") from exc

    def run_into_temp(self, table: str, name: str, params: Mapping[str, Any]) -> None:
        try:
            run_into_temp(self.spark, table, name, params)
        except Exception as exc:
            if not _spark_error(exc):
                raise
            raise SparkFailed(f"Spark could not run queries/{name}.sql: {_first(exc)}") from exc
