"""What a payout computation reads from the database: the facts, from queries/payouts/.

Every SQL read the payout rules' inputs come from, and nothing else: the agents with their
team and plan, each agent's basis and tasks per month, net collected per day, conduct
(contacts, violations, complaints, through the compliance engine's counts), the first month
with a payment, the carry frozen by the latest approval before a period, and the payments
and reversals behind each basis. For closing the books: the rounds in force (prepared or
approved periods), the adjustments already booked, each agent's approved position, the date
the data ends (the latest snapshot) and the months with payouts; the digests an approval keeps
of the facts (``facts_digest``, defined in ``digests.py``). Rows come back as plain Python
values (exact decimals).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import db
from dashboard.engine.compliance import violation_counts
from dashboard.payouts import digests
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


class DayRows:
    """(month, agent_id) -> net collected per day, as ``days`` reads them: the rows stay Arrow
    until a month of an agent is asked for (a chain of many months needs the days of only a
    few agents in all but its last month), then become (date, Decimal) pairs."""

    def __init__(self, table: pa.Table) -> None:
        # payouts/agent_days orders by agent_id, payment_date: each (agent, month) is one run.
        self._table = table.select(["agent_id", "payment_date", "net_amount"]).combine_chunks()
        self._index: dict[tuple[int, str], tuple[int, int]] = {}
        self._read: dict[tuple[int, str], list[tuple[date, Decimal]]] = {}
        n = self._table.num_rows
        if not n:
            return
        agent = self._table.column("agent_id").chunk(0)
        day = self._table.column("payment_date").chunk(0)
        ym = pc.add(pc.multiply(pc.year(day), 100), pc.month(day))
        changed = pc.fill_null(
            pc.or_(
                pc.not_equal(agent.slice(1), agent.slice(0, n - 1)),
                pc.not_equal(ym.slice(1), ym.slice(0, n - 1)),
            ),
            True,
        )
        starts = [0, *pc.add(pc.indices_nonzero(changed), 1).to_pylist()]
        keys = list(
            zip(pc.take(ym, starts).to_pylist(), pc.take(agent, starts).to_pylist(), strict=True)
        )
        ends = [*starts[1:], n]
        self._index = dict(zip(keys, zip(starts, ends, strict=True), strict=True))
        if len(self._index) != len(keys):  # not in runs: every row read now
            self._index = {}
            cols = self._table.to_pydict()
            for a, d, net in zip(
                cols["agent_id"], cols["payment_date"], cols["net_amount"], strict=True
            ):
                self._read.setdefault((d.year * 100 + d.month, a), []).append((d, net))

    def get(self, key: tuple[Period, str], default: Any = ()) -> list[tuple[date, Decimal]] | Any:
        """The (day, net) pairs of (month, agent_id), by day; ``default`` for none."""
        period, agent_id = key
        k = (period.year * 100 + period.month, agent_id)
        if k not in self._read:
            where = self._index.get(k)
            if where is None:
                return default
            rows = self._table.slice(where[0], where[1] - where[0]).to_pydict()
            self._read[k] = list(zip(rows["payment_date"], rows["net_amount"], strict=True))
        return self._read[k]


def days(con: duckdb.DuckDBPyConnection, start: Period, end: Period) -> tuple[DayRows, str]:
    """(month, agent_id) -> net collected per day, from ``start`` to ``end``; and a digest of
    those rows (agent_id, payment_date, net_amount, in that order: ``digests.table_text``)."""
    params = {"date_from": start.first_day, "date_to": end.last_day}
    table = db.run(con, "payouts/agent_days", params)
    written = digests.table_text(table.select(["agent_id", "payment_date", "net_amount"]))
    return DayRows(table), hashlib.sha256(written).hexdigest()


def conduct(con: duckdb.DuckDBPyConnection, period: Period, preset: str) -> dict[str, dict]:
    """agent_id -> contacts, violations and complaints in the month (compliance ``preset``)."""
    table = violation_counts(con, period.first_day, period.last_day, preset)
    return {r["agent_id"]: r for r in table.to_pylist()}


def upheld_complaints(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, int]:
    """agent_id -> upheld complaints (complaints extract) received in the month."""
    params = {"date_from": period.first_day, "date_to": period.last_day}
    rows = db.run(con, "payouts/upheld_complaints", params).to_pylist()
    return {r["agent_id"]: int(r["upheld_complaints"]) for r in rows}


def agent_targets(
    con: duckdb.DuckDBPyConnection, start: Period, end: Period
) -> dict[tuple[Period, str], Decimal]:
    """(month, agent_id) -> the agent's own target (targets extract), from ``start`` to ``end``."""
    params = {"period_from": str(start), "period_to": str(end)}
    rows = db.run(con, "payouts/agent_targets", params).to_pylist()
    return {(Period.parse(r["period"]), r["agent_id"]): r["target"] for r in rows}


def target_digests_v1(con: duckdb.DuckDBPyConnection) -> dict[Period, str]:
    """month -> the first formula's digest of its agent-level targets (``facts_digest_v1``)."""
    rows = db.run(con, "payouts/target_digests_v1").to_pylist()
    return {Period.parse(r["period"]): r["targets_hash"] for r in rows}


def first_activity(con: duckdb.DuckDBPyConnection) -> Period | None:
    """The month of the first payment in any basis (None: no payment at all)."""
    rows = db.run(con, "payouts/activity_range").to_pylist()
    first = rows[0]["first_payment_date"] if rows else None
    return Period.of(first) if first else None


