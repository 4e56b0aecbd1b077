"""The Spark side of ``report NAME --engine spark`` (issue 16): the session, and the checks that
refuse bad input before it starts.

``dashboard.spark`` runs the query files on a SparkSession; this module makes the session the
command line asks for (local[2] by default, ``--master URL``, Spark Connect at
``$SPARK_REMOTE`` or ``sc://``, or the one spark-submit configured), refuses first what would
only fail late or hang (pyspark or Java missing, a master that does not answer: Spark's own
waits are long and not configurable, a lake without an export or older than the database),
and gives the report functions a ``SparkConnection``: what they take as ``con``, which
``db.run`` and ``db.run_into_temp`` hand the query's name and parameters.

pyspark is imported only inside the functions that need it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa

from dashboard.spark import SparkQueryError, run, run_into_temp, session_builder, spark_error

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
        if not spark_error(exc) and not isinstance(exc, (OSError, RuntimeError)):
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
            if not spark_error(exc):
                raise
            raise SparkFailed(f"Spark could not run queries/{name}.sql: {_first(exc)}") from exc

    def run_into_temp(self, table: str, name: str, params: Mapping[str, Any]) -> None:
        try:
            run_into_temp(self.spark, table, name, params)
        except Exception as exc:
            if not spark_error(exc):
                raise
            raise SparkFailed(f"Spark could not run queries/{name}.sql: {_first(exc)}") from exc
