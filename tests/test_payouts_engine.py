"""The payout rules as pure functions, on hand-computed scenarios (arithmetic in comments).

Covers domain.md's worked examples and every edge the issue lists: tier edges, marginal band
edges, team target met exactly and missed by a cent, pool shares adding up, early bonus on the
last allowed day and one day late, cap, a deficit carried over two periods, an agent with no
activity, a team member with a negative basis, the compliance factor and its floor.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from dashboard.payouts.plan_file import parse_plans
from dashboard.payouts.rules import (
    base_commission,
    compliance_factor,
    compute_period,
    split_pool,
    target_held_since,
)
from dashboard.payouts.values import Agent, AgentFacts, Period

BOOK = parse_plans(
    """
default_plan: standard
plans:
  standard: {rate: 0.02}
  ladder:
    tiers:
      metric: tasks
      mode: retroactive
      levels: [{min: 0, rate: 0.015}, {min: 10, rate: 0.02}, {min: 20, rate: 0.03}]
    early_bonus: {target: 60000, days_before_end: 7, amount: 500}
    cap: 5000
    compliance: {per_violation: 0.02, per_complaint: 0.05, floor: 0.5}
  marginal:
    tiers:
      metric: collected
      mode: marginal
      levels: [{min: 0, rate: 0.01}, {min: 50000, rate: 0.02}, {min: 100000, rate: 0.03}]
  by_amount:
    tiers:
      metric: collected
      mode: retroactive
      levels: [{min: 0, rate: 0.01}, {min: 50000, rate: 0.02}]
teams:
  T1: {pool_rate: 0.005, target: 300000}
