"""The early-completion bonus with the agents' own targets (domain.md, "targets extract": the
agent's target for the period when one is given, the plan's otherwise), hand-computed.

Pure rules first (the ladder plan: bonus 500.00 for 60,000.00 reached at least 7 days before the
month's last day, October 31), then the database scenario of tests/payout_fixtures.py, where A2
(ladder: 50.00 for 1,000.00, 7 days) collects 600.00 on Oct 5, 300.00 on Oct 20 and 200.00 on
Oct 24 (900.00 by the 20th, 1,100.00 by the 24th) and is paid 84.10 for October, the bonus
included (tests/test_payout_approval.py): an own target imported after the approval changes the
recomputation, an own target of another month changes no fingerprint.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from dashboard import db
from dashboard.ingest.importer import list_imports, undo_import
from dashboard.payouts import facts
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.rules import compute_period
from dashboard.payouts.run import compute_run
from dashboard.payouts.values import Agent, AgentFacts, Period
from tests.conftest import query
from tests.payout_fixtures import (
    OWNERS_SEP,
    SCENARIO_PLANS,
    accounts,
    build_scenario,
    close_through,
    import_texts,
)
from tests.test_payouts_engine import BOOK, OCT

OCTOBER = Period(2026, 10)
TARGETS = "period,level,id,target\n"


def bonus(daily: list[tuple[int, str]], target: str | None) -> tuple[D, str]:
    days = tuple((date(2026, 10, d), D(a)) for d, a in daily)
    own = None if target is None else D(target)
    f = AgentFacts(sum((D(a) for _, a in daily), D(0)), 5, days, target=own)
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="ladder")], {"A": f})
    (why,) = [d.reason for d in p.decisions if d.kind == "early_bonus"]
    return p.early_bonus, why


def test_an_own_target_reached_early_pays_where_the_plans_would_not():
    # 40,000.00 by Oct 10, 70,000.00 by Oct 28. The plan's 60,000.00 is reached on Oct 28,
    # 3 days before Oct 31 (7 needed): no bonus. The own 40,000.00 on Oct 10, 21 days before.
    daily = [(10, "40000"), (28, "30000")]
    assert bonus(daily, None)[0] == D("0.00")
    amount, why = bonus(daily, "40000")
    assert amount == D("500.00")
    assert why == (
        "the agent's own target 40,000.00 for 2026-10 (targets extract) reached on 2026-10-10, "
        "21 day(s) before the period's last day (at least 7 day(s) before 2026-10-31): bonus "
        "500.00"
    )


def test_an_own_target_above_the_plans_not_reached_pays_nothing():
    # 70,000.00 by Oct 10: the plan's 60,000.00 would pay; the own 80,000.00 is never reached.
    daily = [(10, "70000")]
    assert bonus(daily, None)[0] == D("500.00")
    amount, why = bonus(daily, "80000")
    assert amount == D("0.00")
    assert why == (
        "collected 70,000.00, the agent's own target 80,000.00 for 2026-10 (targets extract) "
        "not reached (or not held to the period's end): no bonus"
    )


def test_without_an_own_target_the_plans_is_used_and_said():
    amount, why = bonus([(10, "70000")], None)
    assert amount == D("500.00")
    assert why.startswith("the plan's target 60,000.00 reached on 2026-10-10, 21 day(s) before")
    amount, why = bonus([(26, "70000")], None)  # 5 days before: too late
    assert (amount, why) == (
        D("0.00"),
        (
            "the plan's target 60,000.00 reached on 2026-10-26, only 5 day(s) before the "
            "period's last day (needs at least 7 day(s) before 2026-10-31): no bonus"
        ),
    )


def test_an_own_target_of_an_agent_whose_plan_has_no_bonus_pays_nothing():
    f = AgentFacts(D("70000"), 5, ((date(2026, 10, 1), D("70000")),), target=D("1"))
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="standard")], {"A": f})
    assert p.early_bonus == D("0.00")


def test_the_reason_says_which_target_in_chinese_too():
    from dashboard.messages import localise

    _, why = bonus([(10, "70000")], "80000")
    assert localise(why, "zh") == (
        "回收 70,000.00，未达到本人 2026-10 目标 80,000.00（目标数据）（或未保持到期末）：无奖金"
    )


# --- through the database: the scenario, August to October approved --------------------------
@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("targets")
    db_path = build_scenario(folder)
    snapshot = {"acc_1031.csv": ("accounts", accounts("2026-10-31", OWNERS_SEP))}
    import_texts(db_path, folder / "oct", snapshot)
    close_through(db_path, OCTOBER, load_plans(SCENARIO_PLANS))
    return db_path


@pytest.fixture
def scenario(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "payouts.duckdb"
    shutil.copyfile(template, copy)
    return copy


def report(cli, db_path: Path, period: str = "2026-10") -> tuple[dict, str]:
    r = cli(
        "report", "payouts", "--db", db_path, "--period", period, "--plans", SCENARIO_PLANS,
        "--format", "json",
    )  # fmt: skip
    assert r.code == 0, r.err
    return {x["agent_id"]: x for x in json.loads(r.out)}, r.err


def early_reason(db_path: Path, agent: str) -> str:
    with db.connect(db_path, read_only=True) as con:
        run = compute_run(con, OCTOBER, load_plans(SCENARIO_PLANS))
    (p,) = [p for p in run.payouts if p.agent_id == agent]
    (why,) = [d.reason for d in p.decisions if d.kind == "early_bonus"]
    return why


def fingerprints(db_path: Path) -> list[tuple[str, str, bool, bool]]:
    """Per approved month: the stored fingerprint, and whether today's data gives it and the
    stored facts digest (each by the formula the approval was made with)."""
    out = []
    with db.connect(db_path, read_only=True) as con:
        book = load_plans(SCENARIO_PLANS)
        today = (facts.fact_digests(con), facts.first_activity(con))
        legacy: dict = {}
        rows = query(db_path, "select period, data_fingerprint, facts_digest from payout_approvals")
        for period, stored, digest in sorted(rows):
            p = Period.parse(period)
            run = compute_run(con, p, book, legacy_fingerprint=True)
            same_facts = facts.facts_digest_matches(con, digest, p, today, legacy)
            out.append((period, stored, run.fingerprint_matches(stored), same_facts))
    return out


# The fingerprints and facts digests of this scenario's approvals as the code before the targets
# extract (commit bb53798) stored them, and the code until the digests were made the same on
# every engine (their "v2:" formula): what an approval made then holds. Not derived by hand
# (a SHA-256), but from the earlier code, never from this one: a month without targets must
# still hash to them, by the first formula.
BEFORE_TARGETS = {
    "2026-08": ("b6d6e8ca86e18f8b681a782478f40c27cb2851201d507dc6d60e8819e88c6229",
                "e8c3e415345295dc7e302582b8ee20ce6bea7a2bd5bf1d232a63b0a1d8071bd6"),
    "2026-09": ("2cd6de0bef4b36e448f378631830719d36f468120ea3a1390b9f7181cb53e609",
                "3400888ee49d4b86e411f0be1f91e94ef53be4bdd0332928b00eb9976f146537"),
    "2026-10": ("b45686674aaf80941bfd216f784c7f3d9ad2d214c18d006da75ff9eadb08344a",
                "5ef805e5e61d3051991a8e97c7f5503ce3160430e84868ccbb3a77055a413f8e"),
}  # fmt: skip


def made_before_v2(db_path: Path) -> None:
    """The scenario's approvals as the code before the "v2:" digests stored them."""
    con = duckdb.connect(str(db_path))
    try:
        for period, (fp, digest) in BEFORE_TARGETS.items():
            con.execute(
                "update payout_approvals set data_fingerprint = $fp, facts_digest = $digest "
                "where period = $period and status = 'approved'",
                {"fp": fp, "digest": digest, "period": period},
            )
    finally:
        con.close()


