"""The database layer: schema creation, derived-table refresh, waiting on a held file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard import db, refresh


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


def _limit(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("select current_setting('memory_limit')").fetchall()[0][0])


def _shown(value: str) -> str:
    """How DuckDB shows a memory limit of ``value`` (asked of a database of its own)."""
    other = duckdb.connect()
    other.execute("set memory_limit = $v", {"v": value})
    return _limit(other)


def test_settings_hold_for_the_block_and_are_restored_after_it_even_on_error(
    tmp_path: Path,
) -> None:
    with db.connect(tmp_path / "d.duckdb") as con:
        con.execute("set memory_limit = '3GiB'")  # shown as it is: "3.0 GiB"
        with db.settings(con, memory_limit="123MB", preserve_insertion_order=False):
            assert _limit(con) == _shown("123MB")
            assert con.execute("select current_setting('preserve_insertion_order')").fetchall()[0][
                0
            ] in (False, "false")
        assert _limit(con) == _shown("3GiB")
        with pytest.raises(duckdb.Error), db.settings(con, memory_limit="200MB"):
            con.execute("select * from no_such_table")
        assert _limit(con) == _shown("3GiB")
        with pytest.raises(ValueError), db.settings(con, **{"memory_limit; drop": "1GB"}):
            pass


def test_a_refresh_runs_under_its_own_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real = refresh.refresh

    def watched(con: duckdb.DuckDBPyConnection, *args: Any, **kw: Any) -> list[str]:
        seen.append(_limit(con))
        return real(con, *args, **kw)

    with db.connect(tmp_path / "d.duckdb") as con:
        con.execute("reset memory_limit")
        default = _limit(con)
        monkeypatch.setattr(refresh, "refresh", watched)
        for _ in range(3):
            db.refresh_derived(con)
        assert seen == [_shown("1500MB")] * 3
        # The default again, not what DuckDB shows of it set back (a little less each time).
        assert _limit(con) == default


def test_a_schema_upgrade_builds_the_derived_tables_under_the_refresh_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, str] = {}
    real = db._create

    def watched(con: duckdb.DuckDBPyConnection, name: str, *, temporary: bool) -> None:
        seen[name] = _limit(con)
        real(con, name, temporary=temporary)

    monkeypatch.setattr(db, "_create", watched)
    with db.connect(tmp_path / "d.duckdb") as con:
        assert seen, "a new database builds its objects"
        assert set(seen.values()) == {_shown("1500MB")}
        assert "rpt_snapshots" in seen
        assert _limit(con) != _shown("1500MB")
