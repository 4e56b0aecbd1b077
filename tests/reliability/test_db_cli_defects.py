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

import argparse
import csv
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
import yaml

from dashboard import db
from dashboard.columns import COLUMN_LABELS
from dashboard.paths import SAMPLE_DATA
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.values import Period
from tests.payout_fixtures import close_through
from tests.reliability.base import PAY_HEADER, accounts
from tests.reliability.conftest import SOAK, run_cli
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants, content

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
    october = folder / "accounts_2026-10-31.csv"
    base_oct = (Path(str(base_template)).parent / "csv" / "accounts_2026-10-31.csv").read_text(
        encoding="utf-8"
    )
    with october.open("w", encoding="utf-8") as f:
        f.write(base_oct)
        for i in range(BIG_ACCOUNTS):
            f.write(f"X{i},2026-10-31,BANK_C,2026-05-01,{BIG},{BIG},200,G3,open,,,,\n")
    # An August snapshot like September's: the balance forecast needs two snapshot pairs.
    august = folder / "accounts_2026-08-31.csv"
    august.write_text(
        accounts("2026-08-31", ("4500.00", "3000.00", "7000.00", "1200.00")), encoding="utf-8"
    )
    ok("import", "--db", db_path, "--accounts", august)
    ok("import", "--db", db_path, "--payments", payments, "--accounts", october)
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
    from dashboard.reports import KPI_REPORTS

    given = {n: ["A1" for p in r.params if p.positional] for n, r in KPI_REPORTS.items()}
    outputs = {n: rows(ok("report", n, *given[n], "--db", db_path)) for n in KPI_REPORTS}
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
    close_through(db_path, Period(2026, 9), load_plans(plans))  # the month before, first
    ok("prepare", *args, "--by", "Wang Wei")
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
    # The workbook's headers are the columns' English labels (dashboard/columns.py)
    head = [c.value for c in sheet[1]]
    col = {name: head.index(COLUMN_LABELS[name][0]) for name in ("agent_id", "basis", "payout")}
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    got = {r[col["agent_id"]]: Decimal(str(r[col["basis"]])) for r in values[:-1]}
    assert got == basis  # exact: money beyond a double's digits is written as exact text
    assert Decimal(str(values[-1][col["payout"]])) == sum(payout.values())
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


# --- 13 and 19: damaged, read-only and missing database files ------------------------------

PLANS = SAMPLE_DATA / "plans.yaml"
PERIOD = ("--period", "2026-10", "--plans", PLANS)
# (command words, arguments after --db PATH); {out} is a fresh folder, {payments} a CSV file.
READS: list[tuple[tuple[str, ...], tuple[str | Path, ...]]] = [
    (("imports",), ()),
    (("rejects",), ("4",)),
    (("report", "kpis"), ()),
    (("report", "buckets"), ()),
    (("report", "collections"), ()),
    (("report", "payouts"), PERIOD),
    (("report", "payout-lines"), PERIOD),
    (("report", "payout-log"), ()),
    (("statements",), (*PERIOD, "--out", "{out}", "--format", "html")),
]
# September: ended in the base data, and no earlier month has payments (prepared, approved).
SEPTEMBER = ("--period", "2026-09", "--plans", PLANS)
WRITES: list[tuple[tuple[str, ...], tuple[str | Path, ...]]] = [
    (("undo",), ("4",)),
    (("prepare",), (*SEPTEMBER, "--by", "Wang Wei")),
    (("approve",), (*SEPTEMBER, "--by", "Li Na")),
    (("approve",), (*SEPTEMBER, "--by", "Li Na", "--reopen", "--reason", "test")),
    (("import",), ("--payments", "{payments}")),
    (("init",), ()),
]


def command(
    words: tuple[str, ...], rest: tuple[str | Path, ...], db_path: Path, tmp: Path
) -> list[str | Path]:
    """The argument list of one command on ``db_path``; output into a fresh folder."""
    tmp.mkdir(parents=True, exist_ok=True)
    payments = tmp / "payments.csv"
    payments.write_text(PAY_HEADER + "Z1,A1,2026-11-02,10.00,,card,\n", encoding="utf-8")
    out = tmp / f"out{len(list(tmp.iterdir()))}"
    fill = {"{out}": out, "{payments}": payments}
    return [*words, "--db", db_path, *(fill.get(str(a), a) for a in rest)]


