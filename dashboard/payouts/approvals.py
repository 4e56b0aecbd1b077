"""Closing a period in the database: prepared (frozen), approved by another person, reopened.

Four eyes (domain.md "closing the loop"): one person prepares a period, which freezes its
payouts (every component, the audit trail, the plan in words, and the plan book and preset they
were computed with) in their own tables, never updated. Another person then approves exactly
those figures; the same name cannot do both. Imports, undos or plan edits after that change
only the recomputation shown next to them, and for an approved period the difference is booked
into the next open period as an adjustment (``run.py``), never a silent edit. Reopening deletes
nothing either: the round is marked reopened, the audit log says who, when and why, and the
period can be prepared again.

The rules (``close_rules.py``; refused with the reason otherwise): a period is prepared or
approved only once it has ended in the data, only when every earlier period with payouts is
approved, and never while a later period is frozen; reopening goes the other way (the latest
period first). Two steps of one round started at the same instant (two approvals, two
preparations, two reopenings): ``payout_steps`` has one row per (period, round, step), so one
commits and the other fails on the key, whatever was checked before; it is refused with a
message. A write that fails (a full disk, a kill) leaves the
database as it was: each step is one transaction, rolled back without hiding the error
(``db.rollback``; ``db.DiskFull`` for a full disk).

This module only stores, reads and checks: what is frozen (the run, its lines, its plan in
words) is computed by the caller's ``compute``, inside the transaction (``service``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import db
from dashboard.messages import Message, code_of
from dashboard.payouts.close_rules import (
    ApprovalRefused,
    check_earlier,
    check_ended,
    check_no_later_frozen,
    refuse_if_conflict,
    same_person,
)
from dashboard.payouts.plan_json import book_json
from dashboard.payouts.run import PayoutRun
from dashboard.payouts.tables import CODED_LINE_SCHEMA, PAYOUT_SCHEMA, payouts_table
from dashboard.payouts.values import Period


@dataclass(frozen=True)
class Approval:
    """A round of a period (payout_approvals): prepared, approved, or reopened."""

    approval_id: int
    period: str
    status: str  # prepared | approved | reopened
    approved_by: str | None  # None while only prepared
    approved_at: datetime | None
    plans_file: str
    plans_sha256: str
    data_fingerprint: str
    carry_from: str
    agents: int
    total_payout: Decimal
    reopened_by: str | None = None
    reopened_at: datetime | None = None
    reopen_reason: str | None = None
    prepared_by: str | None = None  # None for approvals made before four eyes
    prepared_at: datetime | None = None
    plans_book: str | None = None  # the plan book frozen with the figures (plan_json)
    preset: str | None = None
    facts_digest: str | None = None  # of the data the figures were computed from


@dataclass(frozen=True)
class Frozen:
    """What a preparation freezes: the run, its audit trail, each agent's plan in words."""

    run: PayoutRun
    lines: pa.Table  # LINE_SCHEMA (or CODED_LINE_SCHEMA)
    rules: Mapping[str, Sequence[str]]  # agent_id -> the plan in words (Messages)
    preset: str = "cn"
    digest: str | None = None  # facts.facts_digest of the data computed from


def current_approval(con: duckdb.DuckDBPyConnection, period: Period) -> Approval | None:
    """The round in force for the period (prepared or approved), if any."""
    rows = db.run(con, "payouts/approval_current", {"period": str(period)}).to_pylist()
    return Approval(**rows[0]) if rows else None


def approved_rows(con: duckdb.DuckDBPyConnection, approval: Approval) -> pa.Table:
    """The payouts as frozen (PAYOUT_SCHEMA columns)."""
    table = db.run(con, "payouts/approved_rows", {"approval_id": approval.approval_id})
    table = table.select(PAYOUT_SCHEMA.names).cast(PAYOUT_SCHEMA)
    # Approvals made before adjustments were booked have none: 0.00.
    i = table.schema.get_field_index("adjustment_in")
    field = table.schema.field(i)
    filled = pc.fill_null(table.column(i), pa.scalar(Decimal("0.00"), field.type))
    return table.set_column(i, field, filled)


