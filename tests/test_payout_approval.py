"""Approving a period: frozen figures, adjustments after new data, refusals, reopen, log.

The scenario is tests/payout_fixtures.py; October 2026 pays A1 15.00, A2 84.10, A3 12.00,
A4 0.00, A5 0.00 (carrying -20.00): total 111.10 (worked in tests/test_payout_db.py). Since
four eyes and the approval rules (tests/test_payout_close.py), October is approved after a
snapshot of 2026-10-31 (the same owners: nothing is credited differently) has ended it and
August and September (the earlier months with payments) are approved; it is prepared by Wang
Wei and approved by Li Na.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import pytest

from dashboard.ingest.importer import list_imports, undo_import
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.values import Period
from tests.conftest import CliResult, query
from tests.payout_fixtures import (
    OWNERS_SEP,
    SCENARIO_PLANS,
    accounts,
    build_scenario,
    close_through,
    import_texts,
)

Cli = Callable[..., CliResult]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    db_path = build_scenario(folder)
    snapshot = {"acc_1031.csv": ("accounts", accounts("2026-10-31", OWNERS_SEP))}
    import_texts(db_path, folder / "oct", snapshot)
    close_through(db_path, Period(2026, 9), load_plans(SCENARIO_PLANS))
    return db_path


@pytest.fixture
def scenario(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the scenario database for each test (approvals write to it)."""
    copy = tmp_path / "payouts.duckdb"
    shutil.copyfile(template, copy)
    return copy


def report(cli: Cli, db_path: Path, period: str = "2026-10", plans: Path = SCENARIO_PLANS):
    r = cli(
        "report", "payouts", "--db", db_path, "--period", period, "--plans", plans,
        "--format", "json",
    )  # fmt: skip
    assert r.code == 0, r.err
    return {x["agent_id"]: x for x in json.loads(r.out)}, r.err


def approve(cli: Cli, db_path: Path, *extra: str, period: str = "2026-10") -> CliResult:
    return cli("approve", "--db", db_path, "--period", period, "--plans", SCENARIO_PLANS, *extra)


def prepare(cli: Cli, db_path: Path, by: str = "Wang Wei", period: str = "2026-10") -> CliResult:
    return cli("prepare", "--db", db_path, "--period", period, "--plans", SCENARIO_PLANS,
               "--by", by)  # fmt: skip


def close(cli: Cli, db_path: Path) -> CliResult:
    """October prepared by Wang Wei, then approved by Li Na."""
    r = prepare(cli, db_path)
    assert r.code == 0, r.err
    return approve(cli, db_path, "--by", "Li Na")


def frozen(db_path: Path) -> list[tuple]:
    return query(
        db_path,
        "select approval_id, agent_id, payout, carry_out from payout_approved "
        "where period = '2026-10' order by all",
    )


def test_approve_then_new_data_shows_an_adjustment(scenario: Path, cli: Cli, tmp_path: Path):
    r = close(cli, scenario)
    assert r.code == 0, r.err
    assert "2026-10 approved by Li Na" in r.out and "total payout 111.10" in r.out
    before = frozen(scenario)
    rows, err = report(cli, scenario)
    assert {x["status"] for x in rows.values()} == {"approved"}
    assert {x["adjustment"] for x in rows.values()} == {"0.00"}
    assert rows["A1"]["approved_by"] == "Li Na"
    assert "the data changed" not in err

    # The account of the orphan payment P8 (999.00, agent A1) arrives in the 10-31 snapshot.
    # Recomputed A1: basis 500 + 999 = 1,499.00 -> 2% = 29.98; T1 net 1,499 + 1,100 = 2,599.00
    # -> pool 25.99 split 1,499 : 1,100 -> 14.99 and 11.00; A1 total 44.97; A2 unchanged.
    snapshot = accounts("2026-10-31", OWNERS_SEP | {"CX": "A1"})  # replaces the 10-31 one
    import_texts(scenario, tmp_path / "more", {"acc.csv": ("accounts", snapshot)})
    rows, err = report(cli, scenario)
    a1, a2 = rows["A1"], rows["A2"]
    assert (a1["payout"], a1["recomputed_payout"], a1["adjustment"]) == ("15.00", "44.97", "29.97")
    assert (a2["payout"], a2["recomputed_payout"], a2["adjustment"]) == ("84.10", "84.10", "0.00")
    assert a1["basis"] == "500.00"  # the approved figures, not today's
    assert "the data changed since the approval" in err
    assert "1 agent(s) would be paid differently today: adjustments total 29.97" in err
    assert frozen(scenario) == before  # never a silent edit

    # The audit trail of an approved period is the approved one.
    lines = cli(
        "report", "payout-lines", "--db", scenario, "--period", "2026-10", "--plans",
        SCENARIO_PLANS, "--agent", "A1", "--format", "json",
    )  # fmt: skip
    assert lines.code == 0
    assert "P8" not in {x["payment_id"] for x in json.loads(lines.out)}
    assert "these are the lines as approved" in lines.err

    # Undoing the import brings the recomputation back; the approval never moved.
    last = list_imports(scenario).to_pylist()[0]["import_id"]
    undo_import(last, db_path=scenario, user="tester")
    rows, err = report(cli, scenario)
    assert rows["A1"]["adjustment"] == "0.00"
    assert frozen(scenario) == before