def file_state(path: Path) -> tuple[str, list[str]]:
    """The bytes of a file (digest) and what is next to it: nothing may be added or changed."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), sorted(
        p.name for p in path.parent.iterdir()
    )


def truncated(source: Path, target: Path) -> Path:
    """A copy cut at 30 %: DuckDB opens it, and fails when a read reaches the missing part."""
    data = source.read_bytes()
    target.write_bytes(data[: len(data) * 3 // 10])
    return target


def read_everything(path: Path) -> None:
    """Read every row of every table with DuckDB directly (not through the product)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("select table_name from duckdb_tables()").fetchall()
        for (table,) in tables:
            con.execute(f"select * from {table}").fetchall()
    finally:
        con.close()


def corrupted(source: Path, target: Path) -> Path:
    """A copy with one data block overwritten: found by trying blocks until DuckDB, asked
    directly to read every table, fails."""
    data = source.read_bytes()
    for tenth in (5, 4, 6, 3, 7, 2, 8):
        start = len(data) * tenth // 10
        broken = bytearray(data)
        broken[start : start + 20_000] = bytes(b ^ 0x5A for b in broken[start : start + 20_000])
        target.write_bytes(bytes(broken))
        try:
            read_everything(target)
        except duckdb.Error:
            return target
    raise AssertionError("no block found whose damage DuckDB notices")


DAMAGED = {
    "empty": (lambda src, dst: dst.write_bytes(b"") or dst, "is not a DuckDB database"),
    "text": (
        lambda src, dst: dst.write_text("account_id,amount\nA1,5.00\n" * 50) and dst,
        "is not a DuckDB database",
    ),
    "truncated": (truncated, "is damaged"),
    "corrupt": (corrupted, "is damaged"),
}


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_damaged_database_files_give_a_message_for_every_command(
    kind: str, base_db: Path, tmp_path: Path
) -> None:
    """Every command refuses the file with one clear line, exit 2, and leaves it as it was.

    A corrupt block is noticed (by DuckDB's checksums) only by a command that reads it: a
    command that does not may work on the intact part (an undo may even delete rows next to
    it); at least one must refuse, and a refusal changes nothing.
    """
    make, message = DAMAGED[kind]
    victim = tmp_path / "victim" / "dashboard.duckdb"
    victim.parent.mkdir()
    make(base_db, victim)
    before = file_state(victim)
    refused = 0
    step_refused: set[str] = set()
    for words, rest in READS + WRITES:
        r = run_cli(*command(words, rest, victim, tmp_path / "work"))
        assert "Traceback" not in r.stderr, (words, r.stderr)
        step = words[0] if words[0] == "prepare" else "reopen" if "--reopen" in rest else "approve"
        # The step before was refused (damage): "not prepared" / "not approved" is the truth.
        after_refusal = (step == "approve" and "prepare" in step_refused and "is not prepared"
                         in r.stderr) or (step == "reopen" and "approve" in step_refused
                                          and "is not approved" in r.stderr)  # fmt: skip
        if kind == "corrupt" and words[0] in ("prepare", "approve") and after_refusal:
            assert r.returncode == 2 and file_state(victim) == before, r.stderr
            step_refused.add(step)
        elif kind != "corrupt" or r.returncode != 0:
            assert r.returncode == 2, (words, r.returncode, r.stdout, r.stderr)
            assert message in r.stderr and str(victim) in r.stderr, (words, r.stderr)
            assert file_state(victim) == before, words  # not repaired, replaced or written
            refused += 1
            if words[0] in ("prepare", "approve"):
                step_refused.add(step)
        before = file_state(victim)
        record("damaged_db_runs")
    assert refused >= 1


def test_missing_database_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    """A mistyped --db: every command but init and import says so and creates nothing."""
    typo = tmp_path / "typo" / "dashbaord.duckdb"
    for words, rest in READS + WRITES[:4]:
        r = run_cli(*command(words, rest, typo, tmp_path / "work"))
        assert "Traceback" not in r.stderr, (words, r.stderr)
        assert r.returncode == 2, (words, r.returncode, r.stdout, r.stderr)
        assert f"no database at {typo}" in r.stderr, (words, r.stderr)
        assert not typo.parent.exists(), words  # neither the file nor its folder
    ok("init", "--db", typo, "--no-sample")  # init (and import) do create one
    assert typo.is_file()
    assert_invariants(typo)


