"""The database layer: schema creation, derived-table refresh, waiting on a held file."""

from __future__ import annotations

from pathlib import Path

from dashboard import db


def test_refresh_rebuilds_only_what_reads_the_changed_kinds(tmp_path: Path) -> None:
    with db.connect(tmp_path / "d.duckdb") as con:
        everything = db.refresh_derived(con)
        assert "payments_credited" in everything
        # payments_credited reads stg_payments and stg_accounts, never stg_agents/contacts.
        assert "payments_credited" in db.refresh_derived(con, {"payments"})
        assert "payments_credited" in db.refresh_derived(con, {"accounts"})
        assert "payments_credited" not in db.refresh_derived(con, {"contacts"})
        assert set(db.refresh_derived(con, {"accounts", "payments", "agents", "contacts"})) == set(
            everything
        )


def test_schema_is_created_once_and_views_answer(tmp_path: Path) -> None:
    path = tmp_path / "d.duckdb"
    with db.connect(path) as con:
        fp = con.execute("select value from meta where key = 'schema'").fetchall()
    assert fp == [(db.schema_fingerprint(),)]
    with db.connect(path, read_only=True) as con:
        for view in ("stg_accounts", "stg_payments", "stg_agents", "stg_contacts"):
            assert con.execute(f"select count(*) from {view}").fetchall() == [(0,)]


def test_read_only_open_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    try:
        with db.connect(tmp_path / "none.duckdb", read_only=True):
            raise AssertionError("opened a file that does not exist")
    except db.DatabaseError as exc:
        assert "does not exist" in str(exc)
