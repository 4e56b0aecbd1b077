"""Building small KPI test databases through the real importer, from rows written as CSV.

Tests describe their data as lists of tuples in the canonical column order below, so the
fixture reads like a table and the hand calculations next to it can point at rows.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dashboard.ingest.importer import FileSpec, import_files

ACCOUNT_COLUMNS = (
    "account_id",
    "as_of_date",
    "portfolio",
    "placement_date",
    "placed_balance",
    "current_balance",
    "days_past_due",
    "agent_id",
    "status",
)
PAYMENT_COLUMNS = (
    "payment_id",
    "account_id",
    "payment_date",
    "amount",
    "agent_id",
    "reverses_payment_id",
)
AGENT_COLUMNS = ("agent_id", "agent_name", "team")
CONTACT_COLUMNS = (
    "contact_id",
    "account_id",
    "agent_id",
    "contacted_at",
    "channel",
    "outcome",
    "promise_amount",
    "promise_date",
)

PLAN_COLUMNS = (
    "plan_id",
    "account_id",
    "agent_id",
    "plan_type",
    "created_date",
    "installment_no",
    "due_date",
    "amount",
)
AGENCY_COLUMNS = ("agency_id", "agency_name", "fee_rate")
COMPLAINT_COLUMNS = (
    "complaint_id",
    "account_id",
    "agent_id",
    "received_at",
    "category",
    "resolved_at",
    "upheld",
)
TARGET_COLUMNS = ("period", "level", "id", "target")


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write rows as a canonical CSV (None and '' become blank cells)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            padded = list(row) + [None] * (len(columns) - len(row))
            w.writerow(["" if v is None else v for v in padded])
    return path


def build_db(
    folder: Path,
    *,
    accounts: Sequence[Sequence[Any]] = (),
    payments: Sequence[Sequence[Any]] = (),
    agents: Sequence[Sequence[Any]] = (),
    contacts: Sequence[Sequence[Any]] = (),
    repayment_plans: Sequence[Sequence[Any]] = (),
    agencies: Sequence[Sequence[Any]] = (),
    complaints: Sequence[Sequence[Any]] = (),
    targets: Sequence[Sequence[Any]] = (),
    account_columns: Sequence[str] = ACCOUNT_COLUMNS,
    name: str = "kpi.duckdb",
) -> Path:
    """Import the given rows (each kind as one file; accounts one file per as_of_date).

    Raises AssertionError if any row is refused: a fixture must be valid data.
    """
    folder.mkdir(parents=True, exist_ok=True)
    specs: list[FileSpec] = []
    if agents:
        specs.append(FileSpec(write_rows(folder / "agents.csv", AGENT_COLUMNS, agents), "agents"))
    by_date: dict[str, list[Sequence[Any]]] = {}
    for row in accounts:
        by_date.setdefault(str(row[1]), []).append(row)
    for as_of, rows in sorted(by_date.items()):
        path = write_rows(folder / f"accounts_{as_of}.csv", account_columns, rows)
        specs.append(FileSpec(path, "accounts"))
    if payments:
        path = write_rows(folder / "payments.csv", PAYMENT_COLUMNS, payments)
        specs.append(FileSpec(path, "payments"))
    if contacts:
        path = write_rows(folder / "contacts.csv", CONTACT_COLUMNS, contacts)
        specs.append(FileSpec(path, "contacts"))
    for kind, columns, rows in (
        ("repayment_plans", PLAN_COLUMNS, repayment_plans),
        ("agencies", AGENCY_COLUMNS, agencies),
        ("complaints", COMPLAINT_COLUMNS, complaints),
        ("targets", TARGET_COLUMNS, targets),
    ):
        if rows:
            specs.append(FileSpec(write_rows(folder / f"{kind}.csv", columns, rows), kind))
    db_path = folder / name
    result = import_files(specs, db_path=db_path)
    refused = [(f.file_name, f.refused_whole, f.rows_refused) for f in result.files]
    assert result.committed, refused
    assert not any(f.rows_refused for f in result.files), [
        (f.file_name, f.problems.to_pylist() if f.problems is not None else None)
        for f in result.files
        if f.rows_refused
    ]
    return db_path


def rows_of(table: Any, *columns: str) -> list[tuple[Any, ...]]:
    """The table's rows as tuples of the given columns (all columns if none given)."""
    names = list(columns) or table.column_names
    return [tuple(r[n] for n in names) for r in table.to_pylist()]


