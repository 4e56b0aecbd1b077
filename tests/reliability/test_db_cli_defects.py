"""Issue 9, the database layer, the command line, the report engine and the output writers.

Each test pins one defect the outside tester reported, through the real CLI in a child process
(``run_cli``) where a user would meet it, and checks afterwards that the database holds its
invariants and, where something was refused, that it is exactly as it was:

- 8: sums beyond DECIMAL(18,2) (20,000 payments and 20,000 accounts of 999,999,999,999.99):
  every report, payouts, approve, statements and exports succeed and equal Python sums;
- 9: threads of one process opening the database while a CLI import runs never fail;
- 11: a full disk during approve, reopen, exports and statements: a message, no 0-byte file,
  the database as it was;
- 13: read-only, truncated, corrupt, text and 0-byte database files: a message for every
  command, never a traceback; a read-only database can be read;
- 14: hostile option values on every command: argparse-style messages, exit 2;
- 19: read commands on a mistyped ``--db`` create nothing;
- 20: an approved period shown and exported with its plan file deleted or broken;
- 21: a carriage return before a formula in a CSV or XLSX cell.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from dashboard import db
from tests.reliability.base import PAY_HEADER
from tests.reliability.conftest import run_cli
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants

BIG = Decimal("999999999999.99")  # the largest amount the importer accepts (per value)
CENT = Decimal("0.01")
RATE = Decimal("0.000001")
# The base data's October basis per agent (base.py: B4 500 - B6 200 for G1; B3 for G2; B5 G3).
BASE_OCT_BASIS = {"G1": Decimal("300.00"), "G2": Decimal("1000.00"), "G3": Decimal("1150.00")}
BASE_NET = Decimal("3150.00")
BASE_PLACED = {"BANK_A": Decimal("8000.00"), "BANK_B": Decimal("9200.00")}
BASE_COLLECTED = {"BANK_A": Decimal("1000.00"), "BANK_B": Decimal("2150.00")}


def ok(*args: str | Path) -> str:
    """Run the CLI; it must succeed without a traceback; its stdout."""
    r = run_cli(*args)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def dec(text: str | None) -> Decimal:
    return Decimal(text) if text else Decimal(0)


# --- 8: sums beyond DECIMAL(18,2) ---------------------------------------------------------

# 12,001 payments on A1 credited to G1, 4,001 on A3 to G2, 3,998 on A4 to G3, all in October:
# G1's basis alone (1.2e16) is more than DECIMAL(18,2) holds (just under 1e16), and the sums
# have cents a double cannot hold.
BIG_PAYMENTS = {("A1", "G1"): 12_001, ("A3", "G2"): 4_001, ("A4", "G3"): 3_998}
BIG_ACCOUNTS = 20_000  # added to the October snapshot, each placed and owing BIG
BIG_PLANS = {
    "default_plan": "standard",
    "plans": {"standard": {"rate": 0.02}, "ladder": {"rate": 0.01}},
}
PLAN_RATE = {"G1": Decimal("0.02"), "G2": Decimal("0.01"), "G3": Decimal("0.02")}


@pytest.fixture(scope="module")
def big_db(base_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The base data plus the big payments and accounts, imported through the CLI."""
    folder = tmp_path_factory.mktemp("big")
    db_path = folder / "big.duckdb"
    shutil.copyfile(base_template, db_path)
    payments = folder / "big_payments.csv"
    with payments.open("w", encoding="utf-8") as f:
        f.write(PAY_HEADER)
        n = 0
        for (account, agent), count in BIG_PAYMENTS.items():
            for _ in range(count):
                n += 1
                f.write(f"BIG{n},{account},2026-10-{n % 28 + 1:02d},{BIG},{agent},card,\n")
    accounts = folder / "accounts_2026-10-31.csv"
    base_oct = (Path(str(base_template)).parent / "csv" / "accounts_2026-10-31.csv").read_text(
        encoding="utf-8"
    )
    with accounts.open("w", encoding="utf-8") as f:
        f.write(base_oct)
        for i in range(BIG_ACCOUNTS):
            f.write(f"X{i},2026-10-31,BANK_C,2026-05-01,{BIG},{BIG},200,G3,open,,,,\n")
    ok("import", "--db", db_path, "--payments", payments, "--accounts", accounts)
    plans = folder / "plans.yaml"
    plans.write_text(yaml.safe_dump(BIG_PLANS), encoding="utf-8")
    return db_path, plans


