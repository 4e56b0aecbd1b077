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

from dashboard.messages import Message, code_of
from dashboard.payouts.values import AgentPayout, Period
from dashboard.vocab import CREDITING_RULES

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
        ("adjustment_in", MONEY),
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
        ("corrects_period", pa.string()),  # an adjustment line: the period it corrects
    ]
)

# The audit trail with its reasons' codes and values (dashboard/messages.py): what is built,
# stored and rendered in a reader's language; LINE_SCHEMA is what a reader sees.
CODED_LINE_SCHEMA = pa.schema(
    [*LINE_SCHEMA, ("reason_code", pa.string()), ("reason_args", pa.string())]
)


def payouts_table(payouts: Iterable[AgentPayout]) -> pa.Table:
    """One row per agent payout (PAYOUT_SCHEMA)."""
    rows = [{name: _value(getattr(p, name)) for name in PAYOUT_SCHEMA.names} for p in payouts]
    return pa.Table.from_pylist(rows, schema=PAYOUT_SCHEMA)


def _value(value: Any) -> Any:
    return str(value) if isinstance(value, Period) else value


def money_line_reason(row: dict[str, Any], period: Period) -> Message:
    """Why a payment or reversal is in this agent's basis this period, in words."""
    snapshot = row.get("credit_snapshot_date")
    rule = row["credit_rule"]
    if rule in CREDITING_RULES:
        why = Message(f"payout.credit_{rule}", snapshot=snapshot.isoformat() if snapshot else "?")
    else:
        why = Message("payout.credit_other", rule=rule)
    if row["amount"] >= 0:
        return Message("payout.line_payment", why=why)
    original = row.get("reverses_payment_id")
    if not original:
        return Message("payout.line_reversal_no_original", why=why)
    paid = row.get("reversed_payment_date")
    if paid is None:
        return Message("payout.line_reversal_not_loaded", original=original, why=why)
    when = Period.of(paid)
    earlier = Message("payout.line_earlier", month=str(when)) if when != period else ""
    return Message(
        "payout.line_reversal", original=original, paid=paid.isoformat(), earlier=earlier, why=why
    )


def lines_table(period: Period, payouts: Sequence[AgentPayout], money_lines: pa.Table) -> pa.Table:
    """The audit trail: per agent its payments and reversals, then each rule's decision
    (CODED_LINE_SCHEMA: each reason with its code and values)."""
    by_agent: dict[str, list[dict[str, Any]]] = {}
    for r in money_lines.to_pylist():
        by_agent.setdefault(r["agent_id"], []).append(r)
    # A line's reason depends only on these fields (``money_line_reason``); most lines of a
    # month share one (a payment credited by the same rule), so each is worded once.
    reasons: dict[tuple[Any, ...], dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for p in payouts:
        n = 0
        base = {"period": str(period), "agent_id": p.agent_id, "agent_name": p.agent_name}
        for r in by_agent.get(p.agent_id, []):
            n += 1
            payment = r["amount"] >= 0
            key = (
                r["credit_rule"],
                r.get("credit_snapshot_date"),
                payment,
                None if payment else r.get("reverses_payment_id"),
                None if payment else r.get("reversed_payment_date"),
            )
            reason = reasons.get(key)
            if reason is None:
                reason = reasons[key] = _reason(money_line_reason(r, period))
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
                    **reason,
                }
            )
        for d in p.decisions:
            n += 1
            decision = {
                "line_no": n,
                "kind": d.kind,
                "amount": d.amount,
                "corrects_period": d.corrects,
                **_reason(d.reason),
            }
            out.append(base | decision)
    return pa.Table.from_pylist(out, schema=CODED_LINE_SCHEMA)


def _reason(text: str) -> dict[str, Any]:
    code, args = code_of(text)
    return {"reason": str.__str__(text), "reason_code": code, "reason_args": args}
