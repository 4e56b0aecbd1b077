"""``python -m dashboard report NAME --engine spark --lake DIR`` (issue 16): the command line's
output on Spark equals its output on DuckDB, and bad input is refused before Spark starts.

Equality: compliance (the US rules), the payouts of a month and a KPI (roll-rates over ten
months), each printed as CSV by the command line on the sample with ``--engine duckdb`` (the
expected output: an independent engine) and with ``--engine spark`` over a lake exported from
the same database, must be the same bytes. The first two run ``main`` in-process on the one
SparkSession of the test process (``tests/spark_support.py``); the KPI runs in a child process,
where the command line starts (and stops) Spark itself.

Bad input: a lake folder without an export, a lake older than the database, a master that
does not answer, pyspark or Java missing, engine options that do not go together: exit 2, one
line on stderr, nothing on stdout and no file written. None of them starts a JVM: each is
refused before the session is made (the unreachable master also in a child process, to see
its whole stderr).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dashboard import db, lake
from tests.conftest import ROOT, CliResult
from tests.spark_support import spark_session

SPARK = pytest.mark.xdist_group("spark")  # one SparkSession, in one test process
PERIOD = "2026-10"  # the sample's latest month


@pytest.fixture(scope="module")
def lake_dir(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli_lake") / "lake"
    with db.connect(sample_db, read_only=True) as con:
        lake.export(con, folder)
    return folder


@pytest.fixture(scope="module")
def spark() -> Any:
    return spark_session()


def _refused(result: CliResult, *words: str) -> None:
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert "Traceback" not in result.err
    for word in words:
        assert word in lines[0], lines[0]


def _stale_lake(
    sample_db: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> tuple[Path, Path]:
    """A copy of the sample and its lake, exported before the copy's latest import was undone."""
    path = tmp_path / "db.duckdb"
    shutil.copy(sample_db, path)
    folder = tmp_path / "lake"
    assert cli("lake", "export", "--db", path, "--to", folder).code == 0
    with db.connect(path, read_only=True) as con:
        (latest,) = con.execute("select max(import_id) from imports").fetchone() or (None,)
    assert cli("undo", "--db", path, "--by", "tester", str(latest)).code == 0
    return path, folder


EQUAL = {  # in-process; the KPI (roll-rates) runs in a process of its own below
    "compliance": ("--from", "2026-07-01", "--to", "2026-10-31", "--rules", "us"),
    "payouts": ("--period", PERIOD),
    # The derived tables built on Spark from the staged ones, not read from the lake.
    "agencies": ("--from", "2026-01-01", "--to", "2026-10-31"),
}
SPARK_OPTIONS = {"agencies": ("--derive", "spark")}


@SPARK
@pytest.mark.parametrize("report", sorted(EQUAL))
def test_spark_csv_equals_duckdb_csv(
    report: str, spark: Any, sample_db: Path, lake_dir: Path, cli: Callable[..., CliResult]
) -> None:
    args = ("report", report, *EQUAL[report], "--db", sample_db, "--format", "csv")
    expected = cli(*args)
    assert expected.code == 0, expected.err
    assert len(expected.out.splitlines()) > 2, expected.out  # a table, not just a header
    # The payouts read the lake by URL, as on a cluster (HDFS, S3): Spark reads the manifest.
    where = lake_dir.as_uri() if report == "payouts" else lake_dir
    got = cli(*args, "--engine", "spark", "--lake", where, *SPARK_OPTIONS.get(report, ()))
    assert got.code == 0, got.err
    assert got.out == expected.out