def frozen_carry_before(
    con: duckdb.DuckDBPyConnection, period: Period
) -> tuple[Period, dict[str, Decimal], str] | None:
    """The latest frozen (prepared or approved) period before ``period``, its frozen
    carry_out per agent, and its status."""
    rows = db.run(con, "payouts/approved_carry", {"period": str(period)}).to_pylist()
    if not rows:
        return None
    carry = {r["agent_id"]: r["carry_out"] for r in rows}
    return Period.parse(rows[0]["period"]), carry, rows[0]["status"]


def rounds_in_force(con: duckdb.DuckDBPyConnection) -> dict[Period, dict[str, Any]]:
    """period -> its round in force (prepared or approved), oldest period first."""
    rows = db.run(con, "payouts/rounds_in_force").to_pylist()
    return {Period.parse(r["period"]): r for r in rows}


def booked_adjustments(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every adjustment line frozen with a round in force (approval_id, period booked into,
    corrects_period, agent_id, amount)."""
    return db.run(con, "payouts/booked_adjustments").to_pylist()


def approved_positions(con: duckdb.DuckDBPyConnection, approval_id: int) -> dict[str, Decimal]:
    """agent_id -> payout + carry_out as frozen by the approval (the agent's position at the
    end of the period: what was paid, less the deficit carried on)."""
    rows = db.run(con, "payouts/approved_rows", {"approval_id": approval_id}).to_pylist()
    return {r["agent_id"]: r["payout"] + r["carry_out"] for r in rows}


def data_end(con: duckdb.DuckDBPyConnection) -> date | None:
    """The as_of_date of the latest loaded snapshot (None: no snapshot)."""
    rows = db.run(con, "payouts/data_end").to_pylist()
    return rows[0]["as_of_date"] if rows else None


def payment_months(con: duckdb.DuckDBPyConnection, period: Period) -> list[Period]:
    """The months before ``period`` with a payment or reversal in some agent's basis."""
    rows = db.run(con, "payouts/payment_months", {"period_start": period.first_day})
    return [Period.of(r["period_start"]) for r in rows.to_pylist()]


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


Digests = dict[tuple[str, Period | None], str]  # (kind, month) -> digest (fact_digests)


def fact_digests(con: duckdb.DuckDBPyConnection) -> Digests:
    """(kind, month) -> the digest of the month's facts of that kind (payouts/fact_digests:
    payments, contacts, complaints, targets; ``("agents", None)``: the agents)."""
    rows = db.run(con, "payouts/fact_digests").to_pylist()
    return {
        (r["kind"], Period.parse(r["period"]) if r["period"] else None): r["digest"] for r in rows
    }


def facts_digest(period: Period, digested: Digests, first: Period | None) -> str:
    """A digest of what a period's payouts are computed from, besides what is frozen (the
    carry in, the plan, the preset, the adjustments booked into it): the agents, the first
    month with a payment (where a chain without a frozen start begins), the period's credited
    payments, the contacts of the period and of the month before (conduct rules look back),
    the period's complaints (upheld ones count in a plan's compliance) and the agents' own
    targets of the period. ``digests.VERSION`` and a SHA-256 of canonical text (the same for
    facts read by DuckDB or by Spark); a kind without facts that month is written as 0.
    """
    prev = Period(period.year - (period.month == 1), (period.month - 2) % 12 + 1)

    def of(kind: str, month: Period | None) -> str:
        return digested.get((kind, month), "0")

    return digests.digest(
        [
            ("agents", of("agents", None)),
            ("first", first),
            ("payments", period, of("payments", period)),
            ("contacts", prev, of("contacts", prev)),
            ("contacts", period, of("contacts", period)),
            ("complaints", period, of("complaints", period)),
            ("targets", period, of("targets", period)),
        ]
    )


def facts_digest_matches(
    con: duckdb.DuckDBPyConnection,
    stored: str | None,
    period: Period,
    today: tuple[Digests, Period | None],
    legacy: dict[str, Any],
) -> bool:
    """Whether the ``facts_digest`` stored with an approval of ``period`` is today's: by
    today's formula (``today``: ``fact_digests`` and ``first_activity``), or, for a digest
    made before it (no ``digests.VERSION``), by the formula it was made with (its inputs read
    once into ``legacy``; DuckDB's hash(), so DuckDB only)."""
    if stored is None:
        return False
    if digests.is_current(stored):
        return stored == facts_digest(period, *today)
    if "months" not in legacy:
        legacy["months"], legacy["targets"] = month_digests_v1(con), target_digests_v1(con)
    return stored == facts_digest_v1(period, legacy["months"], today[1], legacy["targets"])


def month_digests_v1(con: duckdb.DuckDBPyConnection) -> dict[Period, tuple[str, str, str]]:
    """month -> the first formula's digests of its credited payments, its contacts, and of
    the agents (``facts_digest_v1``)."""
    rows = db.run(con, "payouts/month_digests_v1").to_pylist()
    return {
        Period.of(r["period_start"]): (r["payments_hash"], r["contacts_hash"], r["agents_hash"])
        for r in rows
    }


def facts_digest_v1(
    period: Period,
    months: dict[Period, tuple[str, str, str]],
    first: Period | None,
    targets: dict[Period, str] | None = None,
) -> str:
    """The first formula of ``facts_digest`` (DuckDB's hash() of the rows, no version
    prefix), kept to compare the digests of approvals made with it: the agents, the first
    month with a payment, the period's credited payments and the contacts of the period and
    the month before, and the agents' own targets of the period when it has some."""
    empty = ("0", "0", next(iter(months.values()))[2] if months else "0")
    prev = Period(period.year - (period.month == 1), (period.month - 2) % 12 + 1)
    parts: tuple[str, ...] = (
        empty[2],
        str(first),
        months.get(period, empty)[0],
        months.get(prev, empty)[1],
        months.get(period, empty)[1],
    )
    if targets and period in targets:
        parts += (f"targets:{targets[period]}",)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
