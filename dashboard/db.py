"""The embedded DuckDB database: opening it safely, its schema, and running queries/ files.

DuckDB lets one process at a time hold a database file, so every front end opens the file for
as short a time as it can (``connect`` is a context manager) and waits, with a deadline, when
another process holds it: a CLI import while the app is running then simply waits its turn
instead of failing, and the app sees the new data on its next query.

``connect`` is the one place that opens a database file, so it is also the one place that
says what is wrong with one, for a person: no database at that path, a folder, not a DuckDB
file, a damaged (truncated, corrupt) file, a read-only file asked to take a write, a full
disk. Each is a ``DatabaseError`` subclass whose message the front ends print as it is.
Read commands open the file read-only and never create it; only ``create=True`` (``init``,
``import`` and the app) makes a new database.

Within one process, opening and closing one file are serialised: DuckDB shares one database
instance among the connections of a process, and a thread opening the file while another
one's instance is still being set up or torn down fails with "Unique file handle conflict"
(duckdb/duckdb#22277, duckdb/duckdb#13010). That error is also waited out like a lock.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import duckdb
import pyarrow as pa

from dashboard import refresh
from dashboard.paths import DB_ENV, QUERIES, default_db_path

SCHEMA_DIRS = ("schema",)
MACRO_FILE = "macros"  # queries/macros.sql: the rules every query shares
VIEW_DIRS = ("staging",)
DERIVED_DIR = "derived"
DEFAULT_TIMEOUT_S = 120.0
# The memory a refresh of the derived tables may take (DuckDB spills beyond it). Their whole
# rebuild after a first import of a bank's book (9.35 M snapshot rows, 10 M payments) fits
# under it, where without a limit it took 5.3 GB; under 1 GB rpt_snapshots' rebuild ran out of
# memory at a quarter of that size (bench, 2026-12-03; its joins and sort spill, not all of
# their buffers do).
REFRESH_MEMORY_LIMIT = "1500MB"
_SETTING = re.compile(r"[a-z_]+")


class DatabaseBusy(RuntimeError):
    """Another process held the database file for longer than we were willing to wait."""


class DatabaseError(RuntimeError):
    """The database file cannot be used (not a DuckDB file, unreadable, ...)."""


class DatabaseMissing(DatabaseError):
    """There is no database at the path (and the caller did not ask to create one)."""


class DatabaseDamaged(DatabaseError):
    """The file is not a DuckDB database, or one that is truncated or corrupt."""


class DatabaseReadOnly(DatabaseError):
    """The file (or its folder, or the disk) cannot be written; reading it works."""


class DiskFull(DatabaseError):
    """The disk holding the database ran out of space; nothing was written."""


@cache
def query_text(name: str) -> str:
    """Text of ``queries/<name>.sql`` (``name`` may contain a sub-folder, e.g. ``kpi/buckets``)."""
    path = QUERIES / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no query file {path}")
    return path.read_text(encoding="utf-8")


@runtime_checkable
class OtherEngine(Protocol):
    """A connection to another engine that runs the same query files (``dashboard.spark``'s
    ``SparkConnection``): ``run``, ``run_into_temp`` and ``execute`` hand it the query's name
    and parameters, so a report function runs unchanged on either engine without knowing
    which (it only ever passes its ``con`` on to them)."""

    def run(self, name: str, params: Mapping[str, Any]) -> pa.Table: ...

    def run_into_temp(self, table: str, name: str, params: Mapping[str, Any]) -> None: ...


class ReadOnlyEngine(DatabaseError):
    """A write (``execute``) asked of an engine that only reads (a lake on Spark)."""


def run(
    con: duckdb.DuckDBPyConnection | OtherEngine,
    name: str,
    params: Mapping[str, Any] | None = None,
) -> pa.Table:
    """Run the SELECT in ``queries/<name>.sql`` with bound ``$parameters``; exact Arrow result
    (on another engine, its own ``run``: the same columns and types)."""
    if isinstance(con, OtherEngine):  # a wrapped DuckDB connection is none
        return con.run(name, dict(params or {}))
    rel = con.sql(query_text(name), params=dict(params or {}))
    assert rel is not None, f"{name} is not a query"
    return rel.to_arrow_table()


def execute(
    con: duckdb.DuckDBPyConnection | OtherEngine,
    name: str,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Run the write (UPDATE, INSERT) in ``queries/<name>.sql`` with bound ``$parameters``.

    Raises:
        ReadOnlyEngine: ``con`` is another engine's (a lake is read, never written).
    """
    if isinstance(con, OtherEngine):  # a wrapped DuckDB connection is none
        raise ReadOnlyEngine(
            f"{name} writes to the database: run it with --engine duckdb (a lake is read-only)"
        )
    con.execute(query_text(name), dict(params or {}))


