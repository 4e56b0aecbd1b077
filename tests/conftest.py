"""Shared fixtures: a fresh database per test, CSV writing, and the CLI run in-process."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.cli import main

os.environ.setdefault("DASHBOARD_USER", "tester")


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data loaded once per test process; tests that write use a copy
    (``on_sample``), read commands may read it as it is."""
    from tests.e2e.sample import build_sample_db

    return build_sample_db(tmp_path_factory.mktemp("sample") / "sample.duckdb")


@pytest.fixture(scope="session")
def sample_closed(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with every month up to 2026-09 closed, as finance closes the books: each
    prepared by 王伟 and approved by 李娜, oldest first (built once per test process; copy it
    before writing). 2026-10 is the open period."""
    from dashboard.paths import SAMPLE_DATA
    from dashboard.payouts.plan_file import load_plans
    from dashboard.payouts.values import Period
    from tests.payout_fixtures import close_through

    path = tmp_path_factory.mktemp("closed") / "closed.duckdb"
    shutil.copy(sample_db, path)
    book = load_plans(SAMPLE_DATA / "plans.yaml")
    close_through(path, Period(2026, 9), book, preparer="王伟", approver="李娜")
    return path


@pytest.fixture
def on_sample(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the sample database, which the app (``DASHBOARD_DB``) opens."""
    path = tmp_path / "db.duckdb"
    shutil.copy(sample_db, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file under tmp_path; text is encoded as asked."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``python -m dashboard ARGS`` in-process; returns exit code and captured output."""

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def query(db: Path, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a query on a database file (read-only, closed afterwards)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()