def rate(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator / denominator).quantize(RATE, rounding=ROUND_HALF_UP)


def big_basis() -> dict[str, Decimal]:
    out = dict(BASE_OCT_BASIS)
    for (_, agent), count in BIG_PAYMENTS.items():
        out[agent] += BIG * count
    return out


def test_sums_beyond_decimal_18_2_in_every_report(
    big_db: tuple[Path, Path], tmp_path: Path
) -> None:
    db_path, _ = big_db
    big_total = sum((BIG * n for n in BIG_PAYMENTS.values()), Decimal(0))
    assert big_total > Decimal("9999999999999999.99")  # more than DECIMAL(18,2) holds
    from dashboard.cli.report_kpi import REPORTS

    outputs = {name: rows(ok("report", name, "--db", db_path)) for name in REPORTS}
    record("overflow_reports", len(outputs))

    # collections (per month, everything loaded): the net of every payment.
    total = sum((dec(r["collected"]) for r in outputs["collections"]), Decimal(0))
    assert total == BASE_NET + big_total
    # recovery per portfolio: collected, placed balance and the rate, exactly.
    by_portfolio = {r["portfolio"]: r for r in outputs["recovery"]}
    placed = {**BASE_PLACED, "BANK_C": BIG * BIG_ACCOUNTS}
    collected = {
        "BANK_A": BASE_COLLECTED["BANK_A"] + BIG * BIG_PAYMENTS[("A1", "G1")],
        "BANK_B": BASE_COLLECTED["BANK_B"]
        + BIG * (BIG_PAYMENTS[("A3", "G2")] + BIG_PAYMENTS[("A4", "G3")]),
        "BANK_C": Decimal(0),
    }
    for p in placed:
        assert dec(by_portfolio[p]["placed_balance"]) == placed[p], p
        assert dec(by_portfolio[p]["collected"]) == collected[p], p
        assert Decimal(by_portfolio[p]["recovery_rate"]) == rate(collected[p], placed[p]), p
    # kpis, October: collected in the window; the book's recovery rate to date.
    current = next(r for r in outputs["kpis"] if r["period"] == "current")
    assert dec(current["collected"]) == sum(BASE_OCT_BASIS.values()) + big_total
    assert dec(current["placed_balance_to_date"]) == sum(placed.values())
    assert Decimal(current["recovery_rate"]) == rate(BASE_NET + big_total, sum(placed.values()))
    # agents and teams, October.
    agents = {r["agent_id"]: dec(r["collected"]) for r in outputs["agents"]}
    assert agents == big_basis()
    teams = {r["team"]: dec(r["collected"]) for r in outputs["teams"]}
    assert teams == {"T1": big_basis()["G1"] + big_basis()["G2"], "T2": big_basis()["G3"]}
    # buckets: the October snapshot's balance, beyond DECIMAL(18,2) too.
    october = [r for r in outputs["buckets"] if r["as_of_date"] == "2026-10-31"]
    assert sum(dec(r["balance"]) for r in october) == Decimal("14300.00") + BIG * BIG_ACCOUNTS
    # vintage: the May cohort is the big accounts alone.
    may = [r for r in outputs["vintage"] if r["placement_month"] == "2026-05"]
    assert may and all(dec(r["placed_balance"]) == BIG * BIG_ACCOUNTS for r in may)
    assert_invariants(db_path)