def _schema_files() -> list[Path]:
    return [p for d in SCHEMA_DIRS for p in sorted((QUERIES / d).glob("*.sql"))]


def _view_files() -> list[Path]:
    return [p for d in VIEW_DIRS for p in sorted((QUERIES / d).glob("*.sql"))]


def _derived_files() -> list[Path]:
    return sorted((QUERIES / DERIVED_DIR).glob("*.sql"))


def statements(text: str) -> list[str]:
    """The statements of a SQL file: split at a ``;`` that ends a line, comment lines dropped."""
    out = []
    for chunk in text.split(";\n"):
        code = "\n".join(ln for ln in chunk.splitlines() if not ln.strip().startswith("--"))
        if code.strip():
            out.append(code.strip().removesuffix(";"))
    return out


@cache
def macros() -> dict[str, str]:
    """Name -> ``create or replace macro`` statement of each macro in queries/macros.sql."""
    out: dict[str, str] = {}
    for statement in statements(query_text(MACRO_FILE)):
        m = re.match(r"create or replace macro (\w+)\(", statement)
        if not m:
            raise DatabaseError(f"{MACRO_FILE}.sql: not a macro: {statement[:60]!r}")
        out[m.group(1)] = statement
    return out


@dataclass(frozen=True)
class _Object:
    kind: str  # macro, view or derived
    body: str  # the macro's create statement; the view's or derived table's query


@cache
def _objects() -> dict[str, _Object]:
    """Every macro, staging view and derived table that queries/ defines, by name."""
    out = {name: _Object("macro", body) for name, body in macros().items()}
    out |= {p.stem: _Object("view", p.read_text(encoding="utf-8")) for p in _view_files()}
    out |= {p.stem: _Object("derived", p.read_text(encoding="utf-8")) for p in _derived_files()}
    return out


def _mentions(body: str, names: Iterable[str], called: Iterable[str] = ()) -> set[str]:
    """Which of ``names`` (tables, views) and ``called`` (macros, as calls) ``body`` reads,
    outside its comments."""
    code = re.sub(r"--[^\n]*", "", body)
    found = {n for n in names if re.search(rf"\b{n}\b", code)}
    return found | {n for n in called if re.search(rf"\b{n}\s*\(", code)}


@cache
def _depends() -> dict[str, frozenset[str]]:
    """The other macros, views and derived tables each object's body reads directly."""
    objects = _objects()
    called = [n for n, o in objects.items() if o.kind == "macro"]
    named = [n for n, o in objects.items() if o.kind != "macro"]
    return {
        name: frozenset(_mentions(o.body, named, called) - {name}) for name, o in objects.items()
    }


@cache
def build_order() -> tuple[str, ...]:
    """Every macro, view and derived table of queries/, each after everything it reads.

    DuckDB binds a view's and a macro's body when it is created, so what it reads must
    exist by then: the macros read the roster and the derived account table, the staging
    views and derived tables call the macros. Ties are broken by name.

    Raises:
        DatabaseError: two of them read each other (directly or not).
    """
    depends = _depends()
    done: list[str] = []

    def visit(name: str, trail: tuple[str, ...] = ()) -> None:
        if name in done:
            return
        if name in trail:
            raise DatabaseError(
                f"queries/ objects depend on each other in a cycle: {(*trail, name)}"
            )
        for other in sorted(depends[name]):
            visit(other, (*trail, name))
        done.append(name)

    kinds = ("macro", "view", "derived")
    for name in sorted(depends, key=lambda n: (kinds.index(_objects()[n].kind), n)):
        visit(name)
    return tuple(done)


def _reads(name: str) -> set[str]:
    """Every name ``name`` reads, through the macros and views it uses (not through
    derived tables, which ``refresh_derived`` follows itself)."""
    objects, depends = _objects(), _depends()
    seen: set[str] = set()
    todo = [name]
    while todo:
        for other in depends[todo.pop()]:
            if other not in seen:
                seen.add(other)
                if objects[other].kind != "derived":
                    todo.append(other)
    return seen


