"""Data invariants of the database, and fingerprints to prove that nothing changed.

The invariants are the queries in ``queries/checks/*.sql`` marked ``(invariant)``: each
returns the rows that break one rule (none means it holds). ``assert_invariants`` runs them
all on a database file and fails with every offending row; it also checks that every derived
table equals a fresh run of its query. ``state``, ``rows_digest`` and ``content`` capture what
must survive an import, a refusal or a crash: counts and sums, exact digests of the rows of
given imports, and a digest of every table without its clock times.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from dashboard.paths import QUERIES

CHECKS = QUERIES / "checks"
RAW_TABLES = ("raw_accounts", "raw_payments", "raw_agents", "raw_contacts")
VIEWS = (
    "stg_accounts",
    "stg_account_latest",
    "stg_payments",
    "stg_agents",
    "stg_contacts",
    "stg_imports",
)


def check_files() -> list[Path]:
    """Every invariant query, by name: the files whose first line says ``(invariant)``.

    queries/checks/ may also hold data-quality lists (orphan payments, ...) that are rightly
    non-empty; only the invariants must return no rows.
    """
    return sorted(
        p
        for p in CHECKS.glob("*.sql")
        if "(invariant)" in p.read_text(encoding="utf-8").split("\n", 1)[0]
    )


def violations(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Offending rows of every check that does not hold (empty dict: all hold)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for path in check_files():
        rows = con.execute(path.read_text(encoding="utf-8")).fetchall()
        if rows:
            out[path.stem] = rows[:20]
    return out


def assert_invariants(db_path: Path) -> None:
    """Open the database read-only, run every check of queries/checks/.

    Also reads every staging view and derived table once (they must be queryable), and
    compares every derived table with a fresh run of its query (they must be up to date).
    """
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        bad = violations(con)
        assert not bad, f"invariants broken in {db_path.name}: {bad}"
        for view in VIEWS:
            con.execute(f"select count(*) from {view}").fetchall()
        for (table,) in con.execute(
            "select table_name from duckdb_tables() where table_name like 'rpt_%' "
            "or table_name = 'payments_credited'"
        ).fetchall():
            con.execute(f"select count(*) from {table}").fetchall()
    finally:
        con.close()
    stale = derived_in_sync(db_path)
    assert not stale, f"derived tables out of date in {db_path.name}: {stale}"


STATE_SQL = {
    "imports": "select count(*), count(*) filter (where status = 'active'), "
    "coalesce(sum(rows_accepted), 0), coalesce(sum(rows_refused), 0) from imports",
    "rejects": "select count(*) from rejects",
    "raw_accounts": "select count(*), coalesce(sum(current_balance), 0), "
    "coalesce(sum(placed_balance), 0), coalesce(sum(days_past_due), 0) from raw_accounts",
    "raw_payments": "select count(*), coalesce(sum(amount), 0) from raw_payments",
    "raw_agents": "select count(*), count(distinct team) from raw_agents",
    "raw_contacts": "select count(*), coalesce(sum(promise_amount), 0) from raw_contacts",
    "snapshot_loads": "select count(*), coalesce(sum(accounts), 0) from snapshot_loads",
    "stg_accounts": "select count(*), coalesce(sum(current_balance), 0) from stg_accounts",
    "stg_payments": "select count(*), coalesce(sum(amount), 0) from stg_payments",
    "payments_credited": "select count(*), coalesce(sum(amount), 0) from payments_credited",
    "stg_contacts": "select count(*) from stg_contacts",
    "stg_agents": "select count(*) from stg_agents",
}


def state(db_path: Path) -> dict[str, tuple[Any, ...]]:
    """Counts and sums of every table and view that an import or undo changes."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {name: con.execute(sql).fetchall()[0] for name, sql in STATE_SQL.items()}
    finally:
        con.close()


def rows_digest(db_path: Path, import_ids: Iterable[int]) -> dict[str, tuple[int, str]]:
    """Row count and an exact digest of every row the given imports wrote, per table.

    Covers the raw tables, the import log entries (status and counts included), the rejects
    and the snapshot loads, so a changed, lost or added row of those imports shows.
    """
    ids = sorted(int(i) for i in import_ids)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        out = {}
        for table in (*RAW_TABLES, "imports", "rejects", "snapshot_loads"):
            row = con.execute(
                f"""select count(*), coalesce(md5(string_agg(cast(t as varchar), chr(10)
                    order by cast(t as varchar))), '')
                from {table} as t where import_id in (select unnest($ids))""",
                {"ids": ids},
            ).fetchall()[0]
            out[table] = (int(row[0]), str(row[1]))
        return out
    finally:
        con.close()


def import_ids(db_path: Path) -> list[int]:
    """Every import id in the log."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return [
            int(r[0]) for r in con.execute("select import_id from imports order by 1").fetchall()
        ]
    finally:
        con.close()


CONTENT_SQL = {
    "imports": "select import_id, kind, file_name, file_sha256, rows_in_file, rows_accepted, "
    "rows_duplicate, rows_refused, snapshot_dates, status from imports",
    "payout_approvals": "select approval_id, period, status, prepared_by, approved_by, "
    "plans_sha256, data_fingerprint, carry_from, agents, total_payout, reopen_reason, "
    "plans_book, preset, facts_digest from payout_approvals",
    "payout_steps": "select * from payout_steps",
    "payout_audit_log": "select event_id, period, event, approval_id, by_user, plans_sha256, "
    "reason from payout_audit_log",
    **{t: f"select * from {t}" for t in (*RAW_TABLES, "rejects", "snapshot_loads")},
    "payments_credited": "select * from payments_credited",
    "payout_approved": "select * from payout_approved",
    "payout_approved_lines": "select * from payout_approved_lines",
    "payout_approved_rules": "select * from payout_approved_rules",
    "header_mappings": "select kind, header, column_name from header_mappings",
}


def content(db_path: Path) -> dict[str, tuple[int, str]]:
    """Row count and exact digest of every table's content, without timestamps.

    Two databases with equal content hold the same imports (same ids, files and counts), the
    same rows, rejects, snapshots, derived rows and approvals; only the clock times differ.
    """
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        out = {}
        for name, sql in CONTENT_SQL.items():
            # An order-free digest: the sum of the rows' hashes (a changed, lost or extra row,
            # even a duplicate one, changes it).
            row = con.execute(
                f"select count(*), coalesce(sum(cast(hash(t) as hugeint)), 0) from ({sql}) as t"
            ).fetchall()[0]
            out[name] = (int(row[0]), str(row[1]))
        return out
    finally:
        con.close()


def derived_in_sync(db_path: Path) -> dict[str, int]:
    """Rows that differ between each derived table and a fresh run of its query (per table).

    Derived tables are rebuilt inside each import's and undo's transaction: a crash between
    the write and the rebuild must never leave them stale.
    """
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        out = {}
        for path in sorted((QUERIES / "derived").glob("*.sql")):
            body = path.read_text(encoding="utf-8")
            n = con.execute(
                f"""select count(*) from (
                    (select * from {path.stem} except all select * from ({body}))
                    union all
                    (select * from ({body}) except all select * from {path.stem}))"""
            ).fetchall()[0][0]
            if n:
                out[path.stem] = int(n)
        return out
    finally:
        con.close()


def table_texts(db_path: Path) -> dict[str, str]:
    """Every table and view of the database as text, one entry per table."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where not internal "
                "union all select view_name from duckdb_views() where not internal"
            ).fetchall()
        ]
        return {
            n: "\n".join(str(r) for r in con.execute(f'select * from "{n}"').fetchall())
            for n in names
        }
    finally:
        con.close()
