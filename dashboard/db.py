"""The embedded DuckDB database: opening it safely, its schema, and running queries/ files.

DuckDB lets one process at a time hold a database file, so every front end opens the file for
as short a time as it can (``connect`` is a context manager) and waits, with a deadline, when
another process holds it: a CLI import while the app is running then simply waits its turn
instead of failing, and the app sees the new data on its next query.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.paths import QUERIES, default_db_path

SCHEMA_DIRS = ("schema",)
VIEW_DIRS = ("staging",)
DERIVED_DIR = "derived"
DEFAULT_TIMEOUT_S = 120.0


class DatabaseBusy(RuntimeError):
    """Another process held the database file for longer than we were willing to wait."""


class DatabaseError(RuntimeError):
    """The database file cannot be used (not a DuckDB file, unreadable, ...)."""


@cache
def query_text(name: str) -> str:
    """Text of ``queries/<name>.sql`` (``name`` may contain a sub-folder, e.g. ``kpi/buckets``)."""
    path = QUERIES / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no query file {path}")
    return path.read_text(encoding="utf-8")


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> pa.Table:
    """Run the SELECT in ``queries/<name>.sql`` with bound ``$parameters``; exact Arrow result."""
    rel = con.sql(query_text(name), params=dict(params or {}))
    assert rel is not None, f"{name} is not a query"
    return rel.to_arrow_table()


def _schema_files() -> list[Path]:
    return [p for d in SCHEMA_DIRS for p in sorted((QUERIES / d).glob("*.sql"))]


def _view_files() -> list[Path]:
    return [p for d in VIEW_DIRS for p in sorted((QUERIES / d).glob("*.sql"))]


def _derived_files() -> list[Path]:
    return sorted((QUERIES / DERIVED_DIR).glob("*.sql"))


def refresh_derived(
    con: duckdb.DuckDBPyConnection, changed_kinds: Iterable[str] | None = None
) -> list[str]:
    """Rebuild the derived tables (``queries/derived/*.sql``, in name order) from staging.

    Derived tables hold results that are costly to compute on every query (e.g. the agent each
    payment is credited to); imports and undos call this inside their transaction, so a
    derived table always agrees with the data it was built from.

    Args:
        con: an open read-write connection (inside the caller's transaction).
        changed_kinds: the extract kinds whose rows changed (accounts, payments, ...); only
            derived tables that read them, directly or through another derived table, are
            rebuilt. ``None`` rebuilds every one.

    Returns:
        The names of the tables rebuilt.
    """
    touched: set[str] | None = None
    if changed_kinds is not None:
        touched = {f"stg_{kind}" for kind in changed_kinds}
        if "stg_accounts" in touched:
            touched.add("stg_account_latest")
    rebuilt: list[str] = []
    for path in _derived_files():
        body = path.read_text(encoding="utf-8")
        if touched is not None and not any(re.search(rf"\b{n}\b", body) for n in touched):
            continue
        con.execute(f"create or replace table {path.stem} as {body}")
        rebuilt.append(path.stem)
        if touched is not None:
            touched.add(path.stem)
    return rebuilt


@cache
def schema_fingerprint() -> str:
    """Hash of every schema and view file: the schema is rebuilt when this changes."""
    h = hashlib.sha256()
    for p in _schema_files() + _view_files() + _derived_files():
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    # Views bind at creation, so a view over another view must come after it: order them by
    # the view names each body mentions (a failed statement would abort the transaction).
    bodies = {p.stem: p.read_text(encoding="utf-8") for p in _view_files()}
    done: set[str] = set()

    def create(name: str, trail: tuple[str, ...] = ()) -> None:
        if name in done:
            return
        if name in trail:
            raise DatabaseError(f"views depend on each other in a cycle: {(*trail, name)}")
        for other in bodies:
            if other != name and re.search(rf"\b{other}\b", bodies[name]):
                create(other, (*trail, name))
        con.execute(f"create or replace view {name} as {bodies[name]}")
        done.add(name)

    for name in sorted(bodies):
        create(name)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables and (re)create the staging views when the query files changed."""
    con.execute("create table if not exists meta (key varchar primary key, value varchar)")
    rows = con.execute("select value from meta where key = 'schema'").fetchall()
    row = rows[0] if rows else None
    fingerprint = schema_fingerprint()
    if row and row[0] == fingerprint:
        return
    con.execute("begin transaction")
    try:
        for p in _schema_files():
            con.execute(p.read_text(encoding="utf-8"))
        _create_views(con)
        refresh_derived(con)
        con.execute("insert or replace into meta values ('schema', $fp)", {"fp": fingerprint})
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text


@contextmanager
def connect(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for a ``with`` block, waiting while another process holds it.

    Args:
        path: database file; default ``default_db_path()``.
        read_only: open without write access; the file must exist.
        timeout: seconds to wait for another process to release the file.

    Raises:
        DatabaseBusy: the file stayed locked for ``timeout`` seconds.
        DatabaseError: the file is not a usable DuckDB database.
    """
    db_path = Path(path) if path else default_db_path()
    if read_only and not db_path.exists():
        raise DatabaseError(f"database {db_path} does not exist (import data first)")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise DatabaseError(f"cannot open database {db_path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"database {db_path} is in use by another process (an import?); "
                    f"gave up after {timeout:.0f} s"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        except duckdb.Error as exc:
            raise DatabaseError(f"cannot open database {db_path}: {exc}") from exc
    try:
        if not read_only:
            ensure_schema(con)
        yield con
    finally:
        con.close()
