"""A plan in words: the sentences a finance reviewer (or the agent) reads about a plan.

Shown beside the payouts, printed on statements and frozen with an approval (so an approved
period keeps the plan it was paid by, in words, after its plan file has changed). Each sentence
is a Message: English, rendered in another language by its code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from dashboard.messages import Message
from dashboard.payouts.plan_book import Plan, PlanBook, TeamPool
from dashboard.payouts.rules import band_span
from dashboard.payouts.values import money, pct


def plan_in_words(plan: Plan, pool: TeamPool | None) -> list[str]:
    """The plan's rules as sentences a finance reviewer (or the agent) reads (Messages)."""
    out: list[str] = []
    if plan.description:
        out.append(Message("payout.rule_description", plan=plan.name, description=plan.description))
    basis = Message("payout.rule_basis")
    if plan.tiers is None:
        out.append(Message("payout.rule_fixed", rate=pct(plan.rate or Decimal(0)), basis=basis))
    else:
        t = plan.tiers

        def at(v: Decimal) -> str:
            return Message("payout.rule_tasks", n=int(v)) if t.metric == "tasks" else money(v)

        if t.mode == "retroactive":
            steps = [
                Message("payout.rule_step", at=at(lv.min), rate=pct(lv.rate)) for lv in t.levels
            ]
            what = Message(f"payout.rule_what_{t.metric}")
            out.append(Message("payout.rule_retroactive", what=what, basis=basis, steps=steps))
        else:
            bands = []
            for i, lv in enumerate(t.levels):
                nxt = t.levels[i + 1].min if i + 1 < len(t.levels) else None
                span = band_span(lv.min, nxt or None)
                bands.append(Message("payout.rule_band", span=span, rate=pct(lv.rate)))
            out.append(Message("payout.rule_marginal", basis=basis, bands=bands))
    if plan.compliance:
        c = plan.compliance
        words = {
            "per_violation": pct(c.per_violation),
            "per_complaint": pct(c.per_complaint),
            "floor": pct(c.floor),
        }
        if c.per_upheld_complaint:
            upheld = pct(c.per_upheld_complaint)
            out.append(Message("payout.rule_compliance_upheld", **words, per_upheld=upheld))
        else:
            out.append(Message("payout.rule_compliance", **words))
    if pool:
        out.append(
            Message(
                "payout.rule_team_pool",
                team=pool.team,
                target=money(pool.target),
                rate=pct(pool.pool_rate),
            )
        )
    if plan.early_bonus:
        b = plan.early_bonus
        out.append(
            Message(
                "payout.rule_early_bonus",
                amount=money(b.amount),
                target=money(b.target),
                days=b.days_before_end,
            )
        )
    if plan.cap is not None:
        out.append(Message("payout.rule_cap", cap=money(plan.cap)))
    out.append(Message("payout.rule_total"))
    return out


def plan_rules(book: PlanBook, rows: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """agent_id -> the plan in words, for payout rows (agent_id, plan, team): the agent's
    plan (the default plan for a blank or unknown one) and the team's pool."""
    out = {}
    for r in rows:
        plan = book.plan_or_default(r.get("plan"))
        out[r["agent_id"]] = tuple(plan_in_words(plan, book.teams.get(r.get("team") or "")))
    return out


def rules_by_plan(
    rows: Sequence[Mapping[str, Any]], rules: Mapping[str, Sequence[str]]
) -> list[tuple[str, tuple[str, ...]]]:
    """Each plan in words once, for a document that lists the plans rather than the agents
    (the workbook's About sheet): (label, sentences) per plan of ``rows`` (payout rows with
    agent_id, plan, team), by plan name; a plan whose words differ by team (a team pool) once
    per team. ``rules``: agent_id -> the plan in words (as shown or as approved)."""
    by_plan: dict[str, dict[str, tuple[str, ...]]] = {}
    for r in rows:
        words = tuple(rules.get(r["agent_id"]) or ())
        if words:
            by_plan.setdefault(r.get("plan") or "", {}).setdefault(r.get("team") or "", words)
    out: list[tuple[str, tuple[str, ...]]] = []
    for plan in sorted(by_plan):
        teams = by_plan[plan]
        if len(set(teams.values())) == 1:
            out.append((Message("payout.about_plan_words", plan=plan), next(iter(teams.values()))))
            continue
        for team in sorted(teams):
            label = Message("payout.about_plan_words_team", plan=plan, team=team or "-")
            out.append((label, teams[team]))
    return out
