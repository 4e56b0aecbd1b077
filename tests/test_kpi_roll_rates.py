"""The roll-rates report on the hand-built delinquency world (tests/kpi_fixtures.py)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from dashboard import db
from dashboard.engine import kpis
from dashboard.engine.kpi_common import Filters, ReportError
from tests.kpi_fixtures import DELINQUENCY_AGENTS, build_db, delinquency_accounts, rows_of

D1, D2, D3 = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)
COLUMNS = ("from_date", "to_date", "from_bucket", "to_state", "accounts", "balance", "share",
           "share_balance", "direction", "cured_accounts")  # fmt: skip


def q(n: int | str, d: int | str) -> Decimal:
    return (Decimal(n) / Decimal(d)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("roll"), accounts=delinquency_accounts(), agents=DELINQUENCY_AGENTS
    )


def test_both_pairs_by_hand(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.roll_rates(con)
    m = Decimal
    # S1 -> S2, accounts open in S1 (Closed A07, A08, A10, A11 are left out):
    #   Current A01 -> M2 (DPD 0 -> 31).
    #   M1 A02 (500) -> Current; M1 A03 (300) -> Missing: 1/2 each, balance 500/800, 300/800.
    #   M2 A04 (400) -> M3; M2 A13 (120) -> Closed (balance 0, status open): 400/520, 120/520.
    #   M6 A05 -> Closed (paid_in_full). M7+ A06 (100) and A09 (150) -> M7+: 2 of 2.
    # S2 -> S3, open in S2 (A05, A08, A13 Closed there):
    #   Current A02 -> Current. M1 A12 -> M2. M2 A01 -> Current. M3 A04 -> M4.
    #   M7+ A06 (100) -> Missing, A09 (150) -> M7+: 1/2 each, 100/250 and 150/250.
    # A03 is missing from S2, so it is in no S2 -> S3 row although it is back in S3.
    # cured_accounts: M1 -> Current (A02), M6 -> Closed as paid_in_full (A05), M2 -> Current
    # (A01); M2 -> Closed (A13) is Closed by its 0 balance with status open: not cured.
    expected = [
        (D1, D2, "Current", "M2", 1, m("1000.00"), q(1, 1), q(1, 1), "worse", 0),
        (D1, D2, "M1", "Current", 1, m("500.00"), q(1, 2), q(500, 800), "better", 1),
        (D1, D2, "M1", "Missing", 1, m("300.00"), q(1, 2), q(300, 800), "missing", 0),
        (D1, D2, "M2", "M3", 1, m("400.00"), q(1, 2), q(400, 520), "worse", 0),
        (D1, D2, "M2", "Closed", 1, m("120.00"), q(1, 2), q(120, 520), "closed", 0),
        (D1, D2, "M6", "Closed", 1, m("200.00"), q(1, 1), q(1, 1), "closed", 1),
        (D1, D2, "M7+", "M7+", 2, m("250.00"), q(2, 2), q(1, 1), "same", 0),
        (D2, D3, "Current", "Current", 1, m("450.00"), q(1, 1), q(1, 1), "same", 0),
        (D2, D3, "M1", "M2", 1, m("600.00"), q(1, 1), q(1, 1), "worse", 0),
        (D2, D3, "M2", "Current", 1, m("1000.00"), q(1, 1), q(1, 1), "better", 1),
        (D2, D3, "M3", "M4", 1, m("400.00"), q(1, 1), q(1, 1), "worse", 0),
        (D2, D3, "M7+", "M7+", 1, m("150.00"), q(1, 2), q(150, 250), "same", 0),
        (D2, D3, "M7+", "Missing", 1, m("100.00"), q(1, 2), q(100, 250), "missing", 0),
    ]
    assert rows_of(table, *COLUMNS) == expected
    # 400/520 = 0.7692307... -> 0.769231 (half up at the 6th place).
    assert expected[3][7] == Decimal("0.769231")


def test_window_keeps_pairs_whose_later_snapshot_is_inside(world: Path) -> None:
    with db.connect(world) as con:
        march = kpis.roll_rates(con, Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)))
        feb = kpis.roll_rates(con, Filters(date_to=date(2026, 2, 28)))
        none = kpis.roll_rates(con, Filters(date_to=date(2026, 1, 31)))
    assert {(r["from_date"], r["to_date"]) for r in march.to_pylist()} == {(D2, D3)}
    assert {(r["from_date"], r["to_date"]) for r in feb.to_pylist()} == {(D1, D2)}
    assert none.num_rows == 0


def test_filters_apply_to_the_earlier_snapshot(world: Path) -> None:
    with db.connect(world) as con:
        g2 = kpis.roll_rates(con, Filters(agents=["G2"], date_to=date(2026, 2, 28)))
        p2 = kpis.roll_rates(con, Filters(portfolios=["P2"], date_to=date(2026, 2, 28)))
    # G2 in S1: A04 (M2 -> M3), A13 (M2 -> Closed), A05 (M6 -> Closed); A11 is Closed.
    assert rows_of(g2, "from_bucket", "to_state", "accounts", "share") == [
        ("M2", "M3", 1, q(1, 2)),
        ("M2", "Closed", 1, q(1, 2)),
        ("M6", "Closed", 1, q(1, 1)),
    ]
    # P2 (static): A03 (M1 -> Missing), A04, A05, A06 + A09 (M7+ -> M7+).
    assert rows_of(p2, "from_bucket", "to_state", "accounts") == [
        ("M1", "Missing", 1),
        ("M2", "M3", 1),
        ("M6", "Closed", 1),
        ("M7+", "M7+", 2),
    ]


def test_from_after_to_is_refused(world: Path) -> None:
    with db.connect(world) as con, pytest.raises(ReportError, match="after"):
        kpis.roll_rates(con, Filters(date_from=date(2026, 3, 1), date_to=date(2026, 2, 1)))
