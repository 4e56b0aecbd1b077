"""The payout rules: pure functions from one period's facts and a plan book to payouts.

Every rule of domain.md "Commission payouts" lives here, and nothing else does: no SQL, no
files. Inputs are frozen facts (an agent's basis, tasks, net collected per day, violations),
outputs are frozen payouts with every component rounded half-up to the cent and a list of
decisions that say, in words, why each component is what it is (the audit trail).

Order (domain.md): total = base (after the compliance factor) + team share + early bonus +
deficit carried in; a negative total pays 0 and carries out; otherwise the cap applies. Then
the corrections of approved periods booked into this one (domain.md "closing the loop") are
added: a negative result pays 0 and carries out like any deficit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction

from dashboard.messages import Message
from dashboard.payouts.plan_book import ComplianceRule, EarlyBonus, Plan, PlanBook, Tiers
from dashboard.payouts.values import (
    CENT,
    ZERO,
    Agent,
    AgentFacts,
    AgentPayout,
    Booking,
    Decision,
    Period,
    cents,
    money,
    pct,
)

__all__ = [
    "agent_payout",
    "band_span",
    "base_commission",
    "compliance_factor",
    "compute_period",
    "early_bonus",
    "split_pool",
    "target_held_since",
    "team_shares",
]

EXACT_DIGITS = 60  # significant digits of the payout arithmetic (Decimal's default is 28)


def _level_index(tiers: Tiers, value: Decimal) -> int:
    """Highest level with min <= value; below the first level (a negative basis): the first."""
    index = 0
    for i, level in enumerate(tiers.levels):
        if level.min <= value:
            index = i
    return index


def base_commission(
    plan: Plan, basis: Decimal, tasks: int
) -> tuple[Decimal, Decimal | None, Decimal | None, list[Decision]]:
    """The commission on the basis before the compliance factor.

    Returns:
        (commission in cents, rate applied (marginal: the top band's), level min, decisions).
    """
    if plan.tiers is None:
        rate = plan.rate if plan.rate is not None else Decimal(0)
        amount = cents(rate * basis)
        why = Message("payout.fixed_rate", rate=pct(rate), basis=money(basis), amount=money(amount))
        return amount, rate, None, [Decision("commission", amount, why)]
    tiers = plan.tiers
    value = Decimal(tasks) if tiers.metric == "tasks" else basis
    shown = (
        Message("payout.shown_tasks", tasks=str(tasks))
        if tiers.metric == "tasks"
        else Message("payout.shown_collected", amount=money(basis))
    )
    top = _level_index(tiers, value)
    level = tiers.levels[top]
    if tiers.mode == "retroactive" or basis <= 0:
        amount = cents(level.rate * basis)
        start = str(level.min) if tiers.metric == "tasks" else money(level.min)
        why = Message(
            "payout.level_applies",
            shown=shown,
            start=start,
            mode=Message(f"payout.mode_{tiers.mode}"),
            rate=pct(level.rate),
            basis=money(basis),
            amount=money(amount),
        )
        return amount, level.rate, level.min, [Decision("commission", amount, why)]
    decisions: list[Decision] = []
    total = ZERO
    for i, lvl_i in enumerate(tiers.levels[: top + 1]):
        upper = tiers.levels[i + 1].min if i + 1 < len(tiers.levels) else None
        portion = (min(basis, upper) if upper is not None else basis) - lvl_i.min
        band_amount = cents(lvl_i.rate * portion)
        total += band_amount
        band = band_span(lvl_i.min, upper)
        why = Message(
            "payout.band",
            band=band,
            rate=pct(lvl_i.rate),
            portion=money(portion),
            amount=money(band_amount),
        )
        decisions.append(Decision("band", band_amount, why))
    decisions.insert(
        0,
        Decision(
            "commission",
            total,
            Message("payout.marginal", shown=shown, n=len(decisions), amount=money(total)),
        ),
    )
    return total, level.rate, level.min, decisions


def band_span(low: Decimal, high: Decimal | None) -> Message:
    """A band of a marginal tier in words: ``0.00 to 50,000.00``, ``above 100,000.00``."""
    if high is None:
        return Message("payout.band_above", low=money(low))
    return Message("payout.band_range", low=money(low), high=money(high))


def compliance_factor(
    rule: ComplianceRule | None, violations: int, complaints: int, upheld: int = 0
) -> Decimal:
    """max(floor, 1 - per_violation x violations - per_complaint x complaints -
    per_upheld_complaint x upheld); 1 without a rule."""
    if rule is None:
        return Decimal(1)
    raw = 1 - rule.per_violation * violations - rule.per_complaint * complaints
    raw -= rule.per_upheld_complaint * upheld
    return max(rule.floor, raw)


def split_pool(pool: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split ``pool`` by weights (negative weights count as 0) into cents that add up exactly.

    Largest remainder: every share is first rounded down to the cent; the cents left over go
    one each to the largest remainders, ties broken by agent_id. Exact (fractions), no floats.
    """
    w = {k: max(v, Decimal(0)) for k, v in weights.items()}
    total_w = sum(w.values(), Decimal(0))
    if pool == 0 or total_w == 0:
        return {k: ZERO for k in weights}
    pool_cents = int((pool / CENT).to_integral_value())
    exact = {k: Fraction(pool_cents) * Fraction(v) / Fraction(total_w) for k, v in w.items()}
    floors = {k: int(x.__floor__()) for k, x in exact.items()}
    left = pool_cents - sum(floors.values())
    order = sorted(exact, key=lambda k: (-(exact[k] - floors[k]), k))
    for k in order[:left]:
        floors[k] += 1
    return {k: (Decimal(c) * CENT).quantize(CENT, rounding=ROUND_FLOOR) for k, c in floors.items()}


def team_shares(
    book: PlanBook, agents: Iterable[Agent], bases: Mapping[str, Decimal]
) -> dict[str, tuple[Decimal, Decision]]:
    """Each agent's team-pool share and the reason, per domain.md rule 3."""
    members: dict[str, list[str]] = {}
    for a in agents:
        if a.team:
            members.setdefault(a.team, []).append(a.agent_id)
    out: dict[str, tuple[Decimal, Decision]] = {}
    for team, ids in members.items():
        pool_cfg = book.teams.get(team)
        if pool_cfg is None:
            for i in ids:
                why = Message("payout.team_no_pool", team=team)
                out[i] = (ZERO, Decision("team_pool", ZERO, why))
            continue
        net = sum((bases.get(i, ZERO) for i in ids), ZERO)
        if net < pool_cfg.target:
            why = Message(
                "payout.team_below", team=team, net=money(net), target=money(pool_cfg.target)
            )
            for i in ids:
                out[i] = (ZERO, Decision("team_pool", ZERO, why))
            continue
        pool = cents(pool_cfg.pool_rate * net)
        weights = {i: bases.get(i, ZERO) for i in ids}
        shares = split_pool(pool, weights)
        positive = sum((max(v, ZERO) for v in weights.values()), ZERO)
        for i in ids:
            own = max(weights[i], ZERO)
            share_why = Message(
                "payout.team_share",
                team=team,
                net=money(net),
                target=money(pool_cfg.target),
                rate=pct(pool_cfg.pool_rate),
                pool=money(pool),
                own=money(own),
                positive=money(positive),
                share=money(shares[i]),
            )
            out[i] = (shares[i], Decision("team_pool", shares[i], share_why))
    return out


def target_held_since(
    daily: Iterable[tuple[date, Decimal]], target: Decimal, first_day: date
) -> date | None:
    """The day from which cumulative net collected stays >= target to the period's end."""
    cumulative = ZERO
    since = first_day if cumulative >= target else None
    for day, amount in sorted(daily):
        cumulative += amount
        if cumulative >= target:
            since = since or day
        else:
            since = None
    return since


def early_bonus(bonus: EarlyBonus | None, period: Period, facts: AgentFacts) -> Decision:
    """Rule 4: the bonus if the target was reached (and held) early enough. The target is the
    agent's own for the period (``facts.target``, from the targets extract) when there is one,
    else the plan's; the reason says which."""
    if bonus is None:
        return Decision("early_bonus", ZERO, Message("payout.no_early_bonus"))
    goal = bonus.target if facts.target is None else facts.target
    day = target_held_since(facts.daily, goal, period.first_day)
    need = Message(
        "payout.early_need", days=bonus.days_before_end, last_day=period.last_day.isoformat()
    )
    target = (
        Message("payout.target_plan", target=money(goal))
        if facts.target is None
        else Message("payout.target_own", target=money(goal), period=str(period))
    )
    if day is None:
        why = Message("payout.early_not_reached", basis=money(facts.basis), target=target)
        return Decision("early_bonus", ZERO, why)
    before = (period.last_day - day).days
    reached = {"target": target, "day": day.isoformat(), "before": before, "need": need}
    if before >= bonus.days_before_end:
        why = Message("payout.early_bonus", **reached, amount=money(bonus.amount))
        return Decision("early_bonus", cents(bonus.amount), why)
    return Decision("early_bonus", ZERO, Message("payout.early_too_late", **reached))


def _booking_decision(b: Booking) -> Decision:
    booked = b.recomputed - b.approved - b.amount
    values = {
        "period": str(b.corrects),
        "recomputed": money(b.recomputed),
        "approved": money(b.approved),
        "amount": money(b.amount),
    }
    why = (
        Message("payout.adjustment_for_rest", **values, booked=money(booked))
        if booked
        else Message("payout.adjustment_for", **values)
    )
    return Decision("adjustment", b.amount, why, corrects=str(b.corrects))


def agent_payout(
    period: Period,
    agent: Agent,
    plan: Plan,
    facts: AgentFacts,
    team_share: tuple[Decimal, Decision],
    carried_in: Decimal = ZERO,
    bookings: Sequence[Booking] = (),
) -> AgentPayout:
    """One agent's payout from its facts, its team share, the deficit carried in and the
    corrections of approved periods booked into this one (added after the cap)."""
    base, rate, level_min, decisions = base_commission(plan, facts.basis, facts.tasks)
    factor = compliance_factor(
        plan.compliance, facts.violations, facts.complaints, facts.upheld_complaints
    )
    if plan.compliance is None:
        after = base
    elif base <= 0:
        after = base
        decisions.append(Decision("compliance", ZERO, Message("payout.no_compliance_clawback")))
    else:
        after = cents(base * factor)
        rule = plan.compliance
        values = {
            "violations": facts.violations,
            "complaints": facts.complaints,
            "contacts": facts.contacts,
            "floor": str(rule.floor),
            "per_violation": str(rule.per_violation),
            "per_complaint": str(rule.per_complaint),
            "factor": str(factor),
            "base": money(base),
            "after": money(after),
        }
        if rule.per_upheld_complaint:  # the plan counts the complaints extract's verdicts too
            values |= {
                "upheld": facts.upheld_complaints,
                "per_upheld": str(rule.per_upheld_complaint),
            }
            why = Message("payout.compliance_upheld", **values)
        else:
            why = Message("payout.compliance", **values)
        decisions.append(Decision("compliance", after - base, why))
    share, share_why = team_share
    bonus_decision = early_bonus(plan.early_bonus, period, facts)
    bonus = bonus_decision.amount or ZERO
    decisions += [share_why, bonus_decision]
    carried = cents(carried_in)
    if carried:
        decisions.append(
            Decision("carry_in", carried, Message("payout.carry_in", amount=money(carried)))
        )
    total = after + share + bonus + carried
    capped, cap_applied = total, False
    if total >= 0 and plan.cap is not None:
        if total > plan.cap:
            capped, cap_applied = plan.cap, True
            why = Message("payout.capped", total=money(total), cap=money(plan.cap))
            decisions.append(Decision("cap", plan.cap - total, why))
        else:
            why = Message("payout.within_cap", total=money(total), cap=money(plan.cap))
            decisions.append(Decision("cap", ZERO, why))
    # Corrections of approved periods come after the cap: they are not new commission.
    adjustment = sum((b.amount for b in bookings), ZERO)
    decisions += [_booking_decision(b) for b in bookings]
    result = capped + adjustment
    payout, carry_out = (ZERO, result) if result < 0 else (result, ZERO)
    if result < 0:
        nxt = str(period.next())
        why = (
            Message("payout.carry_out_adjusted", result=money(result), next=nxt)
            if bookings
            else Message("payout.carry_out", total=money(total), next=nxt)
        )
        decisions.append(Decision("carry_out", result, why))
    parts = {
        "after": money(after),
        "share": money(share),
        "bonus": money(bonus),
        "carried": money(carried),
        "total": money(total),
        "payout": money(payout),
    }
    if bookings:
        why = Message(
            "payout.payout_adjusted",
            **parts,
            capped=money(capped),
            adjustments=money(adjustment),
            result=money(result),
        )
    else:
        why = Message("payout.payout", **parts)
    decisions.append(Decision("payout", payout, why))
    return AgentPayout(
        period=period,
        agent_id=agent.agent_id,
        agent_name=agent.agent_name,
        team=agent.team,
        plan=plan.name,
        basis=facts.basis,
        tasks=facts.tasks,
        level_min=level_min,
        rate=rate,
        base_commission=base,
        contacts=facts.contacts,
        violations=facts.violations,
        complaints=facts.complaints,
        compliance_factor=factor,
        base_after_compliance=after,
        team_bonus=share,
        early_bonus=bonus,
        carried_in=carried,
        total=total,
        cap=plan.cap,
        cap_applied=cap_applied,
        adjustment_in=adjustment,
        payout=payout,
        carry_out=carry_out,
        decisions=tuple(decisions),
    )


def compute_period(
    book: PlanBook,
    period: Period,
    agents: Iterable[Agent],
    facts: Mapping[str, AgentFacts],
    carried_in: Mapping[str, Decimal] | None = None,
    bookings: Mapping[str, Sequence[Booking]] | None = None,
    only: Collection[str] | None = None,
) -> list[AgentPayout]:
    """Every agent's payout for one period, ordered by agent_id.

    Args:
        book: the plans (every agent's plan must exist in it).
        period: the month.
        agents: the agents to pay (team members share the team pool).
        facts: agent_id -> the period's facts; an agent without facts had no activity.
        carried_in: agent_id -> deficit (<= 0) carried in from the previous period.
        bookings: agent_id -> corrections of approved periods booked into this one.
        only: the payouts of these agents only (None: all); the team pools are still those
            of every agent in ``agents``.
    """
    roster = sorted(agents, key=lambda a: a.agent_id)
    carry = carried_in or {}
    booked = bookings or {}
    # Exact products: a basis is a sum of payments (up to DECIMAL(38,2)) and a rate has up to
    # 6 places, more digits than the default context's 28.
    with localcontext(prec=EXACT_DIGITS):
        bases = {a.agent_id: facts.get(a.agent_id, AgentFacts()).basis for a in roster}
        shares = team_shares(book, roster, bases)
        no_team = (ZERO, Decision("team_pool", ZERO, Message("payout.no_team")))
        return [
            agent_payout(
                period,
                a,
                book.plan_for(a.plan),
                facts.get(a.agent_id, AgentFacts()),
                shares.get(a.agent_id, no_team),
                carry.get(a.agent_id, ZERO),
                booked.get(a.agent_id, ()),
            )
            for a in roster
            if only is None or a.agent_id in only
        ]


def never_negative(book: PlanBook) -> bool:
    """Whether every amount the book can pay is >= 0 for a basis >= 0: its rates, pool rates,
    team targets, bonuses, caps and compliance floors are all >= 0 (a plan file's always are:
    plan_file checks it; a book built otherwise may not be)."""
    for plan in book.plans.values():
        rates = [plan.rate] if plan.rate is not None else []
        if plan.tiers is not None:
            rates += [level.rate for level in plan.tiers.levels]
        if plan.early_bonus is not None:
            rates.append(plan.early_bonus.amount)
        if plan.cap is not None:
            rates.append(plan.cap)
        if plan.compliance is not None:
            rates.append(plan.compliance.floor)
        if any(r < 0 for r in rates):
            return False
    return all(t.pool_rate >= 0 and t.target >= 0 for t in book.teams.values())


def may_carry_out(basis: Decimal, carried_in: Decimal | None, booked: bool) -> bool:
    """Whether an agent may end a month below zero under a ``never_negative`` book: a basis
    below zero, a deficit carried in, or a correction booked into the month."""
    return basis < 0 or bool(carried_in) or booked


def carry_out_of_period(
    book: PlanBook,
    period: Period,
    agents: Iterable[Agent],
    facts: Mapping[str, AgentFacts],
    carried_in: Mapping[str, Decimal] | None = None,
    bookings: Mapping[str, Sequence[Booking]] | None = None,
) -> dict[str, Decimal]:
    """agent_id -> the deficit (< 0) each agent carries out of the period: what a month
    before the one asked for passes on (``compute_period``'s carry_out, its zeros left out).

    Only the agents that can end the month below zero are computed: for a book that never
    pays a negative amount on a basis >= 0 (``never_negative``), an agent with a basis >= 0,
    nothing carried in and nothing booked has commission, compliance factor, team share,
    bonus and cap all >= 0, so a total >= 0 and nothing to carry. The team pools still count
    every agent's basis.
    """
    roster = list(agents)
    carry = carried_in or {}
    booked = bookings or {}
    only: set[str] | None = None
    if never_negative(book):
        only = {
            a.agent_id
            for a in roster
            if may_carry_out(
                facts.get(a.agent_id, AgentFacts()).basis,
                carry.get(a.agent_id),
                bool(booked.get(a.agent_id)),
            )
        }
        if not only:
            return {}
    payouts = compute_period(book, period, roster, facts, carry, booked, only)
    return {p.agent_id: p.carry_out for p in payouts if p.carry_out}
