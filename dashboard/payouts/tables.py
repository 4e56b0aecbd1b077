"""Payouts and their audit trail as Arrow tables with exact decimal columns.

One shape for everything that shows or stores payouts: the CLI prints these tables, the
approval stores them, the exports write them. Money columns are DECIMAL(38,2) (a basis is a
sum of payments, wider than one payment's DECIMAL(18,2)), rates DECIMAL(12,6): the numbers
finance sees are the numbers that were computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
    """The audit trail: per agent (in the order of ``payouts``) its payments and reversals (in
    the order of ``money_lines``), then each rule's decision (CODED_LINE_SCHEMA: each reason with
    its code and values). Lines of agents not in ``payouts`` are left out.

    Built column-wise: a month of a bank's book has millions of money lines, and a line's reason
    depends only on a few of its fields (``_reason_keys``), so each distinct reason is worded
    once and the rest is Arrow compute.
    """
    ids = [p.agent_id for p in payouts]
    money = _money_part(period, ids, [p.agent_name for p in payouts], money_lines)
    counts = np.bincount(money.column("position").to_numpy(), minlength=len(ids))
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(payouts):
        n = int(counts[i])  # the agent's money lines come first
        for d in p.decisions:
            n += 1
            rows.append(
                {
                    "period": str(period),
                    "agent_id": p.agent_id,
                    "agent_name": p.agent_name,
                    "line_no": n,
                    "kind": d.kind,
                    "amount": d.amount,
                    "corrects_period": d.corrects,
                    **_reason(d.reason),
                }
            )
    decisions = pa.Table.from_pylist(rows, schema=CODED_LINE_SCHEMA)
    money = money.select(CODED_LINE_SCHEMA.names).cast(CODED_LINE_SCHEMA)
    # Per agent its money lines, then its decisions: slices of both, no copy of the lines.
    parts, at, done = [], 0, 0
    for i, p in enumerate(payouts):
        n, k = int(counts[i]), len(p.decisions)
        parts += [money.slice(at, n), decisions.slice(done, k)]
        at, done = at + n, done + k
    return pa.concat_tables(parts) if parts else decisions


def _money_part(
    period: Period, ids: list[str], names: list[str | None], money_lines: pa.Table
) -> pa.Table:
    """The money lines of the agents ``ids`` with their position in ``ids``, line number and
    reason (CODED_LINE_SCHEMA columns plus ``position``)."""
    position = pc.index_in(money_lines.column("agent_id"), value_set=pa.array(ids, pa.string()))
    kept = money_lines.append_column("position", position)
    if position.null_count:
        kept = kept.filter(pc.is_valid(position))
    pos = kept.column("position").to_numpy(zero_copy_only=False).astype(np.int64)
    if np.any(pos[1:] < pos[:-1]):  # not yet in the order of ``payouts``: a stable sort
        order = np.argsort(pos, kind="stable")
        kept, pos = kept.take(pa.array(order, pa.int64())), pos[order]
    n = kept.num_rows
    first = np.searchsorted(pos, pos, side="left")  # each agent's first row
    line_no = np.arange(n, dtype=np.int64) - first + 1
    payment = pc.greater_equal(
        kept.column("amount"), pa.scalar(Decimal(0), kept.schema.field("amount").type)
    )
    reason, code, args = _reasons(period, kept, payment)
    return pa.table(
        {
            "position": pa.array(pos, pa.int64()),
            "period": pa.repeat(pa.scalar(str(period), pa.string()), n),
            "agent_id": kept.column("agent_id"),
            "agent_name": pc.take(pa.array(names, pa.string()), pa.array(pos, pa.int64())),
            "line_no": pa.array(line_no, pa.int64()),
            "kind": pc.if_else(payment, "payment", "reversal"),
            "payment_id": kept.column("payment_id"),
            "account_id": kept.column("account_id"),
            "payment_date": kept.column("payment_date"),
            "amount": pc.cast(kept.column("amount"), MONEY),
            "credit_rule": kept.column("credit_rule"),
            "reverses_payment_id": kept.column("reverses_payment_id"),
            "reason": reason,
            "corrects_period": pa.nulls(n, pa.string()),
            "reason_code": code,
            "reason_args": args,
        }
    )


NULL = "\x00"  # a missing value in a reason key (never in a stored id, rule or date text)


def _reason_keys(table: pa.Table, payment: pa.ChunkedArray) -> pa.ChunkedArray:
    """Per line the fields its reason depends on (``money_line_reason``) as one text: the rule,
    the snapshot, payment or reversal and, for a reversal, the reversed payment and its date."""

    def text(name: str) -> pa.ChunkedArray:
        return pc.fill_null(pc.cast(table.column(name), pa.string()), NULL)

    gone = pa.scalar(NULL, pa.string())
    return pc.binary_join_element_wise(
        text("credit_rule"),
        text("credit_snapshot_date"),
        pc.if_else(payment, "p", "r"),
        pc.if_else(payment, gone, text("reverses_payment_id")),
        pc.if_else(payment, gone, text("reversed_payment_date")),
        "\x01",
    )


def _reasons(
    period: Period, table: pa.Table, payment: pa.ChunkedArray
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Each line's reason, its code and values: worded once per distinct reason key."""
    if table.num_rows == 0:
        empty = pa.array([], pa.string())
        return empty, empty, empty
    keys = pc.dictionary_encode(_reason_keys(table, payment).combine_chunks())
    index = keys.indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(index, return_index=True)  # one row per distinct key, in key order
    fields = ["credit_rule", "credit_snapshot_date", "amount"]
    fields += ["reverses_payment_id", "reversed_payment_date"]
    sample = table.select(fields).take(pa.array(first, pa.int64())).to_pylist()
    worded = [_reason(money_line_reason(r, period)) for r in sample]
    texts = [pa.array([w[k] for w in worded], pa.string()) for k in ("reason", "reason_code")]
    texts.append(pa.array([w["reason_args"] for w in worded], pa.string()))
    return tuple(pc.take(t, keys.indices) for t in texts)  # type: ignore[return-value]


def _reason(text: str) -> dict[str, Any]:
    code, args = code_of(text)
    return {"reason": str.__str__(text), "reason_code": code, "reason_args": args}