"""
)
OCT = Period(2026, 10)


def base(plan: str, basis: str, tasks: int = 0) -> D:
    return base_commission(BOOK.plans[plan], D(basis), tasks)[0]


# --- domain.md worked examples ---------------------------------------------------------------


def test_fixed_rate_example() -> None:
    assert base("standard", "1000.00") == D("20.00")  # 2% of 1,000.00


def test_retroactive_tasks_example() -> None:
    assert base("ladder", "100000.00", 20) == D("3000.00")  # 3% of 100,000.00
    assert base("ladder", "100000.00", 19) == D("2000.00")  # 2% of 100,000.00


def test_marginal_example() -> None:
    amount, rate, level_min, decisions = base_commission(BOOK.plans["marginal"], D("120000"), 0)
    assert amount == D("2100.00")  # 500 + 1,000 + 600
    assert [d.amount for d in decisions if d.kind == "band"] == [
        D("500.00"),  # 1% x 50,000
        D("1000.00"),  # 2% x 50,000
        D("600.00"),  # 3% x 20,000
    ]
    assert rate == D("0.03") and level_min == D(100000)


# --- tier edges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [
        (0, "1500.00"),  # 1.5% x 100,000
        (9, "1500.00"),
        (10, "2000.00"),  # exactly 10 tasks: the 10 level applies (min <= metric)
        (19, "2000.00"),
        (20, "3000.00"),  # exactly 20 tasks
        (21, "3000.00"),
    ],
)
def test_task_tier_edges(tasks: int, expected: str) -> None:
    assert base("ladder", "100000.00", tasks) == D(expected)


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        ("49999.99", "500.00"),  # 1% x 49,999.99 = 499.9999 -> 500.00
        ("50000.00", "500.00"),  # 1% x 50,000 + 2% x 0
        ("50000.01", "500.00"),  # 500.00 + 2% x 0.01 = 0.0002 -> 0.00
        ("99999.99", "1500.00"),  # 500 + 2% x 49,999.99 = 999.9998 -> 1,000.00
        ("100000.00", "1500.00"),  # 500 + 1,000 + 3% x 0
        ("100050.00", "1501.50"),  # 500 + 1,000 + 3% x 50 = 1.50
    ],
)
def test_marginal_band_edges(basis: str, expected: str) -> None:
    assert base("marginal", basis) == D(expected)


def test_retroactive_by_amount_edge() -> None:
    assert base("by_amount", "49999.99") == D("500.00")  # 1% x 49,999.99 = 499.9999
    assert base("by_amount", "50000.00") == D("1000.00")  # exactly 50,000: 2% on all of it


def test_rounding_is_half_up_to_the_cent() -> None:
    assert base("standard", "0.25") == D("0.01")  # 0.005 -> 0.01 (banker's would give 0.00)
    assert base("standard", "0.24") == D("0.00")  # 0.0048 -> 0.00
    assert base("standard", "-0.25") == D("-0.01")  # half away from zero for a clawback


def test_negative_basis_is_clawed_back_at_the_first_level() -> None:
    assert base("standard", "-1000.00") == D("-20.00")
    assert base("marginal", "-1000.00") == D("-10.00")  # first band's 1%
    assert base("by_amount", "-1000.00") == D("-10.00")


# --- compliance factor -----------------------------------------------------------------------


def test_compliance_factor_and_floor() -> None:
    rule = BOOK.plans["ladder"].compliance
    assert compliance_factor(rule, 3, 1) == D("0.89")  # 1 - 0.02 x 3 - 0.05 x 1
    assert compliance_factor(rule, 30, 0) == D("0.5")  # 1 - 0.6 = 0.4, floor 0.5
    assert compliance_factor(None, 30, 30) == D(1)


def test_compliance_factor_applies_to_the_commission_only() -> None:
    # ladder, 20 tasks, 100,000.00: 3,000.00 x 0.89 = 2,670.00; the early bonus is untouched.
    facts = AgentFacts(D("100000.00"), 20, ((date(2026, 10, 2), D("100000.00")),), 50, 3, 1)
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="ladder")], {"A": facts})
    assert p.base_commission == D("3000.00")
    assert p.base_after_compliance == D("2670.00")
    assert p.early_bonus == D("500.00")
    assert p.payout == D("3170.00")


def test_compliance_factor_never_reduces_a_clawback() -> None:
    # ladder at 1.5% x -1,000.00 = -15.00; violations must not shrink what is clawed back.
    facts = AgentFacts(D("-1000.00"), 0, (), 10, 5, 5)
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="ladder")], {"A": facts})
    assert p.base_after_compliance == D("-15.00")
    assert p.carry_out == D("-15.00")


# --- team pool -------------------------------------------------------------------------------


def team(bases: dict[str, str]) -> dict[str, D]:
    agents = [Agent(a, team="T1") for a in bases]
    facts = {a: AgentFacts(D(b)) for a, b in bases.items()}
    return {p.agent_id: p.team_bonus for p in compute_period(BOOK, OCT, agents, facts)}


def test_team_target_exactly_met() -> None:
    # 200,000 + 100,000 = 300,000.00 = target: pool 0.5% = 1,500.00, split 2:1.
    assert team({"A": "200000.00", "B": "100000.00"}) == {"A": D("1000.00"), "B": D("500.00")}


def test_team_target_missed_by_one_cent() -> None:
    # 200,000 + 99,999.99 = 299,999.99 < 300,000.00: no pool.
    assert team({"A": "200000.00", "B": "99999.99"}) == {"A": D("0.00"), "B": D("0.00")}


def test_team_member_with_negative_basis() -> None:
    # Net 310,000 + 10,000 - 20,000 = 300,000 reaches the target: pool 1,500.00.
    # Weights max(basis, 0): 310,000, 10,000, 0 (sum 320,000).
    # A: 150,000 cents x 310/320 = 145,312.5 cents; B: 4,687.5 cents; C: 0.
    # Floors 145,312 + 4,687 = 149,999: one cent left; remainders tie at 0.5 -> A (agent_id).
    shares = team({"A": "310000.00", "B": "10000.00", "C": "-20000.00"})
    assert shares == {"A": D("1453.13"), "B": D("46.87"), "C": D("0.00")}
    assert sum(shares.values()) == D("1500.00")


def test_split_pool_largest_remainder() -> None:
    # 100.00 in three equal parts: 33.33 each + 1 cent to the first agent_id.
    assert split_pool(D("100.00"), {"b": D(1), "a": D(1), "c": D(1)}) == {
        "a": D("33.34"),
        "b": D("33.33"),
        "c": D("33.33"),
    }
    # 10.00 split 1:2: exact 3.333.. and 6.666..; the leftover cent goes to the larger
    # remainder (0.666 cents vs 0.333 cents): 3.33 and 6.67.
    assert split_pool(D("10.00"), {"a": D(1), "b": D(2)}) == {"a": D("3.33"), "b": D("6.67")}
    assert split_pool(D("10.00"), {"a": D(-5), "b": D(0)}) == {"a": D("0.00"), "b": D("0.00")}


def test_agent_without_team_or_pool() -> None:
    agents = [Agent("A", team="T9"), Agent("B")]
    facts = {"A": AgentFacts(D("500000.00")), "B": AgentFacts(D("500000.00"))}
    assert [p.team_bonus for p in compute_period(BOOK, OCT, agents, facts)] == [D(0), D(0)]


# --- early-completion bonus ------------------------------------------------------------------


def early(daily: list[tuple[int, str]]) -> D:
    days = tuple((date(2026, 10, d), D(a)) for d, a in daily)
    facts = AgentFacts(sum((D(a) for _, a in daily), D(0)), 5, days)
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="ladder")], {"A": facts})
    return p.early_bonus


def test_early_bonus_on_the_last_allowed_day() -> None:
    # Oct 31 is the last day; days_before_end 7: Oct 24 is exactly 7 days before: qualifies.
    assert early([(10, "30000"), (24, "30000")]) == D("500.00")


def test_early_bonus_one_day_late() -> None:
    # Oct 25 is 6 days before Oct 31: too late.
    assert early([(10, "30000"), (25, "30000")]) == D("0.00")


def test_early_bonus_target_not_reached_by_a_cent() -> None:
    assert early([(1, "59999.99")]) == D("0.00")


def test_early_bonus_needs_the_target_held_to_the_end() -> None:
    # Reached on Oct 10, but a reversal on Oct 28 takes it below: no bonus.
    assert early([(10, "60000"), (28, "-100")]) == D("0.00")
    # A reversal that keeps it at or above the target does not matter.
    assert early([(10, "60100"), (28, "-100")]) == D("500.00")
    # Dropped below on Oct 12 and reached again on Oct 20: it counts from Oct 20.
    assert target_held_since(
        [(date(2026, 10, 10), D(60000)), (date(2026, 10, 12), D(-1)), (date(2026, 10, 20), D(1))],
        D(60000),
        date(2026, 10, 1),
    ) == date(2026, 10, 20)


# --- cap, deficit, order ---------------------------------------------------------------------


def test_cap_hit() -> None:
    # 20 tasks, 200,000.00: 3% = 6,000.00 + early bonus 500.00 = 6,500.00, capped at 5,000.00.
    facts = AgentFacts(D("200000.00"), 20, ((date(2026, 10, 1), D("200000.00")),))
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="ladder")], {"A": facts})
    assert (p.total, p.payout, p.cap_applied) == (D("6500.00"), D("5000.00"), True)


def test_total_exactly_at_the_cap_is_not_capped() -> None:
    # 20 tasks x 3% x 150,000.00 = 4,500.00 + 500.00 bonus = 5,000.00 = cap.
    facts = AgentFacts(D("150000.00"), 20, ((date(2026, 10, 1), D("150000.00")),))
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="ladder")], {"A": facts})
    assert (p.payout, p.cap_applied) == (D("5000.00"), False)


def test_deficit_is_deducted_before_the_cap() -> None:
    # 6,500.00 - 1,600.00 carried in = 4,900.00 < 5,000.00: paid in full, cap not applied.
    facts = AgentFacts(D("200000.00"), 20, ((date(2026, 10, 1), D("200000.00")),))
    (p,) = compute_period(
        BOOK, OCT, [Agent("A", plan="ladder")], {"A": facts}, {"A": D("-1600.00")}
    )
    assert (p.total, p.payout, p.cap_applied) == (D("4900.00"), D("4900.00"), False)


def test_deficit_carried_over_two_periods() -> None:
    # standard 2%. Sep: basis -10,000.00 -> -200.00: pays 0, carries -200.00.
    # Oct: 5,000.00 -> 100.00 - 200.00 = -100.00: pays 0, carries -100.00.
    # Nov: no activity -> -100.00 carried again. Dec: 10,000.00 -> 200.00 - 100.00 = 100.00.
    agent = [Agent("A")]
    carry: dict[str, D] = {}
    seen = []
    for period, basis in [
        (Period(2026, 9), "-10000.00"),
        (Period(2026, 10), "5000.00"),
        (Period(2026, 11), None),
        (Period(2026, 12), "10000.00"),
    ]:
        facts = {"A": AgentFacts(D(basis))} if basis else {}
        (p,) = compute_period(BOOK, period, agent, facts, carry)
        seen.append((p.carried_in, p.total, p.payout, p.carry_out))
        carry = {"A": p.carry_out}
    assert seen == [
        (D("0.00"), D("-200.00"), D("0.00"), D("-200.00")),
        (D("-200.00"), D("-100.00"), D("0.00"), D("-100.00")),
        (D("-100.00"), D("-100.00"), D("0.00"), D("-100.00")),
        (D("-100.00"), D("100.00"), D("100.00"), D("0.00")),
    ]


def test_agent_with_no_activity() -> None:
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="ladder", team="T1")], {})
    assert (p.basis, p.tasks, p.base_commission, p.team_bonus, p.early_bonus) == (
        D("0.00"),
        0,
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )
    assert (p.payout, p.carry_out) == (D("0.00"), D("0.00"))
    kinds = [d.kind for d in p.decisions]
    assert kinds == ["commission", "compliance", "team_pool", "early_bonus", "cap", "payout"]


def test_components_add_up_to_the_total() -> None:
    # 13 tasks at 2% of 12,345.67 = 246.9134 -> 246.91; 2 violations: factor 0.96 ->
    # 246.91 x 0.96 = 237.0336 -> 237.03; carried -37.03: total 200.00.
    facts = AgentFacts(D("12345.67"), 13, (), 40, 2, 0)
    (p,) = compute_period(BOOK, OCT, [Agent("A", plan="ladder")], {"A": facts}, {"A": D("-37.03")})
    assert (p.base_commission, p.base_after_compliance) == (D("246.91"), D("237.03"))
    assert p.total == p.base_after_compliance + p.team_bonus + p.early_bonus + p.carried_in
    assert p.total == D("200.00") == p.payout


# --- periods ---------------------------------------------------------------------------------


def test_period_parsing_and_days() -> None:
    assert str(Period.parse("2026-10")) == "2026-10"
    assert Period.parse("2028-02").last_day == date(2028, 2, 29)
    assert Period(2026, 12).next() == Period(2027, 1)
    for bad in ("2026-13", "2026-1", "26-10", "2026/10", "", "2026-00"):
        with pytest.raises(ValueError, match="not a month"):
            Period.parse(bad)
