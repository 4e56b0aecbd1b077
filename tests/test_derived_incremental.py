"""Derived tables refreshed for what an import changed equal a rebuild from scratch.

Seeded random books (``tests.kpi_fixtures.random_world``, with complaints and repayment plans
added) are imported as a random sequence of files: snapshots in or out of date order, a
snapshot delivered again with changes (a replace), payments, contacts and complaints in chunks
that overlap (rows delivered twice, complaints updated), plans in two files (some created
before the first snapshot, some on an account that has another), a file imported twice, and
undos of random earlier imports. After every step each derived table (every row, every column)
must equal the same table rebuilt whole (``db.refresh_derived(con)`` without kinds) in a copy
of the database: the reference shares nothing with the incremental path but the staged rows.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from dashboard import db, refresh
from dashboard.ingest.importer import FileSpec, import_files, undo_import
from tests.case_fixtures import _one_plan, _pay_towards
from tests.kpi_fixtures import (
    ACCOUNT_COLUMNS,
    COMPLAINT_COLUMNS,
    CONTACT_COLUMNS,
    PAYMENT_COLUMNS,
    PLAN_COLUMNS,
    random_world,
    write_rows,
)

DERIVED = [n for n in db.build_order() if db._objects()[n].kind == "derived"]
CATEGORIES = ("harassment", "privacy", "service", "other", "amount_dispute")


@pytest.fixture(autouse=True)
def sliced_whatever_their_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """In these small books every file is a large share of its kind, which the refresh would
    rebuild whole (``refresh.WHOLE_SHARE``): here it is sliced anyway, so the incremental path
    is what is compared with a rebuild. The size rule has a test of its own (the last one)."""
    monkeypatch.setattr(refresh, "WHOLE_SHARE", float("inf"))


def derived_tables(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Each derived table's column names and its rows (as text, sorted: a multiset)."""
    with db.connect(path, read_only=True) as con:
        out = {}
        for name in DERIVED:
            rel = con.sql(f"select * from {name}")
            out[name] = (rel.columns, sorted(repr(r) for r in rel.fetchall()))
        return out


def rebuilt_whole(path: Path, folder: Path) -> dict[str, tuple[list[str], list[str]]]:
    ref = folder / "reference.duckdb"
    shutil.copyfile(path, ref)
    with db.connect(ref) as con:
        db.refresh_derived(con)
    try:
        return derived_tables(ref)
    finally:
        ref.unlink()


def complaints(rnd: random.Random, accounts: Sequence[str]) -> list[tuple[Any, ...]]:
    rows = []
    for n in range(18):
        day = f"2026-0{rnd.randrange(1, 5)}-{rnd.randrange(1, 29):02d}"
        agent = rnd.choice(("G1", "G2", "G5")) if rnd.random() < 0.5 else None
        rows.append((f"Q{n:02d}", rnd.choice(accounts), agent, f"{day}T10:00:00",
                     rnd.choice(CATEGORIES), "", ""))  # fmt: skip
    return rows


