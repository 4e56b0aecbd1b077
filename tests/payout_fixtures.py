"""A small collections world for the payout tests, loaded through the real importer.

Agents (plans in tests/data/plans/scenario.yaml):
    A1 王小明  T1  (blank: standard 2%)
    A2 Bob     T1  ladder: tasks 0:1.5% / 2:2% / 3:3% retroactive, early bonus 50.00 for
                   1,000.00 reached 7 days before month end, cap 100.00, compliance
                   0.1 per violation, 0.2 per complaint, floor 0.5
    A3 =Carol+1 T2 standard (a name that looks like a formula: exports must neutralise it)
    A4 Dan     T1  standard, no activity at all
    A5 Eve     T2  standard: a deficit carried over two periods
Team T1 has a pool of 1% when its net collected reaches 1,600.00; T2 has no pool.

Snapshots: 2026-08-31 (C1, C2 -> A1; C3, C4, C5 -> A2; C6 -> A3; C7 -> A1; C8 -> A5) and
2026-09-30 (the same, but C7 -> A3). Account CX is in no snapshot (its payment is an orphan).

Payments (blank agent = the crediting rule decides):
    P17 C1 2026-08-15   100.00 blank        -> A1 (before any snapshot: the earliest one's)
    P1  C1 2026-09-10  1000.00 blank        -> A1 (snapshot 08-31)
    P2  C1 2026-10-03 -1000.00 reverses P1  -> A1 (the reversed payment's agent), in October
    P3  C3 2026-10-05   600.00 blank        -> A2
    P4  C4 2026-10-20   300.00 blank        -> A2
    P5  C5 2026-10-24   200.00 blank        -> A2 (cumulative 1,100.00 on Oct 24)
    P6  C6 2026-10-10   500.00 blank        -> A3
    P7  C2 2026-10-15  1500.00 A1           -> A1 (given)
    P8  CX 2026-10-12   999.00 A1           -> orphan: in no basis until CX arrives
    P9  C7 2026-10-05   100.00 blank        -> A3 (snapshot 09-30, not 08-31's A1)
    P10 C8 2026-09-05   500.00 blank        -> A5
    P15 C8 2026-09-20   500.00 blank        -> A5
    P11 C8 2026-10-02  -500.00 reverses P10 -> A5
    P12 C8 2026-10-04  -500.00 reverses P15 -> A5 (October basis -1,000.00)
    P13 C8 2026-11-05   250.00 blank        -> A5
    P14 C8 2027-01-05  1000.00 blank        -> A5

Contacts in October: A2 one call at 23:15 (after 22:00: a violation under the cn preset) and
one complaint; A1 one ordinary call. A September call of A2 at 23:30 must not count in October.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.ingest.importer import FileSpec, import_files
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.values import Period

PLANS_DIR = Path(__file__).resolve().parent / "data" / "plans"
SCENARIO_PLANS = PLANS_DIR / "scenario.yaml"

AGENTS = """agent_id,agent_name,team,plan,hire_date,active
A1,王小明,T1,,2020-01-01,true
A2,Bob,T1,ladder,2020-01-01,true
A3,=Carol+1,T2,standard,2020-01-01,true
A4,Dan,T1,standard,2020-01-01,true
A5,Eve,T2,,2020-01-01,true
"""

ACCOUNT_HEADER = (
    "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,"
    "days_past_due,agent_id\n"
)


def accounts(as_of: str, owners: dict[str, str]) -> str:
    """An accounts snapshot: one account per (account_id -> agent_id)."""
    rows = [
        f"{acc},{as_of},BANK_A,2026-01-15,5000.00,4000.00,45,{ag}" for acc, ag in owners.items()
    ]
    return ACCOUNT_HEADER + "\n".join(rows) + "\n"


OWNERS_AUG = {
    "C1": "A1",
    "C2": "A1",
    "C3": "A2",
    "C4": "A2",
    "C5": "A2",
    "C6": "A3",
    "C7": "A1",
    "C8": "A5",
}
OWNERS_SEP = OWNERS_AUG | {"C7": "A3"}

PAYMENTS = """payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id
P1,C1,2026-09-10,1000.00,,bank_transfer,
P2,C1,2026-10-03,-1000.00,,bank_transfer,P1
P3,C3,2026-10-05,600.00,,card,
P4,C4,2026-10-20,300.00,,card,
P5,C5,2026-10-24,200.00,,cash,
P6,C6,2026-10-10,500.00,,wallet,
P7,C2,2026-10-15,1500.00,A1,bank_transfer,
P8,CX,2026-10-12,999.00,A1,bank_transfer,
P9,C7,2026-10-05,100.00,,card,
P10,C8,2026-09-05,500.00,,card,
P11,C8,2026-10-02,-500.00,,card,P10
P12,C8,2026-10-04,-500.00,,card,P15
P13,C8,2026-11-05,250.00,,card,
P14,C8,2027-01-05,1000.00,,card,
P15,C8,2026-09-20,500.00,,card,
P17,C1,2026-08-15,100.00,,cash,
"""

CONTACTS = """\
contact_id,account_id,agent_id,contacted_at,channel,outcome,promise_amount,promise_date
K1,C3,A2,2026-10-06 23:15:00,call,right_party,,
K2,C4,A2,2026-10-07 10:00:00,call,complaint,,
K3,C1,A1,2026-10-08 11:00:00,call,right_party,,
K4,C3,A2,2026-09-15 23:30:00,call,no_answer,,
"""


def import_texts(db_path: Path, folder: Path, files: dict[str, tuple[str, str]]) -> None:
    """Write {file name: (kind, text)} under ``folder`` and import them in one import."""
    folder.mkdir(parents=True, exist_ok=True)
    specs = []
    for name, (kind, text) in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        specs.append(FileSpec(path, kind))
    result = import_files(specs, db_path=db_path, user="tester")
    assert result.committed, result.message
    for f in result.files:
        assert f.rows_refused == 0, (f.file_name, f.problems)


def build_scenario(folder: Path) -> Path:
    """The scenario database under ``folder``; returns its path."""
    db_path = folder / "payouts.duckdb"
    import_texts(
        db_path,
        folder / "csv",
        {
            "agents.csv": ("agents", AGENTS),
            "accounts_0831.csv": ("accounts", accounts("2026-08-31", OWNERS_AUG)),
            "accounts_0930.csv": ("accounts", accounts("2026-09-30", OWNERS_SEP)),
            "payments.csv": ("payments", PAYMENTS),
            "contacts.csv": ("contacts", CONTACTS),
        },
    )
    return db_path


def close_through(
    db_path: Path,
    period: Period,
    book: PlanBook,
    *,
    preparer: str = "Wang Wei",
    approver: str = "Li Na",
    preset: str = "cn",
) -> list[Period]:
    """Prepare (``preparer``) and approve (``approver``) every period with payouts up to
    ``period``, oldest first, as finance closes the books (four eyes, in order); returns them."""
    from dashboard import db
    from dashboard.payouts import service

    with db.connect(db_path) as con:
        todo = service.periods_to_approve(con, period)
        for p in todo:
            service.prepare_period(con, p, book, preparer, preset)
            service.approve_period(con, p, approver)
    return todo
