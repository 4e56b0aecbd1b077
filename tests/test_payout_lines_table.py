"""The audit trail built column-wise (payouts/tables.py ``lines_table``): hand-built money lines
and payouts, every expected line written out by hand from domain.md's audit-trail rule (per
agent its payments and reversals, then its decisions, numbered from 1) and the English
templates of dashboard/messages_payout.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa

from dashboard.messages import Message
from dashboard.payouts.tables import CODED_LINE_SCHEMA, lines_table
from dashboard.payouts.values import AgentPayout, Decision, Period

OCT = Period(2026, 10)
D = Decimal
MONEY_LINES = pa.schema(
    [
        ("agent_id", pa.string()),
        ("payment_id", pa.string()),
        ("account_id", pa.string()),
        ("payment_date", pa.date32()),
        ("amount", pa.decimal128(18, 2)),
        ("channel", pa.string()),
        ("credit_rule", pa.string()),
        ("credit_snapshot_date", pa.date32()),
        ("reverses_payment_id", pa.string()),
        ("reversed_payment_date", pa.date32()),
    ]
)


def _payout(agent_id: str, name: str | None, decisions: tuple[Decision, ...]) -> AgentPayout:
    z = D("0.00")
    return AgentPayout(
        OCT, agent_id, name, "T1", "standard", z, 0, None, None, z, 0, 0, 0, D("1"), z, z, z,
        z, z, None, False, z, z, z, decisions,
    )  # fmt: skip


def _line(
    agent: str,
    pid: str,
    day: date,
    amount: str,
    rule: str = "given",
    snap: date | None = None,
    rev: str | None = None,
    rev_day: date | None = None,
) -> dict[str, object]:
    return {
        "agent_id": agent,
        "payment_id": pid,
        "account_id": "A" + pid,
        "payment_date": day,
        "amount": D(amount),
        "channel": "bank",
        "credit_rule": rule,
        "credit_snapshot_date": snap,
        "reverses_payment_id": rev,
        "reversed_payment_date": rev_day,
    }


GIVEN = "credited to the agent named on the payment row"
SNAP = "no agent on the row: credited to the account's agent in the snapshot of 2026-09-30"

# As payouts/lines returns them: ordered by agent, date, payment.
ROWS = [
    _line("A1", "P1", date(2026, 10, 2), "100.00"),
    _line("A1", "P2", date(2026, 10, 3), "250.50", "account_snapshot", date(2026, 9, 30)),
    _line("A1", "R1", date(2026, 10, 5), "-100.00", rev="P1", rev_day=date(2026, 10, 2)),
    _line("A1", "R2", date(2026, 10, 6), "-40.00", rev="P0", rev_day=date(2026, 9, 20)),
    _line("A1", "R3", date(2026, 10, 7), "-5.00"),
    _line("A1", "R4", date(2026, 10, 8), "-7.25", rev="PX"),
    _line("A2", "P3", date(2026, 10, 1), "60.00"),
    _line("A3", "P4", date(2026, 10, 1), "9.99"),  # A3 is not paid this period: left out
    _line("B1", "P5", date(2026, 10, 9), "1.00", "account_snapshot", date(2026, 9, 30)),
]
COMMISSION = Message("payout.carry_none")  # any decision reason with a code will do
B1_DECISIONS = (Decision("commission", D("0.02"), COMMISSION), Decision("payout", D("0.02"), "ok"))
A1_DECISIONS = (
    Decision("adjustment", D("-3.10"), COMMISSION, "2026-08"),
    Decision("payout", D("347.40"), "paid"),
)


def _table() -> pa.Table:
    payouts = [
        _payout("B1", "Bo", B1_DECISIONS),  # the payouts' order, not the lines', comes first
        _payout("A2", None, ()),
        _payout("Z9", "Zed", (Decision("payout", D("0.00"), "nothing"),)),  # no money lines
        _payout("A1", "张三", A1_DECISIONS),
    ]
    return lines_table(OCT, payouts, pa.Table.from_pylist(ROWS, schema=MONEY_LINES))


def test_lines_in_payout_order_money_first_then_decisions() -> None:
    table = _table()
    assert table.schema == CODED_LINE_SCHEMA
    got = [
        (r["agent_id"], r["agent_name"], r["line_no"], r["kind"], r["payment_id"], r["amount"])
        for r in table.to_pylist()
    ]
    assert got == [
        ("B1", "Bo", 1, "payment", "P5", D("1.00")),
        ("B1", "Bo", 2, "commission", None, D("0.02")),
        ("B1", "Bo", 3, "payout", None, D("0.02")),
        ("A2", None, 1, "payment", "P3", D("60.00")),
        ("Z9", "Zed", 1, "payout", None, D("0.00")),
        ("A1", "张三", 1, "payment", "P1", D("100.00")),
        ("A1", "张三", 2, "payment", "P2", D("250.50")),
        ("A1", "张三", 3, "reversal", "R1", D("-100.00")),
        ("A1", "张三", 4, "reversal", "R2", D("-40.00")),
        ("A1", "张三", 5, "reversal", "R3", D("-5.00")),
        ("A1", "张三", 6, "reversal", "R4", D("-7.25")),
        ("A1", "张三", 7, "adjustment", None, D("-3.10")),
        ("A1", "张三", 8, "payout", None, D("347.40")),
    ]
    assert set(table.column("period").to_pylist()) == {"2026-10"}


def test_money_line_fields_and_reasons() -> None:
    rows = {r["payment_id"]: r for r in _table().to_pylist() if r["payment_id"]}
    assert rows["P2"]["account_id"] == "AP2"
    assert rows["P2"]["payment_date"] == date(2026, 10, 3)
    assert rows["P2"]["credit_rule"] == "account_snapshot"
    assert rows["R1"]["reverses_payment_id"] == "P1"
    assert rows["P1"]["corrects_period"] is None
    reasons = {k: (r["reason"], r["reason_code"]) for k, r in rows.items()}
    assert reasons == {
        "P1": (f"payment: {GIVEN}", "payout.line_payment"),
        "P2": (f"payment: {SNAP}", "payout.line_payment"),
        "P3": (f"payment: {GIVEN}", "payout.line_payment"),
        "P5": (f"payment: {SNAP}", "payout.line_payment"),
        "R1": (
            (
                f"reversal of P1 paid 2026-10-02 dated in this period: {GIVEN}; reduces this "
                "period's basis (clawback)"
            ),
            "payout.line_reversal",
        ),
        "R2": (
            (
                "reversal of P0 paid 2026-09-20, a payment of 2026-09, dated in this period: "
                f"{GIVEN}; reduces this period's basis (clawback)"
            ),
            "payout.line_reversal",
        ),
        "R3": (
            f"reversal (no original payment given): {GIVEN}; reduces this period's basis",
            "payout.line_reversal_no_original",
        ),
        "R4": (
            f"reversal of PX (not loaded): {GIVEN}; reduces this period's basis",
            "payout.line_reversal_not_loaded",
        ),
    }
    # The same reason, worded once, still carries each line's own values.
    assert '"original": "P0"' in rows["R2"]["reason_args"]
    assert '"original": "P1"' in rows["R1"]["reason_args"]


def test_decision_lines_keep_their_codes_and_corrected_period() -> None:
    rows = [r for r in _table().to_pylist() if r["agent_id"] == "A1" and not r["payment_id"]]
    assert [(r["corrects_period"], r["reason_code"], r["reason"]) for r in rows] == [
        ("2026-08", "payout.carry_none", str(COMMISSION)),
        (None, None, "paid"),
    ]


def test_no_money_lines_and_no_payouts() -> None:
    empty = pa.Table.from_pylist([], schema=MONEY_LINES)
    only = lines_table(OCT, [_payout("A1", "x", A1_DECISIONS)], empty)
    assert only.column("line_no").to_pylist() == [1, 2]
    none = lines_table(OCT, [], pa.Table.from_pylist(ROWS, schema=MONEY_LINES))
    assert none.num_rows == 0 and none.schema == CODED_LINE_SCHEMA
