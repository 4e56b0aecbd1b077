"""A period's payouts as shown: draft or approved figures, adjustments, audit lines, notes.

For a period nobody approved, the report is the computation. For an approved period it is the
approved figures, unchanged, with the payout recomputed from today's data and plan file next
to them and the difference as an adjustment: finance sees what changed, never a silent edit.
An approved period needs no plan file: its figures, lines and plan in words are read from the
database (without a readable plan file there is just no recomputation, and a note says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.messages import Message
from dashboard.payouts.approvals import (
    Approval,
    approved_lines,
    approved_rows,
    approved_rules,
    current_approval,
)
from dashboard.payouts.facts import money_lines, uncounted
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.plan_words import plan_rules
from dashboard.payouts.run import PayoutInputError, PayoutRun, compute_run
from dashboard.payouts.tables import MONEY, PAYOUT_SCHEMA, lines_table, payouts_table
from dashboard.payouts.values import Period, money

REPORT_SCHEMA = pa.schema(
    [
        *PAYOUT_SCHEMA,
        ("status", pa.string()),
        ("approved_by", pa.string()),
        ("approved_at", pa.timestamp("s")),
        ("recomputed_payout", MONEY),
        ("adjustment", MONEY),
    ]
)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PayoutReport:
    """A period's payouts as shown: the table, the approval (if any) and notes for the reader."""

    period: Period
    run: PayoutRun | None  # None: an approved period that cannot be recomputed today
    approval: Approval | None
    table: pa.Table  # REPORT_SCHEMA
    notes: tuple[str, ...]  # Messages: English, rendered in another language by their code
    rules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # agent -> plan in words

    @property
    def status(self) -> str:
        return "approved" if self.approval else "draft"


def _changes(approval: Approval, run: PayoutRun) -> list[str]:
    notes: list[str] = []
    if approval.plans_sha256 != run.book.sha256:
        notes.append(
            Message(
                "payout.note_plan_changed",
                approved=approval.plans_sha256[:12],
                now=run.book.sha256[:12],
            )
        )
    if approval.data_fingerprint != run.fingerprint:
        notes.append(Message("payout.note_data_changed"))
    return notes


def _merge(
    approval: Approval, approved: pa.Table, run: PayoutRun | None
) -> tuple[pa.Table, list[str]]:
    stamp = {
        "status": "approved",
        "approved_by": approval.approved_by,
        "approved_at": approval.approved_at,
    }
    if run is None:  # today's inputs cannot be computed: the approved figures alone
        alone = [r | stamp for r in approved.to_pylist()]
        return pa.Table.from_pylist(alone, schema=REPORT_SCHEMA), []
    fresh = {p.agent_id: p for p in run.payouts}
    rows: list[dict[str, Any]] = []
    seen = set()
    for r in approved.to_pylist():
        seen.add(r["agent_id"])
        new = fresh[r["agent_id"]].payout if r["agent_id"] in fresh else ZERO
        rows.append(r | stamp | {"recomputed_payout": new, "adjustment": new - r["payout"]})
    for agent_id in sorted(set(fresh) - seen):
        p = fresh[agent_id]
        rows.append(
            {
                "period": str(approval.period),
                "agent_id": agent_id,
                "agent_name": p.agent_name,
                "team": p.team,
                "plan": p.plan,
                "payout": ZERO,
                "status": "not in the approval",
                "recomputed_payout": p.payout,
                "adjustment": p.payout,
            }
        )
    rows.sort(key=lambda r: r["agent_id"])
    adjusted = [r for r in rows if r["adjustment"]]
    notes: list[str] = []
    if adjusted:
        total = sum((r["adjustment"] for r in adjusted), ZERO)
        notes.append(Message("payout.note_adjusted", n=len(adjusted), total=money(total)))
    return pa.Table.from_pylist(rows, schema=REPORT_SCHEMA), notes


def _uncounted_note(con: duckdb.DuckDBPyConnection, period: Period) -> list[str]:
    left = uncounted(con, period).to_pylist()
    if not left:
        return []
    total = sum((r["amount"] for r in left), ZERO)
    return [Message("payout.note_uncounted", n=len(left), period=str(period), total=money(total))]


