"""The agents report on a hand-built world of assignments, payments, contacts and promises.

Snapshots S1 2026-01-31 and S2 2026-02-28. Agents G1, G2 (team T1), G3, G4 (team T2; G4 does
nothing). Accounts: C1 (P1) G1 in S1, G2 in S2; C2 (P1) G1; C3 (P2) G2; C4 (P2) G3, paid in
full in S2; C5 (P1) G3, only in S2.

Payments (blank agent: the crediting rule of domain.md decides):
    R1  C1 02-05   300.00 blank        -> G1 (latest snapshot on or before: S1)
    R2  C1 03-02   100.00 blank        -> G2 (S2), after February
    R3  C2 02-10   200.00 G3           -> G3 (given)
    R4  C2 02-20  -200.00 reverses R3  -> G3 (the reversed payment's agent): C2 nets 0 for G3
    R5  C3 02-12   150.00 blank        -> G2
    R6  C3 01-15   500.00 blank        -> G2 (before any snapshot: the earliest one's agent)
    R7  C3 02-15  -500.00 reverses R6  -> G2: C3 nets 150 - 500 = -350 in February
    R8  C4 02-27  1000.00 blank        -> G3
    R9  C5 02-28    50.00 blank        -> G3 (S2 is on the payment date: on or before)
    R10 C2 01-31    70.00 blank        -> G1 (S1)

Contacts (agent, outcome):
    K1  C1 G1 02-03 10:00 call right_party
    K2  C1 G1 02-03 11:00 call no_answer
    K3  C2 G1 02-04 call promise 200.00 by 02-10: R3 200 on 02-10 -> kept
    K4  C3 G2 02-01 call promise 100.00 by 02-09: grace to 02-12, R5 150 on 02-12 -> kept
    K5  C3 G2 02-02 sms wrong_party
    K6  C4 G3 02-20 visit promise 1000.00 by 02-23: grace to 02-26, R8 is 02-27 -> not kept
    K7  C5 G3 02-25 call refused
    K8  C5 G3 02-26 call complaint
    K9  C2 G1 02-15 call promise 250.00 by 02-17: only R4 -200 by 02-20 -> not kept
    K10 C1 G1 01-20 call right_party (January)
    K11 C2 G2 03-01 00:00:00 call no_answer (March)
    K12 C3 G2 02-28 23:59:59 call dispute (the window's last second)
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from dashboard import db
from dashboard.engine import kpis
from dashboard.engine.kpi_common import Filters
from tests.kpi_fixtures import build_db, rows_of

S1, S2 = "2026-01-31", "2026-02-28"
ACCOUNTS = [
    ("C1", S1, "P1", "2025-12-01", "900.00", "900.00", 60, "G1"),
    ("C1", S2, "P1", "2025-12-01", "900.00", "600.00", 90, "G2"),
    ("C2", S1, "P1", "2025-12-01", "500.00", "500.00", 60, "G1"),
    ("C2", S2, "P1", "2025-12-01", "500.00", "500.00", 88, "G1"),
    ("C3", S1, "P2", "2025-12-01", "800.00", "800.00", 60, "G2"),
    ("C3", S2, "P2", "2025-12-01", "800.00", "650.00", 80, "G2"),
    ("C4", S1, "P2", "2025-12-01", "1000.00", "1000.00", 60, "G3"),
    ("C4", S2, "P2", "2025-12-01", "1000.00", "0.00", 0, "G3", "paid_in_full"),
    ("C5", S2, "P1", "2026-02-01", "300.00", "250.00", 10, "G3"),
]
PAYMENTS = [
    ("R1", "C1", "2026-02-05", "300.00"),
    ("R2", "C1", "2026-03-02", "100.00"),
    ("R3", "C2", "2026-02-10", "200.00", "G3"),
    ("R4", "C2", "2026-02-20", "-200.00", None, "R3"),
    ("R5", "C3", "2026-02-12", "150.00"),
    ("R6", "C3", "2026-01-15", "500.00"),
    ("R7", "C3", "2026-02-15", "-500.00", None, "R6"),
    ("R8", "C4", "2026-02-27", "1000.00"),
    ("R9", "C5", "2026-02-28", "50.00"),
    ("R10", "C2", "2026-01-31", "70.00"),
]
CONTACTS = [
    ("K1", "C1", "G1", "2026-02-03 10:00:00", "call", "right_party"),
    ("K2", "C1", "G1", "2026-02-03 11:00:00", "call", "no_answer"),
    ("K3", "C2", "G1", "2026-02-04 10:00:00", "call", "promise_to_pay", "200.00", "2026-02-10"),
    ("K4", "C3", "G2", "2026-02-01 09:00:00", "call", "promise_to_pay", "100.00", "2026-02-09"),
    ("K5", "C3", "G2", "2026-02-02 09:00:00", "sms", "wrong_party"),
    ("K6", "C4", "G3", "2026-02-20 09:00:00", "visit", "promise_to_pay", "1000.00", "2026-02-23"),
    ("K7", "C5", "G3", "2026-02-25 09:00:00", "call", "refused"),
    ("K8", "C5", "G3", "2026-02-26 09:00:00", "call", "complaint"),
    ("K9", "C2", "G1", "2026-02-15 09:00:00", "call", "promise_to_pay", "250.00", "2026-02-17"),
    ("K10", "C1", "G1", "2026-01-20 09:00:00", "call", "right_party"),
    ("K11", "C2", "G2", "2026-03-01 00:00:00", "call", "no_answer"),
    ("K12", "C3", "G2", "2026-02-28 23:59:59", "call", "dispute"),
]
AGENTS = [("G1", "Gao", "T1"), ("G2", "Hu", "T1"), ("G3", "Li", "T2"), ("G4", "Ma", "T2")]
FEB = {"date_from": date(2026, 2, 1), "date_to": date(2026, 2, 28)}


def q(n: int, d: int) -> Decimal:
    return (Decimal(n) / Decimal(d)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("agents"),
        accounts=ACCOUNTS,
        payments=PAYMENTS,
        agents=AGENTS,
        contacts=CONTACTS,
    )


def test_february_by_hand(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.agents(con, Filters(**FEB))
    assert table.column_names == [
        "agent_id", "agent_name", "team", "accounts_assigned", "collected", "paying_accounts",
        "contacts", "right_party_contacts", "rpc_rate", "promises", "promises_kept",
        "kept_rate",
    ]  # fmt: skip
    # Assigned in S2 (the latest snapshot in February): G1 C2; G2 C1, C3; G3 C4, C5.
    # G1: R1 300 on C1 -> 300.00, 1 paying account. Contacts K1, K2, K3, K9: RPC K1 (right
    #     party), K3, K9 (promises) = 3 of 4; promises K3 kept, K9 not: 1 of 2.
    # G2: R5 150 - R7 500 = -350.00 on C3: no paying account. Contacts K4, K5, K12: RPC K4,
    #     K12 (dispute) = 2 of 3; promise K4 kept.
    # G3: R3 200 - R4 200 on C2 (nets 0: not paying) + R8 1000 on C4 + R9 50 on C5 = 1050.00,
    #     2 paying accounts. Contacts K6, K7, K8 all right-party; promise K6 not kept.
    # G4 has no activity: no row.
    assert rows_of(table) == [
        ("G1", "Gao", "T1", 1, Decimal("300.00"), 1, 4, 3, q(3, 4), 2, 1, q(1, 2)),
        ("G2", "Hu", "T1", 2, Decimal("-350.00"), 0, 3, 2, q(2, 3), 1, 1, q(1, 1)),
        ("G3", "Li", "T2", 2, Decimal("1050.00"), 2, 3, 3, q(3, 3), 1, 0, q(0, 1)),
    ]
    assert table["rpc_rate"][1].as_py() == Decimal("0.666667")


def test_january_and_empty_denominators(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.agents(con, Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)))
    # Assigned in S1: G1 C1, C2; G2 C3; G3 C4. R10 70 -> G1; R6 500 -> G2. K10 -> G1.
    # No contacts for G2 and G3, no promises for anyone: the rates are empty, not 0.
    assert rows_of(table, "agent_id", "accounts_assigned", "collected", "paying_accounts",
                   "contacts", "rpc_rate", "promises", "kept_rate") == [
        ("G1", 2, Decimal("70.00"), 1, 1, q(1, 1), 0, None),
        ("G2", 1, Decimal("500.00"), 1, 0, None, 0, None),
        ("G3", 1, Decimal("0.00"), 0, 0, None, 0, None),
    ]  # fmt: skip


def test_no_snapshot_in_the_window_leaves_assigned_empty(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.agents(con, Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 15)))
    assert {r["accounts_assigned"] for r in table.to_pylist()} == {None}
    # Up to Feb 15: G1 R1 300; G2 R5 150 - R7 500; G3 R3 200 (R4 is on Feb 20).
    assert rows_of(table, "agent_id", "collected") == [
        ("G1", Decimal("300.00")),
        ("G2", Decimal("-350.00")),
        ("G3", Decimal("200.00")),
    ]


def test_filters(world: Path) -> None:
    with db.connect(world) as con:
        t2 = kpis.agents(con, Filters(teams=["T2"], **FEB))
        g1 = kpis.agents(con, Filters(agents=["G1"], **FEB))
        p1 = kpis.agents(con, Filters(portfolios=["P1"], **FEB))
    assert rows_of(t2, "agent_id") == [("G3",)]
    assert rows_of(g1, "agent_id", "collected") == [("G1", Decimal("300.00"))]
    # P1 accounts only (C1, C2, C5): G1 R1 300, contacts K1 K2 K3 K9; G2 assigned C1, no
    # P1 payments or contacts; G3 assigned C5, R3 - R4 on C2 + R9 on C5 = 50, contacts K7 K8.
    assert rows_of(p1, "agent_id", "accounts_assigned", "collected", "paying_accounts",
                   "contacts", "promises", "promises_kept") == [
        ("G1", 1, Decimal("300.00"), 1, 4, 2, 1),
        ("G2", 1, Decimal("0.00"), 0, 0, 0, 0),
        ("G3", 1, Decimal("50.00"), 1, 2, 0, 0),
    ]  # fmt: skip


def test_default_window_is_the_latest_snapshots_month(world: Path) -> None:
    with db.connect(world) as con:
        assert kpis.agents(con) == kpis.agents(con, Filters(**FEB))


def test_payment_before_every_snapshot_whose_first_snapshot_has_no_agent(tmp_path: Path) -> None:
    path = build_db(
        tmp_path,
        accounts=[
            ("E1", S1, "P1", "2025-12-01", "100.00", "100.00", 60, None),
            ("E1", S2, "P1", "2025-12-01", "100.00", "100.00", 88, "G2"),
        ],
        payments=[("E0", "E1", "2026-01-10", "40.00")],
        agents=AGENTS,
    )
    with db.connect(path) as con:
        table = kpis.agents(con, Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)))
    # Before S1, so the earliest snapshot's agent is credited: there is none, so no one.
    assert rows_of(table, "agent_id", "collected") == []
