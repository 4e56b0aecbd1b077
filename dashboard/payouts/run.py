"""Computing a period's payouts: the deficit chain, month by month, and its fingerprint.

A period's payout depends on earlier periods (a deficit carries into the next month), so the
run computes every month in order and keeps only the asked period's payouts. The chain starts
at the month after the latest *approved* period before the asked one, from that approval's
frozen carry_out (what finance signed is what was carried); without an earlier approval it
starts at the month of the first payment in any basis. The facts come from ``facts.py``, the
rules are the pure functions of ``rules.py``; this module only chains them and fingerprints
what it used, so an approval can tell later whether anything it was built from has changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from dashboard.messages import Message
from dashboard.payouts import facts
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.plan_file import check_agent_plans
from dashboard.payouts.rules import compute_period
from dashboard.payouts.values import ZERO, Agent, AgentFacts, AgentPayout, Period


class PayoutInputError(ValueError):
    """The payouts cannot be computed from this database and plan file; the message says why."""


@dataclass(frozen=True)
class PayoutRun:
    """The payouts of one period, with what they were computed from."""

    period: Period
    book: PlanBook
    payouts: tuple[AgentPayout, ...]
    fingerprint: str  # hash of every fact used (agents, bases, days, conduct, carry start)
    carry_from: str  # where the deficit chain started, in words (a Message)


def _roster(
    period: Period,
    agents: dict[str, dict[str, Any]],
    active_ids: set[str],
    carry: dict[str, Decimal],
) -> list[Agent]:
    """Who is paid in a period: active agents (hired by its end), the credited, the indebted."""
    ids = set(active_ids) | {k for k, v in carry.items() if v}
    for agent_id, a in agents.items():
        hired = a.get("hire_date")
        if a.get("active") and (hired is None or hired <= period.last_day):
            ids.add(agent_id)
    rows = {i: agents.get(i, {}) for i in sorted(ids)}
    return [Agent(i, a.get("agent_name"), a.get("team"), a.get("plan")) for i, a in rows.items()]


def compute_run(
    con: duckdb.DuckDBPyConnection, period: Period, book: PlanBook, preset: str = "cn"
) -> PayoutRun:
    """The payouts of ``period`` computed from the database and the plan book.

    Args:
        con: an open connection.
        period: the month to pay.
        book: a valid plan book.
        preset: the compliance preset counting violations for the compliance factor.

    Raises:
        PayoutInputError: no agents and no payments at all, or an agent's plan is not in
            the plan file.
    """
    agents = facts.agents(con)
    first = facts.first_activity(con)
    if not agents and first is None:
        raise PayoutInputError(Message("payout.input_empty"))
    problems = check_agent_plans(book, {k: v.get("plan") for k, v in agents.items()})
    if problems:
        raise PayoutInputError(
            "agents name plans that the plan file does not have:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    frozen = facts.frozen_carry_before(con, period)
    if frozen is not None:
        start, carry = frozen[0].next(), dict(frozen[1])
        carry_from: str = Message("payout.carry_frozen", period=str(frozen[0]))
    else:
        start = min(first, period) if first else period
        carry = {}
        carry_from = (
            Message("payout.carry_first", start=str(start))
            if first and first <= period
            else Message("payout.carry_none")
        )
    months = facts.months(con, period)
    days = facts.days(con, start, period)
    fingerprint = hashlib.sha256(preset.encode())
    fingerprint.update(repr(sorted(agents.items())).encode())
    fingerprint.update(repr(sorted(carry.items())).encode())
    needs_conduct = any(p.compliance is not None for p in book.plans.values())
    current = start
    while True:
        facts_rows = months.get(current, {})
        last = current == period
        roster = _roster(current, agents, set(facts_rows), carry)
        conduct: dict[str, dict] = {}
        # Conduct changes a payout only through the compliance factor; an earlier month's
        # figures matter here only through a deficit, so they need it only when one carries.
        if last or (needs_conduct and any(carry.get(a.agent_id) for a in roster)):
            conduct = facts.conduct(con, current, preset)
        month_facts = {}
        for a in roster:
            row = facts_rows.get(a.agent_id, {})
            c = conduct.get(a.agent_id, {})
            month_facts[a.agent_id] = AgentFacts(
                basis=row.get("basis_amount", ZERO),
                tasks=int(row.get("tasks", 0)),
                daily=tuple(days.get((current, a.agent_id), ())),
                contacts=int(c.get("contacts") or 0),
                violations=int(c.get("violations") or 0),
                complaints=int(c.get("complaints") or 0),
            )
        fingerprint.update(f"{current}|{sorted(month_facts.items())!r}".encode())
        payouts = compute_period(book, current, roster, month_facts, carry)
        if last:
            return PayoutRun(period, book, tuple(payouts), fingerprint.hexdigest(), carry_from)
        carry = {p.agent_id: p.carry_out for p in payouts if p.carry_out}
        current = current.next()
