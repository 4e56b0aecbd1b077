"""The buckets report on the hand-built delinquency world (tests/kpi_fixtures.py)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from dashboard import db
from dashboard.engine import kpis
from dashboard.engine.kpi_common import Filters, ReportError
from tests.kpi_fixtures import (
    DELINQUENCY_AGENTS,
    S2,
    build_db,
    delinquency_accounts,
    rows_of,
)


def q(n: int | str, d: int | str) -> Decimal:
    """n / d rounded to 6 places, half up: how the reports print rates."""
    return (Decimal(n) / Decimal(d)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("buckets"),
        accounts=delinquency_accounts(),
        agents=DELINQUENCY_AGENTS,
    )


def test_every_state_of_the_first_snapshot(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.buckets(con, Filters(as_of=date(2026, 1, 31)))
    # S1 has 12 accounts, balance 1000+500+300+400+120+200+100+150+0+250+50+75 = 3145.00.
    # Current: A01 (DPD 0). M1: A02 (DPD 1) + A03 (DPD 30) = 800. M2: A04 (DPD 31) + A13
    # (DPD 60) = 520. M6: A05 (DPD 180). M7+: A06 (DPD 181) + A09 (DPD 200, written_off is
    # not Closed) = 250. Closed: A07 (balance 0), A08 (settled), A10 (recalled), A11
    # (paid_in_full, balance 75 still counts in the Closed balance) = 375. No M3-M5 rows.
    expected = [
        ("Current", 1, "1000.00"),
        ("M1", 2, "800.00"),
        ("M2", 2, "520.00"),
        ("M6", 1, "200.00"),
        ("M7+", 2, "250.00"),
        ("Closed", 4, "375.00"),
    ]
    assert rows_of(table, "as_of_date", "bucket", "accounts", "balance", "share_accounts",
                   "share_balance") == [
        (date(2026, 1, 31), b, n, Decimal(bal), q(n, 12), q(bal, "3145.00"))
        for b, n, bal in expected
    ]  # fmt: skip
    # 1/12 = 0.0833333 -> 0.083333; 2/12 -> 0.166667; 1000/3145 = 0.3179650 -> 0.317965.
    assert table["share_accounts"][0].as_py() == Decimal("0.083333")
    assert table["share_accounts"][1].as_py() == Decimal("0.166667")
    assert table["share_balance"][0].as_py() == Decimal("0.317965")


def test_every_snapshot_by_default_and_closed_by_status_or_zero_balance(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.buckets(con)
    s2 = [r for r in rows_of(table, "as_of_date", "bucket", "accounts", "balance")
          if r[0] == date(2026, 2, 28)]  # fmt: skip
    # S2: A02 Current 450; A12 M1 600; A01 M2 1000; A04 M3 400; A06 + A09 M7+ 250;
    # Closed: A05 (paid_in_full, 0), A08 (settled, 250), A13 (open but balance 0) = 250.
    assert [r[1:] for r in s2] == [
        ("Current", 1, Decimal("450.00")),
        ("M1", 1, Decimal("600.00")),
        ("M2", 1, Decimal("1000.00")),
        ("M3", 1, Decimal("400.00")),
        ("M7+", 2, Decimal("250.00")),
        ("Closed", 3, Decimal("250.00")),
    ]
    assert sorted({r["as_of_date"] for r in table.to_pylist()}) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]


def test_as_of_between_snapshots_takes_the_one_before(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.buckets(con, Filters(as_of=date(2026, 3, 30)))
    assert {r["as_of_date"] for r in table.to_pylist()} == {date.fromisoformat(S2)}


def test_as_of_before_the_first_snapshot_is_refused(world: Path) -> None:
    with db.connect(world) as con, pytest.raises(ReportError, match="no snapshot on or before"):
        kpis.buckets(con, Filters(as_of=date(2026, 1, 30)))


def test_portfolio_filter_uses_the_latest_snapshots_portfolio(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.buckets(con, Filters(as_of=date(2026, 1, 31), portfolios=["P2"]))
    # P2 in S1: A03 (P1 in S1 but P2 in its latest snapshot S3) M1 300, A04 M2 400, A05 M6
    # 200, A06 + A09 M7+ 250, A11 Closed 75: 6 accounts, 1225.00.
    assert rows_of(table, "bucket", "accounts", "balance", "share_accounts") == [
        ("M1", 1, Decimal("300.00"), q(1, 6)),
        ("M2", 1, Decimal("400.00"), q(1, 6)),
        ("M6", 1, Decimal("200.00"), q(1, 6)),
        ("M7+", 2, Decimal("250.00"), q(2, 6)),
        ("Closed", 1, Decimal("75.00"), q(1, 6)),
    ]


def test_agent_and_team_filters(world: Path) -> None:
    with db.connect(world) as con:
        g3 = kpis.buckets(con, Filters(as_of=date(2026, 1, 31), agents=["G3"]))
        t1 = kpis.buckets(con, Filters(as_of=date(2026, 1, 31), teams=["T1"]))
        both = kpis.buckets(con, Filters(as_of=date(2026, 1, 31), agents=["G1", "G3"]))
    # G3 in S1: A06 M7+ 100, A09 M7+ 150, A07 Closed 0, A08 Closed 250: shares of 500.00.
    assert rows_of(g3, "bucket", "accounts", "balance", "share_balance") == [
        ("M7+", 2, Decimal("250.00"), q(250, 500)),
        ("Closed", 2, Decimal("250.00"), q(250, 500)),
    ]
    # T1 = G1 (A01, A02, A03, A10) + G2 (A04, A05, A11, A13): 8 accounts.
    assert sum(r["accounts"] for r in t1.to_pylist()) == 8
    # G1 + G3: 4 + 4 accounts.
    assert sum(r["accounts"] for r in both.to_pylist()) == 8


def test_unknown_filter_values_are_named(world: Path) -> None:
    with db.connect(world) as con, pytest.raises(ReportError, match="unknown portfolio P9"):
        kpis.buckets(con, Filters(portfolios=["P1", "P9"]))
    with db.connect(world) as con, pytest.raises(ReportError, match="unknown team T9"):
        kpis.buckets(con, Filters(teams=["T9"]))


def test_an_empty_database_is_a_clear_error(tmp_path: Path) -> None:
    with db.connect(tmp_path / "empty.duckdb") as con, pytest.raises(ReportError, match="no"):
        kpis.buckets(con)