# The delinquency world: three month-end snapshots S1 2026-01-31, S2 2026-02-28, S3 2026-03-31.
# Agents G1, G2 in team T1, G3 in team T2. State per snapshot (bucket by DPD, or Closed):
#
#  acct portfolio S1 (bal, dpd, status)        S2                          S3
#  A01  P1  1000.00   0 open  Current    1000.00  31 M2              900.00   0 Current
#  A02  P1   500.00   1 open  M1          450.00   0 Current         400.00   0 Current
#  A03  P1*  300.00  30 open  M1          (missing)                  300.00  90 M3 (P2)
#  A04  P2   400.00  31 open  M2          400.00  61 M3              400.00  91 M4
#  A05  P2   200.00 180 open  M6            0.00   0 paid_in_full    (missing)
#  A06  P2   100.00 181 open  M7+         100.00 211 M7+             (missing)
#  A07  P1     0.00  45 open  Closed(0)   (missing)                  (missing)
#  A08  P1   250.00  90 settled Closed    250.00 120 settled Closed  (missing)
#  A09  P2   150.00 200 written_off M7+   150.00 230 written_off M7+ 150.00 261 M7+
#  A10  P1    50.00  60 recalled Closed   (missing)                  (missing)
#  A11  P2    75.00  61 paid_in_full Cl.  (missing)                  (missing)
#  A12  P2   (new in S2)                  600.00   5 M1              600.00  36 M2
#  A13  P1   120.00  60 open  M2            0.00   0 open  Closed(0) (missing)
#
#  * A03's portfolio is P2 in S3, its latest snapshot: its static portfolio is P2 everywhere.
# Agents: A01-A03, A10 -> G1; A04, A05, A11, A13 -> G2; A06-A09, A12 -> G3 (all snapshots).
S1, S2, S3 = "2026-01-31", "2026-02-28", "2026-03-31"
_AGENT = {
    "A01": "G1", "A02": "G1", "A03": "G1", "A10": "G1",
    "A04": "G2", "A05": "G2", "A11": "G2", "A13": "G2",
    "A06": "G3", "A07": "G3", "A08": "G3", "A09": "G3", "A12": "G3",
}  # fmt: skip
_STATE = {  # account: (portfolio, [(as_of, balance, dpd, status), ...])
    "A01": ("P1", [(S1, "1000.00", 0, "open"), (S2, "1000.00", 31, "open"),
                   (S3, "900.00", 0, "open")]),
    "A02": ("P1", [(S1, "500.00", 1, "open"), (S2, "450.00", 0, "open"),
                   (S3, "400.00", 0, "open")]),
    "A03": ("P1", [(S1, "300.00", 30, "open"), (S3, "300.00", 90, "open")]),
    "A04": ("P2", [(S1, "400.00", 31, "open"), (S2, "400.00", 61, "open"),
                   (S3, "400.00", 91, "open")]),
    "A05": ("P2", [(S1, "200.00", 180, "open"), (S2, "0.00", 0, "paid_in_full")]),
    "A06": ("P2", [(S1, "100.00", 181, "open"), (S2, "100.00", 211, "open")]),
    "A07": ("P1", [(S1, "0.00", 45, "open")]),
    "A08": ("P1", [(S1, "250.00", 90, "settled"), (S2, "250.00", 120, "settled")]),
    "A09": ("P2", [(S1, "150.00", 200, "written_off"), (S2, "150.00", 230, "written_off"),
                   (S3, "150.00", 261, "written_off")]),
    "A10": ("P1", [(S1, "50.00", 60, "recalled")]),
    "A11": ("P2", [(S1, "75.00", 61, "paid_in_full")]),
    "A12": ("P2", [(S2, "600.00", 5, "open"), (S3, "600.00", 36, "open")]),
    "A13": ("P1", [(S1, "120.00", 60, "open"), (S2, "0.00", 0, "open")]),
}  # fmt: skip
PLACED = {"A12": ("2026-02-10", "600.00")}  # others: placed 2025-12-01, placed = S1 balance


def delinquency_accounts() -> list[tuple[Any, ...]]:
    """The account snapshot rows of the delinquency world above."""
    rows = []
    for acct, (portfolio, states) in _STATE.items():
        placed_on, placed = PLACED.get(acct, ("2025-12-01", states[0][1]))
        if acct == "A07":
            placed = "80.00"
        for as_of, balance, dpd, status in states:
            p = "P2" if acct == "A03" and as_of == S3 else portfolio
            rows.append((acct, as_of, p, placed_on, placed, balance, dpd, _AGENT[acct], status))
    return rows


DELINQUENCY_AGENTS = [("G1", "Gao", "T1"), ("G2", "Hu", "T1"), ("G3", "Li", "T2")]


EDGE_DPD = (0, 0, 1, 30, 31, 60, 61, 90, 91, 120, 121, 150, 151, 180, 181, 400)
EDGE_TIMES = ("07:59:59", "08:00:00", "20:59:59", "21:00:00", "21:00:01", "21:59:59", "22:00:00")
RANDOM_SNAPSHOTS = ("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30")


