"""The KPI breakdowns (dashboard/engine/kpi_breakdowns.py, recovery by region) on a hand-built
world with regions, payment channels and personal data.

Snapshots S1 2026-01-31, S2 2026-02-28. Agents G1 (Gao, T1), G2 (Hu, T1), G3 (Li, T2).

    acct portfolio placed             S1 (bal, dpd, agent, region)   S2
    C1   P1  2025-12-01  1000.00      900.00 10 M1 G1 North          800.00  0 Current G1 (blank)
    C2   P1  2025-12-01   500.00      500.00 40 M2 G2 South          500.00 70 M3 G3 South
    C3   P2  2026-01-10  2000.00     2000.00  0 Current G3 North       0.00  0 paid_in_full G3
    C4   P2  2025-11-15   300.00      300.00 45 M2 G1 (blank)        (missing)
    C5   P1  2026-02-05   700.00      (new in S2)                    700.00  5 M1 G2 South

    Current agent (latest snapshot): C1 G1, C2 G3, C3 G3, C4 G1, C5 G2. Region (the latest
    snapshot's that gives one): C1 North (S2 gives none), C2 South, C3 North, C4 none, C5 South.

    payment                          agent given   credited to      channel
    Y8  C4 2025-12-20    30.00       G1            G1               card
    Y1  C1 2026-01-15   100.00       -             G1 (earliest S1)  card
    Y5  C3 2026-01-20  2000.00       G3            G3               bank_transfer
    Y2  C1 2026-02-10   200.00       G3            G3               cash
    Y3  C2 2026-02-20    50.00       -             G2 (S1's agent)  bank_transfer
    Y4  C2 2026-02-25   -50.00       - reverses Y3 G2               (none)
    Y6  C5 2026-02-06    70.00       -             G2 (earliest S2)  wallet
    Y7  CX 2026-02-01   999.00       G1            orphan: CX is in no snapshot, counted nowhere

    contact                              channel outcome
    K1  C1 G1 2026-01-05 10:00           call    no_answer
    K2  C1 G1 2026-01-06 11:00           call    right_party
    K3  C2 G2 2026-02-01 09:00           sms     no_answer
    K4  C2 G3 2026-02-15 10:00           call    promise_to_pay 100.00 by 2026-02-20: C2 gets
                                                 50.00 from Feb 15 to Feb 23: not kept
    K5  C4 G1 2026-02-28 21:00           call    right_party
    K6  CY G2 2026-02-10 10:00           visit   refused (CY is in no snapshot)
    K7  C3 G3 2026-03-01 09:00           call    no_answer
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from dashboard import db
from dashboard.engine import kpi_breakdowns, kpis
from dashboard.engine.kpi_common import Filters, ReportError
from dashboard.ingest.importer import FileSpec, import_files
from tests.kpi_fixtures import write_rows

S1, S2 = "2026-01-31", "2026-02-28"
D1, D2 = date(2026, 1, 31), date(2026, 2, 28)
FEB = {"date_from": date(2026, 2, 1), "date_to": D2}
ACCOUNT_COLUMNS = ("account_id", "as_of_date", "portfolio", "placement_date", "placed_balance",
                   "current_balance", "days_past_due", "agent_id", "status", "region",
                   "customer_name", "phone")  # fmt: skip
ACCOUNTS = [
    ("C1", S1, "P1", "2025-12-01", "1000.00", "900.00", 10, "G1", "open", "North"),
    ("C2", S1, "P1", "2025-12-01", "500.00", "500.00", 40, "G2", "open", "South"),
    ("C3", S1, "P2", "2026-01-10", "2000.00", "2000.00", 0, "G3", "open", "North"),
    ("C4", S1, "P2", "2025-11-15", "300.00", "300.00", 45, "G1", "open", None),
    ("C1", S2, "P1", "2025-12-01", "1000.00", "800.00", 0, "G1", "open", None),
    ("C2", S2, "P1", "2025-12-01", "500.00", "500.00", 70, "G3", "open", "South"),
    ("C3", S2, "P2", "2026-01-10", "2000.00", "0.00", 0, "G3", "paid_in_full", "North"),
    ("C5", S2, "P1", "2026-02-05", "700.00", "700.00", 5, "G2", "open", "South"),
]
# customer_name, phone in clear in the extract (the importer masks them before storing).
PERSONAL = {
    "C1": ("王五", "13900001111"),
    "C2": ("欧阳娜娜", "13812341234"),
    "C3": ("李四", "13700002222"),
    "C4": ("赵六", "13600003333"),
    "C5": ("孙七", "13500004444"),
}
PAYMENT_COLUMNS = ("payment_id", "account_id", "payment_date", "amount", "agent_id",
                   "reverses_payment_id", "channel")  # fmt: skip
PAYMENTS = [
    ("Y8", "C4", "2025-12-20", "30.00", "G1", None, "card"),
    ("Y1", "C1", "2026-01-15", "100.00", None, None, "card"),
    ("Y5", "C3", "2026-01-20", "2000.00", "G3", None, "bank_transfer"),
    ("Y2", "C1", "2026-02-10", "200.00", "G3", None, "cash"),
    ("Y3", "C2", "2026-02-20", "50.00", None, None, "bank_transfer"),
    ("Y4", "C2", "2026-02-25", "-50.00", None, "Y3", None),
    ("Y6", "C5", "2026-02-06", "70.00", None, None, "wallet"),
    ("Y7", "CX", "2026-02-01", "999.00", "G1", None, "card"),
]
AGENTS = [("G1", "Gao", "T1"), ("G2", "Hu", "T1"), ("G3", "Li", "T2")]
CONTACT_COLUMNS = ("contact_id", "account_id", "agent_id", "contacted_at", "channel", "outcome",
                   "promise_amount", "promise_date")  # fmt: skip
CONTACTS = [
    ("K1", "C1", "G1", "2026-01-05 10:00:00", "call", "no_answer"),
    ("K2", "C1", "G1", "2026-01-06 11:00:00", "call", "right_party"),
    ("K3", "C2", "G2", "2026-02-01 09:00:00", "sms", "no_answer"),
    ("K4", "C2", "G3", "2026-02-15 10:00:00", "call", "promise_to_pay", "100.00", "2026-02-20"),
    ("K5", "C4", "G1", "2026-02-28 21:00:00", "call", "right_party"),
    ("K6", "CY", "G2", "2026-02-10 10:00:00", "visit", "refused"),
    ("K7", "C3", "G3", "2026-03-01 09:00:00", "call", "no_answer"),
]


def m(text: str) -> Decimal:
    return Decimal(text)


def q(n: int | str, d: int | str) -> Decimal:
    return (Decimal(n) / Decimal(d)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def rows(table: pa.Table) -> list[tuple]:
    return [tuple(r.values()) for r in table.to_pylist()]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("breakdowns")
    specs = [FileSpec(write_rows(folder / "agents.csv", ("agent_id", "agent_name", "team"),
                                 AGENTS), "agents")]  # fmt: skip
    for as_of in (S1, S2):
        mine = [(*r, *PERSONAL[r[0]]) for r in ACCOUNTS if r[1] == as_of]
        path = write_rows(folder / f"accounts_{as_of}.csv", ACCOUNT_COLUMNS, mine)
        specs.append(FileSpec(path, "accounts"))
    specs.append(FileSpec(write_rows(folder / "payments.csv", PAYMENT_COLUMNS, PAYMENTS)))
    specs.append(FileSpec(write_rows(folder / "contacts.csv", CONTACT_COLUMNS, CONTACTS)))
    path = folder / "world.duckdb"
    result = import_files(specs, db_path=path)
    assert result.committed and not any(f.rows_refused for f in result.files), result.message
    return path


# -- collections ---------------------------------------------------------------------------


def test_collections_per_month(world: Path) -> None:
    with db.connect(world) as con:
        table = kpi_breakdowns.collections(con)
    # Dec Y8 30; Jan Y1 100 + Y5 2000; Feb Y2 200 + Y3 50 + Y4 -50 + Y6 70 = 270. Y7: orphan.
    assert table.column_names == ["month", "collected", "payments"]
    assert rows(table) == [
        (date(2025, 12, 1), m("30.00"), 1),
        (date(2026, 1, 1), m("2100.00"), 2),
        (date(2026, 2, 1), m("270.00"), 4),
    ]


def test_collections_per_month_and_portfolio_and_in_total(world: Path) -> None:
    with db.connect(world) as con:
        both = kpi_breakdowns.collections(con, by=("portfolio", "month"))
        total = kpi_breakdowns.collections(con, by=())
        p1 = kpi_breakdowns.collections(con, Filters(portfolios=["P1"]), by=("portfolio",))
    # P1 = C1, C2, C5; P2 = C3, C4. Columns come in the fixed order month, portfolio.
    assert both.column_names == ["month", "portfolio", "collected", "payments"]
    assert rows(both) == [
        (date(2025, 12, 1), "P2", m("30.00"), 1),
        (date(2026, 1, 1), "P1", m("100.00"), 1),
        (date(2026, 1, 1), "P2", m("2000.00"), 1),
        (date(2026, 2, 1), "P1", m("270.00"), 4),
    ]
    assert rows(total) == [(m("2400.00"), 7)]
    # P1: Y1 100 + Y2 200 + Y3 50 + Y4 -50 + Y6 70 = 370.00 in 5 payments.
    assert rows(p1) == [("P1", m("370.00"), 5)]


def test_collections_per_channel_in_a_window(world: Path) -> None:
    with db.connect(world) as con:
        table = kpi_breakdowns.collections(con, Filters(**FEB), by=("channel",))
    # Feb: Y3 bank_transfer 50, Y2 cash 200, Y6 wallet 70, Y4 without a channel -50 (last).
    assert rows(table) == [
        ("bank_transfer", m("50.00"), 1),
        ("cash", m("200.00"), 1),
        ("wallet", m("70.00"), 1),
        (None, m("-50.00"), 1),
    ]


def test_collections_per_agent_and_team_current_or_credited(world: Path) -> None:
    with db.connect(world) as con:
        current = kpi_breakdowns.collections(con, Filters(**FEB), by=("agent", "team"))
        credited = kpi_breakdowns.collections(
            con, Filters(**FEB), by=("agent", "team"), credited=True
        )
        t2 = kpi_breakdowns.collections(con, Filters(**FEB, teams=["T2"]), by=())
        t2_credited = kpi_breakdowns.collections(
            con, Filters(**FEB, teams=["T2"]), by=(), credited=True
        )
        g1 = kpi_breakdowns.collections(con, Filters(agents=["G1"]), by=())
    # The account's current agent: Y2 on C1 -> G1; Y6 on C5 -> G2; Y3, Y4 on C2 -> G3.
    assert rows(current) == [
        ("G1", "T1", m("200.00"), 1),
        ("G2", "T1", m("70.00"), 1),
        ("G3", "T2", m("0.00"), 2),
    ]
    # Credited: Y3, Y4 (follows Y3), Y6 -> G2 = 70.00; Y2 -> G3 (given) = 200.00.
    assert rows(credited) == [("G2", "T1", m("70.00"), 3), ("G3", "T2", m("200.00"), 1)]
    assert rows(t2) == [(m("0.00"), 2)]
    assert rows(t2_credited) == [(m("200.00"), 1)]
    # Everything on G1's current accounts C1 and C4: Y8 30 + Y1 100 + Y2 200.
    assert rows(g1) == [(m("330.00"), 3)]


def test_collections_refuses_bad_input(world: Path) -> None:
    with db.connect(world) as con:
        with pytest.raises(ReportError, match="unknown dimension region"):
            kpi_breakdowns.collections(con, by=("month", "region"))
        with pytest.raises(ReportError, match="after"):
            kpi_breakdowns.collections(con, Filters(date_from=D2, date_to=D1))
        with pytest.raises(ReportError, match="unknown portfolio P9"):
            kpi_breakdowns.collections(con, Filters(portfolios=["P9"]))


# -- recovery by region --------------------------------------------------------------------


def test_recovery_by_region(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.recovery(con, by="region")
        jan = kpis.recovery(con, Filters(date_to=D1), by="region")
        t1 = kpis.recovery(con, Filters(teams=["T1"]), by="region")
    # North: C1 (its region from S1, S2 gives none) + C3: placed 3000, collected C1 100 + 200,
    #   C3 2000 = 2300; 2300/3000 = 0.7666666 -> 0.766667.
    # South: C2 + C5: placed 1200, collected C2 50 - 50, C5 70 = 70; 70/1200 = 0.058333.
    # No region: C4, placed 300, collected 30.
    assert table.column_names == [
        "region", "accounts", "placed_balance", "collected", "recovery_rate"
    ]  # fmt: skip
    assert rows(table) == [
        ("North", 2, m("3000.00"), m("2300.00"), m("0.766667")),
        ("South", 2, m("1200.00"), m("70.00"), q(70, 1200)),
        (None, 1, m("300.00"), m("30.00"), m("0.100000")),
    ]
    # To Jan 31: C5 (placed Feb 5) is left out, and the February payments.
    assert rows(jan) == [
        ("North", 2, m("3000.00"), m("2100.00"), m("0.700000")),
        ("South", 1, m("500.00"), m("0.00"), m("0.000000")),
        (None, 1, m("300.00"), m("30.00"), m("0.100000")),
    ]
    # T1: accounts whose current agent is G1 or G2: C1, C4, C5.
    assert rows(t1) == [
        ("North", 1, m("1000.00"), m("300.00"), m("0.300000")),
        ("South", 1, m("700.00"), m("70.00"), m("0.100000")),
        (None, 1, m("300.00"), m("30.00"), m("0.100000")),
    ]


def test_recovery_by_portfolio_is_unchanged_and_by_is_checked(world: Path) -> None:
    with db.connect(world) as con:
        assert kpis.recovery(con).column_names[0] == "portfolio"
        # P1: C1 + C2 + C5 placed 2200, collected 300 + 0 + 70; P2: C3 + C4 2300, 2030.
        assert rows(kpis.recovery(con, by="portfolio")) == [
            ("P1", 3, m("2200.00"), m("370.00"), q(370, 2200)),
            ("P2", 2, m("2300.00"), m("2030.00"), q(2030, 2300)),
        ]
        with pytest.raises(ReportError, match="unknown grouping 'channel'"):
            kpis.recovery(con, by="channel")


# -- contact mix ---------------------------------------------------------------------------


def test_contact_mix(world: Path) -> None:
    with db.connect(world) as con:
        default = kpi_breakdowns.contact_mix(con)  # the latest snapshot's month: February
        jan = kpi_breakdowns.contact_mix(con, Filters(date_from=date(2026, 1, 1), date_to=D1))
        p1 = kpi_breakdowns.contact_mix(con, Filters(**FEB, portfolios=["P1"]))
        t1 = kpi_breakdowns.contact_mix(con, Filters(**FEB, teams=["T1"]))
    # February: K3, K4, K5 (21:00 on the window's last day counts), K6 (account in no
    # snapshot: counted without a portfolio filter). K7 is in March.
    assert rows(default) == [
        ("call", "promise_to_pay", 1),
        ("call", "right_party", 1),
        ("sms", "no_answer", 1),
        ("visit", "refused", 1),
    ]
    assert rows(jan) == [("call", "no_answer", 1), ("call", "right_party", 1)]
    assert rows(p1) == [("call", "promise_to_pay", 1), ("sms", "no_answer", 1)]  # K3, K4 on C2
    # Made by G1 or G2: K3 (G2), K5 (G1), K6 (G2).
    assert rows(t1) == [
        ("call", "right_party", 1),
        ("sms", "no_answer", 1),
        ("visit", "refused", 1),
    ]


# -- roll accounts -------------------------------------------------------------------------

ROLL_COLUMNS = ["from_date", "to_date", "account_id", "portfolio", "agent_id", "team",
                "from_bucket", "to_state", "days_past_due", "next_days_past_due",
                "current_balance", "next_current_balance", "next_status", "customer_name",
                "phone"]  # fmt: skip
# Open in S1: C1 M1 -> Current; C2 M2 -> M3; C3 Current -> Closed (paid_in_full, 0 balance);
# C4 M2 -> Missing. Personal data as stored: masked by the importer (one rule: at least half
# and at least 4 characters hidden, all of a value of 4 or fewer).
C1 = (D1, D2, "C1", "P1", "G1", "T1", "M1", "Current", 10, 0, m("900.00"), m("800.00"), "open",
      "**", "1******1111")  # fmt: skip
C2 = (D1, D2, "C2", "P1", "G2", "T1", "M2", "M3", 40, 70, m("500.00"), m("500.00"), "open",
      "****", "1******1234")  # fmt: skip
C3 = (D1, D2, "C3", "P2", "G3", "T2", "Current", "Closed", 0, 0, m("2000.00"), m("0.00"),
      "paid_in_full", "**", "1******2222")  # fmt: skip
C4 = (D1, D2, "C4", "P2", "G1", "T1", "M2", "Missing", 45, None, m("300.00"), None, None, "**",
      "1******3333")  # fmt: skip


def test_roll_accounts_of_the_latest_pair(world: Path) -> None:
    with db.connect(world) as con:
        table = kpi_breakdowns.roll_accounts(con)
        same = kpi_breakdowns.roll_accounts(con, Filters(as_of=date(2026, 3, 15)))
    assert table.column_names == ROLL_COLUMNS
    assert rows(table) == [C1, C2, C3, C4]
    assert same.equals(table)


def test_roll_accounts_of_one_cell_and_filters(world: Path) -> None:
    with db.connect(world) as con:
        cell = kpi_breakdowns.roll_accounts(con, from_bucket="M2", to_state="M3")
        m2 = kpi_breakdowns.roll_accounts(con, from_bucket="M2")
        missing = kpi_breakdowns.roll_accounts(con, to_state="Missing")
        g2 = kpi_breakdowns.roll_accounts(con, Filters(agents=["G2"]))  # the agent in S1
        t2 = kpi_breakdowns.roll_accounts(con, Filters(teams=["T2"]))
        p2 = kpi_breakdowns.roll_accounts(con, Filters(portfolios=["P2"]))
        empty = kpi_breakdowns.roll_accounts(con, from_bucket="M7+", to_state="Closed")
    assert rows(cell) == [C2]
    assert rows(m2) == [C2, C4]
    assert rows(missing) == [C4]
    assert rows(g2) == [C2]
    assert rows(t2) == [C3]
    assert rows(p2) == [C3, C4]
    assert empty.num_rows == 0 and empty.column_names == ROLL_COLUMNS


def test_roll_accounts_add_up_to_the_roll_matrix(world: Path) -> None:
    with db.connect(world) as con:
        matrix = kpis.roll_rates(con, Filters(date_from=D2, date_to=D2))
        accounts = kpi_breakdowns.roll_accounts(con).to_pylist()
    cells = {(r["from_bucket"], r["to_state"]): r["accounts"] for r in matrix.to_pylist()}
    counted: dict[tuple[str, str], int] = {}
    for r in accounts:
        counted[(r["from_bucket"], r["to_state"])] = (
            counted.get((r["from_bucket"], r["to_state"]), 0) + 1
        )
    assert counted == cells


@pytest.mark.parametrize(
    ("filters", "options", "message"),
    [
        (Filters(as_of=D1), {}, "no snapshot before 2026-01-31: no pair of snapshots ends there"),
        (Filters(as_of=date(2025, 6, 30)), {}, "no snapshot on or before 2025-06-30"),
        (Filters(), {"from_bucket": "Closed"}, "unknown bucket Closed"),
        (Filters(), {"to_state": "Gone"}, "unknown state Gone"),
        (Filters(agents=["G9"]), {}, "unknown agent G9"),
    ],
)
def test_roll_accounts_refuses_bad_input(
    world: Path, filters: Filters, options: dict, message: str
) -> None:
    with db.connect(world) as con, pytest.raises(ReportError, match=message):
        kpi_breakdowns.roll_accounts(con, filters, **options)


# -- teams ---------------------------------------------------------------------------------


def test_teams_sum_the_agents_report(world: Path) -> None:
    with db.connect(world) as con:
        table = kpi_breakdowns.teams(con, Filters(**FEB))
        t2 = kpi_breakdowns.teams(con, Filters(**FEB, teams=["T2"]))
    # Per agent in February (S2 is the window's latest snapshot):
    #   G1: assigned C1; credited nothing; contacts K5 (right-party).
    #   G2: assigned C5; credited Y3 50 + Y4 -50 (C2: net 0, not paying) + Y6 70 (C5 paying);
    #       contacts K3 (no answer), K6 (refused: right-party).
    #   G3: assigned C2, C3; credited Y2 200 (C1 paying); contact K4, a promise not kept.
    # T1 = G1 + G2: 2 agents, 2 assigned, 70.00, 1 paying, 3 contacts, 2 right-party (2/3),
    #   no promise (kept_rate empty). T2 = G3.
    assert table.column_names == [
        "team", "agents", "accounts_assigned", "collected", "paying_accounts", "contacts",
        "right_party_contacts", "rpc_rate", "promises", "promises_kept", "kept_rate",
    ]  # fmt: skip
    assert rows(table) == [
        ("T1", 2, 2, m("70.00"), 1, 3, 2, m("0.666667"), 0, 0, None),
        ("T2", 1, 2, m("200.00"), 1, 1, 1, m("1.000000"), 1, 0, m("0.000000")),
    ]
    assert rows(t2) == rows(table)[1:]


def test_team_summary_by_hand() -> None:
    agents = pa.table(
        {
            "agent_id": ["A", "B", "C", "D"],
            "team": ["T2", "T1", "T2", None],  # D is on no roster
            "accounts_assigned": [None, None, None, None],  # no snapshot in the window
            "collected": pa.array(
                [m("10.00"), m("-5.50"), m("0.01"), m("1.00")], pa.decimal128(18, 2)
            ),
            "paying_accounts": [1, 0, 1, 1],
            "contacts": [3, 0, 4, 0],
            "right_party_contacts": [1, 0, 1, 0],
            "promises": [2, 0, 1, 0],
            "promises_kept": [1, 0, 0, 0],
        }
    )
    # T2 = A + C: 10.01 collected, 2/7 right-party = 0.2857142 -> 0.285714, 1/3 kept.
    assert rows(kpi_breakdowns.team_summary(agents)) == [
        ("T1", 1, None, m("-5.50"), 0, 0, 0, None, 0, 0, None),
        ("T2", 2, None, m("10.01"), 2, 7, 2, m("0.285714"), 3, 1, m("0.333333")),
        (None, 1, None, m("1.00"), 1, 0, 0, None, 0, 0, None),
    ]


# -- roll summary --------------------------------------------------------------------------


def test_roll_summary_of_the_world(world: Path) -> None:
    with db.connect(world) as con:
        table = kpi_breakdowns.roll_summary(con)
    # S1 -> S2: Current C3 -> Closed (not worse); M1 C1 -> Current (cured);
    # M2 C2 -> M3 (worse), C4 -> Missing (neither worse nor cured).
    assert rows(table) == [
        (D1, D2, "Current", 1, 0, m("0.000000"), 0, None),
        (D1, D2, "M1", 1, 0, m("0.000000"), 1, m("1.000000")),
        (D1, D2, "M2", 2, 1, m("0.500000"), 0, m("0.000000")),
    ]


def test_roll_summary_of_by_hand() -> None:
    d0, d1, d2 = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)
    roll = pa.table(
        {
            "from_date": [d1, d0, d0, d0, d0, d0],
            "to_date": [d2, d1, d1, d1, d1, d1],
            "from_bucket": ["M1", "M7+", "M1", "M1", "M1", "Current"],
            "to_state": ["M2", "M7+", "M2", "Current", "Closed", "M1"],
            "accounts": [3, 4, 2, 1, 1, 5],
            "direction": ["worse", "same", "worse", "better", "closed", "worse"],
            "cured_accounts": [0, 0, 0, 1, 1, 0],
        }
    )
    # Ordered by pair, then by the buckets' order (Current, M1 ... M7+), not alphabetically.
    # Jan->Feb M1: 4 accounts, 2 worse (0.5), 2 cured (0.5). Current: 5 of 5 worse, no cure
    # rate (the first bucket is not delinquent). M7+ cannot get worse.
    assert rows(kpi_breakdowns.roll_summary_of(roll)) == [
        (d0, d1, "Current", 5, 5, m("1.000000"), 0, None),
        (d0, d1, "M1", 4, 2, m("0.500000"), 2, m("0.500000")),
        (d0, d1, "M7+", 4, 0, m("0.000000"), 0, m("0.000000")),
        (d1, d2, "M1", 3, 3, m("1.000000"), 0, m("0.000000")),
    ]