def test_approvals_store_digests_of_the_current_formula(scenario: Path):
    stored = query(scenario, "select period, data_fingerprint, facts_digest from payout_approvals")
    assert sorted(p for p, _, _ in stored) == ["2026-08", "2026-09", "2026-10"]
    assert all(f.startswith("v2:") and d.startswith("v2:") for _, f, d in stored)
    assert [(p, same, facts_same) for p, _, same, facts_same in fingerprints(scenario)] == [
        ("2026-08", True, True),
        ("2026-09", True, True),
        ("2026-10", True, True),
    ]


@pytest.mark.parametrize("made", ["today", "before v2"])
def test_targets_of_other_months_change_no_fingerprint(scenario: Path, tmp_path: Path, cli, made):
    if made == "before v2":  # an approval made before: compared by the formula it was made with
        made_before_v2(scenario)
        stored = query(
            scenario, "select period, data_fingerprint, facts_digest from payout_approvals"
        )
        assert {p: (f, d) for p, f, d in stored} == BEFORE_TARGETS
    before = fingerprints(scenario)
    assert [p for p, *_ in before] == ["2026-08", "2026-09", "2026-10"]
    assert all(same and facts_same for _, _, same, facts_same in before)
    rows, err = report(cli, scenario)
    assert {x["adjustment"] for x in rows.values()} == {"0.00"}
    assert "the data changed" not in err  # it reads as unchanged
    targets = TARGETS + "2026-11,agent,A2,5000\n2026-12,agent,A1,10\n2026-10,team,T1,99999\n"
    import_texts(scenario, tmp_path / "t", {"targets.csv": ("targets", targets)})
    assert fingerprints(scenario) == before  # approved without targets: still what was signed
    rows, err = report(cli, scenario)
    assert {x["adjustment"] for x in rows.values()} == {"0.00"}
    assert "the data changed" not in err
    assert early_reason(scenario, "A2").startswith("the plan's target 1,000.00 reached on")


