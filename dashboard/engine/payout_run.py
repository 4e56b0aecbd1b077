"""Running the payout rules on the database: facts from queries/payouts/, the deficit chain.

A period's payout depends on earlier periods (a deficit carries into the next month), so the
run computes every month in order and keeps only the asked period's payouts. The chain starts
at the month after the latest *approved* period before the asked one, from that approval's
frozen carry_out (what finance signed is what was carried); without an earlier approval it
starts at the month of the first payment in any basis. The rules themselves are the pure
functions of ``payouts``; this module only gathers their inputs and fingerprints them, so an
approval can tell later whether anything it was built from has changed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.engine.approvals import frozen_carry_before
from dashboard.engine.compliance import violation_counts
from dashboard.engine.payout_types import ZERO, Agent, AgentFacts, AgentPayout, Period
from dashboard.engine.payouts import compute_period
from dashboard.engine.plans import PlanBook, check_agent_plans
from dashboard.messages import Message


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


def _agents(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    return {r["agent_id"]: r for r in db.run(con, "payouts/agents").to_pylist()}


def _months(con: duckdb.DuckDBPyConnection, period: Period) -> dict[Period, dict[str, dict]]:
    out: dict[Period, dict[str, dict]] = defaultdict(dict)
    for r in db.run(con, "payouts/agent_months", {"date_to": period.last_day}).to_pylist():
        out[Period.of(r["period_start"])][r["agent_id"]] = r
    return out


def _days(
    con: duckdb.DuckDBPyConnection, start: Period, end: Period
) -> dict[tuple[Period, str], list[tuple[date, Decimal]]]:
    out: dict[tuple[Period, str], list[tuple[date, Decimal]]] = defaultdict(list)
    params = {"date_from": start.first_day, "date_to": end.last_day}
    for r in db.run(con, "payouts/agent_days", params).to_pylist():
        out[(Period.of(r["payment_date"]), r["agent_id"])].append(
            (r["payment_date"], r["net_amount"])
        )
    return out


def _conduct(con: duckdb.DuckDBPyConnection, period: Period, preset: str) -> dict[str, dict]:
    table = violation_counts(con, period.first_day, period.last_day, preset)
    return {r["agent_id"]: r for r in table.to_pylist()}


def _first_activity(con: duckdb.DuckDBPyConnection) -> Period | None:
    rows = db.run(con, "payouts/activity_range").to_pylist()
    first = rows[0]["first_payment_date"] if rows else None
    return Period.of(first) if first else None


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
    agents = _agents(con)
    first = _first_activity(con)
    if not agents and first is None:
        raise PayoutInputError(Message("payout.input_empty"))
    problems = check_agent_plans(book, {k: v.get("plan") for k, v in agents.items()})
    if problems:
        raise PayoutInputError(
            "agents name plans that the plan file does not have:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    frozen = frozen_carry_before(con, period)
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
    months = _months(con, period)
    days = _days(con, start, period)
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
            conduct = _conduct(con, current, preset)
        facts = {}
        for a in roster:
            row = facts_rows.get(a.agent_id, {})
            c = conduct.get(a.agent_id, {})
            facts[a.agent_id] = AgentFacts(
                basis=row.get("basis_amount", ZERO),
                tasks=int(row.get("tasks", 0)),
                daily=tuple(days.get((current, a.agent_id), ())),
                contacts=int(c.get("contacts") or 0),
                violations=int(c.get("violations") or 0),
                complaints=int(c.get("complaints") or 0),
            )
        fingerprint.update(f"{current}|{sorted(facts.items())!r}".encode())
        payouts = compute_period(book, current, roster, facts, carry)
        if last:
            return PayoutRun(period, book, tuple(payouts), fingerprint.hexdigest(), carry_from)
        carry = {p.agent_id: p.carry_out for p in payouts if p.carry_out}
        current = current.next()


def money_lines(
    con: duckdb.DuckDBPyConnection, period: Period, agent_id: str | None = None
) -> pa.Table:
    """The payments and reversals in each agent's basis for the period (payouts/lines)."""
    params = {"date_from": period.first_day, "date_to": period.last_day, "agent_id": agent_id}
    return db.run(con, "payouts/lines", params)


def uncounted(con: duckdb.DuckDBPyConnection, period: Period) -> pa.Table:
    """Payments dated in the period that are in no agent's basis, with the reason."""
    params = {"date_from": period.first_day, "date_to": period.last_day}
    return db.run(con, "payouts/uncounted", params)
