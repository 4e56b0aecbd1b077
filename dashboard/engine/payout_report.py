"""The payout reports the front ends show: draft or approved figures, adjustments, audit lines.

For a period nobody approved, the report is the computation. For an approved period it is the
approved figures, unchanged, with the payout recomputed from today's data and plan file next
to them and the difference as an adjustment: finance sees what changed, never a silent edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.engine.approvals import Approval, approved_lines, approved_rows, current_approval
from dashboard.engine.payout_run import (
    PayoutInputError,
    PayoutRun,
    compute_run,
    money_lines,
    uncounted,
)
from dashboard.engine.payout_tables import MONEY, PAYOUT_SCHEMA, lines_table, payouts_table
from dashboard.engine.payout_types import Period, money
from dashboard.engine.plans import PlanBook

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
    notes: tuple[str, ...]

    @property
    def status(self) -> str:
        return "approved" if self.approval else "draft"


def _changes(approval: Approval, run: PayoutRun) -> list[str]:
    notes = []
    if approval.plans_sha256 != run.book.sha256:
        notes.append(
            f"the plan file changed since the approval (approved with sha256 "
            f"{approval.plans_sha256[:12]}, now {run.book.sha256[:12]})"
        )
    if approval.data_fingerprint != run.fingerprint:
        notes.append("the data changed since the approval")
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
    notes = []
    if adjusted:
        total = sum((r["adjustment"] for r in adjusted), ZERO)
        notes.append(
            f"{len(adjusted)} agent(s) would be paid differently today: adjustments total "
            f"{money(total)}. The approved figures stand; to replace them, reopen the period "
            "(approve --reopen --reason TEXT) and approve it again."
        )
    return pa.Table.from_pylist(rows, schema=REPORT_SCHEMA), notes


def _uncounted_note(con: duckdb.DuckDBPyConnection, period: Period) -> list[str]:
    left = uncounted(con, period).to_pylist()
    if not left:
        return []
    total = sum((r["amount"] for r in left), ZERO)
    note = (
        f"{len(left)} payment row(s) dated in {period} (net {money(total)}) are in no agent's "
        "basis (account in no snapshot yet, or no agent to credit)"
    )
    return [note]


def payout_report(
    con: duckdb.DuckDBPyConnection, period: Period, book: PlanBook, preset: str = "cn"
) -> PayoutReport:
    """The period's payouts: approved figures plus adjustments, or the draft computation.

    For an approved period whose payouts cannot be computed today (e.g. an agent now names a
    plan the file lacks), the approved figures are still shown, with a note saying why there
    is no recomputation.

    Raises:
        PayoutInputError: see ``compute_run`` (draft periods only).
    """
    approval = current_approval(con, period)
    run, failed = _try_run(con, period, book, preset, approval)
    notes = _uncounted_note(con, period)
    if approval is None:
        assert run is not None
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
        return PayoutReport(period, run, None, draft, tuple(notes))
    table, adjust_notes = _merge(approval, approved_rows(con, approval), run)
    head = (
        f"{period} was approved by {approval.approved_by} on "
        f"{approval.approved_at:%Y-%m-%d %H:%M}: the figures are the approved ones"
    )
    changes = _changes(approval, run) if run else []
    return PayoutReport(
        period, run, approval, table, (head, *failed, *changes, *adjust_notes, *notes)
    )


def _try_run(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook,
    preset: str,
    approval: Approval | None,
) -> tuple[PayoutRun | None, list[str]]:
    try:
        return compute_run(con, period, book, preset), []
    except PayoutInputError as exc:
        if approval is None:
            raise
        return None, [f"cannot recompute today, so no adjustments are shown: {exc}"]


def payout_lines(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook,
    agent_id: str | None = None,
    preset: str = "cn",
    run: PayoutRun | None = None,
) -> tuple[pa.Table, tuple[str, ...]]:
    """The audit trail of the period (as approved, if it is), and notes for the reader.

    Args:
        con: an open connection.
        period: the month.
        book: the plan book.
        agent_id: only this agent's lines (None: every agent).
        preset: the compliance preset.
        run: the period's computation if the caller already has it.
    """
    approval = current_approval(con, period)
    failed: list[str] = []
    if run is None:
        run, failed = _try_run(con, period, book, preset, approval)
    if approval is not None:
        notes = [f"{period} is approved: these are the lines as approved", *failed]
        notes += _changes(approval, run) if run else []
        return approved_lines(con, approval, agent_id), tuple(notes)
    assert run is not None
    payouts = [p for p in run.payouts if agent_id is None or p.agent_id == agent_id]
    return lines_table(period, payouts, money_lines(con, period, agent_id)), ()