def test_an_approval_made_before_v2_sees_a_change(scenario: Path, tmp_path: Path, cli):
    # As test_an_own_target_after_the_approval_is_an_adjustment, approvals of the first formula.
    made_before_v2(scenario)
    import_texts(
        scenario, tmp_path / "t", {"t.csv": ("targets", TARGETS + "2026-10,agent,A2,1200\n")}
    )
    assert [(p, same, f) for p, _, same, f in fingerprints(scenario)] == [
        ("2026-08", True, True),
        ("2026-09", True, True),
        ("2026-10", False, False),
    ]
    rows, err = report(cli, scenario)
    assert rows["A2"]["adjustment"] == "-50.00"
    assert "the data changed since the approval" in err


def test_an_own_target_after_the_approval_is_an_adjustment(scenario: Path, tmp_path: Path, cli):
    # A2's own October target 1,200.00, above the plan's 1,000.00: 1,100.00 never reaches it.
    # Recomputed A2: 84.10 - 50.00 = 34.10, an adjustment of -50.00; the rest unchanged.
    import_texts(
        scenario, tmp_path / "t", {"t.csv": ("targets", TARGETS + "2026-10,agent,A2,1200\n")}
    )
    rows, err = report(cli, scenario)
    a2 = rows["A2"]
    assert (a2["payout"], a2["recomputed_payout"], a2["adjustment"]) == ("84.10", "34.10", "-50.00")
    assert {x["adjustment"] for k, x in rows.items() if k != "A2"} == {"0.00"}
    assert "the data changed since the approval" in err
    assert early_reason(scenario, "A2") == (
        "collected 1,100.00, the agent's own target 1,200.00 for 2026-10 (targets extract) not "
        "reached (or not held to the period's end): no bonus"
    )
    undo_import(list_imports(scenario).to_pylist()[0]["import_id"], db_path=scenario)
    rows, err = report(cli, scenario)
    assert rows["A2"]["adjustment"] == "0.00" and "the data changed" not in err


def test_an_own_target_reached_earlier_is_the_day_counted(scenario: Path, tmp_path: Path):
    # Own 800.00: 900.00 by Oct 20, 11 days before Oct 31 (the plan's 1,000.00: Oct 24, 7 days).
    import_texts(
        scenario, tmp_path / "t", {"t.csv": ("targets", TARGETS + "2026-10,agent,A2,800\n")}
    )
    assert early_reason(scenario, "A2") == (
        "the agent's own target 800.00 for 2026-10 (targets extract) reached on 2026-10-20, "
        "11 day(s) before the period's last day (at least 7 day(s) before 2026-10-31): bonus "
        "50.00"
    )


def test_a_target_in_an_open_period_is_in_its_draft(tmp_path: Path, cli):
    # Without approvals: October is a draft; A2's own 1,150.00 is not reached (1,100.00).
    db_path = build_scenario(tmp_path)
    files = {"t.csv": ("targets", TARGETS + "2026-10,agent,A2,1150\n")}
    import_texts(db_path, tmp_path / "t", files)
    rows, _ = report(cli, db_path)
    assert (rows["A2"]["early_bonus"], rows["A2"]["payout"]) == ("0.00", "34.10")


def test_an_agents_facts_read_the_same_with_or_without_a_target():
    # What run.py fingerprints: a month without targets hashes what it hashed before targets.
    assert repr(AgentFacts(D("1.00"), 1, target=D("5.00"))) == repr(AgentFacts(D("1.00"), 1))
