"""Every database read of the app: short-lived connections, a lock-free data version, a cache.

Pages read a report of the registry with ``report(NAME, filters, **options)`` (NAME as on
the command line, ``dashboard/reports/catalogue.py``) and the app's own look-ups (snapshot
dates, filter values, the import log ...) with ``get(NAME, ...)`` (``READS``).

DuckDB lets one process hold the database file, and the command line imports into the same
file while the app runs. So the app never keeps a connection: each read opens the file for the
duration of one report (``db.connect`` waits while another process holds it and raises
``DatabaseBusy`` after ``busy_timeout()``). Within the app's process the sessions share
DuckDB's database instance (same path, same configuration: always read-write, because DuckDB
refuses a read-only and a read-write connection to one file in one process).

Both are cached with ``st.cache_data`` keyed by the database path, its *data version* and
the arguments. The data version is the (mtime, size) of the database file and its
write-ahead log: cheap, needs no lock, and changes with every import, undo or approval, from
this app or from the command line, so a cached report is never older than the data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import streamlit as st

from dashboard import db, reports
from dashboard.engine import cases
from dashboard.engine.kpi_common import ALL, Filters, snapshot_dates
from dashboard.paths import default_db_path

BUSY_ENV = "DASHBOARD_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_S = 15.0


def busy_timeout() -> float:
    """Seconds a read waits for another process to release the database (env, default 15)."""
    try:
        return float(os.environ.get(BUSY_ENV, "") or DEFAULT_BUSY_TIMEOUT_S)
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT_S


def db_path() -> Path:
    """The database the app shows (``$DASHBOARD_DB``, read at every run)."""
    return default_db_path()


def data_version(path: Path | None = None) -> tuple[int, ...]:
    """(mtime_ns, size) of the database file and its WAL; zeros for a missing file."""
    p = path or db_path()
    out: list[int] = []
    for f in (p, p.with_name(p.name + ".wal")):
        try:
            s = f.stat()
            out += [s.st_mtime_ns, s.st_size]
        except FileNotFoundError:
            out += [0, 0]
    return tuple(out)


@contextmanager
def connection(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-write connection (see the module docstring)."""
    with db.connect(path or db_path(), timeout=busy_timeout()) as con:
        yield con


def _filter_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"portfolio": [], "team": [], "agent": []}
    for row in db.run(con, "kpi/filter_values").to_pylist():
        out[row["kind"]].append(row["value"])
    return out


def _activity_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = db.run(con, "payouts/activity_range").to_pylist()
    first, last = (
        (rows[0]["first_payment_date"], rows[0]["last_payment_date"]) if rows else (None,) * 2
    )
    if first is None or last is None:
        return []
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _agent_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = db.run(con, "payouts/agents").to_pylist()
    return {r["agent_id"]: r.get("agent_name") or "" for r in rows}


READS: dict[str, Callable[..., Any]] = {
    "snapshot_dates": snapshot_dates,
    "filter_values": _filter_values,
    "agent_names": _agent_names,
    "activity_months": _activity_months,
    "import_log": lambda con: db.run(con, "import/import_log"),
    "undoable_imports": lambda con: db.run(con, "import/undoable_imports"),
    "rejects": lambda con, import_id: db.run(
        con, "import/rejects_of_import", {"import_id": import_id}
    ),
    "orphan_payments": lambda con: db.run(con, "checks/orphan_payments"),
    # The Cases page's plan reports from one evaluation of the plans (not three).
    "plans_page": lambda con, filters: cases.plans_page(con, filters),
}


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(
    path: str,
    version: tuple[int, ...],
    name: str,
    filters: Filters | None,
    args: tuple[tuple[str, Any], ...],
) -> Any:
    with connection(Path(path)) as con:
        if filters is None:
            return READS[name](con, **dict(args))
        return reports.run(con, name, filters, **dict(args))


def _key(kwargs: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))


def report(name: str, filters: Filters = ALL, **options: Any) -> pa.Table:
    """Run (or fetch from the cache) one report of the registry on the app's database: the
    table ``python -m dashboard report NAME`` prints for the same filters and options.

    Raises:
        db.DatabaseBusy: another process held the database for ``busy_timeout()`` seconds.
        ReportError: the engine refused the input (e.g. an empty database).
        TypeError: a date, filter or option the report does not take (a page's mistake).
    """
    reports.get(name).check(filters, options)  # before the cache: a mistake is never cached
    path = db_path()
    table: pa.Table = _cached(str(path), data_version(path), name, filters, _key(options))
    return table


def get(name: str, **kwargs: Any) -> Any:
    """Run (or fetch from the cache) one of the app's own reads (``READS``)."""
    path = db_path()
    return _cached(str(path), data_version(path), name, None, _key(kwargs))


def is_empty() -> bool:
    """True when no account snapshot is loaded: the KPI pages then show the welcome state."""
    return not get("snapshot_dates")


def latest_snapshot() -> date | None:
    """The latest snapshot date, or None on an empty database."""
    dates = get("snapshot_dates")
    return dates[-1] if dates else None


def clear_cache() -> None:
    """Forget every cached report (after this app wrote to the database)."""
    _cached.clear()


def table_or_empty(value: Any) -> pa.Table:
    """The value when it is a table, else an empty one (for optional sections)."""
    return value if isinstance(value, pa.Table) else pa.table({})
