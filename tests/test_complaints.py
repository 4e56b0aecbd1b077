"""The complaints report (README.md, Reports; domain.md, "complaints") on a hand-made book whose
figures are worked out below."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dashboard import db, reports
from dashboard.engine.kpi_common import Filters
from tests.kpi_fixtures import build_db
from tests.test_kpi_properties import tuples

m = Decimal
AGENTS = [("G1", "Ann", "T1"), ("G2", "Bo", "T1"), ("G3", "Cy", "T2")]
ACCOUNTS = [
    ("A1", "2026-02-28", "P1", "2025-10-01", "100.00", "100.00", 40, "G1", "open"),
    ("A2", "2026-02-28", "P2", "2025-10-01", "100.00", "100.00", 40, "G3", "open"),
    ("A1", "2026-03-31", "P1", "2025-10-01", "100.00", "100.00", 40, "G2", "open"),
    ("A2", "2026-03-31", "P2", "2025-10-01", "100.00", "100.00", 40, "G3", "open"),
    # A3: G3's in February, nobody's in March.
    ("A3", "2026-02-28", "P3", "2025-10-01", "100.00", "100.00", 40, "G3", "open"),
    ("A3", "2026-03-31", "P3", "2025-10-01", "100.00", "100.00", 40, "", "open"),
]
CONTACTS = [(f"K{i}", "A1", "G1", f"2026-03-{i:02d}T10:00:00", "call", "no_answer")
            for i in range(1, 5)] + [  # G1: 4 contacts in March
    ("K9", "A2", "G3", "2026-03-02T10:00:00", "call", "right_party"),  # G3: 1
]  # fmt: skip
COMPLAINTS = [
    # March, G1 given: resolved in 10 h, upheld; resolved in 25 h 30 min; unresolved.
    ("Q1", "A1", "G1", "2026-03-02T08:00:00", "harassment", "2026-03-02T18:00:00", "true"),
    ("Q2", "A1", "G1", "2026-03-05T08:00:00", "privacy", "2026-03-06T09:30:00", "false"),
    ("Q3", "A1", "G1", "2026-03-20T08:00:00", "service", "", ""),
    # No agent given, received 03-10 on A1: A1's latest snapshot on or before is 02-28 (G1).
    ("Q4", "A1", "", "2026-03-10T08:00:00", "other", "2026-03-10T09:00:00", ""),
    # February, G3: still open at the end of March, received > 15 days before: overdue.
    ("Q5", "A2", "G3", "2026-02-10T08:00:00", "amount_dispute", "", ""),
    # No agent given, on A3 on 03-31: its latest snapshot has no agent, so the complaint has
    # none (as for payments); February's G3 does not stand in. Portfolio P3 only.
    ("Q6", "A3", "", "2026-03-31T08:00:00", "service", "2026-03-31T09:00:00", "false"),
]  # fmt: skip


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("complaints"),
        accounts=ACCOUNTS,
        agents=AGENTS,
        contacts=CONTACTS,
        complaints=COMPLAINTS,
    )


def run(book: Path, **filters) -> list[tuple]:  # type: ignore[no-untyped-def]
    with db.connect(book) as con:
        return tuples(reports.run(con, "complaints", Filters(**filters)))


def test_complaints_by_hand(book: Path) -> None:
    # March (the default window: the latest snapshot's month). G1: Q1, Q2, Q3, Q4 (4), per
    # 1,000 of 4 contacts = 1000.0; upheld Q1; resolved Q1 10 h, Q4 1 h, Q2 25.5 h: median
    # 10.0. G3: Q5 is February's, open past 15 days at 03-31: overdue; 1 contact.
    # T1 is G1's; T2 is G3's; total: 4 complaints, 5 contacts, 800.0 per 1,000.
    assert run(book, portfolios=["P1", "P2"]) == [
        ("agent", "G1", 4, 4, m("1000.0"), 1, m("10.0"), 0),
        ("agent", "G3", 0, 1, m("0.0"), 0, None, 1),
        ("team", "T1", 4, 4, m("1000.0"), 1, m("10.0"), 0),
        ("team", "T2", 0, 1, m("0.0"), 0, None, 1),
        ("total", None, 4, 5, m("800.0"), 1, m("10.0"), 1),
    ]
    # February: Q5 (G3, no contact in February: no rate), open at the end of 02-28, received
    # 18 days before (more than 15): overdue already.
    assert run(book, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)) == [
        ("agent", "G3", 1, 0, None, 0, None, 1),
        ("team", "T2", 1, 0, None, 0, None, 1),
        ("total", None, 1, 0, None, 0, None, 1),
    ]
    # To 02-24: received 02-10, 15 days before the end of 02-24 is 02-10 00:00: 08:00 is after
    # it, not yet overdue; to 02-25 it is.
    feb24 = run(book, date_from=date(2026, 2, 1), date_to=date(2026, 2, 24))
    assert feb24[-1] == ("total", None, 1, 0, None, 0, None, 0)
    feb25 = run(book, date_from=date(2026, 2, 1), date_to=date(2026, 2, 25))
    assert feb25[-1] == ("total", None, 1, 0, None, 0, None, 1)
    # Q3 (03-20) is 11 days old at 03-31: not yet overdue; with Q2 and Q4 resolved in the
    # window, the median of Q4 1 h, Q1 10 h, Q2 25.5 h is still 10.0. Portfolio P2: Q5 only.
    assert run(book, portfolios=["P2"])[0] == ("agent", "G3", 0, 1, m("0.0"), 0, None, 1)
    # P3: Q6 counts for no agent: no G3 row; no contact on P3's accounts.
    assert run(book, portfolios=["P3"]) == [
        ("agent", None, 1, 0, None, 0, m("1.0"), 0),
        ("team", None, 1, 0, None, 0, m("1.0"), 0),
        ("total", None, 1, 0, None, 0, m("1.0"), 0),
    ]
