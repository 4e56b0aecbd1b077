"""An approved period never changes: imports, undo and plan edits only add an adjustment.

October 2026 of the base data is closed through the CLI with the sample plan file (September,
the month before with payments, first; each prepared by one name and approved by another).
Then, one after the other: a new payment and a reversal (of B3) dated in October are imported;
the September snapshot is replaced (the crediting of October payments changes); the base
payments import is undone; the roster moves agents between teams and plans; the plan file's
rates are doubled. After every change:

- the approved figures (every column), the frozen rows and the frozen audit lines are exactly
  those of the approval, and a second approval or preparation is refused;
- the report shows the change only as ``recomputed_payout`` and ``adjustment`` = recomputed -
  approved (payout plus deficit carried out), and the recomputation equals the draft of a twin
  database that went through the same changes without an approval, computed with the plan
  file as approved: a plan edit is not retroactive, it never changes the recomputation of an
  approved period.

Hand-computed anchor (standard plan 2%, T1's pool target 500,000 not reached): agent G1's
October basis is B4 500.00 - B6 200.00 (the reversal of B2, credited to B2's agent G1) =
300.00: approved payout 6.00. With N1 (2,000.00 on A1, no agent: the 09-30 snapshot gives G1)
the basis is 2,300.00: recomputed 46.00, adjustment 40.00; approved payout still 6.00.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dashboard.cli import main
from dashboard.paths import SAMPLE_DATA
from dashboard.payouts.tables import PAYOUT_SCHEMA
from tests.reliability.base import ACC_HEADER, PAY_HEADER
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants

FROZEN = (
    "select * from payout_approved order by all",
    "select * from payout_approved_lines order by all",
    (
        "select approval_id, period, status, approved_by, approved_at, plans_sha256, "
        "data_fingerprint, agents, total_payout from payout_approvals order by all"
    ),
)


def frozen(db_path: Path) -> list[list[tuple]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return [con.execute(sql).fetchall() for sql in FROZEN]
    finally:
        con.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def run(*args: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def report(
    cli: Callable[..., tuple[int, str, str]], db_path: Path, plans: Path, period: str = "2026-10"
) -> dict:
    code, out, err = cli("report", "payouts", "--db", db_path, "--period", period,
                         "--plans", plans, "--format", "json")  # fmt: skip
    assert code == 0, err
    return {r["agent_id"]: r for r in json.loads(out)}


def booked(cli: Callable[..., tuple[int, str, str]], db_path: Path, plans: Path) -> dict:
    """(corrected period, agent) -> the adjustment lines booked into November (the open
    period), summed."""
    code, out, err = cli("report", "payout-lines", "--db", db_path, "--period", "2026-11",
                         "--plans", plans, "--format", "json")  # fmt: skip
    assert code == 0, err
    out_: dict[tuple[str, str], Decimal] = {}
    for r in json.loads(out):
        if r["kind"] == "adjustment":
            key = (r["corrects_period"], r["agent_id"])
            out_[key] = out_.get(key, Decimal(0)) + Decimal(r["amount"])
    return out_


def changes(folder: Path, plans: Path) -> list[tuple[str, list[str]]]:
    """The changes made after the approval, as (what, CLI arguments without --db)."""
    folder.mkdir()
    (folder / "late.csv").write_text(
        PAY_HEADER + "N1,A1,2026-10-18,2000.00,,card,\n"
        "R1,A3,2026-10-25,-1000.00,,card,B3\n"
        "N2,A4,2026-11-03,700.00,,card,\n",
        encoding="utf-8",
    )
    (folder / "sep.csv").write_text(
        ACC_HEADER + "A1,2026-09-30,BANK_A,2026-01-15,5000.00,4500.00,45,G3,open,,,,\n"
        "A2,2026-09-30,BANK_A,2026-02-20,3000.00,3000.00,10,G2,open,,,,\n"
        "A3,2026-09-30,BANK_B,2026-03-05,8000.00,7000.00,95,G2,open,,,,\n"
        "A4,2026-09-30,BANK_B,2026-04-10,1200.00,1200.00,0,G1,open,,,,\n",
        encoding="utf-8",
    )
    (folder / "agents.csv").write_text(
        "agent_id,agent_name,team,plan\nG1,李雷,T2,bigticket\nG3,Zhang Wei,T1,ladder\n",
        encoding="utf-8",
    )
    edited = folder / "plans_doubled.yaml"
    edited.write_text(
        plans.read_text("utf-8")
        .replace("{rate: 0.02}", "{rate: 0.04}")
        .replace("T1: {pool_rate: 0.005, target: 500000}", "T1: {pool_rate: 0.01, target: 100}"),
        encoding="utf-8",
    )
    return [
        (
            "payments and a reversal in the period",
            ["import", "--payments", str(folder / "late.csv")],
        ),
        ("the September snapshot replaced", ["import", "--accounts", str(folder / "sep.csv")]),
        ("the base payments import undone", ["undo", "4"]),
        ("agents moved to other teams", ["import", "--agents", str(folder / "agents.csv")]),
        ("the plan file edited", []),
    ]


def test_approved_period_only_ever_shows_an_adjustment(
    cli: Callable[..., tuple[int, str, str]], base_db: Path, tmp_path: Path
) -> None:
    plans = tmp_path / "plans.yaml"
    shutil.copyfile(SAMPLE_DATA / "plans.yaml", plans)
    twin = tmp_path / "twin.duckdb"  # the same changes, never approved
    shutil.copyfile(base_db, twin)

    approved_plans = tmp_path / "plans_as_approved.yaml"
    shutil.copyfile(SAMPLE_DATA / "plans.yaml", approved_plans)
    for period in ("2026-09", "2026-10"):
        for step, who in (("prepare", "controller"), ("approve", "finance")):
            code, out, err = cli(step, "--db", base_db, "--period", period, "--plans", plans,
                                 "--by", who)  # fmt: skip
            assert code == 0, (step, period, err)
    approved = report(cli, base_db, plans)
    assert approved["G1"]["payout"] == "6.00" and approved["G1"]["adjustment"] == "0.00"
    assert all(r["status"] == "approved" for r in approved.values())
    kept = frozen(base_db)

    for what, args in changes(tmp_path / "changes", plans):
        if args:
            for db_path in (base_db, twin):
                code, out, err = cli(*args[:1], "--db", db_path, *args[1:])
                assert code == 0, (what, out, err)
        else:
            shutil.copyfile(tmp_path / "changes" / "plans_doubled.yaml", plans)
        record("immutability_changes")

        now = report(cli, base_db, plans)
        draft = report(cli, twin, approved_plans)
        assert frozen(base_db) == kept, what
        for agent_id, row in approved.items():
            for column in PAYOUT_SCHEMA.names:
                assert now[agent_id][column] == row[column], (what, agent_id, column)
            assert now[agent_id]["status"] == "approved"
        for agent_id, row in now.items():
            twin_row = draft.get(agent_id, {"payout": "0.00", "carry_out": "0.00"})
            assert row["recomputed_payout"] == twin_row["payout"], (what, agent_id)
            position = Decimal(twin_row["payout"]) + Decimal(twin_row["carry_out"])
            frozen_position = Decimal(row["payout"]) + Decimal(row["carry_out"])
            assert Decimal(row["adjustment"]) == position - frozen_position, (what, agent_id)
        if what.startswith("payments"):
            g1 = now["G1"]
            assert (g1["payout"], g1["recomputed_payout"], g1["adjustment"]) == (
                "6.00",
                "46.00",
                "40.00",
            )
        for step in ("approve", "prepare"):
            code, out, err = cli(step, "--db", base_db, "--period", "2026-10", "--plans",
                                 plans, "--by", "someone else")  # fmt: skip
            assert code == 2 and "already approved" in err, (what, step)
        assert frozen(base_db) == kept
        # Every difference of an approved period is booked once into November, the open
        # period: exactly the adjustment shown next to that period's approved figures.
        shown = {
            (period, agent_id): Decimal(r["adjustment"])
            for period in ("2026-09", "2026-10")
            for agent_id, r in report(cli, base_db, plans, period).items()
            if Decimal(r["adjustment"])
        }
        assert booked(cli, base_db, plans) == shown, what
        assert_invariants(base_db)
    # Something really changed: the last state pays differently from the approval.
    assert any(Decimal(r["adjustment"]) != 0 for r in now.values())
