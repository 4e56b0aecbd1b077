"""The kpis report (headline numbers, this window and the one before) and its windows.

The delinquency world of tests/kpi_fixtures.py, plus payments and promises:
    P1 A01 2026-02-15   100.00
    P2 A01 2026-03-10  -100.00 reverses P1 (a reversal in a later month)
    P3 A02 2026-03-05    50.00
    P4 A05 2026-02-20   200.00
    P5 A12 2025-12-31    25.00 (before A12's placement and before the first snapshot)
    K1 A02 G1 2026-03-02 promise 50.00 by 03-05: P3 -> kept
    K2 A01 G1 2026-02-14 promise 100.00 by 02-14: P1 on 02-15, inside the 3-day grace -> kept
    K3 A04 G2 2026-02-01 promise 10.00 by 02-05: nothing paid -> not kept
Placed balances: A07 80.00, A12 600.00 (placed 2026-02-10), the others their S1 balance;
all but A12 placed 2025-12-01. Total placed 3825.00.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from dashboard import db
from dashboard.engine import kpis
from dashboard.engine.kpi_common import Filters, previous_window
from tests.kpi_fixtures import DELINQUENCY_AGENTS, build_db, delinquency_accounts

PAYMENTS = [
    ("P1", "A01", "2026-02-15", "100.00"),
    ("P2", "A01", "2026-03-10", "-100.00", None, "P1"),
    ("P3", "A02", "2026-03-05", "50.00"),
    ("P4", "A05", "2026-02-20", "200.00"),
    ("P5", "A12", "2025-12-31", "25.00"),
]
CONTACTS = [
    ("K1", "A02", "G1", "2026-03-02 10:00:00", "call", "promise_to_pay", "50.00", "2026-03-05"),
    ("K2", "A01", "G1", "2026-02-14 10:00:00", "call", "promise_to_pay", "100.00", "2026-02-14"),
    ("K3", "A04", "G2", "2026-02-01 10:00:00", "call", "promise_to_pay", "10.00", "2026-02-05"),
]


def q(n: int | str, d: int | str) -> Decimal:
    return (Decimal(n) / Decimal(d)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("kpis"),
        accounts=delinquency_accounts(),
        agents=DELINQUENCY_AGENTS,
        payments=PAYMENTS,
        contacts=CONTACTS,
    )


def test_march_and_february_by_hand(world: Path) -> None:
    with db.connect(world) as con:
        rows = kpis.headline(con, Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)))
    cur, prev = rows.to_pylist()
    m = Decimal
    expected_cur = {
        "period": "current",
        "date_from": date(2026, 3, 1),
        "date_to": date(2026, 3, 31),
        "placed_accounts": 0,
        "placed_balance": m("0.00"),
        "collected": m("-50.00"),  # P2 -100 + P3 50
        "placed_balance_to_date": m("3825.00"),
        "collected_to_date": m("275.00"),  # 100 - 100 + 50 + 200 + 25
        "recovery_rate": q(275, 3825),  # 0.0718954 -> 0.071895
        "snapshot_date": date(2026, 3, 31),
        # S3 open: A01 900, A02 400, A03 300, A04 400, A09 150, A12 600.
        "open_accounts": 6,
        "open_balance": m("2750.00"),
        "delinquent_accounts": 4,  # A03 (DPD 90), A04 (91), A09 (261), A12 (36)
        "delinquent_share": q(4, 6),
        # S2 -> S3: delinquent in S2 A01, A04, A06, A09, A12; A01 is Current in S3.
        "delinquent_accounts_start": 5,
        "cured_accounts": 1,
        "cure_rate": q(1, 5),
        "promises": 1,
        "promises_kept": 1,
        "kept_rate": q(1, 1),
    }
    expected_prev = {
        "period": "previous",
        "date_from": date(2026, 2, 1),
        "date_to": date(2026, 2, 28),
        "placed_accounts": 1,  # A12
        "placed_balance": m("600.00"),
        "collected": m("300.00"),  # P1 100 + P4 200
        "placed_balance_to_date": m("3825.00"),
        "collected_to_date": m("325.00"),  # P1 + P4 + P5 (before placement, counted)
        "recovery_rate": q(325, 3825),
        "snapshot_date": date(2026, 2, 28),
        # S2 open: A01 1000, A02 450, A04 400, A06 100, A09 150, A12 600.
        "open_accounts": 6,
        "open_balance": m("2700.00"),
        "delinquent_accounts": 5,  # all but A02
        "delinquent_share": q(5, 6),
        # S1 -> S2: delinquent A02, A03, A04, A13, A05, A06, A09; cured A02 (Current) and A05
        # (paid_in_full). A13 is Closed with status open (balance 0): not a cure.
        "delinquent_accounts_start": 7,
        "cured_accounts": 2,
        "cure_rate": q(2, 7),
        "promises": 2,  # K2 kept (grace), K3 not
        "promises_kept": 1,
        "kept_rate": q(1, 2),
    }
    assert cur == expected_cur
    assert prev == expected_prev


def test_default_window_and_filters(world: Path) -> None:
    with db.connect(world) as con:
        default = kpis.headline(con)
        t2 = kpis.headline(con, Filters(teams=["T2"], date_from=date(2026, 3, 1)))
    assert default["date_from"][0].as_py() == date(2026, 3, 1)
    assert default["date_to"][0].as_py() == date(2026, 3, 31)
    # Team T2 = G3: A06-A09, A12. In S3 open: A09 150 (DPD 261), A12 600 (DPD 36).
    row = t2.to_pylist()[0]
    assert (row["open_accounts"], row["open_balance"], row["delinquent_accounts"]) == (
        2,
        Decimal("750.00"),
        2,
    )


def test_no_snapshot_before_the_previous_window(world: Path) -> None:
    with db.connect(world) as con:
        rows = kpis.headline(con, Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)))
    prev = rows.to_pylist()[1]
    # January's window ends on S1 (Jan 31); nothing rolls into January (no earlier snapshot).
    assert prev["snapshot_date"] == date(2026, 1, 31)
    assert (prev["delinquent_accounts_start"], prev["cure_rate"]) == (0, None)
    with db.connect(world) as con:
        early = kpis.headline(con, Filters(date_from=date(2025, 12, 1), date_to=date(2025, 12, 31)))
    prev = early.to_pylist()[1]
    assert (prev["snapshot_date"], prev["open_accounts"], prev["delinquent_share"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("window", "previous"),
    [
        # whole months: the same number of whole months before
        (("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28")),
        (("2024-03-01", "2024-03-31"), ("2024-02-01", "2024-02-29")),
        (("2026-07-01", "2026-09-30"), ("2026-04-01", "2026-06-30")),
        (("2026-01-01", "2026-01-31"), ("2025-12-01", "2025-12-31")),
        # anything else: the same number of days before
        (("2026-03-10", "2026-03-19"), ("2026-02-28", "2026-03-09")),
        (("2026-03-01", "2026-03-15"), ("2026-02-14", "2026-02-28")),
        (("2026-03-05", "2026-03-05"), ("2026-03-04", "2026-03-04")),
    ],
)
def test_previous_window(window: tuple[str, str], previous: tuple[str, str]) -> None:
    start, end = (date.fromisoformat(d) for d in window)
    assert previous_window(start, end) == tuple(date.fromisoformat(d) for d in previous)