@contextmanager
def read_only_copy(source: Path, folder: Path) -> Iterator[Path]:
    """A copy of ``source`` on a read-only file system (a tmpfs remounted read-only), or, for
    a user other than root, in a folder and file without write permission."""
    mount = folder / "ro"
    mount.mkdir()
    if os.geteuid() != 0:
        shutil.copyfile(source, mount / "dashboard.duckdb")
        (mount / "dashboard.duckdb").chmod(0o444)
        mount.chmod(0o555)
        try:
            yield mount / "dashboard.duckdb"
        finally:
            mount.chmod(0o755)
        return
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], check=False)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copyfile(source, mount / "dashboard.duckdb")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "dashboard.duckdb"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def read_only_db(base_db: Path, tmp_path: Path) -> Iterator[Path]:
    with read_only_copy(base_db, tmp_path) as path:
        yield path


def outdated(db_path: Path) -> Path:
    """Make ``db_path`` look written by an older version: another schema fingerprint, a
    staging view whose old body would lose every payment, no table of approved rules."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute("update meta set value = 'older' where key = 'schema'")
        con.execute("create or replace view stg_payments as select * from raw_payments where false")
        con.execute("drop table payout_approved_rules")
    finally:
        con.close()
    return db_path


def test_outdated_schema_is_brought_up_to_date_or_read_through_todays_views(
    base_db: Path, tmp_path: Path
) -> None:
    """A read command on a database from an older version: a writable file is upgraded in
    place, once; a read-only one is read through today's views, built for that command only
    (nothing is written). Either way the figures are today's."""
    reads = [
        ("report", "collections", "--db", "{db}", "--by", "agent"),
        ("report", "payouts", "--db", "{db}", *PERIOD, "--format", "csv"),
        ("statements", "--db", "{db}", *PERIOD, "--out", tmp_path / "st", "--format", "html"),
    ]

    def outputs(db_path: Path) -> list[str]:
        return [ok(*(db_path if a == "{db}" else a for a in args)) for args in reads]

    expected = outputs(base_db)
    # The base data's net collected per agent (base.py), not the stale view's nothing.
    assert sum(dec(r["collected"]) for r in rows(expected[0])) == BASE_NET
    stale = outdated(shutil.copyfile(base_db, tmp_path / "stale.duckdb"))
    with read_only_copy(stale, tmp_path) as ro:
        before = file_state(ro)
        assert outputs(ro) == [e.replace(str(base_db), str(ro)) for e in expected]
        assert file_state(ro) == before
    writable = outdated(shutil.copyfile(base_db, tmp_path / "old.duckdb"))
    assert outputs(writable) == [e.replace(str(base_db), str(writable)) for e in expected]
    con = duckdb.connect(str(writable), read_only=True)
    try:
        assert con.execute("select value from meta where key = 'schema'").fetchall() == [
            (db.schema_fingerprint(),)
        ]
    finally:
        con.close()
    assert_invariants(writable)


def test_read_only_database_is_read_and_refuses_writes(
    read_only_db: Path, base_db: Path, tmp_path: Path
) -> None:
    before = content(read_only_db)
    for words, rest in READS:
        args = command(words, rest, read_only_db, tmp_path / "work")
        r = run_cli(*args)
        assert "Traceback" not in r.stderr, (words, r.stderr)
        assert r.returncode == 0, (words, r.stdout, r.stderr)
        # The same as on a writable copy of the same data.
        same = run_cli(*[base_db if a == read_only_db else a for a in args])
        assert r.stdout == same.stdout.replace(str(base_db), str(read_only_db)), words
    for words, rest in WRITES:
        r = run_cli(*command(words, rest, read_only_db, tmp_path / "work"))
        assert "Traceback" not in r.stderr, (words, r.stderr)
        assert r.returncode == 2, (words, r.stdout, r.stderr)
        assert "is read-only: reports can read it, imports cannot write it" in r.stderr, (
            words,
            r.stderr,
        )
    assert content(read_only_db) == before
    assert_invariants(read_only_db)


# --- 21: formulas after leading control characters or a line break --------------------------

# Agent names that a spreadsheet (or a CSV reader that splits lines before quotes) turns into
# a formula: after a carriage return or a line feed, after leading spaces or control
# characters.
CR_NAMES = (
    "Bob\r=5+5",
    'Bob\n=HYPERLINK("http://evil.example/")',
    "Bob\r\n+1",
    "  =1+1",
    "\x01=1+1",
    "\u00a0@SUM(1)",
    "\ufeff-2+3",
    "x\r\n \t=1",
)
FORMULA_CHARS = ("=", "+", "-", "@")


