"""A plan's compliance factor counting upheld complaints of the complaints extract
(``compliance.per_upheld_complaint``; domain.md, "complaints"; README, "The plan file"): the
rule by hand, the plan file, and a payout computed through the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from dashboard.payouts.plan_file import PlanFileError, parse_plans
from dashboard.payouts.plan_json import book_from_json, book_json
from dashboard.payouts.rules import compliance_factor, compute_period
from dashboard.payouts.values import Agent, AgentFacts, Period
from tests.kpi_fixtures import build_db

PLANS = """
default_plan: standard
plans:
  standard: {rate: 0.02}
  careful:
    rate: 0.02
    compliance: {per_violation: 0.02, per_complaint: 0, per_upheld_complaint: 0.1, floor: 0.5}
"""
BOOK = parse_plans(PLANS)
OCT = Period(2026, 10)


def test_the_factor_counts_upheld_complaints() -> None:
    rule = BOOK.plans["careful"].compliance
    assert rule is not None and rule.per_upheld_complaint == D("0.1")
    # 1 - 0.02 x 2 - 0 x 4 - 0.1 x 3 = 0.66; 8 upheld: 1 - 0.04 - 0.8 = 0.16 -> floor 0.5.
    assert compliance_factor(rule, 2, 4, 3) == D("0.66")
    assert compliance_factor(rule, 2, 4, 8) == D("0.5")
    facts = AgentFacts(D("10000.00"), 5, (), 40, 2, 4, upheld_complaints=3)
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="careful")], {"A": facts})
    # 2% x 10,000.00 = 200.00; x 0.66 = 132.00; the note names the upheld complaints.
    assert (p.base_commission, p.base_after_compliance) == (D("200.00"), D("132.00"))
    why = next(d for d in p.decisions if d.kind == "compliance").reason
    assert "3 upheld complaint(s)" in why and "0.1 x 3" in why


def test_a_plan_without_it_reads_and_freezes_as_before() -> None:
    old = parse_plans(PLANS.replace(", per_upheld_complaint: 0.1", ""))
    rule = old.plans["careful"].compliance
    assert rule is not None and rule.per_upheld_complaint == 0
    frozen = json.loads(book_json(old))
    assert frozen_rule(frozen) == ["0.02", "0", "0.5"]  # three numbers, as approvals stored
    again = book_from_json(book_json(BOOK))
    assert again.plans["careful"].compliance == BOOK.plans["careful"].compliance


def frozen_rule(frozen: Any) -> list[str]:
    plans = frozen["plans"] if isinstance(frozen, dict) else frozen
    found = [p for p in (plans.values() if isinstance(plans, dict) else plans)
             if p.get("name") == "careful"]  # fmt: skip
    return list(found[0]["compliance"])


def test_a_bad_per_upheld_complaint_is_refused() -> None:
    with pytest.raises(PlanFileError, match="per_upheld_complaint"):
        parse_plans(PLANS.replace("per_upheld_complaint: 0.1", "per_upheld_complaint: lots"))


AGENTS = [("G1", "Ann", "T1")]
ACCOUNTS = [("A1", "2026-10-31", "P1", "2026-01-01", "50000.00", "40000.00", 60, "G1", "open")]
PAYMENTS = [("Y1", "A1", "2026-10-10", "10000.00")]
COMPLAINTS = [
    ("Q1", "A1", "G1", "2026-10-03T09:00:00", "harassment", "2026-10-05T09:00:00", "true"),
    ("Q2", "A1", "", "2026-10-20T09:00:00", "privacy", "2026-10-21T09:00:00", "true"),  # G1
    ("Q3", "A1", "G1", "2026-10-21T09:00:00", "service", "2026-10-22T09:00:00", "false"),
    ("Q4", "A1", "G1", "2026-09-30T09:00:00", "other", "2026-10-02T09:00:00", "true"),  # Sept
]  # fmt: skip


def test_a_payout_counts_the_months_upheld_complaints(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    path = build_db(tmp_path, accounts=ACCOUNTS, payments=PAYMENTS, agents=AGENTS,
                    complaints=COMPLAINTS)  # fmt: skip
    plans = tmp_path / "plans.yaml"
    plans.write_text(PLANS.replace("default_plan: standard", "default_plan: careful"), "utf-8")
    r = cli("report", "payouts", "--db", path, "--period", "2026-10", "--plans", plans,
            "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    (row,) = json.loads(r.out)
    # October's upheld complaints of G1: Q1 and Q2 (no agent given: A1's agent then), not Q3
    # (not upheld) nor Q4 (September). No contact: no violation. 2% x 10,000.00 = 200.00,
    # factor 1 - 0.1 x 2 = 0.8: 160.00.
    assert (D(row["base_commission"]), D(row["payout"])) == (D("200.00"), D("160.00"))
