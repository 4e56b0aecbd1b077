"""An import is atomic: killed at any point, the database is exactly as it was before.

These tests run the real command line in a child process and SIGKILL it while it reads,
checks, writes and refreshes; then the database must open, pass its invariants and hold
exactly the data of the imports that completed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dashboard import db
from dashboard.ingest.importer import FileSpec, import_files
from tests.conftest import query

pytestmark = pytest.mark.xdist_group("heavy")

ROWS = 300_000


def make_payments(path: Path, rows: int, prefix: str) -> None:
    """A canonical payments file written by DuckDB itself (independent of the importer)."""
    con = duckdb.connect()
    con.execute(
        f"""copy (
            select '{prefix}' || i as payment_id, 'A' || (i % 5000) as account_id,
                date '2026-01-01' + cast(i % 300 as integer) as payment_date,
                cast((i % 90000 + 1) / 100 as decimal(18, 2)) as amount,
                'G' || (i % 40) as agent_id, 'card' as channel, null as reverses_payment_id
            from range({rows}) as t(i)
        ) to '{path}' (header)"""
    )
    con.close()


def state(path: Path) -> tuple:
    """What must be unchanged by a killed import: the log, the rows, their sums."""
    with db.connect(path) as con:  # read-write open: replays the WAL like any user would
        return tuple(
            con.execute(sql).fetchall()[0]
            for sql in (
                "select count(*), coalesce(sum(rows_accepted), 0) from imports",
                "select count(*), coalesce(sum(amount), 0) from raw_payments",
                "select count(*), coalesce(sum(amount), 0) from payments_credited",
                "select count(*) from rejects",
            )
        )


def run_and_kill(db_path: Path, csv: Path, when: str, delay: float) -> int | None:
    """Start an import, SIGKILL it ``delay`` s after it reports ``when``; its exit status."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "import", "-v", "--db", str(db_path), str(csv)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if when in line:
            break
    time.sleep(delay)
    alive = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return None if alive else proc.returncode


@pytest.mark.parametrize(
    "when", ["reading", "checking", "writing to the database", "refreshing derived tables"]
)
def test_kill_mid_import_leaves_database_as_before(tmp_path: Path, when: str) -> None:
    db_path = tmp_path / "k.duckdb"
    first, big = tmp_path / "first.csv", tmp_path / "big.csv"
    make_payments(first, 1000, "F")
    make_payments(big, ROWS, "B")
    assert import_files([FileSpec(first)], db_path=db_path).committed
    before = state(db_path)
    assert before[1] == (1000, before[1][1])

    rng = random.Random(42)
    rolled_back = 0
    for _ in range(2):
        status = run_and_kill(db_path, big, when, rng.uniform(0.0, 0.4))
        after = state(db_path)
        if after == before:
            rolled_back += 1
            continue
        # Otherwise the kill landed after the commit (the process was still closing, or it
        # had finished): then the import must be there whole, never in part.
        assert status in (None, 0)
        assert after[0][0] == before[0][0] + 1
        assert after[1] == (1000 + ROWS, after[1][1]) and after[2][0] == 1000 + ROWS
        break
    if when != "refreshing derived tables":  # the last phase can end before the kill lands
        assert rolled_back >= 1, f"no kill at '{when}' landed before the commit"

    # The database is usable afterwards and the same file imports whole.
    result = import_files([FileSpec(big)], db_path=db_path)
    assert result.committed and result.files[0].rows_accepted in (ROWS, 0)
    assert query(db_path, "select count(*) from raw_payments") == [(1000 + ROWS,)]