def looks_like_formula(text: str) -> bool:
    """The rule of issue 9 item 21, written here on its own: a text is dangerous if it starts
    with a tab or CR, or if any of its lines starts, after whitespace and control characters,
    with = + - @."""
    if text.startswith(("\t", "\r")):
        return True
    for line in re.split(r"[\r\n]", text):
        stripped = "".join(
            itertools.dropwhile(
                lambda c: c.isspace() or unicodedata.category(c) in ("Cc", "Cf"), line
            )
        )
        if stripped.startswith(FORMULA_CHARS):
            return True
    return False


def unsafe_csv_cells(text: str) -> list[str]:
    """Cells of a CSV text that a spreadsheet could run: parsed as a spreadsheet does (a CR
    outside quotes ends a record) and also split at every line break (a reader that ignores
    quotes); a cell is safe when it starts with an apostrophe or is a plain number."""
    from tests.reliability.test_exports import NUMBER, excel_cells

    cells = excel_cells(text)
    pieces = [p for cell in cells for p in re.split(r"[\r\n]", cell)]
    return [
        c
        for c in [*cells, *pieces]
        if looks_like_formula(c) and not c.startswith("'") and not NUMBER.fullmatch(c.strip())
    ]


def xml_text(value: str) -> str:
    """A workbook string as Excel shows it: OOXML writes control characters (CR included) as
    _xHHHH_, which openpyxl leaves as they are."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


@pytest.fixture
def cr_db(base_db: Path, tmp_path: Path) -> Path:
    agents = tmp_path / "agents_cr.csv"
    with agents.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")  # CRLF line ends: a CR inside quotes is read
        w.writerow(["agent_id", "agent_name", "team", "plan"])
        w.writerows([f"G{n}", name, "T1", ""] for n, name in enumerate(CR_NAMES, start=11))
    payments = tmp_path / "payments_cr.csv"
    payments.write_text(
        PAY_HEADER
        + "".join(f"C{n},A1,2026-10-0{n - 10},10.00,G{n},card,\n" for n in range(11, 19)),
        encoding="utf-8",
    )
    ok("import", "--db", base_db, "--agents", agents, "--payments", payments)
    return base_db


def test_formulas_after_control_characters_or_line_breaks_are_neutralised(
    cr_db: Path, tmp_path: Path
) -> None:
    con = duckdb.connect(str(cr_db), read_only=True)
    try:
        stored = [r[0] for r in con.execute("select agent_name from stg_agents").fetchall()]
    finally:
        con.close()
    hostile = [n for n in stored if looks_like_formula(n)]
    assert len(hostile) == len(CR_NAMES), stored  # the importer kept them (as text)
    common = ("--db", cr_db, "--period", "2026-10", "--plans", PLANS)
    outputs = {
        "agents csv": ok("report", "agents", "--db", cr_db),
        "collections csv": ok("report", "collections", "--db", cr_db, "--by", "agent"),
        "payouts csv": ok("report", "payouts", *common, "--format", "csv"),
        "lines csv": ok("report", "payout-lines", *common, "--format", "csv"),
    }
    ok("report", "payouts", *common, "--format", "csv", "--out", tmp_path / "p.csv")
    outputs["payouts csv file"] = (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    for name, text in outputs.items():
        assert unsafe_csv_cells(text) == [], name
        record("export_files")
    ok("report", "payouts", *common, "--format", "xlsx", "--out", tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert formulas and all(str(f).startswith("=SUM(") for f in formulas)  # our totals only
    texts = [(c, xml_text(c.value)) for c in cells if c.data_type == "s"]
    risky = [(c, text) for c, text in texts if looks_like_formula(text)]
    assert {text for _, text in risky} >= set(hostile)  # kept as written, as text cells
    assert [c.coordinate for c, _ in risky if not c.quotePrefix] == []  # Excel keeps them text
    record("export_files")
    assert_invariants(cr_db)


# --- 11: a full disk while approving, reopening and writing files ---------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A tmpfs of 16 MB (skipped where mounting is not permitted)."""
    mount = tmp_path / "small"
    mount.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {r.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Fill the disk holding ``folder`` to its last block; returns the filler file."""
    filler = folder / "filler"
    with filler.open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


def test_disk_full_during_prepare_approve_and_reopen(small_disk: Path, base_db: Path) -> None:
    victim = small_disk / "dashboard.duckdb"
    shutil.copyfile(base_db, victim)
    common = ("--db", victim, *SEPTEMBER)
    steps = (
        ("prepare", *common, "--by", "Wang Wei"),
        ("approve", *common, "--by", "Li Na"),
        ("approve", *common, "--by", "Li Na", "--reopen", "--reason", "wrong plan"),
    )
    for step in steps:
        filler = fill(small_disk)
        before = content(victim)
        r = run_cli(*step)
        assert "Traceback" not in r.stderr, r.stderr
        assert r.returncode == 2, r.stdout + r.stderr
        assert "is full: nothing was changed" in r.stderr, r.stderr
        assert content(victim) == before
        record("disk_full")
        filler.unlink()
        ok(*step)  # with room again
    assert_invariants(victim)


def test_disk_full_while_writing_exports_and_statements(
    small_disk: Path, base_db: Path, tmp_path: Path
) -> None:
    out = small_disk / "out"
    out.mkdir()
    common = ("--db", base_db, *PERIOD)
    filler = fill(small_disk)
    before = content(base_db)
    for args in (
        ("report", "payouts", *common, "--format", "csv", "--out", out / "p.csv"),
        ("report", "payouts", *common, "--format", "xlsx", "--out", out / "p.xlsx"),
        ("report", "payout-lines", *common, "--out", out / "l.csv"),
        ("statements", *common, "--out", out / "st", "--format", "both"),
    ):
        r = run_cli(*args)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "is full" in r.stderr and "not written" in r.stderr, (args, r.stderr)
        left = [p for p in out.rglob("*") if p.is_file()]
        assert left == [], (args, left)  # no 0-byte file, no temporary left behind
        record("disk_full")
    assert content(base_db) == before
    filler.unlink()
    ok("statements", *common, "--out", out / "st", "--format", "html")
    assert sorted(p.name for p in (out / "st").iterdir()) == [
        f"statement_2026-10_{a}.html" for a in ("G1", "G2", "G3")
    ]


# --- 20: an approved period without its plan file ------------------------------------------


def test_approved_period_is_shown_and_exported_without_its_plan_file(
    base_db: Path, tmp_path: Path
) -> None:
    plans = tmp_path / "plans.yaml"
    shutil.copyfile(PLANS, plans)
    common = ("--db", base_db, "--period", "2026-10", "--plans", plans)
    close_through(base_db, Period(2026, 9), load_plans(plans))
    ok("prepare", *common, "--by", "Wang Wei")
    ok("approve", *common, "--by", "Li Na")
    approved = json.loads(ok("report", "payouts", *common, "--format", "json"))
    lines = rows(ok("report", "payout-lines", *common, "--format", "csv"))
    ok("statements", *common, "--out", tmp_path / "before", "--format", "html")
    statements = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "before").iterdir()}
    assert len(statements) == 3
    frozen = content(base_db)

    for broken in ("deleted", "not yaml", "a plan missing"):
        if broken == "deleted":
            plans.unlink()
        elif broken == "not yaml":
            plans.write_text("plans: [unclosed\n  - {rate: x", encoding="utf-8")
        else:
            plans.write_text(yaml.safe_dump({"default_plan": "gone", "plans": {}}), "utf-8")
        r = run_cli("report", "payouts", *common, "--format", "json")
        assert r.returncode == 0 and "Traceback" not in r.stderr, (broken, r.stderr)
        shown = json.loads(r.stdout)
        # The approved figures, every column, exactly; and recomputed all the same, with the
        # plan frozen with the approval (the file is not needed): nothing to adjust.
        assert shown == approved
        assert all(x["adjustment"] == "0.00" for x in shown)
        assert "cannot recompute today" not in r.stderr, r.stderr
        assert rows(ok("report", "payout-lines", *common, "--format", "csv")) == lines
        out = tmp_path / broken.replace(" ", "_")
        ok("statements", *common, "--out", out, "--format", "html")
        # The same statements, the plan in words as approved included.
        assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == statements
        ok("report", "payouts", *common, "--format", "xlsx", "--out", out / "p.xlsx")
        about = dict(
            (r[0].value, r[1].value) for r in openpyxl.load_workbook(out / "p.xlsx")["About"]
        )
        assert about["Status"] == "approved" and about["Approved by"] == "Li Na"
        # A period nobody approved still needs the plan file: a message, exit 2.
        r = run_cli("report", "payouts", "--db", base_db, "--period", "2026-11", "--plans", plans)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert content(base_db) == frozen
        record("export_files", 3)
    assert_invariants(base_db)


# --- 14: hostile option values on every command ---------------------------------------------


def test_reported_cli_edges_are_messages_and_exit_2(base_db: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("not a folder\n", encoding="utf-8")
    payments = tmp_path / "payments.csv"
    payments.write_text(PAY_HEADER + "Z1,A1,2026-11-02,10.00,,card,\n", encoding="utf-8")
    payouts = ("report", "payouts", "--db", base_db, *PERIOD)
    cases = [
        ((*payouts, "--format", "csv", "--out", tmp_path / "missing" / "p.csv"), "does not exist"),
        ((*payouts, "--format", "csv", "--out", tmp_path), "is a folder"),
        ((*payouts, "--format", "xlsx", "--out", tmp_path), "is a folder"),
        (("report", "payout-lines", "--db", base_db, *PERIOD, "--out", tmp_path), "is a folder"),
        (("statements", "--db", base_db, *PERIOD, "--out", a_file), "is a file, not a folder"),
        (("report", "payouts", "--db", base_db, "--period", "9999-12"), "9999-12"),
        (("approve", "--db", base_db, "--period", "9999-12", "--by", "x"), "9999-12"),
        (
            ("report", "kpis", "--db", base_db, "--from", "0001-01-01", "--to", "9999-12-31"),
            "0001-01-01",
        ),
        (("import", "--db", base_db, "--wait", "nan", "--payments", payments), "--wait"),
        (("import", "--db", base_db, "--wait", "inf", "--payments", payments), "--wait"),
        (("sample", "--out", a_file, "--accounts", "5"), "is a file, not a folder"),
        ((*payouts, "--preset", "bogus"), "unknown compliance preset"),
        (("report", "payout-lines", "--db", base_db, *PERIOD, "--preset", "bogus"), "preset"),
        (("approve", "--db", base_db, *PERIOD, "--by", "x", "--preset", "bogus"), "preset"),
        (
            ("statements", "--db", base_db, *PERIOD, "--out", tmp_path / "s", "--preset", "x"),
            "preset",
        ),
    ]
    before = content(base_db)
    for args, message in cases:
        r = run_cli(*args)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        assert r.returncode == 2, (args, r.returncode, r.stdout, r.stderr)
        assert "error:" in r.stderr and message in r.stderr, (args, r.stderr)
        record("cli_edge_runs")
    assert content(base_db) == before
    assert not (tmp_path / "s").exists() and a_file.read_text(encoding="utf-8") == "not a folder\n"


def leaf_parsers(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> dict:
    """Every command of the CLI (``report payouts`` is one), with its parser."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {words: parser}
    out = {}
    for name, sub in subs[0].choices.items():
        out |= leaf_parsers(sub, (*words, name))
    return out


# Values every option gets (in soak mode; in CI a third of them, a different third for each
# option, so that together the options still get every one), then those of its kind.
COMMON_HOSTILE = ("", " ", "\x00", "x" * 300, "-", "'; DROP TABLE imports; --", "=1+1", "\r\n")


def hostile_values(dest: str, folder: Path) -> list[str]:
    """Hostile values for an option, by what it names (paths only inside ``folder``)."""
    a_file, a_dir, empty = folder / "a_file.txt", folder / "a_dir", folder / "empty.csv"
    common = list(COMMON_HOSTILE)
    paths = [
        str(folder / "missing" / "x"),
        str(a_dir),
        str(a_file),
        str(empty),
        str(a_file / "under_a_file"),
        str(folder / ("名" * 100)),
    ]
    if dest in ("date_from", "date_to", "as_of", "end"):
        return [*common, "0001-01-01", "9999-12-31", "2026-02-30", "20261031", "nan"]
    if dest == "period":
        return [*common, "9999-12", "0001-01", "2026-13", "2026-1", "nan"]
    if dest in ("wait", "accounts", "months", "seed", "import_id"):
        return [*common, "nan", "inf", "-inf", "-1", "0", "1e309", "9" * 30, "0x10"]
    if dest in ("db", "out", "plans", "sample", "files", *KIND_OPTIONS):
        return [*common, *paths]
    return [*common, "bogus", "\u202e", "%s%n", "x" * 10_000]


KIND_OPTIONS = ("accounts", "payments", "agents", "contacts")


def valid_args(words: tuple[str, ...], folder: Path, db_path: Path) -> list[str]:
    """A command that works, to which one hostile value is then given."""
    pay = folder / "pay.csv"
    period = ["--period", "2026-10", "--plans", str(PLANS)]
    base = {
        ("import",): ["--payments", str(pay)],
        ("undo",): ["4"],
        ("rejects",): ["4"],
        ("init",): ["--no-sample"],
        ("sample",): ["--out", str(folder / "sample"), "--accounts", "5", "--months", "1"],
        ("prepare",): [*period, "--by", "Wang Wei"],
        ("approve",): [*period, "--by", "Li Na"],
        ("statements",): [*period, "--out", str(folder / "st"), "--format", "html"],
        ("report", "payouts"): period,
        ("report", "payout-lines"): period,
    }.get(words, [])
    return [*words, *([] if words == ("sample",) else ["--db", str(db_path)]), *base]


def with_value(args: list[str], action: argparse.Action, value: str) -> list[str]:
    """``args`` with the option (or positional) of ``action`` set to ``value``."""
    if not action.option_strings:  # a positional: replace it (undo/rejects) or add it
        known = {"import_id": 1}
        if action.dest in known:
            return [*args[: len(args) - known[action.dest]], value]
        return [*args, value]
    flag = action.option_strings[-1]
    out, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a == flag and i + 1 < len(args):
            skip = True
            continue
        out.append(a)
    if value.startswith("-"):  # else argparse takes it for an option
        return [*out, f"{flag}={value}"]
    return [*out, flag, value]


@pytest.mark.timeout(1200)
def test_every_option_of_every_command_refuses_hostile_values_without_a_traceback(
    base_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each option of each command, one hostile value at a time, through ``main`` in this
    process (a child process per run would take an hour): a known outcome (0, 1 refused rows,
    2 refused with a message), never a traceback or an internal error. The shared database
    of the read commands is unchanged at the end; writing commands get a fresh copy each."""
    from dashboard.cli import build_parser, main

    folder = tmp_path / "fuzz"
    folder.mkdir()
    monkeypatch.chdir(folder)  # relative names land here
    (folder / "a_file.txt").write_text("text\n", encoding="utf-8")
    (folder / "a_dir").mkdir()
    (folder / "empty.csv").write_bytes(b"")
    (folder / "pay.csv").write_text(PAY_HEADER + "Z1,A1,2026-11-02,10.00,,card,\n", "utf-8")
    shared = tmp_path / "shared.duckdb"
    shutil.copyfile(base_db, shared)
    before = content(shared)
    writes = {("import",), ("undo",), ("init",), ("prepare",), ("approve",)}
    runs, options, problems = 0, 0, []
    for words, parser in sorted(leaf_parsers(build_parser()).items()):
        actions = [
            a
            for a in parser._actions
            if a.nargs != 0 and not isinstance(a, argparse._HelpAction | argparse._VersionAction)
        ]
        for action in actions:
            options += 1
            values = hostile_values(action.dest, folder)
            if not SOAK:
                n = len(COMMON_HOSTILE)
                values = values[:n][options % 3 :: 3] + values[n:]
            for value in values:
                db_path = shared
                if words in writes:
                    db_path = tmp_path / "w.duckdb"
                    shutil.copyfile(base_db, db_path)
                args = with_value(valid_args(words, folder, db_path), action, value)
                capsys.readouterr()
                err = ""
                try:
                    code = main(args)
                except SystemExit as exc:  # argparse's refusal
                    code = exc.code if isinstance(exc.code, int) else 2
                except Exception as exc:  # escaped main: the user would see a traceback
                    code, err = -1, f"Traceback: {type(exc).__name__}: {exc}"
                out, printed = capsys.readouterr()
                err += printed
                where = (" ".join(words), action.dest, value[:40], code, err[-300:])
                if "Traceback" in err + out or "internal error" in err or code not in (0, 1, 2):
                    problems.append(where)
                elif code == 2 and not ("error:" in err or "nothing imported" in err):
                    problems.append(where)  # refused without saying why
                runs += 1
    record("cli_fuzz_runs", runs)
    assert problems == [], f"{len(problems)} of {runs} runs: {problems[:5]}"
    assert runs > 500 and options > 100
    assert content(shared) == before