def _create(con: duckdb.DuckDBPyConnection, name: str, *, temporary: bool) -> None:
    obj = _objects()[name]
    if obj.kind == "macro":
        kind = "temp macro" if temporary else "macro"
        con.execute(obj.body.replace("create or replace macro", f"create or replace {kind}", 1))
    elif obj.kind == "view":
        kind = "temp view" if temporary else "view"
        con.execute(f"create or replace {kind} {name} as {obj.body}")
    else:
        kind = "temp table" if temporary else "table"
        con.execute(f"create or replace {kind} {name} as {obj.body}")


def refresh_derived(
    con: duckdb.DuckDBPyConnection,
    changed_kinds: Iterable[str] | None = None,
    *,
    temporary: bool = False,
) -> list[str]:
    """Rebuild the derived tables (``queries/derived/*.sql``, in ``build_order``) from staging.

    Derived tables hold results that are costly to compute on every query (e.g. the agent each
    payment is credited to); imports and undos call this inside their transaction, so a
    derived table always agrees with the data it was built from. After an import, a table
    is refreshed for what the new imports change where it can be (``dashboard.refresh``):
    only the slices (snapshots, accounts, payments, ...) that depend on the new rows are
    recomputed; after an undo, and for a table without an incremental definition, it is
    rebuilt whole.

    Args:
        con: an open read-write connection (inside the caller's transaction).
        changed_kinds: the extract kinds whose rows changed (accounts, payments, ...); only
            derived tables that read them (their staging view, directly, through a macro or
            view, or through another derived table) are refreshed (so are those that read a
            kind whose imports changed since the last refresh). ``None`` rebuilds every one
            whole.
        temporary: build them whole as temporary tables of this connection (a read-only
            file).

    Returns:
        The names of the tables refreshed (for what changed, or whole).
    """
    with settings(con, memory_limit=REFRESH_MEMORY_LIMIT):
        return refresh.refresh(con, changed_kinds, _catalogue(), temporary=temporary)


@contextmanager
def settings(con: duckdb.DuckDBPyConnection, **values: str | bool) -> Iterator[None]:
    """The connection's ``values`` of DuckDB settings while the block runs, the ones it had
    before afterwards: the connections of one process to one file share the database's
    settings (the app's sessions too)."""
    names = [n for n in values if _SETTING.fullmatch(n)]
    if len(names) != len(values):
        raise ValueError(f"not a setting name: {sorted(set(values) - set(names))}")
    before = {n: _setting(con, n) for n in names}
    try:
        for n in names:
            con.execute(f"set {n} = $v", {"v": values[n]})
        yield
    finally:
        for n, v in before.items():
            try:
                if v == _default_setting(n):
                    # Reset, not set again: DuckDB shows a memory limit cut to one decimal
                    # (2.7 GiB as "2.6 GiB"), and setting what it shows would shrink the
                    # app's limit a little at every import.
                    con.execute(f"reset {n}")
                else:
                    con.execute(f"set {n} = $v", {"v": v})
            except duckdb.Error:
                pass


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> Any:
    return con.execute("select current_setting($n)", {"n": name}).fetchall()[0][0]


@cache
def _default_setting(name: str) -> Any:
    """A setting's default on this machine, as DuckDB shows it (asked of a database of its own)."""
    with duckdb.connect() as other:
        return _setting(other, name)


@cache
def _catalogue() -> refresh.Catalogue:
    """The derived tables as ``dashboard.refresh`` needs them."""
    objects = _objects()
    derived = tuple(n for n in build_order() if objects[n].kind == "derived")
    return refresh.Catalogue(
        derived=derived,
        bodies={n: objects[n].body for n in derived},
        sources={n: frozenset(r for r in _reads(n) if objects[r].kind != "macro") for n in derived},
        create=lambda con, name, temporary: _create(con, name, temporary=temporary),
        script=lambda name: statements(query_text(name)),
        query=query_text,
    )


@cache
def schema_fingerprint() -> str:
    """Hash of every schema, macro, view and derived file: the schema is rebuilt when it
    changes."""
    h = hashlib.sha256()
    macro_file = QUERIES / f"{MACRO_FILE}.sql"
    for p in [*_schema_files(), macro_file, *_view_files(), *_derived_files()]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _create_objects(con: duckdb.DuckDBPyConnection, *, temporary: bool = False) -> None:
    """Create every macro, staging view and derived table, in ``build_order`` (a failed
    statement aborts the caller's transaction). Under the refresh's memory limit: a schema
    upgrade of the bank's book rebuilds every derived table (6.2 GB of the process without it)."""
    with settings(con, memory_limit=REFRESH_MEMORY_LIMIT):
        for name in build_order():
            _create(con, name, temporary=temporary)


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
        _create_objects(con)
        con.execute("insert or replace into meta values ('schema', $fp)", {"fp": fingerprint})
        refresh.record(con)
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise


