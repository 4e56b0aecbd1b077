"""Concurrency inside one process: the app's sessions are threads that share the database.

DuckDB's file lock keeps other processes out while one holds the file, but threads of one
process may all open it. Imports and undos started from several threads at once must take
turns and all land (found by the two-session browser test: two uploads at once failed with a
write-write conflict on a derived table); two approvals of one period at once must leave one
approval, not two. (Several processes at once: tests/test_import_concurrency.py.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dashboard import db
from dashboard.ingest.importer import FileSpec, import_files, undo_import
from dashboard.paths import SAMPLE_DATA
from dashboard.payouts import approvals, service
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.values import Period
from tests.reliability.base import PAY_HEADER
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants, state


def together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads released at the same instant; their results or exceptions."""
    start = threading.Barrier(len(jobs))
    out: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        start.wait()
        try:
            out[i] = jobs[i]()
        except Exception as exc:  # collected, asserted by the caller
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return out


def test_imports_and_an_undo_from_threads_take_turns(base_db: Path, tmp_path: Path) -> None:
    files = []
    for n in range(4):  # 5,000 payments of 1.00 .. 50.00 each file: 127,500.00 per file
        f = tmp_path / f"t{n}.csv"
        f.write_text(
            PAY_HEADER
            + "".join(
                f"T{n}_{i},A{i % 4 + 1},2026-11-02,{i % 50 + 1}.00,,,\n" for i in range(5000)
            ),
            encoding="utf-8",
        )
        files.append(f)
    jobs: list[Callable[[], Any]] = [
        (lambda f=f: import_files([FileSpec(f, "payments")], db_path=base_db, user="thread"))
        for f in files
    ]
    jobs.append(lambda: undo_import(5, db_path=base_db, user="thread"))  # the base contacts
    results = together(jobs)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == [], errors
    assert all(r.committed and r.exit_code == 0 for r in results[:4])
    record("concurrent_imports", 4)
    assert state(base_db)["stg_payments"] == (6 + 20_000, Decimal("3150.00") + 4 * 127_500)
    assert state(base_db)["stg_contacts"] == (0,)
    assert_invariants(base_db)


@pytest.mark.xfail(
    strict=True,
    reason="BUG (payout approvals): two approvals of one period started at once (two app "
    "sessions) both pass the 'already approved?' check and both commit: two approvals in "
    "force. dashboard/payouts/approvals.py::approve needs the same per-database writer lock "
    "(or a unique constraint) the importer uses.",
)
def test_two_approvals_of_one_period_at_once_leave_one(
    base_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, period = load_plans(SAMPLE_DATA / "plans.yaml"), Period(2026, 10)
    # Make the race certain: each approval, once it has looked for an approval in force,
    # waits (up to 5 s) for the other to have looked too. An approve() that takes turns
    # never lets the second one look before the first has committed: the wait then just
    # times out and the second sees the first.
    met = threading.Barrier(2, timeout=5)
    looked = threading.local()
    real = approvals.current_approval

    def current_approval(con: Any, p: Period) -> Any:
        found = real(con, p)
        if not getattr(looked, "done", False):
            looked.done = True
            try:
                met.wait()
            except threading.BrokenBarrierError:
                pass
        return found

    monkeypatch.setattr(approvals, "current_approval", current_approval)

    def approve_once(who: str) -> Any:
        with db.connect(base_db) as con:
            return service.approve_period(con, period, book, who)

    results = together([lambda: approve_once("Li Na"), lambda: approve_once("Wang Wei")])
    refused = [r for r in results if isinstance(r, approvals.ApprovalRefused | db.DatabaseBusy)]
    assert len(refused) == 1, results
    assert_invariants(base_db)


def test_threads_opening_the_database_at_once_never_fail(base_db: Path) -> None:
    """Threads of one process opening one file at once (the app's sessions each open it per
    query) never fail: db.connect serialises the opens and closes of a file within a process
    and waits out DuckDB's "Unique file handle conflict" like a lock (with a CLI import in
    another process at the same time: tests/reliability/test_db_cli_defects.py)."""
    failures: list[str] = []
    deadline = time.monotonic() + 20  # up to 4 x 1,500 opens, or 20 s; stops at a failure

    def open_and_read() -> None:
        for _ in range(1500):
            if failures or time.monotonic() > deadline:
                return
            try:
                with db.connect(base_db) as con:
                    con.execute("select count(*) from imports").fetchall()
            except (db.DatabaseError, db.DatabaseBusy) as exc:
                failures.append(str(exc))

    together([open_and_read] * 4)
    assert failures == [], failures[0]
