"""Concurrency inside one process: the app's sessions are threads that share the database.

DuckDB's file lock keeps other processes out while one holds the file, but threads of one
process may all open it. Imports and undos started from several threads at once must take
turns and all land (found by the two-session browser test: two uploads at once failed with a
write-write conflict on a derived table); two preparations, or two approvals, of one period at
once must leave one, not two (a key in the database, not a check in Python). (Several
processes at once: tests/test_import_concurrency.py.)
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


def _race_after_the_look(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the race certain: each step, once it has looked for the period's round in force
    (inside its transaction), waits (up to 5 s) for the other to have looked too. Only the
    database can then keep them apart: ``payout_steps``' key (period, round, step) and the
    write-write conflict on the round's row. (A step that takes turns never lets the second
    look before the first has committed: the wait then just times out and the second sees
    the first.)"""
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


def _rounds(db_path: Path) -> list[tuple[Any, ...]]:
    with db.connect(db_path, read_only=True) as con:
        return con.execute(
            "select status, prepared_by, approved_by from payout_approvals order by approval_id"
        ).fetchall()


def test_two_preparations_of_one_period_at_once_leave_one(
    base_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, period = load_plans(SAMPLE_DATA / "plans.yaml"), Period(2026, 9)
    _race_after_the_look(monkeypatch)

    def prepare_once(who: str) -> Any:
        with db.connect(base_db) as con:
            return service.prepare_period(con, period, book, who)

    results = together([lambda: prepare_once("Li Na"), lambda: prepare_once("Wang Wei")])
    refused = [r for r in results if isinstance(r, approvals.ApprovalRefused | db.DatabaseBusy)]
    assert len(refused) == 1, results
    # Both had looked: the second was refused by the key, not by a look at the first's round.
    assert "at the same moment" in str(refused[0]) or isinstance(refused[0], db.DatabaseBusy)
    kept = next(r for r in results if not isinstance(r, Exception))
    assert _rounds(base_db) == [("prepared", kept.prepared_by, None)]
    assert_invariants(base_db)


def test_two_approvals_of_one_period_at_once_leave_one(
    base_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, period = load_plans(SAMPLE_DATA / "plans.yaml"), Period(2026, 9)
    with db.connect(base_db) as con:
        service.prepare_period(con, period, book, "Zhao Lei")
    _race_after_the_look(monkeypatch)

    def approve_once(who: str) -> Any:
        with db.connect(base_db) as con:
            return service.approve_period(con, period, who)

    results = together([lambda: approve_once("Li Na"), lambda: approve_once("Wang Wei")])
    refused = [r for r in results if isinstance(r, approvals.ApprovalRefused | db.DatabaseBusy)]
    assert len(refused) == 1, results
    assert "at the same moment" in str(refused[0]) or isinstance(refused[0], db.DatabaseBusy)
    kept = next(r for r in results if not isinstance(r, Exception))
    assert _rounds(base_db) == [("approved", "Zhao Lei", kept.approved_by)]
    with db.connect(base_db, read_only=True) as con:
        events = con.execute("select event from payout_audit_log order by event_id").fetchall()
    assert events == [("prepare",), ("approve",)]
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