@SPARK
def test_a_lake_by_url_older_than_the_database_is_refused(
    spark: Any, sample_db: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    """By URL, the manifest is read by Spark once the session runs: still refused, one line."""
    path, folder = _stale_lake(sample_db, tmp_path, cli)
    base = ("report", "kpis", "--db", path, "--engine", "spark", "--lake")
    _refused(cli(*base, folder.as_uri()), "older than the database", "the imports in force")
    missing = (tmp_path / "nothing").as_uri()
    _refused(cli(*base, missing), "no lake export", missing)


@SPARK
def test_spark_csv_equals_duckdb_csv_in_a_process_of_its_own(
    sample_db: Path, lake_dir: Path, cli: Callable[..., CliResult]
) -> None:
    """The command line starts Spark itself (local[2]) and stops it; stdout is the CSV."""
    window = ("--from", "2026-01-01", "--to", "2026-10-31")
    args = ("report", "roll-rates", *window, "--db", str(sample_db), "--format", "csv")
    expected = cli(*args)
    assert expected.code == 0, expected.err
    child = subprocess.run(
        [sys.executable, "-m", "dashboard", *args, "--engine", "spark", "--lake", str(lake_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert child.returncode == 0, child.stderr
    assert "Traceback" not in child.stderr
    assert child.stdout == expected.out


def test_a_folder_without_an_export_is_refused(
    sample_db: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (empty, tmp_path / "missing"):
        result = cli("report", "kpis", "--db", sample_db, "--engine", "spark", "--lake", folder)
        _refused(result, str(folder), "no lake export", "lake export")
    assert list(empty.iterdir()) == [] and not (tmp_path / "missing").exists()


def test_a_broken_manifest_is_refused(
    sample_db: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    folder = tmp_path / "lake"
    folder.mkdir()
    (folder / lake.MANIFEST).write_text("{not json", encoding="utf-8")
    result = cli("report", "kpis", "--db", sample_db, "--engine", "spark", "--lake", folder)
    _refused(result, "not a lake manifest", "export the lake again")


def test_a_lake_older_than_the_database_is_refused(
    sample_db: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    """The lake was exported, then an import was undone: the imports in force differ."""
    path, folder = _stale_lake(sample_db, tmp_path, cli)
    out = tmp_path / "payouts.csv"
    result = cli(
        "report", "payouts", "--period", PERIOD, "--db", path, "--out", out,
        "--engine", "spark", "--lake", folder,
    )  # fmt: skip
    _refused(result, "older than the database", "the imports in force", "lake export")
    assert not out.exists()


def test_an_unreachable_master_is_refused(
    sample_db: Path, lake_dir: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli(
        "report", "kpis", "--db", sample_db, "--engine", "spark", "--lake", lake_dir,
        "--master", "spark://127.0.0.1:1",
    )  # fmt: skip
    _refused(result, "spark://127.0.0.1:1", "cannot be reached", "Connection refused")


def test_the_wait_for_a_master_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A master that does not answer (a dropped SYN) is given up after MASTER_TIMEOUT_S per
    address: the probe is a socket with that timeout, not Spark's own retries (a standalone
    driver tries 3 x 20 s, hard-coded; a Spark Connect client retries for minutes)."""
    from dashboard import spark_session as engine

    asked: list[tuple[tuple[str, int], float]] = []

    def silent(address: tuple[str, int], timeout: float) -> socket.socket:
        asked.append((address, timeout))
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", silent)
    with pytest.raises(engine.SparkUnavailable, match=r"no answer.*waited 10 s"):
        engine.check_master("spark://m1:7077,m2")
    assert asked == [(("m1", 7077), 10.0), (("m2", 7077), 10.0)]
    assert engine.MASTER_TIMEOUT_S == 10.0


def test_an_unreachable_master_in_a_process_prints_one_line(
    sample_db: Path, lake_dir: Path
) -> None:
    child = subprocess.run(
        [
            sys.executable, "-m", "dashboard", "report", "kpis", "--db", str(sample_db),
            "--engine", "spark", "--lake", str(lake_dir), "--master", "spark://127.0.0.1:1",
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    _refused(CliResult(child.returncode, child.stdout, child.stderr), "cannot be reached")


@pytest.mark.parametrize(
    ("master", "addresses"),
    [
        ("local[2]", []),
        ("yarn", []),
        ("spark://m1:7077,m2:7078", [("m1", 7077), ("m2", 7078)]),
        ("spark://m1", [("m1", 7077)]),
        ("sc://connect.example", [("connect.example", 15002)]),
        ("sc://connect.example:443/;token=x", [("connect.example", 443)]),
        ("k8s://https://api.example:6443", [("api.example", 6443)]),
        ("spark://[::1]:7077", [("::1", 7077)]),
    ],
)
def test_master_addresses(master: str, addresses: list[tuple[str, int]]) -> None:
    from dashboard import spark_session as engine

    assert engine.master_addresses(master) == addresses


def test_a_master_without_a_host_is_refused(
    sample_db: Path, lake_dir: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli(
        "report", "kpis", "--db", sample_db, "--engine", "spark", "--lake", lake_dir,
        "--master", "spark://:x",
    )  # fmt: skip
    _refused(result, "not a host:port")


def test_missing_pyspark_is_refused(
    sample_db: Path, lake_dir: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` fails as if absent
    result = cli("report", "kpis", "--db", sample_db, "--engine", "spark", "--lake", lake_dir)
    _refused(result, "pyspark is not installed", "--engine duckdb")


def test_missing_java_is_refused(
    sample_db: Path,
    lake_dir: Path,
    tmp_path: Path,
    cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    result = cli("report", "kpis", "--db", sample_db, "--engine", "spark", "--lake", lake_dir)
    _refused(result, "no Java found", "openjdk-17-jre-headless")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))  # a JAVA_HOME without bin/java
    result = cli("report", "kpis", "--db", sample_db, "--engine", "spark", "--lake", lake_dir)
    _refused(result, f"JAVA_HOME={tmp_path} holds no bin/java")


def test_engine_options_that_do_not_go_together_are_refused(
    sample_db: Path, lake_dir: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ("report", "kpis", "--db", sample_db)
    _refused(cli(*base, "--lake", lake_dir), "--lake goes with --engine spark")
    _refused(cli(*base, "--master", "local[2]"), "--master goes with --engine spark")
    _refused(cli(*base, "--engine", "spark"), "--engine spark needs --lake DIR")
    _refused(cli(*base, "--derive", "spark"), "--derive goes with --engine spark")
    _refused(cli(*base, "--lake", lake_dir, "--derive", "spark"), "--lake and --derive go with")
    monkeypatch.setenv("SPARK_REMOTE", "sc://127.0.0.1:1")
    both = cli(*base, "--engine", "spark", "--lake", lake_dir, "--master", "local[2]")
    _refused(both, "--master local[2]", "SPARK_REMOTE", "give one")
    remote = cli(*base, "--engine", "spark", "--lake", lake_dir)
    _refused(remote, "sc://127.0.0.1:1", "cannot be reached")


def test_spark_takes_no_writes() -> None:
    """A lake is read, never written: db.execute on another engine refuses."""

    class Reader:
        def run(self, name: str, params: Any) -> Any:
            raise AssertionError("not called")

        def run_into_temp(self, table: str, name: str, params: Any) -> None:
            raise AssertionError("not called")

    with pytest.raises(db.ReadOnlyEngine, match="--engine duckdb"):
        db.execute(Reader(), "payouts/approve", {})


def test_the_duckdb_command_line_needs_no_pyspark(sample_db: Path) -> None:
    """``--engine duckdb`` (the default) runs with pyspark unimportable, and loads neither
    dashboard.spark nor sqlglot."""
    code = (
        "import sys\n"
        "sys.modules['pyspark'] = None\n"
        "from dashboard.cli import main\n"
        f"code = main(['report', 'kpis', '--db', {str(sample_db)!r}, '--format', 'csv'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlglot'\n"
        "                or m in ('dashboard.spark', 'dashboard.spark_session'))\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert child.stderr.strip() == "0 []", child.stderr
    assert child.stdout.startswith("period,")