_LOCK_WORDS = ("could not set lock", "conflicting lock", "unique file handle conflict")
_DAMAGE_WORDS = (
    "not a valid duckdb database",
    "could not read enough bytes",
    "corrupt database file",
    "does not match stored checksum",
    "database has been invalidated",
    "invalid database header",
)
_READ_ONLY_WORDS = ("read-only file system", "permission denied")


def _is_lock_error(exc: BaseException) -> bool:
    """Another connection holds the file: a process's lock, or this process's instance being
    set up or torn down by another thread (both pass; they are waited out)."""
    text = str(exc).lower()
    return any(w in text for w in _LOCK_WORDS)


def is_disk_full(exc: BaseException) -> bool:
    """An error that means a disk ran out of space (Python's or DuckDB's wording of it)."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    text = str(exc)
    return isinstance(exc, duckdb.Error) and (
        "No space left on device" in text or '"errno":"28"' in text
    )


def is_damage(exc: BaseException) -> bool:
    """A DuckDB error that means the file is not a (whole) DuckDB database."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and any(w in text for w in _DAMAGE_WORDS)


def damaged(db_path: Path, exc: BaseException) -> DatabaseDamaged:
    """The error to raise for a file that is not a whole DuckDB database (``is_damage``)."""
    if "not a valid duckdb database" in str(exc).lower():
        return DatabaseDamaged(
            f"{db_path} is not a DuckDB database (an empty, text or other file?): give the "
            "database file with --db, or remove this file and run init"
        )
    return DatabaseDamaged(
        f"database {db_path} is damaged (truncated or corrupt; DuckDB says: {_first_line(exc)}): "
        "restore it from a backup"
    )


def disk_full(db_path: Path) -> DiskFull:
    """The error to raise when a write to the database ran out of disk space."""
    return DiskFull(
        f"the disk holding the database {db_path} is full: nothing was changed (the database "
        "is as it was); free some space and try again"
    )


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if there still is one.

    After a failed commit (a full disk) DuckDB has already rolled back; a second rollback
    would raise "no transaction is active" and hide the error that matters.
    """
    try:
        con.execute("rollback")
    except duckdb.Error:
        pass


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


_OPENING: dict[str, threading.Lock] = {}
_OPENING_GUARD = threading.Lock()
_LIVE: dict[str, set[int]] = {}  # per file: the connections this process holds open
_WHOLE: dict[str, tuple[int, int, int]] = {}  # per file: the state last found whole


def _opening_lock(db_path: Path) -> threading.Lock:
    """The lock that serialises opening and closing ``db_path`` within this process."""
    key = os.path.realpath(db_path)
    with _OPENING_GUARD:
        return _OPENING.setdefault(key, threading.Lock())


def resolve(path: str | Path | None) -> Path:
    """The database file a front end means: ``path``, or ``default_db_path()``.

    Raises:
        DatabaseError: the path cannot name a file (empty, a NUL byte, a folder).
    """
    db_path = Path(path) if path is not None and str(path) != "" else default_db_path()
    if "\0" in str(db_path):
        raise DatabaseError(f"{str(db_path)!r} is not a file name (it holds a NUL byte)")
    try:
        folder = db_path.is_dir()
    except OSError as exc:  # a name too long, a loop of links, ...
        raise DatabaseError(f"{db_path} cannot be a database file: {exc.strerror}") from exc
    if folder:
        raise DatabaseError(f"{db_path} is a folder, not a database file")
    return db_path


def require(path: str | Path | None) -> Path:
    """The database file, which must exist (read commands, undo, approve).

    Raises:
        DatabaseMissing: there is no file at the path; nothing is created.
        DatabaseError: as ``resolve``.
    """
    db_path = resolve(path)
    if not db_path.exists():  # resolve has stat'ed it: no OSError here
        raise DatabaseMissing(
            f"no database at {db_path}: the file does not exist (check --db or ${DB_ENV}; "
            "init or import create a database)"
        )
    return db_path


def _open(
    db_path: Path, read_only: bool, deadline: float, timeout: float
) -> duckdb.DuckDBPyConnection:
    delay = 0.05
    key = os.path.realpath(db_path)
    while True:
        try:
            with _opening_lock(db_path):
                con = duckdb.connect(str(db_path), read_only=read_only)
                live = _LIVE.setdefault(key, set())
                if not live and not db_path.with_name(db_path.name + ".wal").exists():
                    try:  # alone with the file, and no log to replay: sizes must agree
                        _check_whole(db_path, con)
                    except BaseException:
                        con.close()
                        raise
                live.add(id(con))
                return con
        except duckdb.Error as exc:
            if _is_lock_error(exc):
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(
                        f"database {db_path} is in use by another process (an import?); "
                        f"gave up after {timeout:.0f} s"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            raise _open_error(db_path, exc, read_only) from exc
        except OSError as exc:
            raise _open_error(db_path, exc, read_only) from exc


def _open_error(db_path: Path, exc: BaseException, read_only: bool) -> DatabaseError:
    if is_damage(exc):
        return damaged(db_path, exc)
    if is_disk_full(exc):
        return disk_full(db_path)
    text = str(exc).lower()
    if not read_only and any(w in text for w in _READ_ONLY_WORDS):
        return read_only_error(db_path)
    return DatabaseError(f"cannot open database {db_path}: {_first_line(exc)}")


def read_only_error(db_path: Path) -> DatabaseReadOnly:
    """The error to raise when a write needs a database file that cannot be written."""
    return DatabaseReadOnly(
        f"database {db_path} is read-only: reports can read it, imports cannot write it "
        "(nothing was changed)"
    )


def _close(db_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Close a connection of ``_open`` (again: a no-op)."""
    with _opening_lock(db_path):
        _LIVE.get(os.path.realpath(db_path), set()).discard(id(con))
        con.close()


