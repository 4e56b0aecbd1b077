"""The agencies report (README.md, Reports; domain.md, "agencies and placements") on a hand-made
book whose figures are worked out below: an account returned in house mid-window, the fee
rounded per month, in-house accounts compared on the agencies' buckets only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dashboard import db, reports
from dashboard.engine.kpi_common import Filters
from tests.kpi_fixtures import ACCOUNT_COLUMNS, build_db
from tests.test_kpi_properties import tuples

m = Decimal
S1, S2 = "2026-01-31", "2026-02-28"


def snap(
    acct: str, as_of: str, placed: str, balance: str, dpd: int, agency: str, status: str = "open"
) -> tuple:
    return (acct, as_of, "P1", "2025-06-01", placed, balance, dpd, "G1", status, agency)


ACCOUNTS = [
    snap("X1", S1, "3000.00", "1000.00", 100, "AG1"),  # M4 with AG1 in January ...
    snap("X1", S2, "3000.00", "900.00", 130, ""),  # ... back in house (M5) in February
    snap("X2", S1, "2000.00", "1000.00", 100, "AG2"),
    snap("X2", S2, "2000.00", "1000.00", 130, "AG2"),  # AG2 holds M5 in February
    snap("X3", S1, "800.00", "500.00", 130, ""),
    snap("X3", S2, "800.00", "500.00", 130, ""),  # in house, M5: compared
    snap("X4", S2, "600.00", "600.00", 10, ""),  # in house, M1: no agency there
    # X5, X6: in house, Closed in February (settled; a zero balance) with M5's DPD: in no
    # bucket (README, Rules every report follows), so neither held nor compared.
    snap("X5", S2, "700.00", "300.00", 130, "", "settled"),
    snap("X6", S2, "700.00", "0.00", 130, ""),
]
PAYMENTS = [
    ("Y1", "X1", "2026-02-10", "100.00"),  # held by AG1 (January snapshot)
    ("Y2", "X1", "2026-02-28", "50.00"),  # in house (February snapshot, M5)
    ("Y3", "X2", "2026-02-15", "10.00"),
    ("Y4", "X2", "2026-02-20", "0.01"),
    ("Y5", "X3", "2026-02-05", "40.00"),  # in house, M5 in January's snapshot
    ("Y6", "X4", "2026-02-05", "70.00"),  # in house, but M1: not compared
    ("Y7", "X2", "2026-01-15", "5.00"),  # January
    ("Y8", "X5", "2026-02-25", "300.00"),  # in house, Closed in its snapshot: not compared
    ("Y9", "X6", "2026-02-26", "20.00"),  # the same, by its zero balance
]
AGENCIES = [("AG1", "North Co", "0.10"), ("AG2", "南方", "0.333333")]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("agencies"),
        accounts=ACCOUNTS,
        payments=PAYMENTS,
        agents=[("G1", "Ann", "T1")],
        agencies=AGENCIES,
        account_columns=(*ACCOUNT_COLUMNS, "agency_id"),
    )


def run(book: Path, **filters) -> list[tuple]:  # type: ignore[no-untyped-def]
    with db.connect(book) as con:
        return tuples(reports.run(con, "agencies", Filters(**filters)))


def test_agencies_by_hand(book: Path) -> None:
    # February (the latest snapshot's month). AG1 holds nothing at 02-28 but Y1 is its:
    # fee 10.00. AG2: Y3 + Y4 = 10.01, fee 0.333333 x 10.01 = 3.3366663 -> 3.34, cost
    # 3.34 / 10.01 = 0.3336663 -> 0.333666; rate 10.01 / 2,000 = 0.005005. In house on M5
    # (AG2's bucket at 02-28): X1 and X3 held (1,400.00 of 3,800.00 placed), Y2 + Y5 = 90.00;
    # X5's Y8 and X6's Y9 are not (their February snapshots are Closed: in no bucket).
    assert run(book) == [
        ("agency", "AG1", "North Co", m("0.100000"), 0, m("0.00"), m("0.00"), m("100.00"),
         m("10.00"), m("90.00"), None, None, m("0.100000")),
        ("agency", "AG2", "南方", m("0.333333"), 1, m("1000.00"), m("2000.00"), m("10.01"),
         m("3.34"), m("6.67"), m("0.005005"), m("0.003335"), m("0.333666")),
        ("in_house", None, None, m("0.000000"), 2, m("1400.00"), m("3800.00"), m("90.00"),
         m("0.00"), m("90.00"), m("0.023684"), m("0.023684"), m("0.000000")),
    ]  # fmt: skip


def test_the_fee_is_rounded_per_month(book: Path) -> None:
    # January and February for AG2: 5.00 x 0.333333 = 1.666665 -> 1.67, and 3.34: 5.01 (the
    # sum 15.01 at once would give 5.003328 -> 5.00).
    rows = run(book, date_from=date(2026, 1, 1), date_to=date(2026, 2, 28))
    ag2 = next(r for r in rows if r[1] == "AG2")
    assert (ag2[7], ag2[8]) == (m("15.01"), m("5.01"))
