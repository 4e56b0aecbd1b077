"""Approving a period: frozen figures, adjustments after new data, refusals, reopen, log.

The scenario is tests/payout_fixtures.py; October 2026 pays A1 15.00, A2 84.10, A3 12.00,
A4 0.00, A5 0.00 (carrying -20.00): total 111.10 (worked in tests/test_payout_db.py).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import pytest

from dashboard.ingest.importer import list_imports, undo_import
from tests.conftest import CliResult, query
from tests.payout_fixtures import SCENARIO_PLANS, accounts, build_scenario, import_texts

Cli = Callable[..., CliResult]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scenario(tmp_path_factory.mktemp("template"))


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


def frozen(db_path: Path) -> list[tuple]:
    return query(
        db_path,
        "select approval_id, agent_id, payout, carry_out from payout_approved order by all",
    )


def test_approve_then_new_data_shows_an_adjustment(scenario: Path, cli: Cli, tmp_path: Path):
    r = approve(cli, scenario, "--by", "Li Na")
    assert r.code == 0, r.err
    assert "2026-10 approved by Li Na" in r.out and "total payout 111.10" in r.out
    before = frozen(scenario)
    rows, err = report(cli, scenario)
    assert {x["status"] for x in rows.values()} == {"approved"}
    assert {x["adjustment"] for x in rows.values()} == {"0.00"}
    assert rows["A1"]["approved_by"] == "Li Na"
    assert "the data changed" not in err

    # The account of the orphan payment P8 (999.00, agent A1) arrives in a new snapshot.
    # Recomputed A1: basis 500 + 999 = 1,499.00 -> 2% = 29.98; T1 net 1,499 + 1,100 = 2,599.00
    # -> pool 25.99 split 1,499 : 1,100 -> 14.99 and 11.00; A1 total 44.97; A2 unchanged.
    import_texts(
        scenario, tmp_path / "more", {"acc.csv": ("accounts", accounts("2026-10-31", {"CX": "A1"}))}
    )
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
    assert approve(cli, scenario, "--by", "Li Na").code == 0
    twice = approve(cli, scenario, "--by", "Wang Wei")
    assert twice.code == 2 and "already approved by Li Na" in twice.err
    no_reason = approve(cli, scenario, "--by", "Wang Wei", "--reopen")
    assert no_reason.code == 2 and "needs a reason" in no_reason.err
    reopened = approve(cli, scenario, "--by", "Wang Wei", "--reopen", "--reason", "late data")
    assert reopened.code == 0, reopened.err
    rows, _ = report(cli, scenario)
    assert {x["status"] for x in rows.values()} == {"draft"}
    again = approve(cli, scenario, "--by", "Li Na")
    assert again.code == 0
    log = cli("report", "payout-log", "--db", scenario, "--format", "json")
    events = [(e["event"], e["by_user"], e["reason"]) for e in json.loads(log.out)]
    assert events == [
        ("approve", "Li Na", None),
        ("reopen", "Wang Wei", "late data"),
        ("approve", "Li Na", None),
    ]
    statuses = query(scenario, "select approval_id, status from payout_approvals order by 1")
    assert statuses == [(1, "reopened"), (2, "approved")]
    # Both approvals keep their frozen rows.
    assert {r[0] for r in frozen(scenario)} == {1, 2}


def test_reopen_of_an_unapproved_period_is_refused(scenario: Path, cli: Cli):
    r = approve(cli, scenario, "--by", "Li Na", "--reopen", "--reason", "x")
    assert r.code == 2 and "is not approved" in r.err


def test_plan_change_after_approval_is_shown(scenario: Path, cli: Cli, tmp_path: Path):
    assert approve(cli, scenario, "--by", "Li Na").code == 0
    edited = tmp_path / "plans.yaml"
    edited.write_text(
        SCENARIO_PLANS.read_text("utf-8").replace("{rate: 0.02}", "{rate: 0.03}"), "utf-8"
    )
    rows, err = report(cli, scenario, plans=edited)
    assert "the plan file changed since the approval" in err
    # A3 at 3%: 600.00 x 3% = 18.00 instead of 12.00.
    assert (rows["A3"]["payout"], rows["A3"]["recomputed_payout"]) == ("12.00", "18.00")
    assert rows["A3"]["adjustment"] == "6.00"


def test_next_period_starts_from_the_frozen_carry(scenario: Path, cli: Cli, tmp_path: Path):
    # October approved with A5 carrying -20.00. A late October payment of 2,000.00 for A5
    # arrives: October recomputes to 2% x 1,000.00 = 20.00 (an adjustment of 20.00), but
    # November still starts from the approved carry of -20.00: 5.00 - 20.00 = -15.00.
    assert approve(cli, scenario, "--by", "Li Na").code == 0
    late = (
        "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
        "P16,C8,2026-10-15,2000.00,,card,\n"
    )
    import_texts(scenario, tmp_path / "late", {"late.csv": ("payments", late)})
    october, _ = report(cli, scenario)
    assert (october["A5"]["payout"], october["A5"]["adjustment"]) == ("0.00", "20.00")
    november, _ = report(cli, scenario, "2026-11")
    a5 = november["A5"]
    assert (a5["carried_in"], a5["payout"], a5["carry_out"]) == ("-20.00", "0.00", "-15.00")


def test_approval_record(scenario: Path, cli: Cli):
    assert approve(cli, scenario, "--by", "Li Na").code == 0
    ((by, sha, fp, agents, total),) = query(
        scenario,
        "select approved_by, plans_sha256, data_fingerprint, agents, total_payout "
        "from payout_approvals",
    )
    assert (by, agents, total) == ("Li Na", 5, D("111.10"))
    assert len(sha) == 64 and len(fp) == 64
    n_lines = query(scenario, "select count(*) from payout_approved_lines")[0][0]
    assert n_lines > 20


def test_approved_figures_are_shown_even_if_today_cannot_be_computed(
    scenario: Path, cli: Cli, tmp_path: Path
):
    assert approve(cli, scenario, "--by", "Li Na").code == 0
    agents = "agent_id,agent_name,team,plan\nA2,Bob,T1,gold\n"
    import_texts(scenario, tmp_path / "agents", {"agents.csv": ("agents", agents)})
    rows, err = report(cli, scenario)
    assert rows["A2"]["payout"] == "84.10" and rows["A2"]["adjustment"] is None
    assert "cannot recompute today" in err and "plan 'gold' does not exist" in err
    draft = cli(
        "report", "payouts", "--db", scenario, "--period", "2026-11", "--plans", SCENARIO_PLANS
    )
    assert draft.code == 2 and "agent 'A2': plan: plan 'gold' does not exist" in draft.err
