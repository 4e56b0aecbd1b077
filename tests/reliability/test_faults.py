"""Fault injection: imports, undos and approvals killed at random points; a disk that fills up.

Kills: a seeded sequence of operations (payments and accounts imports, a multi-file import,
undo, and closing the books: prepare, approve and reopen of September and October, in the
order the rules allow) runs through the real command line in a child process, which is
sent SIGKILL at a random moment of its run (uniform over the operation's measured duration).
A reference database receives the same operations, uninterrupted, but only those that
completed in the victim. After every kill the victim must open, pass every invariant, and
hold exactly its state from before the operation or exactly the reference's state after it;
at the end, exactly the reference's content: the data of the completed operations, nothing
lost, nothing half-written. (tests/test_import_atomic.py kills one import at each named phase;
this test adds random points, more operations and the cumulative check.)

Disk full: the database and the import's temporary folder on a small tmpfs; an import that
does not fit ends with a clear message, exit status 2, no traceback, and the database as it
was; after the disk grows, the same import lands.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dashboard import db
from dashboard.ingest.importer import FileSpec, import_files, undo_import
from dashboard.paths import SAMPLE_DATA
from dashboard.payouts.approvals import current_approval, reopen
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.service import approve_period, prepare_period
from dashboard.payouts.values import Period
from tests.reliability.conftest import ROOT, SOAK, child_env, run_cli, soak_or
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants, content, state

PLANS = SAMPLE_DATA / "plans.yaml"
PERIODS = ("2026-09", "2026-10")  # closed in this order, reopened the other way
CLOSING = ("prepare", "approve", "reopen")
KILLS = soak_or(20, 200)


def write_payments(path: Path, rows: int, prefix: str, seed: int) -> None:
    """A payments file (by DuckDB, independent of the importer); 1 row in 100 is refused."""
    con = duckdb.connect()
    con.execute(
        f"""copy (
            select '{prefix}' || i as payment_id, 'A' || ((i + {seed}) % 4 + 1) as account_id,
                date '2026-10-01' + cast((i * 7 + {seed}) % 61 as integer) as payment_date,
                case when i % 100 = 99 then 'n/a'
                     else cast(cast((i % 50000 + 1) / 100 as decimal(18, 2)) as varchar)
                end as amount,
                null as agent_id, 'card' as channel, null as reverses_payment_id
            from range({rows}) as t(i)
        ) to '{path}' (header)"""
    )
    con.close()


def write_accounts(path: Path, as_of: str, rows: int, seed: int) -> None:
    """A snapshot of A1-A4 (agents G1-G3) plus ``rows`` more accounts."""
    con = duckdb.connect()
    con.execute(
        f"""copy (
            select 'A' || (i + 1) as account_id, date '{as_of}' as as_of_date,
                case when i % 2 = 0 then 'BANK_A' else 'BANK_B' end as portfolio,
                date '2026-01-15' as placement_date, 5000.00 as placed_balance,
                cast(((i * 37 + {seed}) % 500000) / 100 as decimal(18, 2)) as current_balance,
                (i * 13 + {seed}) % 200 as days_past_due,
                'G' || (i % 3 + 1) as agent_id, 'open' as status
            from range({rows} + 4) as t(i)
        ) to '{path}' (header)"""
    )
    con.close()


@dataclass
class Op:
    """One operation: its CLI arguments, and the same operation applied in-process."""

    name: str
    args: list[str]
    apply: Callable[[Path], None]
    progress: bool  # prints progress lines with -v (imports)


class World:
    """The victim database, the reference, and the operations drawn for them."""

    def __init__(self, folder: Path, base_db: Path, rng: random.Random) -> None:
        self.folder, self.rng = folder, rng
        self.victim = base_db
        self.reference = folder / "reference.duckdb"
        shutil.copyfile(base_db, self.reference)
        self.n = 0
        self.book = load_plans(PLANS)

    def _file(self, name: str) -> Path:
        self.n += 1
        return self.folder / f"{self.n:03d}_{name}"

    def draw(self) -> Op:
        choice = self.rng.choice(
            ["payments", "payments", "accounts", "multi", "undo", "approve", "approve"]
        )
        seed = self.rng.randrange(1000)
        if choice == "payments":
            f = self._file("payments.csv")
            write_payments(f, self.rng.choice([10_000, 40_000]), f"K{self.n}_", seed)
            return self._import("payments", [("payments", f)])
        if choice == "accounts":
            f = self._file("accounts.csv")
            write_accounts(f, self.rng.choice(["2026-10-31", "2026-11-30"]), 10_000, seed)
            return self._import("accounts", [("accounts", f)])
        if choice == "multi":
            p, a = self._file("payments.csv"), self._file("accounts.csv")
            write_payments(p, 20_000, f"M{self.n}_", seed)
            write_accounts(a, "2026-12-31", 5_000, seed)
            return self._import("multi", [("payments", p), ("accounts", a)])
        if choice == "undo":
            return self._undo()
        return self._approve()

    def _import(self, name: str, files: list[tuple[str, Path]]) -> Op:
        args = ["import", "-v"] + [x for kind, f in files for x in (f"--{kind}", str(f))]

        def apply(db_path: Path) -> None:
            specs = [FileSpec(f, kind) for kind, f in files]
            assert import_files(specs, db_path=db_path, user="tester").committed

        return Op(name, args, apply, progress=True)

    def _undo(self) -> Op:
        con = duckdb.connect(str(self.reference), read_only=True)
        try:
            ids = [r[0] for r in con.execute(
                "select import_id from imports where status = 'active' order by 1 desc"
            ).fetchall()]  # fmt: skip
        finally:
            con.close()
        if not ids:
            return self._approve()
        target = ids[0] if self.rng.random() < 0.7 else self.rng.choice(ids)

        def apply(db_path: Path) -> None:
            undo_import(target, db_path=db_path, user="tester")

        return Op("undo", ["undo", str(target)], apply, progress=False)

    def _approve(self) -> Op:
        """The next step of closing the books the rules allow (on the reference): approve a
        prepared period (another name), else prepare the next open one, else (now and then,
        or when both are approved) reopen the latest."""
        with db.connect(self.reference) as con:
            status = {
                p: (a.status if (a := current_approval(con, Period.parse(p))) else None)
                for p in PERIODS
            }
        prepared = [p for p in PERIODS if status[p] == "prepared"]
        frozen = [p for p in PERIODS if status[p]]
        open_ = [p for p in PERIODS if not status[p]]
        if prepared:
            return self._step("approve", prepared[0], "checker")
        if open_ and (not frozen or self.rng.random() < 0.7):
            return self._step("prepare", open_[0], "maker")
        return self._step("reopen", frozen[-1], "tester")

    def _step(self, name: str, period_text: str, by: str) -> Op:
        period = Period.parse(period_text)
        common = ["--period", period_text, "--plans", str(PLANS), "--by", by]

        def apply(db_path: Path) -> None:
            with db.connect(db_path) as con:
                if name == "prepare":
                    prepare_period(con, period, self.book, by)
                elif name == "approve":
                    approve_period(con, period, by)
                else:
                    reopen(con, period, by, "kill test")

        if name == "prepare":
            return Op(name, ["prepare", *common], apply, progress=False)
        if name == "approve":
            return Op(name, ["approve", *common], apply, progress=False)
        return Op(name, ["approve", *common, "--reopen", "--reason", "kill test"], apply, False)


def start(op: Op, db_path: Path) -> subprocess.Popen[str]:
    args = [op.args[0], "--db", str(db_path), *op.args[1:]]
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=child_env(),
    )


def run_killed(op: Op, db_path: Path, fraction: float, durations: dict[str, float]) -> int | None:
    """Run ``op`` and SIGKILL it at ``fraction`` of its usual duration; its status if it ended.

    Imports are timed from their first progress line (when they start reading), so the kill
    lands in their work, not in Python's start-up; undo and approve from the process start.
    """
    began = time.monotonic()
    proc = start(op, db_path)
    assert proc.stderr is not None
    if op.progress:
        for line in proc.stderr:
            if "reading" in line:
                break
        began = time.monotonic()
    else:  # skip most of Python's start-up, when nothing is open yet
        fraction = 0.6 + 0.4 * fraction
    deadline = began + fraction * durations[op.name]
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if proc.stderr:
        rest = proc.stderr.read()
        assert "Traceback" not in rest, rest
    return None if alive else proc.returncode


def measure(op: Op, world: World) -> float:
    """How long ``op`` takes uncut, on a scratch copy of the reference."""
    scratch = world.folder / "scratch.duckdb"
    shutil.copyfile(world.reference, scratch)
    began = time.monotonic()
    proc = start(op, scratch)
    assert proc.stderr is not None
    if op.progress:
        for line in proc.stderr:
            if "reading" in line:
                began = time.monotonic()
                break
    proc.communicate(timeout=300)
    scratch.unlink()
    return time.monotonic() - began


@pytest.mark.xdist_group("kills")
@pytest.mark.timeout(soak_or(600, 7200))
def test_sigkill_at_random_points_keeps_exactly_the_completed_operations(
    base_db: Path, tmp_path: Path
) -> None:
    rng = random.Random(20261031)
    world = World(tmp_path, base_db, rng)
    durations: dict[str, float] = {}
    completed = killed = 0
    closing: dict[str, int] = {}  # closing steps drawn, and "<name> done" for the completed
    for i in range(KILLS):
        op = world.draw()
        if op.name in CLOSING:
            closing[op.name] = closing.get(op.name, 0) + 1
            record("kill_closing_steps")
        if op.name not in durations:
            durations[op.name] = measure(op, world) * 1.1
        before = content(world.victim)
        assert before == content(world.reference)
        # Every fifth kill comes late (after the usual duration): the operation has mostly
        # committed by then, so the path "committed, then killed" is exercised as well.
        fraction = rng.random() if i % 5 else 1.3
        status = run_killed(op, world.victim, fraction, durations)
        # 2: a step refused (nothing to prepare, e.g. after the agents were undone).
        assert status in (None, 0, 1) or (status == 2 and op.name in CLOSING), op.name
        # The victim opens read-write, as the next user would (replaying its WAL).
        with db.connect(world.victim):
            pass
        assert_invariants(world.victim)
        after = content(world.victim)
        record("kills")
        if after == before:
            assert status in (None, 2), f"{op.name} finished (status {status}) but did nothing"
            killed += 1
            continue
        # It committed (perhaps just before the kill): the reference does the same.
        op.apply(world.reference)
        assert after == content(world.reference), f"{op.name}: half-written state"
        completed += 1
        if op.name in CLOSING:
            closing[f"{op.name} done"] = closing.get(f"{op.name} done", 0) + 1
        record("kill_runs_completed")
    assert content(world.victim) == content(world.reference)
    assert state(world.victim) == state(world.reference)
    # Both outcomes really happened: kills before the commit and completed operations.
    assert killed >= KILLS // 4 and completed >= KILLS // 10, (killed, completed)
    print("closing steps drawn (and completed):", closing)
    assert sum(closing.get(n, 0) for n in CLOSING) >= 2, closing


# --- disk full --------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 12 MB tmpfs (skipped where mounting is not permitted: not root, no tmpfs)."""
    mount = tmp_path / "small"
    mount.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {r.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def grow(mount: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)


@pytest.mark.xdist_group("disk")
@pytest.mark.parametrize("where", ["temp_folder_and_database", "database_only"])
def test_disk_full_during_import(
    small_disk: Path, base_db: Path, tmp_path: Path, where: str
) -> None:
    victim = small_disk / "dashboard.duckdb"
    shutil.copyfile(base_db, victim)
    temp = small_disk / "tmp" if where == "temp_folder_and_database" else tmp_path / "tmp"
    temp.mkdir()
    big = tmp_path / "big.csv"  # about 15 MB of CSV: its rows do not fit in 12 MB
    write_payments(big, 400_000, "F", 1)
    before = content(victim)

    r = run_cli("import", "--db", victim, "--payments", big, env=child_env(TMPDIR=str(temp)))
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 2, r.stdout + r.stderr
    assert "is full: nothing was imported" in r.stderr, r.stderr
    record("disk_full")
    assert list(temp.iterdir()) == []  # the import's temporary files are gone
    with db.connect(victim):  # opens read-write, as the next user would
        pass
    assert_invariants(victim)
    assert content(victim) == before

    # With room again, the same import lands whole.
    grow(small_disk, "200m")
    r = run_cli("import", "--db", victim, "--payments", big, env=child_env(TMPDIR=str(temp)))
    assert r.returncode == 1, r.stdout + r.stderr  # 1 row in 100 is refused by design
    assert_invariants(victim)
    assert state(victim)["stg_payments"][0] == 6 + 396_000


@pytest.mark.xdist_group("disk")
def test_disk_full_during_undo(small_disk: Path, base_db: Path, tmp_path: Path) -> None:
    victim = small_disk / "dashboard.duckdb"
    shutil.copyfile(base_db, victim)
    filler = small_disk / "filler"
    with filler.open("wb") as f:  # fill the disk to the last block
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    before = content(victim)
    r = run_cli("undo", "--db", victim, "4")  # the base payments import
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 1 and "disk holding the database is full" in r.stderr, r.stderr
    record("disk_full")
    filler.unlink()
    with db.connect(victim):
        pass
    assert_invariants(victim)
    assert content(victim) == before


@pytest.mark.xdist_group("kills")
@pytest.mark.skipif(not SOAK, reason="soak only (SOAK=1): a second round of kills on big files")
def test_sigkill_soak_big_imports(base_db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    write_payments(big, 1_000_000, "S", 7)
    before = content(base_db)
    rng = random.Random(7)
    for _ in range(20):
        op = Op("big", ["import", "-v", "--payments", str(big)], lambda p: None, True)
        status = run_killed(op, base_db, rng.uniform(0.0, 0.95), {"big": 12.0})
        record("kills")
        assert_invariants(base_db)
        if status is None:
            assert content(base_db) == before
        else:
            break
