"""Recovery and vintage reports on a hand-built money world.

Snapshots 2026-01-31 (S1), 2026-02-28 (S2), 2026-03-31 (S3); agents G1 (T1), G2 (T2).

    acct portfolio placed on    placed     in snapshots      agent
    B1   P1        2025-12-10   1000.00    S1, S2            G1
    B2   P1        2026-01-05    500.00 in S1, 600.00 in S2  (latest: 600.00)  G1
    B3   P2        2026-02-20   2000.00    S2                G2
    B4   P2        2025-12-31    400.00    S1 (missing later: still an account)  G2
    B5   P1        2026-03-02    300.00    S3                G1

    payment                                   cohort month   k
    Q1  B1 2025-12-20   100.00 (before S1)     2025-12        0
    Q2  B1 2026-01-15   200.00                 2025-12        1
    Q3  B1 2026-03-05  -200.00 reverses Q2     2025-12        3
    Q4  B2 2026-01-20    50.00                 2026-01        0
    Q5  B2 2025-12-28    30.00 (before placement: counts from k = 0)
    Q6  B3 2026-02-25   500.00                 2026-02        0
    Q7  B3 2026-03-10   250.00                 2026-02        1
    Q8  B4 2026-02-10   400.00                 2025-12        2
    Q9  BX 2026-01-10   999.00 orphan: BX is in no snapshot, counted nowhere
    Q10 B5 2026-03-20   100.00                 2026-03        0
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

S1, S2, S3 = "2026-01-31", "2026-02-28", "2026-03-31"
ACCOUNTS = [
    ("B1", S1, "P1", "2025-12-10", "1000.00", "900.00", 40, "G1"),
    ("B1", S2, "P1", "2025-12-10", "1000.00", "700.00", 20, "G1"),
    ("B2", S1, "P1", "2026-01-05", "500.00", "450.00", 10, "G1"),
    ("B2", S2, "P1", "2026-01-05", "600.00", "550.00", 30, "G1"),
    ("B3", S2, "P2", "2026-02-20", "2000.00", "1500.00", 5, "G2"),
    ("B4", S1, "P2", "2025-12-31", "400.00", "400.00", 90, "G2"),
    ("B5", S3, "P1", "2026-03-02", "300.00", "200.00", 0, "G1"),
]
PAYMENTS = [
    ("Q1", "B1", "2025-12-20", "100.00"),
    ("Q2", "B1", "2026-01-15", "200.00"),
    ("Q3", "B1", "2026-03-05", "-200.00", None, "Q2"),
    ("Q4", "B2", "2026-01-20", "50.00"),
    ("Q5", "B2", "2025-12-28", "30.00"),
    ("Q6", "B3", "2026-02-25", "500.00"),
    ("Q7", "B3", "2026-03-10", "250.00"),
    ("Q8", "B4", "2026-02-10", "400.00"),
    ("Q9", "BX", "2026-01-10", "999.00", "G1"),
    ("Q10", "B5", "2026-03-20", "100.00"),
]
AGENTS = [("G1", "Gao", "T1"), ("G2", "Hu", "T2")]


def q(n: int | str, d: int | str) -> Decimal:
    return (Decimal(n) / Decimal(d)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def m(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("money"), accounts=ACCOUNTS, payments=PAYMENTS, agents=AGENTS
    )


def test_recovery_of_everything_loaded(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.recovery(con)
    # P1: B1 + B2 + B5 placed 1000 + 600 (B2's latest snapshot) + 300 = 1900.00; collected
    #     B1 100 + 200 - 200 = 100, B2 50 + 30 = 80, B5 100: 280.00; 280/1900 = 0.1473684.
    # P2: B3 + B4 placed 2000 + 400 = 2400.00; collected 500 + 250 + 400 = 1150.00;
    #     1150/2400 = 0.4791666 -> 0.479167. The orphan Q9 counts nowhere.
    assert rows_of(table) == [
        ("P1", 3, m("1900.00"), m("280.00"), q(280, 1900)),
        ("P2", 2, m("2400.00"), m("1150.00"), q(1150, 2400)),
    ]
    assert table.column_names == [
        "portfolio", "accounts", "placed_balance", "collected", "recovery_rate"
    ]  # fmt: skip


def test_recovery_up_to_a_date(world: Path) -> None:
    with db.connect(world) as con:
        feb = kpis.recovery(con, Filters(date_to=date(2026, 2, 28)))
        jan = kpis.recovery(con, Filters(date_to=date(2026, 1, 31)))
    # To Feb 28: B5 (placed in March) is left out; the March reversal Q3 and Q7 are not yet.
    # P1: placed 1600; collected B1 100 + 200, B2 80 = 380; 380/1600 = 0.2375.
    # P2: placed 2400; collected B3 500 + B4 400 = 900; 900/2400 = 0.375.
    assert rows_of(feb) == [
        ("P1", 2, m("1600.00"), m("380.00"), m("0.237500")),
        ("P2", 2, m("2400.00"), m("900.00"), m("0.375000")),
    ]
    # To Jan 31: P2 holds only B4 (placed Dec 31), nothing collected on it yet.
    assert rows_of(jan) == [
        ("P1", 2, m("1600.00"), m("380.00"), m("0.237500")),
        ("P2", 1, m("400.00"), m("0.00"), m("0.000000")),
    ]


def test_recovery_filters_use_the_accounts_current_agent(world: Path) -> None:
    with db.connect(world) as con:
        g2 = kpis.recovery(con, Filters(agents=["G2"]))
        t1 = kpis.recovery(con, Filters(teams=["T1"]))
        p1 = kpis.recovery(con, Filters(portfolios=["P1"]))
    assert rows_of(g2, "portfolio", "accounts", "collected") == [("P2", 2, m("1150.00"))]
    assert rows_of(t1, "portfolio", "accounts", "collected") == [("P1", 3, m("280.00"))]
    assert rows_of(p1, "portfolio") == [("P1",)]


def test_vintage_curves_by_hand(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.vintage(con)  # as of the latest snapshot, 2026-03-31
    # 2025-12 cohort B1 + B4, placed 1400.00: Dec 100 -> Jan +200 = 300 -> Feb +400 = 700
    #   -> Mar -200 (the reversal of Q2) = 500.
    # 2026-01 cohort B2, placed 600.00: Q5 (Dec, before placement) + Q4 (Jan) = 80, flat.
    # 2026-02 cohort B3, 2000.00: 500 then 750. 2026-03 cohort B5, 300.00: 100.
    assert rows_of(table) == [
        ("2025-12", 0, 2, m("1400.00"), m("100.00"), q(100, 1400)),
        ("2025-12", 1, 2, m("1400.00"), m("300.00"), q(300, 1400)),
        ("2025-12", 2, 2, m("1400.00"), m("700.00"), q(700, 1400)),
        ("2025-12", 3, 2, m("1400.00"), m("500.00"), q(500, 1400)),
        ("2026-01", 0, 1, m("600.00"), m("80.00"), q(80, 600)),
        ("2026-01", 1, 1, m("600.00"), m("80.00"), q(80, 600)),
        ("2026-01", 2, 1, m("600.00"), m("80.00"), q(80, 600)),
        ("2026-02", 0, 1, m("2000.00"), m("500.00"), q(500, 2000)),
        ("2026-02", 1, 1, m("2000.00"), m("750.00"), q(750, 2000)),
        ("2026-03", 0, 1, m("300.00"), m("100.00"), q(100, 300)),
    ]
    # 100/1400 = 0.0714285 -> 0.071429; 500/1400 = 0.3571428 -> 0.357143.
    assert table["recovery_rate"][0].as_py() == m("0.071429")
    assert table.column_names[:2] == ["placement_month", "months_since_placement"]


def test_vintage_stops_at_the_as_of_month_and_date(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.vintage(con, Filters(as_of=date(2026, 2, 15)))
    # Cohorts up to February; payments up to Feb 15 (Q6 on Feb 25 is not in yet).
    assert rows_of(table, "placement_month", "months_since_placement", "collected_cum") == [
        ("2025-12", 0, m("100.00")),
        ("2025-12", 1, m("300.00")),
        ("2025-12", 2, m("700.00")),
        ("2026-01", 0, m("80.00")),
        ("2026-01", 1, m("80.00")),
        ("2026-02", 0, m("0.00")),
    ]


def test_data_checks(world: Path) -> None:
    with db.connect(world) as con:
        orphans = db.run(con, "checks/orphan_payments")
        unmatched = db.run(con, "checks/unmatched_reversals")
    assert rows_of(orphans, "payment_id", "account_id") == [("Q9", "BX")]
    assert unmatched.num_rows == 0  # Q3 reverses Q2, a payment on the same account