def test_approving_twice_is_refused_and_reopen_needs_a_reason(scenario: Path, cli: Cli):
    assert close(cli, scenario).code == 0
    twice = approve(cli, scenario, "--by", "Wang Wei")
    assert twice.code == 2 and "already approved by Li Na" in twice.err
    no_reason = approve(cli, scenario, "--by", "Wang Wei", "--reopen")
    assert no_reason.code == 2 and "needs a reason" in no_reason.err
    reopened = approve(cli, scenario, "--by", "Wang Wei", "--reopen", "--reason", "late data")
    assert reopened.code == 0, reopened.err
    rows, _ = report(cli, scenario)
    assert {x["status"] for x in rows.values()} == {"draft"}
    again = close(cli, scenario)
    assert again.code == 0
    log = cli("report", "payout-log", "--db", scenario, "--period", "2026-10", "--format", "json")
    events = [(e["event"], e["by_user"], e["reason"]) for e in json.loads(log.out)]
    assert events == [
        ("approve", "Li Na", None),
        ("prepare", "Wang Wei", None),
        ("reopen", "Wang Wei", "late data"),
        ("approve", "Li Na", None),
        ("prepare", "Wang Wei", None),
    ]
    statuses = query(
        scenario,
        "select approval_id, status from payout_approvals where period = '2026-10' order by 1",
    )
    assert statuses == [(3, "reopened"), (4, "approved")]  # 1 and 2: August and September
    # Both approvals keep their frozen rows.
    assert {r[0] for r in frozen(scenario)} == {3, 4}


def test_reopen_of_an_unapproved_period_is_refused(scenario: Path, cli: Cli):
    r = approve(cli, scenario, "--by", "Li Na", "--reopen", "--reason", "x")
    assert r.code == 2 and "is not approved" in r.err


def test_plan_change_after_approval_is_shown(scenario: Path, cli: Cli, tmp_path: Path):
    assert close(cli, scenario).code == 0
    edited = tmp_path / "plans.yaml"
    edited.write_text(
        SCENARIO_PLANS.read_text("utf-8").replace("{rate: 0.02}", "{rate: 0.03}"), "utf-8"
    )
    rows, err = report(cli, scenario, plans=edited)
    # October is recomputed with the plan it was approved with: a plan edit is not a
    # correction of October (it would book an adjustment into November for every approved
    # month). Before adjustments were booked, A3 showed 3%: 18.00, an adjustment of 6.00.
    assert "the recomputation uses the plan as approved" in err
    assert (rows["A3"]["payout"], rows["A3"]["recomputed_payout"]) == ("12.00", "12.00")
    assert rows["A3"]["adjustment"] == "0.00"
    # The edited plan applies from the open period: A5's November 250.00 x 3% = 7.50, less the
    # -20.00 carried from October: -12.50 carried on; nothing booked for October.
    november, _ = report(cli, scenario, "2026-11", plans=edited)
    a5 = november["A5"]
    assert (a5["base_commission"], a5["adjustment_in"], a5["carry_out"]) == (
        "7.50",
        "0.00",
        "-12.50",
    )


def test_next_period_starts_from_the_frozen_carry(scenario: Path, cli: Cli, tmp_path: Path):
    # October approved with A5 carrying -20.00. A late October payment of 2,000.00 for A5
    # arrives: October recomputes to 2% x 1,000.00 = 20.00 paid and nothing carried. November
    # still starts from the approved carry of -20.00 (5.00 - 20.00 = -15.00), and books the
    # correction of October: A5's position at October's end was 0.00 paid - 20.00 carried =
    # -20.00 and is now 20.00 paid: +40.00 (before adjustments were booked, the adjustment
    # was the payout difference, 20.00, and November carried -15.00). November then pays
    # -15.00 + 40.00 = 25.00: October's 20.00 and November's 5.00, as if it had all been known.
    assert close(cli, scenario).code == 0
    late = (
        "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
        "P16,C8,2026-10-15,2000.00,,card,\n"
    )
    import_texts(scenario, tmp_path / "late", {"late.csv": ("payments", late)})
    october, _ = report(cli, scenario)
    a5 = october["A5"]
    assert (a5["payout"], a5["recomputed_payout"], a5["adjustment"]) == ("0.00", "20.00", "40.00")
    november, _ = report(cli, scenario, "2026-11")
    a5 = november["A5"]
    assert (a5["carried_in"], a5["total"], a5["adjustment_in"], a5["payout"], a5["carry_out"]) == (
        "-20.00",
        "-15.00",
        "40.00",
        "25.00",
        "0.00",
    )


def test_approval_record(scenario: Path, cli: Cli):
    assert close(cli, scenario).code == 0
    ((prepared_by, by, sha, fp, agents, total),) = query(
        scenario,
        "select prepared_by, approved_by, plans_sha256, data_fingerprint, agents, total_payout "
        "from payout_approvals where period = '2026-10'",
    )
    assert (prepared_by, by, agents, total) == ("Wang Wei", "Li Na", 5, D("111.10"))
    assert len(sha) == 64 and fp.startswith("v2:") and len(fp) == 67
    n_lines = query(
        scenario, "select count(*) from payout_approved_lines where period = '2026-10'"
    )[0][0]
    assert n_lines > 20


def test_approved_figures_are_shown_even_if_today_cannot_be_computed(
    scenario: Path, cli: Cli, tmp_path: Path
):
    assert close(cli, scenario).code == 0
    agents = "agent_id,agent_name,team,plan\nA2,Bob,T1,gold\n"
    import_texts(scenario, tmp_path / "agents", {"agents.csv": ("agents", agents)})
    rows, err = report(cli, scenario)
    assert rows["A2"]["payout"] == "84.10" and rows["A2"]["adjustment"] is None
    assert "cannot recompute today" in err and "plan 'gold' does not exist" in err
    draft = cli(
        "report", "payouts", "--db", scenario, "--period", "2026-11", "--plans", SCENARIO_PLANS
    )
    assert draft.code == 2 and "agent 'A2': plan: plan 'gold' does not exist" in draft.err