def approved_lines(
    con: duckdb.DuckDBPyConnection, approval: Approval, agent_id: str | None = None
) -> pa.Table:
    """The audit trail as frozen (CODED_LINE_SCHEMA columns, agent_name from the approval;
    lines approved before reasons had codes have none: they are shown as stored)."""
    lines = db.run(
        con,
        "payouts/approved_lines",
        {"approval_id": approval.approval_id, "agent_id": agent_id},
    )
    names = {r["agent_id"]: r["agent_name"] for r in approved_rows(con, approval).to_pylist()}
    rows = [r | {"agent_name": names.get(r["agent_id"])} for r in lines.to_pylist()]
    return pa.Table.from_pylist(rows, schema=CODED_LINE_SCHEMA)


def approved_rules(
    con: duckdb.DuckDBPyConnection, approval: Approval
) -> dict[str, tuple[str, ...]]:
    """agent_id -> the plan in words as frozen (empty for approvals made before the
    dashboard stored it). A sentence stored with its code is a Message, its English the
    stored text."""
    out: dict[str, list[str]] = {}
    for r in db.run(
        con, "payouts/approved_rules", {"approval_id": approval.approval_id}
    ).to_pylist():
        rule = Message.restored(r["rule"], r["rule_code"], r["rule_args"])
        out.setdefault(r["agent_id"], []).append(rule)
    return {k: tuple(v) for k, v in out.items()}


def audit_log(con: duckdb.DuckDBPyConnection, period: Period | None = None) -> pa.Table:
    """Every prepare, approve and reopen event (of one period, or all), newest first."""
    return db.run(con, "payouts/audit_log", {"period": str(period) if period else None})


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _at(when: datetime | None) -> str:
    return f"{when:%Y-%m-%d %H:%M}" if when else "?"


def _log(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    event: str,
    approval_id: int,
    by: str,
    at: datetime,
    sha: str | None,
    reason: str | None,
) -> None:
    con.execute(
        """insert into payout_audit_log
        values (nextval('payout_event_id_seq'), $period, $event, $id, $by, $at, $sha, $reason)""",
        {
            "period": str(period),
            "event": event,
            "id": approval_id,
            "by": by,
            "at": at,
            "sha": sha,
            "reason": reason,
        },
    )


def _step(
    con: duckdb.DuckDBPyConnection, period: Period, step: str, approval_id: int | None
) -> int:
    """Record a step of a round (``payout_steps``' key refuses a second one); returns the
    new approval_id for a preparation (a new round), else ``approval_id``."""
    steps = db.run(con, "payouts/steps", {"period": str(period)}).to_pylist()
    if approval_id is None:
        rows = con.execute("select nextval('payout_approval_id_seq')").fetchall()
        approval_id = int(rows[0][0])
        round_no = max((s["round"] for s in steps), default=0) + 1
    else:
        round_no = next(s["round"] for s in steps if s["approval_id"] == approval_id)
    con.execute(
        "insert into payout_steps values ($period, $round, $step, $id)",
        {"period": str(period), "round": round_no, "step": step, "id": approval_id},
    )
    return approval_id


# --- the steps ------------------------------------------------------------------------