def random_world(seed: int, n_accounts: int = 70) -> dict[str, list[tuple[Any, ...]]]:
    """A seeded random portfolio that hits the edges: boundary DPDs, zero balances, closed
    statuses, accounts missing from a snapshot, portfolio changes, agents off the roster,
    blank-agent payments and reversals (also of other reversals' payments), orphans,
    payments before placement, contacts at the boundary times and bursts of calls.
    """
    rnd = random.Random(seed)
    statuses = ("open",) * 6 + ("payment_plan", "legal", "disputed", "written_off", "settled",
                                "paid_in_full", "recalled")  # fmt: skip
    roster = [("G1", "Gao", "T1"), ("G2", "Hu", "T1"), ("G3", "Li", "T2"), ("G4", "Ma", "T3")]
    agent_ids = ["G1", "G2", "G3", "G4", "G5"]  # G5 is on no roster
    accounts: list[tuple[Any, ...]] = []
    ids = [f"R{n:03d}" for n in range(n_accounts)]
    for acct in ids:
        portfolio = rnd.choice(("P1", "P2", "P3"))
        placed_on = date(2025, 11, 1) + timedelta(days=rnd.randrange(0, 170))
        placed = f"{rnd.randrange(0, 500_000) / 100:.2f}"
        first = True
        for as_of in RANDOM_SNAPSHOTS:
            if date.fromisoformat(as_of) < placed_on:
                continue  # the importer refuses a placement after the snapshot
            if rnd.random() < 0.15:
                continue  # missing from this snapshot
            if rnd.random() < 0.1:
                portfolio = rnd.choice(("P1", "P2", "P3"))
            if rnd.random() < 0.1:
                placed = f"{rnd.randrange(0, 500_000) / 100:.2f}"
            balance = "0.00" if rnd.random() < 0.12 else f"{rnd.randrange(1, 500_000) / 100:.2f}"
            accounts.append((acct, as_of, portfolio, placed_on.isoformat(), placed, balance,
                             rnd.choice(EDGE_DPD) if rnd.random() < 0.7 else rnd.randrange(500),
                             # blank agents, but not in an account's first snapshot
                             # (see test_kpi_agents: the earliest-snapshot rule)
                             rnd.choice(agent_ids) if rnd.random() < 0.95 or first else None,
                             rnd.choice(statuses)))  # fmt: skip
            first = False
    payable = [*ids, "ORPHAN1", "ORPHAN2"]
    payments: list[tuple[Any, ...]] = []
    for n in range(160):
        acct = rnd.choice(payable)
        day = date(2025, 12, 1) + timedelta(days=rnd.randrange(0, 170))
        agent = rnd.choice(agent_ids[:4]) if rnd.random() < 0.4 else None
        payments.append((f"Y{n:03d}", acct, day.isoformat(),
                         f"{rnd.randrange(1, 200_000) / 100:.2f}", agent, None))  # fmt: skip
    originals = list(payments)  # a reversal undoes a payment, never another reversal
    for n in range(30):
        orig = rnd.choice(originals)
        day = date.fromisoformat(orig[2]) + timedelta(days=rnd.randrange(0, 60))
        agent = rnd.choice(agent_ids[:4]) if rnd.random() < 0.2 else None
        amount = f"-{orig[3].lstrip('-')}" if rnd.random() < 0.7 else "-10.00"
        payments.append((f"V{n:03d}", orig[1], day.isoformat(), amount, agent, orig[0]))
    contacts: list[tuple[Any, ...]] = []
    outcomes = ("no_answer",) * 4 + ("wrong_party", "right_party", "promise_to_pay", "refused",
                                     "dispute", "complaint")  # fmt: skip
    channels = ("call",) * 6 + ("sms", "email", "letter", "visit")
    hot = rnd.sample(ids, 4)  # accounts that get bursts of calls
    for n in range(420):
        acct = rnd.choice(hot) if rnd.random() < 0.35 else rnd.choice(payable)
        day = date(2026, 2, 1) + timedelta(days=rnd.randrange(0, 75))
        if acct in hot:
            day = date(2026, 3, 1) + timedelta(days=rnd.randrange(0, 9))
        h, mi, sec = rnd.randrange(6, 24), rnd.randrange(60), rnd.randrange(60)
        t = rnd.choice(EDGE_TIMES) if rnd.random() < 0.2 else f"{h:02d}:{mi:02d}:{sec:02d}"
        outcome = rnd.choice(outcomes)
        channel = "call" if acct in hot and rnd.random() < 0.9 else rnd.choice(channels)
        promise = (None, None)
        if outcome == "promise_to_pay":
            promise = (f"{rnd.randrange(100, 100_000) / 100:.2f}",
                       (day + timedelta(days=rnd.randrange(0, 12))).isoformat())  # fmt: skip
        contacts.append((f"K{n:03d}", acct, rnd.choice(agent_ids), f"{day.isoformat()} {t}",
                         channel, outcome, *promise))  # fmt: skip
    return {"accounts": accounts, "payments": payments, "agents": roster, "contacts": contacts}
