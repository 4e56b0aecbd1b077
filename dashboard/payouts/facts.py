"""What a payout computation reads from the database: the facts, from queries/payouts/.

Every SQL read the payout rules' inputs come from, and nothing else: the agents with their
team and plan, each agent's basis and tasks per month, net collected per day, conduct
(contacts, violations, complaints, through the compliance engine's counts), the first month
with a payment, the carry frozen by the latest approval before a period, and the payments
and reversals behind each basis. Rows come back as plain Python values (exact decimals).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.engine.compliance import violation_counts
from dashboard.payouts.values import Period


def agents(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """agent_id -> the agent row (agent_name, team, plan, hire_date, active)."""
    return {r["agent_id"]: r for r in db.run(con, "payouts/agents").to_pylist()}


def months(con: duckdb.DuckDBPyConnection, period: Period) -> dict[Period, dict[str, dict]]:
    """month -> agent_id -> basis_amount and tasks, for every month up to ``period``."""
    out: dict[Period, dict[str, dict]] = defaultdict(dict)
    for r in db.run(con, "payouts/agent_months", {"date_to": period.last_day}).to_pylist():
        out[Period.of(r["period_start"])][r["agent_id"]] = r
    return out


def days(
    con: duckdb.DuckDBPyConnection, start: Period, end: Period
) -> dict[tuple[Period, str], list[tuple[date, Decimal]]]:
    """(month, agent_id) -> net collected per day, from ``start`` to ``end``."""
    out: dict[tuple[Period, str], list[tuple[date, Decimal]]] = defaultdict(list)
    params = {"date_from": start.first_day, "date_to": end.last_day}
    for r in db.run(con, "payouts/agent_days", params).to_pylist():
        out[(Period.of(r["payment_date"]), r["agent_id"])].append(
            (r["payment_date"], r["net_amount"])
        )
    return out


def conduct(con: duckdb.DuckDBPyConnection, period: Period, preset: str) -> dict[str, dict]:
    """agent_id -> contacts, violations and complaints in the month (compliance ``preset``)."""
    table = violation_counts(con, period.first_day, period.last_day, preset)
    return {r["agent_id"]: r for r in table.to_pylist()}


def first_activity(con: duckdb.DuckDBPyConnection) -> Period | None:
    """The month of the first payment in any basis (None: no payment at all)."""
    rows = db.run(con, "payouts/activity_range").to_pylist()
    first = rows[0]["first_payment_date"] if rows else None
    return Period.of(first) if first else None


def frozen_carry_before(
    con: duckdb.DuckDBPyConnection, period: Period
) -> tuple[Period, dict[str, Decimal]] | None:
    """The latest approved period before ``period`` and its frozen carry_out per agent."""
    rows = db.run(con, "payouts/approved_carry", {"period": str(period)}).to_pylist()
    if not rows:
        return None
    return Period.parse(rows[0]["period"]), {r["agent_id"]: r["carry_out"] for r in rows}


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