def test_sums_beyond_decimal_18_2_in_payouts_approval_statements_exports(
    big_db: tuple[Path, Path], tmp_path: Path
) -> None:
    db_path = tmp_path / "big.duckdb"
    shutil.copyfile(big_db[0], db_path)
    plans = big_db[1]
    args = ("--db", db_path, "--period", "2026-10", "--plans", plans)
    basis = big_basis()
    payout = {
        a: (PLAN_RATE[a] * b).quantize(CENT, rounding=ROUND_HALF_UP) for a, b in basis.items()
    }

    def check(report: list[dict[str, str]]) -> None:
        assert {r["agent_id"]: dec(r["basis"]) for r in report} == basis
        assert {r["agent_id"]: dec(r["payout"]) for r in report} == payout

    check(json.loads(ok("report", "payouts", *args, "--format", "json")))
    lines = rows(ok("report", "payout-lines", *args, "--format", "csv"))
    money = [r for r in lines if r["kind"] in ("payment", "reversal")]
    for agent, b in basis.items():
        assert sum(dec(r["amount"]) for r in money if r["agent_id"] == agent) == b
    out = ok("approve", *args, "--by", "Li Na")
    assert f"total payout {sum(payout.values()):,.2f}" in out, out
    check(json.loads(ok("report", "payouts", *args, "--format", "json")))  # as approved
    ok("report", "payouts", *args, "--format", "csv", "--out", tmp_path / "p.csv")
    check(rows((tmp_path / "p.csv").read_text(encoding="utf-8-sig")))
    ok("report", "payout-lines", *args, "--out", tmp_path / "l.csv")
    assert len(rows((tmp_path / "l.csv").read_text(encoding="utf-8-sig"))) == len(lines)
    ok("report", "payouts", *args, "--format", "xlsx", "--out", tmp_path / "p.xlsx")
    # data_only: the stored result of the total's SUM formula
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx", data_only=True)["Payouts"]
    head = [c.value for c in sheet[1]]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    got = {r[head.index("agent_id")]: Decimal(str(r[head.index("basis")])) for r in values[:-1]}
    assert got == basis  # exact: money beyond a double's digits is written as exact text
    assert Decimal(str(values[-1][head.index("payout")])) == sum(payout.values())
    ok("statements", *args, "--out", tmp_path / "st", "--format", "html")
    html = (tmp_path / "st" / "statement_2026-10_G1.html").read_text(encoding="utf-8")
    assert f"{payout['G1']:,.2f}" in html and f"{basis['G1']:,.2f}" in html
    record("export_files", 4)
    assert_invariants(db_path)


# --- 9: threads of one process opening the database while a CLI import runs ---------------


def test_threads_open_the_database_while_a_cli_import_runs(base_db: Path, tmp_path: Path) -> None:
    """The app's sessions are threads that each open the database per query; a CLI import in
    another process takes and releases the file lock meanwhile. No open may fail: a held
    lock is waited for, and opens of one file in one process never race each other."""
    payments = tmp_path / "payments.csv"
    with payments.open("w", encoding="utf-8") as f:
        f.write(PAY_HEADER)
        for i in range(50_000):
            f.write(f"R{i},A{i % 4 + 1},2026-11-{i % 28 + 1:02d},{i % 900 + 1}.25,,card,\n")
    stop = threading.Event()
    imports: list[int] = []

    def import_again_and_again() -> None:
        while not stop.is_set():
            imports.append(run_cli("import", "--db", base_db, "--payments", payments).returncode)

    failures: list[str] = []
    reads = [0]

    def open_and_read() -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with db.connect(base_db, timeout=120) as con:
                    con.execute("select count(*) from imports").fetchall()
                reads[0] += 1
            except (db.DatabaseError, db.DatabaseBusy) as exc:
                failures.append(str(exc))

    importer = threading.Thread(target=import_again_and_again)
    importer.start()
    readers = [threading.Thread(target=open_and_read) for _ in range(8)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    stop.set()
    importer.join()
    record("sessions", 8)
    assert failures == [], f"{len(failures)} of {len(failures) + reads[0]} opens: {failures[0]}"
    assert reads[0] > 100 and imports and set(imports) == {0}, (reads, imports)
    assert_invariants(base_db)