def _check_whole(db_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a file shorter than the last block its tables use (cut off: a copy that
    stopped, a full disk): DuckDB would open it and fail only when a read reaches the end.

    Only meaningful on a file no connection of this process holds and with no log to
    replay (blocks being written count before the file grows to hold them); done once per
    state of the file (its size and modification time).
    """
    stat = db_path.stat()
    stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    key = os.path.realpath(db_path)
    if _WHOLE.get(key) == stamp:
        return
    size_rows = con.execute(
        "select block_size from pragma_database_size() where database_name = current_database()"
    ).fetchall()
    tables = con.execute(
        "select table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'main'"
    ).fetchall()
    last = -1
    for (table,) in tables:
        row = con.execute(
            "select max(block_id), max(list_max(additional_block_ids)) "
            "from pragma_storage_info($table)",
            {"table": table},
        ).fetchall()[0]
        last = max([last, *(int(b) for b in row if b is not None)])
    needed = (last + 1) * int(size_rows[0][0]) if size_rows else 0
    if stat.st_size < needed:
        raise DatabaseDamaged(
            f"database {db_path} is damaged (truncated: {stat.st_size:,} bytes, its tables "
            f"need at least {needed:,}): restore it from a backup"
        )
    _WHOLE[key] = stamp


def _fingerprint_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The schema fingerprint stored in the database; None if it has no meta table."""
    found = con.execute(
        "select count(*) from duckdb_tables() where table_name = 'meta' and schema_name = 'main'"
    ).fetchall()
    if not found or not found[0][0]:
        return None
    rows = con.execute("select value from meta where key = 'schema'").fetchall()
    return str(rows[0][0]) if rows else ""


def _temporary_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Bring an outdated read-only database's schema up to date for this connection only.

    The raw tables it lacks are created empty and the staging views and derived tables are
    rebuilt, all as temporary objects (DuckDB resolves temporary names first): the stored
    rows are read through today's query files, and nothing is written to the file.
    """
    have = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'"
        ).fetchall()
    }
    added: dict[str, list[str]] = {}  # columns a schema file adds to an older table
    for path in _schema_files():
        for statement in path.read_text(encoding="utf-8").split(";"):
            m = re.search(r"create table if not exists (\w+)", statement)
            if m and m.group(1) not in have:
                con.execute(statement.replace(m.group(0), f"create temp table {m.group(1)}"))
            a = re.search(r"alter table (\w+) add column if not exists (\w+) (\w+)", statement)
            if a and a.group(1) in have:
                added.setdefault(a.group(1), []).append(f"null::{a.group(3)} as {a.group(2)}")
    for table, extra in added.items():  # as a temporary view: the stored rows, and NULLs
        present = {
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where schema_name = 'main' "
                "and table_name = $t",
                {"t": table},
            ).fetchall()
        }
        missing = [e for e in extra if e.rsplit(" ", 1)[1] not in present]
        if missing:
            con.execute(
                f"create temp view {table} as select *, {', '.join(missing)} from main.{table}"
            )
    _create_objects(con, temporary=True)


@contextmanager
def connect(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    timeout: float = DEFAULT_TIMEOUT_S,
    create: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for a ``with`` block, waiting while another process holds it.

    Args:
        path: database file; default ``default_db_path()``.
        read_only: open without write access; the file must exist. If its schema is older
            than the query files, it is brought up to date first when the file can be
            written, else for this connection only (``_temporary_schema``).
        timeout: seconds to wait for another process to release the file.
        create: create the file when it does not exist (read-write opens only).

    Raises:
        DatabaseBusy: the file stayed locked for ``timeout`` seconds.
        DatabaseMissing: no file at the path (read-only, or ``create=False``).
        DatabaseDamaged: not a DuckDB database, or a truncated or corrupt one (also when
            that shows only while the block reads it).
        DatabaseReadOnly: a read-write open of a file that cannot be written.
        DiskFull: the disk is full while opening (creating, replaying the log).
        DatabaseError: any other reason the file cannot be used.
    """
    db_path = resolve(path)
    if read_only or not create:
        require(db_path)
    else:
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            what = "the disk is full" if is_disk_full(exc) else exc.strerror
            if isinstance(exc, FileExistsError | NotADirectoryError):
                what = "a folder on its path is a file"
            raise DatabaseError(f"cannot create the database {db_path}: {what}") from exc
    deadline = time.monotonic() + timeout
    con = _open(db_path, read_only, deadline, timeout)
    try:
        try:
            con = _ready(db_path, con, read_only, deadline, timeout)
        except duckdb.Error as exc:
            raise _open_error(db_path, exc, read_only) from exc
        try:
            yield con
        except duckdb.Error as exc:
            # Damage may show only when the block reads the broken part of the file.
            if is_damage(exc):
                raise damaged(db_path, exc) from exc
            raise
    finally:
        try:
            _close(db_path, con)
        except duckdb.Error:
            pass


def _ready(
    db_path: Path, con: duckdb.DuckDBPyConnection, read_only: bool, deadline: float, timeout: float
) -> duckdb.DuckDBPyConnection:
    """The connection with an up-to-date schema (possibly a new connection)."""
    if not read_only:
        ensure_schema(con)
        return con
    current = _fingerprint_of(con)
    if current is None:
        raise DatabaseError(
            f"{db_path} is a DuckDB database but not one of this dashboard (it has no import "
            "log); init sets one up"
        )
    if current == schema_fingerprint():
        return con
    _close(db_path, con)
    return _upgraded(db_path, deadline, timeout)


def _upgraded(db_path: Path, deadline: float, timeout: float) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a database whose schema is older than the query files: the
    file is upgraded in place when it can be written, else for this connection only."""
    try:
        rw = _open(db_path, False, deadline, timeout)
    except (DatabaseReadOnly, DiskFull):
        return _temporary(db_path, deadline, timeout)
    writable = True
    try:
        ensure_schema(rw)
    except duckdb.Error as exc:
        if not isinstance(_open_error(db_path, exc, False), DatabaseReadOnly | DiskFull):
            raise
        writable = False
    finally:
        _close(db_path, rw)
    if not writable:
        return _temporary(db_path, deadline, timeout)
    return _open(db_path, True, deadline, timeout)


def _temporary(db_path: Path, deadline: float, timeout: float) -> duckdb.DuckDBPyConnection:
    con = _open(db_path, True, deadline, timeout)
    try:
        _temporary_schema(con)
    except BaseException:
        _close(db_path, con)
        raise
    return con


def run_into_temp(
    con: duckdb.DuckDBPyConnection | OtherEngine,
    table: str,
    name: str,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Run the SELECT in ``queries/<name>.sql`` into the temporary table ``table`` of this
    connection (replaced if it exists), for the queries that read it after; bound
    ``$parameters``. ``table`` is a name of the code, never a value (on another engine, its
    own ``run_into_temp``)."""
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    if isinstance(con, OtherEngine):  # a wrapped DuckDB connection is none
        con.run_into_temp(table, name, dict(params or {}))
        return
    con.execute(f"create or replace temp table {table} as {query_text(name)}", dict(params or {}))
