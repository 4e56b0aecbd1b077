"""Approvals in the database: frozen figures, reopening with a reason, and the audit log.

Finance approves a period once; its payouts (every component, and the audit trail) are then
written to their own tables and never updated. Imports, undos or plan edits after that change
only the recomputation shown next to them (an adjustment), never the approved figures.
Reopening does not delete anything either: the approval is marked reopened, the audit log says
who, when and why, and the period can be approved again. The plan in words each agent was
paid by is frozen with the figures, so an approved period is shown, exported and put on
statements from the database alone, even once its plan file is gone or broken.

A write that fails (a full disk) leaves the database as it was: the transaction is rolled
back without hiding the error (``db.rollback``), and the error says so (``db.DiskFull``).
This module only stores and reads: what is approved (the run, its lines, its plan in words)
is computed by the caller (``service.approve_period``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.messages import Message, code_of
from dashboard.payouts.run import PayoutRun
from dashboard.payouts.tables import CODED_LINE_SCHEMA, PAYOUT_SCHEMA, payouts_table
from dashboard.payouts.values import Period


class ApprovalRefused(Exception):
    """The approval or reopening is not allowed; ``str(exc)`` says why (in English;
    ``exc.args[0]`` is the Message, to be shown in another language)."""


@dataclass(frozen=True)
class Approval:
    """An approval record (payout_approvals)."""

    approval_id: int
    period: str
    status: str
    approved_by: str
    approved_at: datetime
    plans_file: str
    plans_sha256: str
    data_fingerprint: str
    carry_from: str
    agents: int
    total_payout: Decimal
    reopened_by: str | None = None
    reopened_at: datetime | None = None
    reopen_reason: str | None = None


def current_approval(con: duckdb.DuckDBPyConnection, period: Period) -> Approval | None:
    """The approval in force for the period, if any."""
    rows = db.run(con, "payouts/approval_current", {"period": str(period)}).to_pylist()
    return Approval(**rows[0]) if rows else None


def approved_rows(con: duckdb.DuckDBPyConnection, approval: Approval) -> pa.Table:
    """The payouts as approved (PAYOUT_SCHEMA columns)."""
    table = db.run(con, "payouts/approved_rows", {"approval_id": approval.approval_id})
    return table.select(PAYOUT_SCHEMA.names).cast(PAYOUT_SCHEMA)


def approved_lines(
    con: duckdb.DuckDBPyConnection, approval: Approval, agent_id: str | None = None
) -> pa.Table:
    """The audit trail as approved (CODED_LINE_SCHEMA columns, agent_name from the approval;
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
    """agent_id -> the plan in words as approved (empty for approvals made before the
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
    """Every approve and reopen event (of one period, or all), newest first."""
    return db.run(con, "payouts/audit_log", {"period": str(period) if period else None})


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


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


def approve(
    con: duckdb.DuckDBPyConnection,
    run: PayoutRun,
    lines: pa.Table,
    rules: Mapping[str, Sequence[str]],
    by: str,
) -> Approval:
    """Freeze a computed period as approved, in one transaction.

    Args:
        con: an open read-write connection.
        run: the computed payouts of the period.
        lines: their audit trail (LINE_SCHEMA), stored with them.
        rules: agent_id -> the plan in words each agent is paid by (Messages), stored too.
        by: who approves.

    Raises:
        ApprovalRefused: the period is already approved, there is nothing to approve, or
            ``by`` is blank.
    """
    if not by.strip():
        raise ApprovalRefused(Message("payout.refuse_no_approver"))
    if not run.payouts:
        raise ApprovalRefused(Message("payout.refuse_nothing", period=str(run.period)))
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
    at = _now()
    con.execute("begin transaction")
    try:
        existing = current_approval(con, run.period)
        if existing is not None:
            raise ApprovalRefused(
                Message(
                    "payout.refuse_already",
                    period=str(run.period),
                    by=existing.approved_by,
                    at=f"{existing.approved_at:%Y-%m-%d %H:%M}",
                )
            )
        rows = con.execute("select nextval('payout_approval_id_seq')").fetchall()
        approval_id = int(rows[0][0])
        con.execute(
            """insert into payout_approvals values ($id, $period, 'approved', $by, $at, $file,
            $sha, $fp, $carry, $agents, $total, null, null, null)""",
            {
                "id": approval_id,
                "period": str(run.period),
                "by": by.strip(),
                "at": at,
                "file": run.book.source,
                "sha": run.book.sha256,
                "fp": run.fingerprint,
                "carry": run.carry_from,
                "agents": len(run.payouts),
                "total": total,
            },
        )
        con.register("approving_payouts", payouts)
        con.register("approving_lines", _coded(lines).select(CODED_LINE_SCHEMA.names))
        cols = ", ".join(PAYOUT_SCHEMA.names)
        con.execute(
            f"insert into payout_approved select $id as approval_id, {cols} from approving_payouts",
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
        _log(con, run.period, "approve", approval_id, by.strip(), at, run.book.sha256, None)
        con.execute("commit")
    except BaseException as exc:
        db.rollback(con)
        _refuse_if_disk_full(con, exc)
        raise
    approval = current_approval(con, run.period)
    assert approval is not None
    return approval


def _coded(lines: pa.Table) -> pa.Table:
    """Lines with their reasons' code columns (a caller's table without them: none)."""
    for name in ("reason_code", "reason_args"):
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
    """Reopen an approved period (it can then be approved again); the reason is logged.

    Raises:
        ApprovalRefused: the period is not approved, or the reason or name is blank.
    """
    if not reason.strip():
        raise ApprovalRefused(Message("payout.refuse_no_reason"))
    if not by.strip():
        raise ApprovalRefused(Message("payout.refuse_no_reopener"))
    at = _now()
    con.execute("begin transaction")
    try:
        existing = current_approval(con, period)
        if existing is None:
            raise ApprovalRefused(Message("payout.refuse_not_approved", period=str(period)))
        con.execute(
            """update payout_approvals set status = 'reopened', reopened_by = $by,
            reopened_at = $at, reopen_reason = $reason where approval_id = $id""",
            {"by": by.strip(), "at": at, "reason": reason.strip(), "id": existing.approval_id},
        )
        _log(con, period, "reopen", existing.approval_id, by.strip(), at, None, reason.strip())
        con.execute("commit")
    except BaseException as exc:
        db.rollback(con)
        _refuse_if_disk_full(con, exc)
        raise
    return Approval(
        **{
            **existing.__dict__,
            "status": "reopened",
            "reopened_by": by.strip(),
            "reopened_at": at,
            "reopen_reason": reason.strip(),
        }
    )
