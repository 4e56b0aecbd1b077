"""The bank-scale generator of the benchmarks (bench/generate.py), at a tiny scale: its files
pass the real importer with only the intended refusals, and its counts are as designed.

The expected counts come from the design (``generate.sizes``: so many plans, complaints,
contacts, orphans, bad rows at a scale), the shapes from the data contract (domain.md):
one row per account and snapshot, installments 1..n without gaps, reversals negative and of
a payment of their own account.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench import generate
from dashboard.ingest.importer import FileSpec, import_files

SCALE = 0.001


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bank")
    return out, generate.generate(out, SCALE)


def _csv(con: duckdb.DuckDBPyConnection, path: Path, query: str) -> list[tuple]:
    con.execute(
        "create or replace temp table f as select * from read_csv(?, all_varchar=true)",
        [str(path)],
    )
    return con.execute(query).fetchall()


def test_counts_are_as_designed(extracts: tuple[Path, dict]) -> None:
    out, manifest = extracts
    size = generate.sizes(SCALE)
    assert (size["n"], size["plans"], size["complaints"]) == (1000, 200, 50)
    con = duckdb.connect()
    assert _csv(con, out / "agents.csv", "select count(*) from f") == [(20,)]
    assert _csv(con, out / "contacts.csv", "select count(*) from f") == [(10_000,)]
    assert _csv(con, out / "complaints.csv", "select count(distinct complaint_id) from f") == [
        (50,)
    ]
    # 200 plans of 1-12 installments, each numbered 1..n without a gap.
    plans = _csv(
        con,
        out / "repayment_plans.csv",
        "select count(distinct plan_id), min(n), max(n), bool_and(ok) from (select plan_id, "
        "count(*) as n, max(installment_no::int) = count(*) and min(installment_no::int) = 1 "
        "as ok from f group by plan_id)",
    )
    assert plans[0][0] == 200 and plans[0][1] >= 1 and plans[0][2] <= 12 and plans[0][3]
    # Every account at most once per snapshot; 12 month ends; every account in some snapshot.
    snaps = _csv(
        con,
        out / "accounts.csv",
        "select count(distinct as_of_date), count(*) = count(distinct (account_id, as_of_date)), "
        "count(distinct account_id) from f",
    )
    assert snaps == [(12, True, 1000)]
    new = _csv(con, out / "accounts_new.csv", "select count(*), count(distinct as_of_date) from f")
    assert new == [(size["month_accounts"], 1)]
    # Reversals are negative and undo a payment of their own account, in the same file.
    bad = _csv(
        con,
        out / "payments.csv",
        "select count(*) from f r left join f p on p.payment_id = r.reverses_payment_id "
        "where r.reverses_payment_id is not null and (r.amount::decimal(18, 2) >= 0 "
        "or p.account_id is distinct from r.account_id)",
    )
    assert bad == [(0,)]
    assert manifest["rows"]["payments"] == pytest.approx(size["payments"], rel=0.01)


def test_the_importer_refuses_only_the_intended_rows(
    extracts: tuple[Path, dict], tmp_path: Path
) -> None:
    out, manifest = extracts
    db_path = tmp_path / "book.duckdb"
    refused, orphans = {}, {}
    for name in (*generate.BOOK, *generate.NEW_MONTH):
        kind = generate.KIND_OF[name]
        result = import_files([FileSpec(out / f"{name}.csv", kind)], db_path=db_path)
        assert result.committed, result.message
        (f,) = result.files
        assert f.refused_whole is None
        assert f.rows_in_file == manifest["rows"][name]
        refused[name], orphans[name] = f.rows_refused, f.orphans
        assert f.unmatched_reversals == 0
    size = generate.sizes(SCALE)
    assert refused == {
        **dict.fromkeys((*generate.BOOK, *generate.NEW_MONTH), 0),
        "payments": size["bad_payments"],
        "contacts": size["bad_contacts"],
    }
    assert orphans["payments"] == size["orphans"]
    assert orphans["payments_new"] == 0
    # Personal data in the notes was in clear in the file and is masked in the database.
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        clear = con.execute(
            "select count(*) from stg_contacts where regexp_matches(notes, '1[3-9][0-9]{9}')"
        ).fetchall()
    finally:
        con.close()
    assert clear == [(0,)]
    raw = duckdb.connect()
    in_clear = "select count(*) from f where regexp_matches(notes, '1[3-9][0-9]{9}')"
    phones = _csv(raw, out / "contacts.csv", in_clear)
    assert phones[0][0] > 0


def test_payments_follow_an_accounts_life_not_its_age(extracts: tuple[Path, dict]) -> None:
    # A young account is paid as often per day of its life as an old one (the book's payments
    # are not squeezed into a young cohort's first month): payments per account-day of the
    # accounts placed in the book's last quarter within a third of the older accounts'.
    out, _ = extracts
    con = duckdb.connect()
    _csv(con, out / "accounts.csv", "select 1")
    con.execute(
        "create temp table acct as select account_id, min(placement_date::date) as placed, "
        "max(as_of_date::date) as last_seen from f group by account_id"
    )
    rates = _csv(
        con,
        out / "payments.csv",
        "select placed >= date '2026-08-01' as young, sum(paid) / sum(last_seen - placed + 1) "
        "from acct a left join (select account_id, count(*) as paid from f "
        "where payment_id like 'P0%' group by account_id) p using (account_id) "
        "group by young order by young",
    )
    assert len(rates) == 2
    (old_rate, young_rate) = (rates[0][1], rates[1][1])
    assert 2 / 3 < young_rate / old_rate < 3 / 2
