"""The repayment-plan reports plans, plan-installments, plan-summary and broken-plans (README.md,
Reports; domain.md, "repayment_plans"), on a hand-made book whose every figure is worked out
below: kept on the last grace day, missed the day after, a superseded plan, settlement relief,
an agent taken from the snapshots."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dashboard import db
from dashboard.engine import cases
from dashboard.engine.kpi_common import ALL, Filters, ReportError
from tests.kpi_fixtures import build_db
from tests.test_kpi_properties import tuples

m = Decimal
S1, S2, S3 = "2026-01-31", "2026-02-28", "2026-03-31"
AGENTS = [("G1", "Ann", "T1"), ("G2", "Bo", "T2")]


def snap(acct: str, as_of: str, balance: str, agent: str, dpd: int = 40) -> tuple:
    return (acct, as_of, "P1", "2025-10-01", "5000.00", balance, dpd, agent, "open")


ACCOUNTS = [
    snap("B1", S1, "1000.00", "G1"), snap("B1", S2, "900.00", "G1"),
    snap("B1", S3, "800.00", "G1"),
    snap("B2", S1, "2000.00", "G1", 30), snap("B2", S2, "1500.00", "G2", 95),
    snap("B2", S3, "700.00", "G2"),
    snap("B3", S3, "300.00", "G2"),
    snap("B4", S3, "400.00", "G1"),
    # B5's latest snapshot before PL6 has no agent: PL6 has none (as for payments), S1's G1
    # does not stand in.
    snap("B5", S1, "600.00", "G1"), snap("B5", S2, "600.00", "", 0),
]  # fmt: skip
PLANS = [
    # PL1 on B1, no agent given: B1 has no snapshot on or before 01-05, its earliest says G1.
    ("PL1", "B1", "", "installment", "2026-01-05", 1, "2026-01-20", "100.00"),
    ("PL1", "B1", "", "installment", "2026-01-05", 2, "2026-02-20", "100.00"),
    # PL2 on B2 (agent given), superseded by PL3 on 03-01: PL2 ends on 02-28.
    ("PL2", "B2", "G2", "extension", "2026-01-10", 1, "2026-02-10", "300.00"),
    ("PL2", "B2", "G2", "extension", "2026-01-10", 2, "2026-03-10", "300.00"),
    ("PL2", "B2", "G2", "extension", "2026-01-10", 3, "2026-04-10", "300.00"),
    # PL3: a settlement; B2's latest snapshot on or before 03-01 is S2 (G2, 1,500.00).
    ("PL3", "B2", "", "settlement", "2026-03-01", 1, "2026-03-15", "500.00"),
    # PL4 on B3: its first installment's grace ends on the evaluation date itself.
    ("PL4", "B3", "G2", "installment", "2026-03-20", 1, "2026-03-28", "50.00"),
    ("PL4", "B3", "G2", "installment", "2026-03-20", 2, "2026-04-28", "50.00"),
    # PL5 on B4: grace ends 03-30, nothing paid: missed on 03-31, pending on 03-30.
    ("PL5", "B4", "G1", "installment", "2026-03-25", 1, "2026-03-27", "70.00"),
    # PL6 on B5, no agent given; nothing paid: missed (grace ended 03-13), broken on 03-14.
    ("PL6", "B5", "", "installment", "2026-03-05", 1, "2026-03-10", "10.00"),
]  # fmt: skip
PAYMENTS = [
    ("Y1", "B1", "2026-01-23", "100.00"),  # PL1 #1 due 01-20: the last grace day, kept
    ("Y2", "B1", "2026-02-24", "100.00"),  # PL1 #2 due 02-20: the day after grace, too late
    ("Y3", "B2", "2026-02-12", "300.00"),  # PL2 #1
    ("Y4", "B2", "2026-03-14", "500.00"),  # PL3 #1
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("plans"),
        accounts=ACCOUNTS,
        payments=PAYMENTS,
        agents=AGENTS,
        repayment_plans=PLANS,
    )


def run(book: Path, report, **filters) -> list[tuple]:  # type: ignore[no-untyped-def]
    with db.connect(book) as con:
        return tuples(report(con, Filters(**filters)))


def test_plans_by_hand(book: Path) -> None:
    jan5, jan10, mar1 = date(2026, 1, 5), date(2026, 1, 10), date(2026, 3, 1)
    # PL1: 200 paid (Y1, Y2); #2 missed (02-23 passed with 100 of 200): broken on 02-24.
    # PL2: 300 paid by 02-28 (Y3); #2, #3 undecided when PL3 began: superseded.
    # PL3: kept (Y4 by 03-18): completed; relief 1,500.00 - 500.00; agent G2 (B2 at S2).
    # PL4: nothing due before 03-31 has passed: active. PL5: broken on 03-31.
    # Bucket at creation: of the latest snapshot on or before created_date (PL3: S2, 95 days,
    # M4; PL6: S2, 0 days, Current); none for plans agreed before their account's first one.
    assert run(book, cases.plans) == [
        ("PL1", "B1", "G1", "installment", jan5, 2, m("200.00"), m("200.00"), "broken",
         date(2026, 2, 24), None, None),
        ("PL2", "B2", "G2", "extension", jan10, 3, m("900.00"), m("300.00"), "superseded",
         None, None, None),
        ("PL3", "B2", "G2", "settlement", mar1, 1, m("500.00"), m("500.00"), "completed", None,
         m("1000.00"), "M4"),
        ("PL6", "B5", None, "installment", date(2026, 3, 5), 1, m("10.00"), m("0.00"),
         "broken", date(2026, 3, 14), None, "Current"),
        ("PL4", "B3", "G2", "installment", date(2026, 3, 20), 2, m("100.00"), m("0.00"),
         "active", None, None, None),
        ("PL5", "B4", "G1", "installment", date(2026, 3, 25), 1, m("70.00"), m("0.00"),
         "broken", date(2026, 3, 31), None, None),
    ]  # fmt: skip
    # The day before: PL5's grace ends that day (pending), PL4's first installment too.
    day_before = {r[0]: r[8] for r in run(book, cases.plans, as_of=date(2026, 3, 30))}
    assert day_before == {"PL1": "broken", "PL2": "superseded", "PL3": "completed",
                          "PL4": "active", "PL5": "active", "PL6": "broken"}  # fmt: skip
    # Before PL3 was agreed, PL2 is not superseded: active, its #2 still ahead.
    feb = {r[0]: r[8] for r in run(book, cases.plans, as_of=date(2026, 2, 28))}
    assert feb == {"PL1": "broken", "PL2": "active"}
    assert [r[0] for r in run(book, cases.plans, agents=["G2"])] == ["PL2", "PL3", "PL4"]
    assert [r[0] for r in run(book, cases.plans, teams=["T1"])] == ["PL1", "PL5"]


def test_plan_installments_by_hand(book: Path) -> None:
    rows = [(r[0], r[4], r[6], r[7], r[8], r[9]) for r in run(book, cases.plan_installments)]
    assert rows == [
        ("PL1", 1, m("100.00"), m("100.00"), m("100.00"), "kept"),
        ("PL1", 2, m("100.00"), m("200.00"), m("100.00"), "missed"),  # Y2 after 02-23
        ("PL2", 1, m("300.00"), m("300.00"), m("300.00"), "kept"),
        ("PL2", 2, m("300.00"), m("600.00"), m("300.00"), "superseded"),  # to 02-28 only
        ("PL2", 3, m("300.00"), m("900.00"), m("300.00"), "superseded"),
        ("PL3", 1, m("500.00"), m("500.00"), m("500.00"), "kept"),
        ("PL4", 1, m("50.00"), m("50.00"), m("0.00"), "pending"),
        ("PL4", 2, m("50.00"), m("100.00"), m("0.00"), "pending"),
        ("PL5", 1, m("70.00"), m("70.00"), m("0.00"), "missed"),
        ("PL6", 1, m("10.00"), m("10.00"), m("0.00"), "missed"),
    ]
    # Due in March only: PL2 #2, PL3 #1, PL4 #1, PL5 #1, PL6 #1.
    march = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    with db.connect(book) as con:
        due = [(r["plan_id"], r["installment_no"]) for r in
               cases.plan_installments(con, march).to_pylist()]  # fmt: skip
    assert due == [("PL2", 2), ("PL3", 1), ("PL4", 1), ("PL5", 1), ("PL6", 1)]


def test_plan_summary_by_hand(book: Path) -> None:
    assert run(book, cases.plan_summary) == [
        ("extension", 1, 1, 1, 1, 0, 0, m("1.000000"), m("300.00"), m("300.00")),
        ("extension", 2, 1, 0, 0, 0, 1, None, m("300.00"), m("0.00")),
        ("extension", 3, 1, 0, 0, 0, 1, None, m("300.00"), m("0.00")),
        # PL1 #1 kept, PL5 #1 and PL6 #1 missed, PL4 #1 pending: 1 of 3 decided.
        ("installment", 1, 4, 3, 1, 2, 1, m("0.333333"), m("230.00"), m("100.00")),
        ("installment", 2, 2, 1, 0, 1, 1, m("0.000000"), m("150.00"), m("0.00")),
        ("settlement", 1, 1, 1, 1, 0, 0, m("1.000000"), m("500.00"), m("500.00")),
    ]


def test_plan_summary_by_bucket_and_due_window(book: Path) -> None:
    with db.connect(book) as con:
        by_bucket = tuples(cases.plan_summary(con, ALL, by="bucket"))
        march = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
        in_march = tuples(cases.plan_summary(con, march))
    assert by_bucket == [
        # PL2: no snapshot before 01-10.
        ("extension", None, 3, 1, 1, 0, 2, m("1.000000"), m("900.00"), m("300.00")),
        ("installment", "Current", 1, 1, 0, 1, 0, m("0.000000"), m("10.00"), m("0.00")),  # PL6
        # PL1 (kept, missed), PL4 (2 pending), PL5 (missed): no snapshot before creation.
        ("installment", None, 5, 3, 1, 2, 2, m("0.333333"), m("370.00"), m("100.00")),
        ("settlement", "M4", 1, 1, 1, 0, 0, m("1.000000"), m("500.00"), m("500.00")),  # PL3
    ]
    assert in_march == [
        ("extension", 2, 1, 0, 0, 0, 1, None, m("300.00"), m("0.00")),  # PL2 #2 superseded
        # PL4 #1 pending, PL5 #1 and PL6 #1 missed.
        ("installment", 1, 3, 2, 0, 2, 1, m("0.000000"), m("130.00"), m("0.00")),
        ("settlement", 1, 1, 1, 1, 0, 0, m("1.000000"), m("500.00"), m("500.00")),
    ]


def test_a_due_window_that_ends_before_it_starts_is_refused(book: Path) -> None:
    backwards = Filters(date_from=date(2026, 3, 31), date_to=date(2026, 3, 1))
    with db.connect(book) as con:
        for report in (cases.plan_summary, cases.plan_installments):
            with pytest.raises(ReportError, match="--from 2026-03-31 is after --to 2026-03-01"):
                report(con, backwards)


def test_broken_plans_by_hand(book: Path) -> None:
    # PL1: both installments' grace has passed: 200 due, 200 paid (Y2 late): nothing overdue.
    # PL5: 70 due, nothing paid. No personal data in this book's snapshots.
    assert run(book, cases.broken_plans) == [
        ("PL1", "B1", None, None, "G1", "installment", date(2026, 1, 5), date(2026, 2, 24),
         m("200.00"), m("200.00"), m("0.00")),
        ("PL6", "B5", None, None, None, "installment", date(2026, 3, 5), date(2026, 3, 14),
         m("10.00"), m("0.00"), m("10.00")),
        ("PL5", "B4", None, None, "G1", "installment", date(2026, 3, 25), date(2026, 3, 31),
         m("70.00"), m("0.00"), m("70.00")),
    ]  # fmt: skip
