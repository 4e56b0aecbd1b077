"""Payouts and their audit trail as Arrow tables with exact decimal columns.

One shape for everything that shows or stores payouts: the CLI prints these tables, the
approval stores them, the exports write them. Money columns are DECIMAL(38,2) (a basis is a
sum of payments, wider than one payment's DECIMAL(18,2)), rates DECIMAL(12,6): the numbers
finance sees are the numbers that were computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from dashboard.engine.payout_types import AgentPayout, Period

MONEY = pa.decimal128(38, 2)
RATE = pa.decimal128(12, 6)

PAYOUT_SCHEMA = pa.schema(
    [
        ("period", pa.string()),
        ("agent_id", pa.string()),
        ("agent_name", pa.string()),
        ("team", pa.string()),
        ("plan", pa.string()),
        ("basis", MONEY),
        ("tasks", pa.int64()),
        ("level_min", MONEY),
        ("rate", RATE),
        ("base_commission", MONEY),
        ("contacts", pa.int64()),
        ("violations", pa.int64()),
        ("complaints", pa.int64()),
        ("compliance_factor", RATE),
        ("base_after_compliance", MONEY),
        ("team_bonus", MONEY),
        ("early_bonus", MONEY),
        ("carried_in", MONEY),
        ("total", MONEY),
        ("cap", MONEY),
        ("cap_applied", pa.bool_()),
        ("payout", MONEY),
        ("carry_out", MONEY),
    ]
)

LINE_SCHEMA = pa.schema(
    [
        ("period", pa.string()),
        ("agent_id", pa.string()),
        ("agent_name", pa.string()),
        ("line_no", pa.int64()),
        ("kind", pa.string()),
        ("payment_id", pa.string()),
        ("account_id", pa.string()),
        ("payment_date", pa.date32()),
        ("amount", MONEY),
        ("credit_rule", pa.string()),
        ("reverses_payment_id", pa.string()),
        ("reason", pa.string()),
    ]
)

_CREDIT_WHY = {
    "given": "credited to the agent named on the payment row",
    "account_snapshot": "no agent on the row: credited to the account's agent in the snapshot "
    "of {snapshot}",
    "account_earliest_snapshot": "no agent on the row and no snapshot on or before the payment: "
    "credited to the account's agent in its earliest snapshot ({snapshot})",
    "reversed_payment_agent": "reversal without an agent: credited to the agent of the payment "
    "it reverses",
}


def payouts_table(payouts: Iterable[AgentPayout]) -> pa.Table:
    """One row per agent payout (PAYOUT_SCHEMA)."""
    rows = [{name: _value(getattr(p, name)) for name in PAYOUT_SCHEMA.names} for p in payouts]
    return pa.Table.from_pylist(rows, schema=PAYOUT_SCHEMA)


def _value(value: Any) -> Any:
    return str(value) if isinstance(value, Period) else value


def money_line_reason(row: dict[str, Any], period: Period) -> str:
    """Why a payment or reversal is in this agent's basis this period, in words."""
    snapshot = row.get("credit_snapshot_date")
    why = _CREDIT_WHY.get(row["credit_rule"], row["credit_rule"]).format(
        snapshot=snapshot.isoformat() if snapshot else "?"
    )
    if row["amount"] >= 0:
        return f"payment: {why}"
    original = row.get("reverses_payment_id")
    if not original:
        return f"reversal (no original payment given): {why}; reduces this period's basis"
    paid = row.get("reversed_payment_date")
    if paid is None:
        return f"reversal of {original} (not loaded): {why}; reduces this period's basis"
    when = Period.of(paid)
    earlier = f", a payment of {when}," if when != period else ""
    return (
        f"reversal of {original} paid {paid.isoformat()}{earlier} dated in this period: "
        f"{why}; reduces this period's basis (clawback)"
    )


def lines_table(period: Period, payouts: Sequence[AgentPayout], money_lines: pa.Table) -> pa.Table:
    """The audit trail: per agent its payments and reversals, then each rule's decision."""
    by_agent: dict[str, list[dict[str, Any]]] = {}
    for r in money_lines.to_pylist():
        by_agent.setdefault(r["agent_id"], []).append(r)
    out: list[dict[str, Any]] = []
    for p in payouts:
        n = 0
        base = {"period": str(period), "agent_id": p.agent_id, "agent_name": p.agent_name}
        for r in by_agent.get(p.agent_id, []):
            n += 1
            out.append(
                base
                | {
                    "line_no": n,
                    "kind": "payment" if r["amount"] >= 0 else "reversal",
                    "payment_id": r["payment_id"],
                    "account_id": r["account_id"],
                    "payment_date": r["payment_date"],
                    "amount": r["amount"],
                    "credit_rule": r["credit_rule"],
                    "reverses_payment_id": r["reverses_payment_id"],
                    "reason": money_line_reason(r, period),
                }
            )
        for d in p.decisions:
            n += 1
            decision = {"line_no": n, "kind": d.kind, "amount": d.amount, "reason": d.reason}
            out.append(base | decision)
    return pa.Table.from_pylist(out, schema=LINE_SCHEMA)
