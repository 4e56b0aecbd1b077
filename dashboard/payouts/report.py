"""A period's payouts as shown: draft, prepared or approved figures, adjustments, audit lines,
notes.

For a period nobody prepared, the report is the computation (with the adjustments booked into
it, for the open period: ``run.py``). For a prepared or approved period it is the frozen
figures, unchanged, with the payout recomputed from today's data (and the plan book frozen
with it) next to them and the difference as an adjustment: finance sees what changed, never a
silent edit. The adjustment is the change in the agent's position at the period's end (payout
plus deficit carried out): what an approved period's difference books into the open period;
``adjustment_booked`` is how much of it later frozen periods already booked. A frozen period
needs no plan file: its figures, lines and plan in words are read from the database (without a
readable plan there is just no recomputation, and a note says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.messages import Message
from dashboard.payouts import digests
from dashboard.payouts.approvals import (
    Approval,
    approved_lines,
    approved_rows,
    approved_rules,
    current_approval,
)
from dashboard.payouts.facts import booked_adjustments, money_lines, rounds_in_force, uncounted
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.plan_words import plan_rules
from dashboard.payouts.run import PayoutInputError, PayoutRun, compute_run, frozen_book
from dashboard.payouts.tables import MONEY, PAYOUT_SCHEMA, lines_table, payouts_table
from dashboard.payouts.values import Period, money

REPORT_SCHEMA = pa.schema(
    [
        *PAYOUT_SCHEMA,
        ("status", pa.string()),
        ("prepared_by", pa.string()),
        ("prepared_at", pa.timestamp("s")),
        ("approved_by", pa.string()),
        ("approved_at", pa.timestamp("s")),
        ("recomputed_payout", MONEY),
        ("adjustment", MONEY),  # recomputed - frozen (payout + carry_out)
        ("adjustment_booked", MONEY),  # of it, already booked into later frozen periods
    ]
)
STATUS_COLUMNS = (
    "status",
    "prepared_by",
    "prepared_at",
    "approved_by",
    "approved_at",
    "recomputed_payout",
    "adjustment",
    "adjustment_booked",
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
        """draft, prepared or approved."""
        return self.approval.status if self.approval else "draft"


def _changes(approval: Approval, run: PayoutRun, today: PlanBook | None) -> list[str]:
    notes: list[str] = []
    if approval.plans_book is None and approval.plans_sha256 != run.book.sha256:
        notes.append(
            Message(
                "payout.note_plan_changed",
                approved=approval.plans_sha256[:12],
                now=run.book.sha256[:12],
            )
        )
    elif today is not None and approval.plans_sha256 != today.sha256:
        notes.append(Message("payout.note_plan_as_approved", now=today.sha256[:12]))
    if not run.fingerprint_matches(approval.data_fingerprint):
        notes.append(Message("payout.note_data_changed"))
    return notes


def _stamp(approval: Approval) -> dict[str, Any]:
    return {
        "status": approval.status,
        "prepared_by": approval.prepared_by,
        "prepared_at": approval.prepared_at,
        "approved_by": approval.approved_by,
        "approved_at": approval.approved_at,
    }


def _booked_for(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, Decimal]:
    """agent_id -> the corrections of ``period`` frozen with later rounds in force."""
    out: dict[str, Decimal] = {}
    for r in booked_adjustments(con):
        if r["corrects_period"] == str(period):
            out[r["agent_id"]] = out.get(r["agent_id"], ZERO) + r["amount"]
    return out


def _merge(
    approval: Approval,
    approved: pa.Table,
    run: PayoutRun | None,
    booked: dict[str, Decimal],
    into: Period | None,
) -> tuple[pa.Table, list[str]]:
    stamp = _stamp(approval)
    if run is None:  # today's inputs cannot be computed: the frozen figures alone
        alone = [
            r | stamp | {"adjustment_booked": booked.get(r["agent_id"], ZERO)}
            for r in approved.to_pylist()
        ]
        return pa.Table.from_pylist(alone, schema=REPORT_SCHEMA), []
    fresh = {p.agent_id: p for p in run.payouts}
    rows: list[dict[str, Any]] = []
    seen = set()
    for r in approved.to_pylist():
        seen.add(r["agent_id"])
        p = fresh.get(r["agent_id"])
        new, position = (p.payout, p.payout + p.carry_out) if p else (ZERO, ZERO)
        rows.append(
            r
            | stamp
            | {
                "recomputed_payout": new,
                "adjustment": position - (r["payout"] + r["carry_out"]),
                "adjustment_booked": booked.get(r["agent_id"], ZERO),
            }
        )
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
                "carry_out": ZERO,
                **stamp,
                "status": "not in the approval",
                "recomputed_payout": p.payout,
                "adjustment": p.payout + p.carry_out,
                "adjustment_booked": booked.get(agent_id, ZERO),
            }
        )
    rows.sort(key=lambda r: r["agent_id"])
    adjusted = [r for r in rows if r["adjustment"]]
    notes: list[str] = []
    if adjusted:
        n, total = len(adjusted), money(sum((r["adjustment"] for r in adjusted), ZERO))
        if approval.status == "approved":
            where = str(into) if into else "?"
            notes.append(Message("payout.note_adjusted_approved", n=n, total=total, into=where))
        else:
            notes.append(Message("payout.note_adjusted_prepared", n=n, total=total))
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
        for name in STATUS_COLUMNS:
            value = "draft" if name == "status" else None
            kind = REPORT_SCHEMA.field(name).type
            draft = draft.append_column(name, pa.array([value] * draft.num_rows, kind))
        rules = plan_rules(book, draft.to_pylist())
        return PayoutReport(period, run, None, draft, (*_booking_notes(run), *notes), rules)
    rounds = rounds_in_force(con)
    into = max(rounds).next() if rounds else None
    table, adjust_notes = _merge(
        approval, approved_rows(con, approval), run, _booked_for(con, period), into
    )
    head = _head(approval, period)
    changes = _changes(approval, run, book) if run else []
    rules, rule_notes = _approved_rules(con, approval, table, book)
    return PayoutReport(
        period,
        run,
        approval,
        table,
        (head, *failed, *changes, *adjust_notes, *rule_notes, *notes),
        rules,
    )


def _head(approval: Approval, period: Period) -> str:
    if approval.status == "prepared":
        at = f"{approval.prepared_at:%Y-%m-%d %H:%M}" if approval.prepared_at else "?"
        return Message("payout.note_prepared", period=str(period), by=approval.prepared_by, at=at)
    at = f"{approval.approved_at:%Y-%m-%d %H:%M}" if approval.approved_at else "?"
    return Message("payout.note_approved", period=str(period), by=approval.approved_by, at=at)


def _booking_notes(run: PayoutRun) -> list[str]:
    """The adjustments booked into a draft period, and those that could not be computed."""
    notes = list(run.notes)
    if run.bookings and run.booked_into == run.period:
        notes.insert(
            0,
            Message(
                "payout.note_booked",
                n=len(run.bookings),
                period=str(run.period),
                total=money(run.booked_total),
            ),
        )
    return notes


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
    notes: list[str] = []
    if approval is not None and approval.plans_book is not None:
        try:  # a frozen period is recomputed with the plan and preset frozen with it
            return compute_run(
                con,
                period,
                frozen_book(approval.__dict__, book),
                approval.preset or preset,
                legacy_fingerprint=not digests.is_current(approval.data_fingerprint),
            ), []
        except PayoutInputError as exc:
            return None, [Message("payout.note_cannot_recompute", why=_why(exc))]
    if approval is not None:
        notes.append(Message("payout.note_plan_not_stored"))
    if book is None:
        if approval is None:
            raise book_error or PayoutInputError("no plan file: give one with --plans")
        why = _why(book_error) if book_error else Message("payout.note_no_plan_file")
        return None, [Message("payout.note_cannot_recompute", why=why)]
    legacy = approval is not None and not digests.is_current(approval.data_fingerprint)
    try:
        return compute_run(con, period, book, preset, legacy_fingerprint=legacy), notes
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
        code = f"payout.note_lines_{approval.status}"
        notes = [Message(code, period=str(period)), *failed]
        notes += _changes(approval, run, book) if run else []
        return approved_lines(con, approval, agent_id), tuple(notes)
    assert run is not None
    payouts = [p for p in run.payouts if agent_id is None or p.agent_id == agent_id]
    return lines_table(period, payouts, money_lines(con, period, agent_id)), ()
