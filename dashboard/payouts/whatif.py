"""Plan what-if: a candidate plan file against the plan in force, over past months, side by side.

Before a plan is put in force finance asks what it would have cost and who would gain or lose.
Each month of the range is computed twice from today's data, exactly as the payouts report
computes a draft (``run.compute_run``: the deficit chain, starting after the latest approved
month from its frozen carry): once with the plan file in force, once with the candidate. Per
agent the two payouts and their difference, then a total row per month. Nothing is approved,
stored or written: the computation only reads, so a what-if can run on a read-only database.

The candidate is checked exactly like the plan file (``plan_file.parse_plans``: every mistake
listed, nothing computed from a file with one); the app hands it over as bytes, never as a file
on disk (``candidate_book``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.messages import Message
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.plan_file import PlanFileError, Problem, parse_plans
from dashboard.payouts.run import Facts, PayoutInputError, compute_run
from dashboard.payouts.tables import MONEY
from dashboard.payouts.values import ZERO, AgentPayout, Period

MAX_MONTHS = 36  # a what-if over more months than this is almost surely a typing mistake
WHATIF_SCHEMA = pa.schema(
    [
        ("period", pa.string()),
        ("row_kind", pa.string()),  # agent | total
        ("agent_id", pa.string()),
        ("agent_name", pa.string()),
        ("team", pa.string()),
        ("plan", pa.string()),  # the agent's plan in the plan file in force
        ("candidate_plan", pa.string()),  # ... and in the candidate (default plans may differ)
        ("agents", pa.int64()),  # on a total row: how many agents it adds up
        ("payout_current", MONEY),
        ("payout_candidate", MONEY),
        ("difference", MONEY),  # candidate - current: > 0 the agent gains, < 0 loses
    ]
)
AGENT_SCHEMA = pa.schema(
    [
        ("agent_id", pa.string()),
        ("agent_name", pa.string()),
        ("team", pa.string()),
        ("payout_current", MONEY),
        ("payout_candidate", MONEY),
        ("difference", MONEY),
    ]
)


def candidate_book(data: bytes, name: str) -> PlanBook:
    """A candidate plan file given as bytes (an upload), checked like a plan file on disk.

    Args:
        data: the file's bytes (UTF-8, a BOM allowed).
        name: the name shown in messages (the uploaded file's name).

    Raises:
        PlanFileError: not UTF-8 text, or any mistake of the plan file format.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError(name, [Problem("file", "encoding", "not UTF-8 text")]) from exc
    book = parse_plans(text, name)
    sha = hashlib.sha256(data).hexdigest()
    return PlanBook(book.default_plan, book.plans, book.teams, book.source, sha)


def months(start: Period, end: Period | None = None) -> list[Period]:
    """The months from ``start`` to ``end`` (default: ``start`` alone), in order.

    Raises:
        PayoutInputError: ``end`` is before ``start``, or the range is longer than MAX_MONTHS.
    """
    end = end or start
    if end < start:
        raise PayoutInputError(Message("payout.whatif_backwards", start=str(start), end=str(end)))
    out = [start]
    while out[-1] < end:
        if len(out) == MAX_MONTHS:
            raise PayoutInputError(
                Message("payout.whatif_too_long", start=str(start), end=str(end), n=MAX_MONTHS)
            )
        out.append(out[-1].next())
    return out


def _row(period: Period, now: AgentPayout | None, then: AgentPayout | None) -> dict[str, Any]:
    some = now or then
    assert some is not None
    current = now.payout if now else ZERO
    candidate = then.payout if then else ZERO
    return {
        "period": str(period),
        "row_kind": "agent",
        "agent_id": some.agent_id,
        "agent_name": some.agent_name,
        "team": some.team,
        "plan": now.plan if now else None,
        "candidate_plan": then.plan if then else None,
        "agents": None,
        "payout_current": current,
        "payout_candidate": candidate,
        "difference": candidate - current,
    }


def _total(period: Period, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def add(key: str) -> Decimal:
        return sum((r[key] for r in rows), ZERO)

    return {
        "period": str(period),
        "row_kind": "total",
        "agent_id": None,
        "agent_name": None,
        "team": None,
        "plan": None,
        "candidate_plan": None,
        "agents": len(rows),
        "payout_current": add("payout_current"),
        "payout_candidate": add("payout_candidate"),
        "difference": add("difference"),
    }


def compare(
    con: duckdb.DuckDBPyConnection,
    periods: Sequence[Period],
    book: PlanBook,
    candidate: PlanBook,
    preset: str = "cn",
) -> pa.Table:
    """Every month of ``periods`` computed with the plan in force and with the candidate.

    Args:
        con: an open connection (read-only is enough: nothing is written).
        periods: the months, in order (``months``).
        book: the plan file in force.
        candidate: the candidate plan file.
        preset: the compliance preset counting violations for the compliance factor.

    Returns:
        WHATIF_SCHEMA: per month one row per agent paid under either plan (by agent_id), then
        the month's total row. An agent missing under one plan has 0.00 there.

    Raises:
        PayoutInputError: a month cannot be computed with one of the plan files (e.g. an
            agent names a plan the candidate does not have: the message names the file).
    """
    out: list[dict[str, Any]] = []
    memo: Facts = {}  # both plans read the same facts: read once
    for period in periods:
        now = {p.agent_id: p for p in compute_run(con, period, book, preset, memo=memo).payouts}
        other = compute_run(con, period, candidate, preset, memo=memo)
        then = {p.agent_id: p for p in other.payouts}
        rows = [_row(period, now.get(a), then.get(a)) for a in sorted(now.keys() | then.keys())]
        out += [*rows, _total(period, rows)]
    return pa.Table.from_pylist(out, schema=WHATIF_SCHEMA)


def agent_totals(table: pa.Table) -> pa.Table:
    """The agent rows of a what-if summed over its months (AGENT_SCHEMA), largest gain first:
    who gains and who loses over the whole range."""
    acc: dict[str, dict[str, Any]] = {}
    for r in table.to_pylist():
        if r["row_kind"] != "agent":
            continue
        a = acc.setdefault(
            r["agent_id"],
            {
                "agent_id": r["agent_id"],
                "agent_name": r["agent_name"],
                "team": r["team"],
                "payout_current": ZERO,
                "payout_candidate": ZERO,
                "difference": ZERO,
            },
        )
        for key in ("payout_current", "payout_candidate", "difference"):
            a[key] += r[key]
    rows = sorted(acc.values(), key=lambda a: (-a["difference"], a["agent_id"]))
    return pa.Table.from_pylist(rows, schema=AGENT_SCHEMA)
