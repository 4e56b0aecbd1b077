"""The app and the command line share one database file, which DuckDB lets one process hold.

A CLI import that starts while another process (the app answering a query, another import)
holds the file waits for it and then lands; one that cannot get the file within its --wait
is refused with a clear message and writes nothing; readers see the new data at once.
"""

from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from dashboard import db
from tests.conftest import query

pytestmark = pytest.mark.xdist_group("heavy")
ROOT = Path(__file__).resolve().parent.parent
PAY = "payment_id,account_id,payment_date,amount\nP1,A1,2026-10-01,10.00\nP2,A1,2026-10-02,5.50\n"

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("select count(*) from imports").fetchall()
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold(db_path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that holds the database file open for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_import_waits_for_the_other_process_then_lands(tmp_path: Path) -> None:
    db_path, csv = tmp_path / "c.duckdb", tmp_path / "p.csv"
    csv.write_text(PAY)
    with db.connect(db_path):
        pass
    holder = hold(db_path, 3.0)
    started = time.monotonic()
    r = cli("import", "--db", str(db_path), str(csv))
    waited = time.monotonic() - started
    holder.wait()
    assert r.returncode == 0, r.stdout + r.stderr
    assert waited >= 2.0  # it really had to wait for the holder
    # A reader in another process sees the new rows right after the import.
    assert query(db_path, "select count(*), sum(amount) from stg_payments")[0][0] == 2


def test_import_gives_up_after_wait_and_writes_nothing(tmp_path: Path) -> None:
    db_path, csv = tmp_path / "c.duckdb", tmp_path / "p.csv"
    csv.write_text(PAY)
    with db.connect(db_path):
        pass
    holder = hold(db_path, 6.0)
    r = cli("import", "--db", str(db_path), "--wait", "1", str(csv))
    holder.wait()
    assert r.returncode == 2
    assert "is in use by another process" in r.stderr
    assert query(db_path, "select count(*) from imports") == [(0,)]


def test_two_imports_at_once_both_land(tmp_path: Path) -> None:
    db_path = tmp_path / "c.duckdb"
    files = []
    for n in range(2):
        f = tmp_path / f"p{n}.csv"
        f.write_text(
            "payment_id,account_id,payment_date,amount\n"
            + "".join(f"P{n}_{i},A{i},2026-10-01,{i + 1}.00\n" for i in range(500))
        )
        files.append(f)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "dashboard", "import", "--db", str(db_path), str(f)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    # 2 x (1 + 2 + ... + 500) = 250,500.00
    assert query(db_path, "select count(*), sum(amount) from stg_payments")[0] == (
        1000,
        Decimal("250500.00"),
    )
