"""Properties of the payout rules over random scenarios (hypothesis).

For any team and any bases: the shares add up to the pool exactly (and the pool is paid only
when the target is reached); every payout is >= 0; a deficit is carried only from a negative
total; every component is whole cents; the cap is never exceeded.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.payouts.plan_book import Plan
from dashboard.payouts.plan_file import parse_plans
from dashboard.payouts.rules import (
    carry_out_of_period,
    compute_period,
    never_negative,
    split_pool,
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
teams:
  T1: {pool_rate: 0.005, target: 300000}
  T2: {pool_rate: 0.0137, target: 0}
"""
)
OCT = Period(2026, 10)
CENT = D("0.01")

cents = st.integers(min_value=-5_000_000, max_value=30_000_000).map(lambda c: D(c) * CENT)
member = st.fixed_dictionaries(
    {
        "basis": cents,
        "tasks": st.integers(0, 40),
        "day": st.integers(1, 31),
        "violations": st.integers(0, 40),
        "complaints": st.integers(0, 10),
        "carry": st.integers(-2_000_000, 0).map(lambda c: D(c) * CENT),
        "plan": st.sampled_from(["standard", "ladder", "marginal"]),
        "team": st.sampled_from(["T1", "T2", None]),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(member, min_size=1, max_size=12))
def test_shares_add_up_and_payouts_are_never_negative(members: list[dict]) -> None:
    agents = [Agent(f"A{i:02d}", team=m["team"], plan=m["plan"]) for i, m in enumerate(members)]
    facts = {
        f"A{i:02d}": AgentFacts(
            m["basis"],
            m["tasks"],
            ((date(2026, 10, m["day"]), m["basis"]),),
            50,
            m["violations"],
            m["complaints"],
        )
        for i, m in enumerate(members)
    }
    carry = {f"A{i:02d}": m["carry"] for i, m in enumerate(members)}
    payouts = compute_period(BOOK, OCT, agents, facts, carry)

    for name, pool_cfg in BOOK.teams.items():
        team = [p for p in payouts if p.team == name]
        if not team:
            continue
        net = sum((p.basis for p in team), D(0))
        shared = sum((p.team_bonus for p in team), D(0))
        if net >= pool_cfg.target:
            pool = (pool_cfg.pool_rate * net).quantize(CENT, rounding="ROUND_HALF_UP")
            assert shared == pool
        else:
            assert shared == 0
        assert all(p.team_bonus >= 0 for p in team)

    for p in payouts:
        assert p.payout >= 0
        assert p.carry_out <= 0
        for value in (p.base_commission, p.base_after_compliance, p.team_bonus, p.payout):
            assert value == value.quantize(CENT)
        assert p.total == p.base_after_compliance + p.team_bonus + p.early_bonus + p.carried_in
        if p.total < 0:
            assert (p.payout, p.carry_out) == (D(0), p.total)
        else:
            assert p.carry_out == 0
            assert p.payout == (min(p.total, p.cap) if p.cap is not None else p.total)
        if p.cap is not None:
            assert p.payout <= p.cap


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10_000_000).map(lambda c: D(c) * CENT),
    st.dictionaries(st.text("abcdef", min_size=1, max_size=3), cents, min_size=1, max_size=15),
)
def test_split_pool_is_exact(pool: D, weights: dict[str, D]) -> None:
    shares = split_pool(pool, weights)
    assert set(shares) == set(weights)
    positive = [k for k, w in weights.items() if w > 0]
    if positive:
        assert sum(shares.values(), D(0)) == pool
    assert all(s >= 0 and s == s.quantize(CENT) for s in shares.values())
    assert all(shares[k] == 0 for k, w in weights.items() if w <= 0)
    # No share is more than one cent away from its exact proportional value.
    total = sum((max(w, D(0)) for w in weights.values()), D(0))
    for k in positive:
        exact = pool * weights[k] / total
        assert abs(shares[k] - exact) < CENT


carry_or_none = st.one_of(st.just(D("0.00")), st.integers(-2_000_000, 0).map(lambda c: D(c) * CENT))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(member, carry_or_none), min_size=1, max_size=12))
def test_the_deficits_of_an_earlier_month_are_those_of_every_payout(
    rows: list[tuple[dict, D]],
) -> None:
    # rules.carry_out_of_period computes only the agents that may end below zero (a basis
    # below zero or a deficit carried in); what it carries out is what every agent's payout
    # of compute_period carries out, zeros left out (the rule: a negative total carries).
    agents = [Agent(f"A{i:02d}", team=m["team"], plan=m["plan"]) for i, (m, _) in enumerate(rows)]
    facts = {
        f"A{i:02d}": AgentFacts(
            m["basis"], m["tasks"], ((date(2026, 10, m["day"]), m["basis"]),), 50,
            m["violations"], m["complaints"],
        )
        for i, (m, _) in enumerate(rows)
    }  # fmt: skip
    carry = {f"A{i:02d}": c for i, (_, c) in enumerate(rows)}
    every = compute_period(BOOK, OCT, agents, facts, carry)
    want = {p.agent_id: p.carry_out for p in every if p.total < 0}
    assert carry_out_of_period(BOOK, OCT, agents, facts, carry) == want
    assert all(v < 0 for v in want.values())


def test_a_book_that_can_pay_below_zero_computes_every_agent() -> None:
    assert never_negative(BOOK)
    odd = dataclasses.replace(
        BOOK, plans={**BOOK.plans, "standard": Plan("standard", rate=D("-0.01"))}
    )
    assert not never_negative(odd)
    agents = [Agent("A", plan="standard")]
    facts = {"A": AgentFacts(D("100.00"), 1)}  # a basis >= 0, yet a negative commission
    assert carry_out_of_period(odd, OCT, agents, facts) == {"A": D("-1.00")}
    assert carry_out_of_period(BOOK, OCT, agents, facts) == {}