def plans(
    rnd: random.Random, accounts: Sequence[str]
) -> tuple[list[list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
    """About a dozen plans on random accounts (a second one on some), created from before the
    first snapshot to after the last, in two files of whole plans; and payments towards them."""
    files: list[list[tuple[Any, ...]]] = [[], []]
    payments: list[tuple[Any, ...]] = []
    for n, acct in enumerate(rnd.sample(list(accounts), 9)):
        created = date(2025, 12, 20) + timedelta(days=rnd.randrange(0, 120))
        for k in range(1 + (rnd.random() < 0.4)):
            rows = _one_plan(rnd, f"PL{n:02d}{k}", acct, created)
            files[rnd.randrange(2)].extend(rows)
            payments.extend(_pay_towards(rnd, f"PL{n:02d}{k}", rows))
            created += timedelta(days=rnd.randrange(0, 40))
    return files, payments


def chunks(rnd: random.Random, rows: list[Any], n: int) -> list[list[Any]]:
    """``rows`` in ``n`` random parts; about one row in ten also in a second part."""
    parts: list[list[Any]] = [[] for _ in range(n)]
    for row in rows:
        first = rnd.randrange(n)
        parts[first].append(row)
        if rnd.random() < 0.1:
            parts[(first + 1) % n].append(row)
    return parts


def files(seed: int, folder: Path) -> list[FileSpec]:
    """The import files of one random book, in a random order."""
    rnd = random.Random(seed)
    world = random_world(seed, n_accounts=30)
    specs: list[tuple[str, str, Sequence[str], list[Any]]] = []
    by_date: dict[str, list[Any]] = {}
    for row in world["accounts"]:
        by_date.setdefault(row[1], []).append(row)
    dates = sorted(by_date)
    for as_of in dates:
        specs.append((f"accounts_{as_of}", "accounts", ACCOUNT_COLUMNS, by_date[as_of]))
    fixed = dates[rnd.randrange(len(dates))]  # delivered again: other agents, one row less
    changed = [
        (*r[:7], rnd.choice(("G1", "G2", "G3", None)), *r[8:]) if rnd.random() < 0.4 else r
        for r in by_date[fixed][1:]
    ]
    specs.append((f"accounts_{fixed}_fixed", "accounts", ACCOUNT_COLUMNS, changed))
    planned, plan_payments = plans(rnd, sorted({r[0] for r in world["accounts"]}))
    for n, part in enumerate(planned):
        specs.append((f"plans_{n}", "repayment_plans", PLAN_COLUMNS, part))
    for n, part in enumerate(chunks(rnd, [*world["payments"], *plan_payments], 3)):
        specs.append((f"payments_{n}", "payments", PAYMENT_COLUMNS, part))
    for n, part in enumerate(chunks(rnd, world["contacts"], 2)):
        specs.append((f"contacts_{n}", "contacts", CONTACT_COLUMNS, part))
    filed = complaints(rnd, [r[0] for r in world["accounts"]] + ["ORPHAN1"])
    updated = [(*r[:5], f"{r[3][:10]}T18:00:00", rnd.choice(("true", "false"))) for r in filed]
    specs.append(("complaints_0", "complaints", COMPLAINT_COLUMNS, filed))
    specs.append(("complaints_1", "complaints", COMPLAINT_COLUMNS, rnd.sample(updated, 9)))
    rnd.shuffle(specs)
    if rnd.random() < 0.5:  # snapshots in date order, as a month at a time arrives
        at = [i for i, s in enumerate(specs) if s[1] == "accounts"]
        for i, s in zip(at, sorted(specs[i] for i in at), strict=True):
            specs[i] = s
    out = []
    for name, kind, columns, rows in specs:
        out.append(FileSpec(write_rows(folder / f"{name}.csv", columns, rows), kind))
    out.insert(rnd.randrange(len(out)), rnd.choice(out))  # one file twice
    return out


@pytest.mark.parametrize("seed", range(8))
def test_incremental_refresh_equals_a_rebuild_after_every_import_and_undo(
    seed: int, tmp_path: Path
) -> None:
    rnd = random.Random(1000 + seed)
    path = tmp_path / "book.duckdb"
    agents = write_rows(
        tmp_path / "agents.csv", ("agent_id", "agent_name", "team"), random_world(seed)["agents"]
    )
    assert import_files([FileSpec(agents, "agents")], db_path=path).committed
    done: list[int] = []
    for step, spec in enumerate(files(seed, tmp_path)):
        result = import_files([spec], db_path=path, replace=True)
        assert result.committed, (step, spec)
        done += [f.import_id for f in result.files if f.import_id is not None]
        assert derived_tables(path) == rebuilt_whole(path, tmp_path), (step, spec, "import")
        if done and rnd.random() < 0.3:
            undone = done.pop(rnd.randrange(len(done)))
            undo_import(undone, db_path=path)
            assert derived_tables(path) == rebuilt_whole(path, tmp_path), (step, undone, "undo")


def test_an_import_refreshes_slices_and_an_undo_rebuilds(tmp_path: Path) -> None:
    """The incremental path is the one taken after an import (the new rows only are
    recomputed), and an undo rebuilds whole: both checked against a rebuild above; here, that
    a new payment leaves every other payments_credited row where it was."""
    path = tmp_path / "book.duckdb"
    snapshot = [("A1", "2026-01-31", "P1", "2026-01-01", "10.00", "10.00", 0, "G1", "open")]
    first = write_rows(tmp_path / "a.csv", ACCOUNT_COLUMNS, snapshot)
    pay = write_rows(tmp_path / "p.csv", PAYMENT_COLUMNS, [("Y1", "A1", "2026-01-10", "4.00")])
    more = write_rows(tmp_path / "q.csv", PAYMENT_COLUMNS, [("Y2", "A1", "2026-01-11", "5.00")])
    import_files([FileSpec(first, "accounts"), FileSpec(pay, "payments")], db_path=path)
    with db.connect(path) as con:
        con.execute("update payments_credited set channel = 'marked' where payment_id = 'Y1'")
    result = import_files([FileSpec(more, "payments")], db_path=path)
    with db.connect(path) as con:
        # Y1 was not recomputed (its mark stays); Y2 was added.
        got = con.execute("select payment_id, channel from payments_credited order by 1").fetchall()
        assert got == [("Y1", "marked"), ("Y2", None)]
    undo_import(result.files[0].import_id or 0, db_path=path)
    with db.connect(path) as con:
        got = con.execute("select payment_id, channel from payments_credited order by 1").fetchall()
        assert got == [("Y1", None)]  # rebuilt whole: the mark is gone


def test_a_file_that_is_much_of_its_kind_rebuilds_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten payments in force, then one more (1 > 0.2 x 11 is false: sliced, the mark on an
    old row stays), then three more (3 > 0.2 x 14 = 2.8: rebuilt whole, the mark is gone)."""
    monkeypatch.setattr(refresh, "WHOLE_SHARE", 0.2)
    path = tmp_path / "book.duckdb"
    snapshot = [("A1", "2026-01-31", "P1", "2026-01-01", "10.00", "10.00", 0, "G1", "open")]
    accounts = write_rows(tmp_path / "a.csv", ACCOUNT_COLUMNS, snapshot)
    ten = [(f"Y{i:02d}", "A1", "2026-01-10", "1.00") for i in range(10)]
    pay = write_rows(tmp_path / "p.csv", PAYMENT_COLUMNS, ten)
    import_files([FileSpec(accounts, "accounts"), FileSpec(pay, "payments")], db_path=path)

    def mark_and_import(name: str, rows: list[tuple[str, ...]]) -> str | None:
        with db.connect(path) as con:
            con.execute("update payments_credited set channel = 'marked' where payment_id = 'Y00'")
        more = write_rows(tmp_path / name, PAYMENT_COLUMNS, rows)
        assert import_files([FileSpec(more, "payments")], db_path=path).committed
        with db.connect(path) as con:
            found = con.execute(
                "select channel from payments_credited where payment_id = 'Y00'"
            ).fetchall()
        return found[0][0]

    assert mark_and_import("q.csv", [("Z1", "A1", "2026-01-11", "1.00")]) == "marked"
    three = [(f"Z{i}", "A1", "2026-01-12", "1.00") for i in range(2, 5)]
    assert mark_and_import("r.csv", three) is None


def test_the_payout_tables_recompute_only_the_days_and_months_of_new_payments(
    tmp_path: Path,
) -> None:
    """One account (agent G1), 4.00 paid on 10 January and 5.00 on 3 February; then 2.50 more
    on 3 February. By hand: 3 February nets 7.50 over 2 rows, February's basis is 7.50 over 2
    rows and 1 task; the January rows, marked before, are not recomputed (the marks stay)
    until an undo rebuilds the tables whole (January: 1 row, 1 task again)."""
    path = tmp_path / "book.duckdb"
    snapshot = [("A1", "2026-01-31", "P1", "2026-01-01", "10.00", "10.00", 0, "G1", "open")]
    accounts = write_rows(tmp_path / "a.csv", ACCOUNT_COLUMNS, snapshot)
    two = [("Y1", "A1", "2026-01-10", "4.00"), ("Y2", "A1", "2026-02-03", "5.00")]
    pay = write_rows(tmp_path / "p.csv", PAYMENT_COLUMNS, two)
    more = write_rows(tmp_path / "q.csv", PAYMENT_COLUMNS, [("Y3", "A1", "2026-02-03", "2.50")])
    import_files([FileSpec(accounts, "accounts"), FileSpec(pay, "payments")], db_path=path)
    with db.connect(path) as con:
        con.execute(
            "update rpt_payout_days set payment_rows = 99 where payment_date = '2026-01-10'"
        )
        con.execute("update rpt_payout_months set tasks = 99 where period_start = '2026-01-01'")
    result = import_files([FileSpec(more, "payments")], db_path=path)
    days = "select agent_id, payment_date::varchar, net_amount::varchar, payment_rows from "
    months = "select agent_id, period_start::varchar, basis_amount::varchar, tasks, payment_rows "
    with db.connect(path) as con:
        assert con.execute(f"{days} rpt_payout_days order by 2").fetchall() == [
            ("G1", "2026-01-10", "4.00", 99),
            ("G1", "2026-02-03", "7.50", 2),
        ]
        assert con.execute(f"{months} from rpt_payout_months order by 2").fetchall() == [
            ("G1", "2026-01-01", "4.00", 99, 1),
            ("G1", "2026-02-01", "7.50", 1, 2),
        ]
    undo_import(result.files[0].import_id or 0, db_path=path)
    with db.connect(path) as con:
        assert con.execute(f"{days} rpt_payout_days order by 2").fetchall() == [
            ("G1", "2026-01-10", "4.00", 1),
            ("G1", "2026-02-03", "5.00", 1),
        ]
        assert con.execute(f"{months} from rpt_payout_months order by 2").fetchall() == [
            ("G1", "2026-01-01", "4.00", 1, 1),
            ("G1", "2026-02-01", "5.00", 1, 1),
        ]
