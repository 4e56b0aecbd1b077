"""Payouts computed from a real database built by the importer (tests/payout_fixtures.py).

Expected figures are worked by hand from the fixture's payments:

October 2026 (team T1 net = A1 500.00 + A2 1,100.00 + A4 0 = 1,600.00 = target: pool 1% =
16.00, split 500 : 1,100 : 0 -> A1 5.00, A2 11.00, A4 0.00):
    A1  basis -1,000.00 (P2, reversal of a September payment) + 1,500.00 (P7) = 500.00;
        tasks 1 (C2; C1 nets -1,000); 2% = 10.00; + 5.00 team = 15.00
    A2  600 + 300 + 200 = 1,100.00 on 3 accounts: 3 tasks -> 3% = 33.00; 1 violation (call at
        23:15) and 1 complaint: factor 1 - 0.1 - 0.2 = 0.7 -> 23.10; + 11.00 team; cumulative
        reached 1,000.00 on Oct 24 = 7 days before Oct 31 -> bonus 50.00; total 84.10 (< cap)
    A3  500.00 (P6) + 100.00 (P9, credited by the 09-30 snapshot) = 600.00; 2% = 12.00
    A4  no activity: 0.00
    A5  two reversals: -1,000.00 -> -20.00: pays 0.00, carries -20.00
    P8 (999.00 on account CX, in no snapshot) is in no basis.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest

from dashboard import db
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.report import payout_lines, payout_report
from dashboard.payouts.run import PayoutInputError, compute_run
from dashboard.payouts.values import Period
from tests.conftest import CliResult
from tests.payout_fixtures import PLANS_DIR, SCENARIO_PLANS, build_scenario

OCT = Period(2026, 10)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build_scenario(tmp_path_factory.mktemp("payouts"))


def payouts(db_path: Path, period: Period) -> dict[str, dict]:
    with db.connect(db_path) as con:
        report = payout_report(con, period, load_plans(SCENARIO_PLANS))
    return {r["agent_id"]: r for r in report.table.to_pylist()}


def test_october_by_hand(scenario: Path) -> None:
    rows = payouts(scenario, OCT)
    got = {
        a: (r["basis"], r["tasks"], r["base_after_compliance"], r["team_bonus"], r["early_bonus"],
            r["payout"], r["carry_out"])
        for a, r in rows.items()
    }  # fmt: skip
    assert got == {
        "A1": (D("500.00"), 1, D("10.00"), D("5.00"), D("0.00"), D("15.00"), D("0.00")),
        "A2": (D("1100.00"), 3, D("23.10"), D("11.00"), D("50.00"), D("84.10"), D("0.00")),
        "A3": (D("600.00"), 2, D("12.00"), D("0.00"), D("0.00"), D("12.00"), D("0.00")),
        "A4": (D("0.00"), 0, D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        "A5": (D("-1000.00"), 0, D("-20.00"), D("0.00"), D("0.00"), D("0.00"), D("-20.00")),
    }
    a2 = rows["A2"]
    assert (a2["contacts"], a2["violations"], a2["complaints"]) == (2, 1, 1)
    assert a2["compliance_factor"] == D("0.7") and a2["rate"] == D("0.03")
    assert rows["A1"]["plan"] == "standard"  # blank plan: the default plan
    assert {r["status"] for r in rows.values()} == {"draft"}


def test_september_and_the_deficit_chain(scenario: Path) -> None:
    sep = payouts(scenario, Period(2026, 9))
    assert sep["A1"]["payout"] == D("20.00")  # P1 1,000.00 x 2%
    assert sep["A5"]["payout"] == D("20.00")  # P10 + P15 = 1,000.00 x 2%
    assert sep["A2"]["violations"] == 1  # the 23:30 call of September counts there
    # A5: Oct carries -20.00; Nov 250.00 -> 5.00 - 20.00 = -15.00 carried; Dec nothing:
    # -15.00 carried again (two periods); Jan 2027 1,000.00 -> 20.00 - 15.00 = 5.00.
    chain = [payouts(scenario, p)["A5"] for p in (Period(2026, 11), Period(2026, 12))]
    assert [(r["carried_in"], r["payout"], r["carry_out"]) for r in chain] == [
        (D("-20.00"), D("0.00"), D("-15.00")),
        (D("-15.00"), D("0.00"), D("-15.00")),
    ]
    jan = payouts(scenario, Period(2027, 1))["A5"]
    assert (jan["carried_in"], jan["total"], jan["payout"]) == (D("-15.00"), D("5.00"), D("5.00"))


def test_payment_before_every_snapshot_uses_the_earliest(scenario: Path) -> None:
    # P17 (100.00, 2026-08-15, no agent) predates every snapshot: the account's agent in its
    # earliest snapshot (08-31) is A1: 2% = 2.00.
    assert payouts(scenario, Period(2026, 8))["A1"]["payout"] == D("2.00")
    with db.connect(scenario) as con:
        lines = payout_lines(con, Period(2026, 8), load_plans(SCENARIO_PLANS), "A1")[0]
    (p17,) = [r for r in lines.to_pylist() if r["payment_id"] == "P17"]
    assert p17["credit_rule"] == "account_earliest_snapshot"
    assert "earliest snapshot (2026-08-31)" in p17["reason"]


def test_a_period_before_any_activity(scenario: Path) -> None:
    rows = payouts(scenario, Period(2026, 1))
    assert set(rows) == {"A1", "A2", "A3", "A4", "A5"}
    assert all(r["payout"] == 0 for r in rows.values())


def test_audit_lines(scenario: Path) -> None:
    with db.connect(scenario) as con:
        lines, notes = payout_lines(con, OCT, load_plans(SCENARIO_PLANS), "A1")
    rows = lines.to_pylist()
    assert notes == ()
    money = [(r["kind"], r["payment_id"], r["amount"], r["credit_rule"]) for r in rows[:2]]
    assert money == [
        ("reversal", "P2", D("-1000.00"), "reversed_payment_agent"),
        ("payment", "P7", D("1500.00"), "given"),
    ]
    assert "reversal of P1 paid 2026-09-10, a payment of 2026-09" in rows[0]["reason"]
    assert [r["line_no"] for r in rows] == list(range(1, len(rows) + 1))
    kinds = [r["kind"] for r in rows[2:]]
    assert kinds == ["commission", "team_pool", "early_bonus", "payout"]
    pool = rows[3]["reason"]
    assert "team T1 collected 1,600.00 >= target 1,600.00" in pool and "= 5.00" in pool
    # The money lines add up to the basis.
    assert sum(r["amount"] for r in rows if r["payment_id"]) == D("500.00")


def test_every_bonus_decision_has_a_reason(scenario: Path) -> None:
    with db.connect(scenario) as con:
        rows = payout_lines(con, OCT, load_plans(SCENARIO_PLANS))[0].to_pylist()
    a2 = {r["kind"]: r for r in rows if r["agent_id"] == "A2" and not r["payment_id"]}
    assert "reached on 2026-10-24, 7 day(s) before" in a2["early_bonus"]["reason"]
    assert "factor max(0.5, 1 - 0.1 x 1 - 0.2 x 1) = 0.7" in a2["compliance"]["reason"]
    assert "within the cap 100.00" in a2["cap"]["reason"]
    a3 = [r for r in rows if r["agent_id"] == "A3" and r["kind"] == "team_pool"]
    assert a3[0]["reason"] == "team T2 has no team pool"
    p9 = next(r for r in rows if r["payment_id"] == "P9")
    assert p9["agent_id"] == "A3" and "snapshot of 2026-09-30" in p9["reason"]
    assert not [r for r in rows if r["payment_id"] == "P8"]  # the orphan is in no basis


def test_unknown_agent_plan_is_refused(scenario: Path, tmp_path: Path) -> None:
    plans = tmp_path / "plans.yaml"
    plans.write_text("default_plan: standard\nplans:\n  standard: {rate: 0.02}\n", "utf-8")
    with db.connect(scenario) as con, pytest.raises(PayoutInputError) as info:
        compute_run(con, OCT, load_plans(plans))
    assert "agent 'A2': plan: plan 'ladder' does not exist in plans.yaml" in str(info.value)


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_report_json_and_notes(scenario: Path, cli: Callable[..., CliResult]) -> None:
    args = ("--db", scenario, "--period", "2026-10", "--plans", SCENARIO_PLANS)
    r = cli("report", "payouts", *args, "--format", "json")
    assert r.code == 0, r.err
    rows = {x["agent_id"]: x for x in json.loads(r.out)}
    assert rows["A2"]["payout"] == "84.10" and rows["A5"]["carry_out"] == "-20.00"
    assert "1 payment row(s) dated in 2026-10 (net 999.00) are in no agent's basis" in r.err
    table = cli("report", "payouts", *args)
    assert table.code == 0 and "5 agent(s), total payout 111.10 (draft)" in table.out
    lines = cli("report", "payout-lines", *args, "--agent", "A2", "--format", "csv")
    assert lines.code == 0 and lines.out.count("\n2026-10,A2,") == 9  # 3 payments, 6 decisions


def test_cli_refuses_bad_input(
    scenario: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    base = ("report", "payouts", "--db", scenario)
    bad_period = cli(*base, "--period", "2026-13", "--plans", SCENARIO_PLANS)
    assert bad_period.code == 2 and "not a month" in bad_period.err
    broken = cli(*base, "--period", "2026-10", "--plans", PLANS_DIR / "rate_above_one.yaml")
    assert broken.code == 2
    assert "plan 'standard': rate: rate 2 is outside 0..1" in broken.err
    assert "Traceback" not in broken.err
    missing = cli("report", "payouts", "--db", tmp_path / "none.duckdb", "--period", "2026-10")
    assert missing.code == 2 and "does not exist" in missing.err
    empty = tmp_path / "empty.duckdb"
    with db.connect(empty):
        pass
    r = cli("report", "payouts", "--db", empty, "--period", "2026-10", "--plans", SCENARIO_PLANS)
    assert r.code == 2 and "no agents and no payments" in r.err
    xlsx = cli(*base, "--period", "2026-10", "--plans", SCENARIO_PLANS, "--format", "xlsx")
    assert xlsx.code == 2 and "--out" in xlsx.err


def test_cli_default_plans_from_env(
    scenario: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_PLANS", str(SCENARIO_PLANS))
    r = cli("report", "payouts", "--db", scenario, "--period", "2026-10", "--format", "csv")
    assert r.code == 0, r.err
    assert ",ladder," in r.out