@contextmanager
def _step_transaction(con: duckdb.DuckDBPyConnection, period: Period, step: str) -> Iterator[None]:
    """One step (prepare, approve, reopen) as one transaction: committed when the block ends,
    else rolled back (never hiding the error), a full disk raised as ``db.DiskFull`` and a
    step that lost to another of the same round as ``ApprovalRefused``."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except BaseException as exc:
        db.rollback(con)
        _refuse_if_disk_full(con, exc)
        refuse_if_conflict(exc, period, step)
        raise


def _stored(con: duckdb.DuckDBPyConnection, period: Period) -> Approval:
    """The round a step just committed, read back as stored."""
    approval = current_approval(con, period)
    assert approval is not None
    return approval


def prepare(
    con: duckdb.DuckDBPyConnection, period: Period, by: str, compute: Callable[[], Frozen]
) -> Approval:
    """Freeze the period's payouts as prepared by ``by``, in one transaction.

    Args:
        con: an open read-write connection.
        period: the month.
        by: who prepares.
        compute: the period's run, audit trail and plan in words, computed inside the
            transaction (so the checks and the figures see the same data).

    Raises:
        ApprovalRefused: ``by`` blank, the period already prepared or approved, a later one
            frozen, the period not ended, an earlier one with payouts not approved, nothing
            to prepare, or another step of the period saved at the same instant.
        PayoutInputError: the period cannot be computed.
    """
    if not by.strip():
        raise ApprovalRefused(Message("payout.refuse_no_preparer"))
    who = by.strip()
    at = _now()
    with _step_transaction(con, period, "prepare"):
        _refuse_if_frozen(current_approval(con, period), period)
        check_no_later_frozen(con, period, "payout.refuse_later_frozen_prepare")
        check_ended(con, period)
        check_earlier(con, period)
        frozen = compute()
        run = frozen.run
        if run.booked_into is not None and run.booked_into < period and run.bookings:
            check_earlier(con, period, run.booked_into)
        if not run.payouts:
            raise ApprovalRefused(Message("payout.refuse_nothing", period=str(period)))
        approval_id = _step(con, period, "prepare", None)
        _store(con, approval_id, frozen, who, at)
        _log(con, period, "prepare", approval_id, who, at, run.book.sha256, None)
    return _stored(con, period)


def _refuse_if_frozen(existing: Approval | None, period: Period) -> None:
    if existing is None:
        return
    if existing.status == "prepared":
        raise ApprovalRefused(
            Message(
                "payout.refuse_already_prepared",
                period=str(period),
                by=existing.prepared_by,
                at=_at(existing.prepared_at),
            )
        )
    raise ApprovalRefused(
        Message(
            "payout.refuse_already",
            period=str(period),
            by=existing.approved_by,
            at=_at(existing.approved_at),
        )
    )


def _store(
    con: duckdb.DuckDBPyConnection, approval_id: int, frozen: Frozen, by: str, at: datetime
) -> None:
    run, rules = frozen.run, frozen.rules
    payouts = payouts_table(run.payouts)
    total = sum((p.payout for p in run.payouts), Decimal("0.00"))
    rule_rows = pa.table(
        {
            "agent_id": [a for a, lines in rules.items() for _ in lines],
            "line_no": [n for lines in rules.values() for n in range(1, len(lines) + 1)],
            "rule": [str.__str__(r) for lines in rules.values() for r in lines],
            "rule_code": [code_of(r)[0] for lines in rules.values() for r in lines],
            "rule_args": [code_of(r)[1] for lines in rules.values() for r in lines],
        },
        schema=pa.schema(
            [
                ("agent_id", pa.string()),
                ("line_no", pa.int64()),
                ("rule", pa.string()),
                ("rule_code", pa.string()),
                ("rule_args", pa.string()),
            ]
        ),
    )
    con.execute(
        """insert into payout_approvals (approval_id, period, status, approved_by, approved_at,
        plans_file, plans_sha256, data_fingerprint, carry_from, agents, total_payout,
        prepared_by, prepared_at, plans_book, preset, facts_digest)
        values ($id, $period, 'prepared', null, null, $file, $sha, $fp, $carry, $agents, $total,
        $by, $at, $book, $preset, $digest)""",
        {
            "id": approval_id,
            "period": str(run.period),
            "file": run.book.source,
            "sha": run.book.sha256,
            "fp": run.fingerprint,
            "carry": run.carry_from,
            "agents": len(run.payouts),
            "total": total,
            "by": by,
            "at": at,
            "book": book_json(run.book),
            "preset": frozen.preset,
            "digest": frozen.digest,
        },
    )
    con.register("approving_payouts", payouts)
    con.register("approving_lines", _coded(frozen.lines).select(CODED_LINE_SCHEMA.names))
    cols = ", ".join(PAYOUT_SCHEMA.names)
    con.execute(
        f"insert into payout_approved (approval_id, {cols}) "
        f"select $id as approval_id, {cols} from approving_payouts",
        {"id": approval_id},
    )
    line_cols = ", ".join(n for n in CODED_LINE_SCHEMA.names if n != "agent_name")
    con.execute(
        f"insert into payout_approved_lines (approval_id, {line_cols}) "
        f"select $id as approval_id, {line_cols} from approving_lines",
        {"id": approval_id},
    )
    con.register("approving_rules", rule_rows)
    con.execute(
        "insert into payout_approved_rules (approval_id, agent_id, line_no, rule, rule_code, "
        "rule_args) select $id as approval_id, agent_id, line_no, rule, rule_code, "
        "rule_args from approving_rules",
        {"id": approval_id},
    )
    for name in ("approving_payouts", "approving_lines", "approving_rules"):
        con.unregister(name)


def approve(con: duckdb.DuckDBPyConnection, period: Period, by: str) -> Approval:
    """Approve the period's prepared figures, as ``by`` (not the preparer), in one transaction.

    Raises:
        ApprovalRefused: ``by`` blank, the period not prepared (or already approved), ``by``
            the preparer, the period not ended, an earlier one with payouts not approved, or
            another step of the period saved at the same instant.
    """
    if not by.strip():
        raise ApprovalRefused(Message("payout.refuse_no_approver"))
    who = by.strip()
    at = _now()
    with _step_transaction(con, period, "approve"):
        existing = current_approval(con, period)
        if existing is None:
            raise ApprovalRefused(Message("payout.refuse_not_prepared", period=str(period)))
        if existing.status != "prepared":
            _refuse_if_frozen(existing, period)
        if same_person(existing.prepared_by, who):
            raise ApprovalRefused(
                Message("payout.refuse_same_person", by=existing.prepared_by, period=str(period))
            )
        check_ended(con, period)
        check_earlier(con, period)
        _step(con, period, "approve", existing.approval_id)
        db.execute(con, "payouts/approve", {"by": who, "at": at, "id": existing.approval_id})
        _log(con, period, "approve", existing.approval_id, who, at, existing.plans_sha256, None)
    return _stored(con, period)


def _coded(lines: pa.Table) -> pa.Table:
    """Lines with their reasons' code columns and the corrected period (a caller's table
    without them: none)."""
    for name in ("reason_code", "reason_args", "corrects_period"):
        if name not in lines.column_names:
            lines = lines.append_column(name, pa.nulls(lines.num_rows, pa.string()))
    return lines


def _refuse_if_disk_full(con: duckdb.DuckDBPyConnection, exc: BaseException) -> None:
    """Raise ``db.DiskFull`` (the transaction was rolled back) for a write the disk refused."""
    if not db.is_disk_full(exc):
        return
    try:
        rows = con.execute(
            "select path from duckdb_databases() where database_name = current_database()"
        ).fetchall()
    except duckdb.Error:
        rows = []
    raise db.disk_full(
        Path(rows[0][0]) if rows and rows[0][0] else Path("(this database)")
    ) from exc


def reopen(con: duckdb.DuckDBPyConnection, period: Period, by: str, reason: str) -> Approval:
    """Reopen a prepared or approved period (it can then be prepared again); the reason is
    logged.

    Raises:
        ApprovalRefused: the period is neither prepared nor approved, a later period is, or
            the reason or name is blank.
    """
    if not reason.strip():
        raise ApprovalRefused(Message("payout.refuse_no_reason"))
    if not by.strip():
        raise ApprovalRefused(Message("payout.refuse_no_reopener"))
    at = _now()
    with _step_transaction(con, period, "reopen"):
        existing = current_approval(con, period)
        if existing is None:
            raise ApprovalRefused(Message("payout.refuse_not_approved", period=str(period)))
        check_no_later_frozen(con, period, "payout.refuse_later_frozen")
        _step(con, period, "reopen", existing.approval_id)
        db.execute(
            con,
            "payouts/reopen",
            {"by": by.strip(), "at": at, "reason": reason.strip(), "id": existing.approval_id},
        )
        _log(con, period, "reopen", existing.approval_id, by.strip(), at, None, reason.strip())
    return Approval(
        **{
            **existing.__dict__,
            "status": "reopened",
            "reopened_by": by.strip(),
            "reopened_at": at,
            "reopen_reason": reason.strip(),
        }
    )