def payout_report(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook | None,
    preset: str = "cn",
    book_error: Exception | None = None,
) -> PayoutReport:
    """The period's payouts: approved figures plus adjustments, or the draft computation.

    For an approved period whose payouts cannot be computed today (e.g. an agent now names a
    plan the file lacks, or the plan file is gone: ``book`` None), the approved figures are
    still shown, with a note saying why there is no recomputation.

    Args:
        con: an open connection.
        period: the month.
        book: the plan book, or None when the plan file cannot be read.
        preset: the compliance preset.
        book_error: why there is no plan book (raised for a draft period).

    Raises:
        PayoutInputError: see ``compute_run`` (draft periods only).
        PlanFileError: ``book_error``, for a draft period without a plan book.
    """
    approval = current_approval(con, period)
    run, failed = _try_run(con, period, book, preset, approval, book_error)
    notes = _uncounted_note(con, period)
    if approval is None:
        assert run is not None and book is not None
        draft = payouts_table(run.payouts)
        extra = {
            "status": pa.array(["draft"] * draft.num_rows, pa.string()),
            "approved_by": pa.nulls(draft.num_rows, pa.string()),
            "approved_at": pa.nulls(draft.num_rows, pa.timestamp("s")),
            "recomputed_payout": pa.nulls(draft.num_rows, MONEY),
            "adjustment": pa.nulls(draft.num_rows, MONEY),
        }
        for name, column in extra.items():
            draft = draft.append_column(name, column)
        rules = plan_rules(book, draft.to_pylist())
        return PayoutReport(period, run, None, draft, tuple(notes), rules)
    table, adjust_notes = _merge(approval, approved_rows(con, approval), run)
    head = Message(
        "payout.note_approved",
        period=str(period),
        by=approval.approved_by,
        at=f"{approval.approved_at:%Y-%m-%d %H:%M}",
    )
    changes = _changes(approval, run) if run else []
    rules, rule_notes = _approved_rules(con, approval, table, book)
    return PayoutReport(
        period,
        run,
        approval,
        table,
        (head, *failed, *changes, *adjust_notes, *rule_notes, *notes),
        rules,
    )


NO_RULES = Message("payout.note_no_rules")


def _approved_rules(
    con: duckdb.DuckDBPyConnection, approval: Approval, table: pa.Table, book: PlanBook | None
) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """The plan in words as approved; for an older approval without it, today's plan file's."""
    stored = approved_rules(con, approval)
    rows = [r for r in table.to_pylist() if r["status"] == "approved"]
    if all(r["agent_id"] in stored for r in rows):
        return stored, []
    if book is None:
        return {r["agent_id"]: (NO_RULES,) for r in rows} | stored, []
    note = Message("payout.note_rules_today")
    return plan_rules(book, rows) | stored, [note]


def _try_run(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook | None,
    preset: str,
    approval: Approval | None,
    book_error: Exception | None = None,
) -> tuple[PayoutRun | None, list[str]]:
    if book is None:
        if approval is None:
            raise book_error or PayoutInputError("no plan file: give one with --plans")
        why = _why(book_error) if book_error else Message("payout.note_no_plan_file")
        return None, [Message("payout.note_cannot_recompute", why=why)]
    try:
        return compute_run(con, period, book, preset), []
    except PayoutInputError as exc:
        if approval is None:
            raise
        return None, [Message("payout.note_cannot_recompute", why=_why(exc))]


def _why(exc: Exception) -> str:
    """An error's text: its Message when it has one (shown in the reader's language)."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Message) else str(exc)


def payout_lines(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook | None,
    agent_id: str | None = None,
    preset: str = "cn",
    run: PayoutRun | None = None,
    book_error: Exception | None = None,
) -> tuple[pa.Table, tuple[str, ...]]:
    """The audit trail of the period (as approved, if it is), and notes for the reader.

    Args:
        con: an open connection.
        period: the month.
        book: the plan book (None: the plan file cannot be read; fine for an approved period).
        agent_id: only this agent's lines (None: every agent).
        preset: the compliance preset.
        run: the period's computation if the caller already has it.
        book_error: why there is no plan book (raised for a draft period).
    """
    approval = current_approval(con, period)
    failed: list[str] = []
    if run is None:
        run, failed = _try_run(con, period, book, preset, approval, book_error)
    if approval is not None:
        notes = [Message("payout.note_lines_approved", period=str(period)), *failed]
        notes += _changes(approval, run) if run else []
        return approved_lines(con, approval, agent_id), tuple(notes)
    assert run is not None
    payouts = [p for p in run.payouts if agent_id is None or p.agent_id == agent_id]
    return lines_table(period, payouts, money_lines(con, period, agent_id)), ()
