"""The lake: the tables the reports read, exported as Parquet for engines beyond one machine.

A book that outgrows one machine is read on Spark (issue 16); the importer stays DuckDB's. The
lake is what Spark reads: every staging view's content, every derived table, and every other
table the report queries (queries/kpi, compliance, payouts) read, directly or through the
macros they call (``lake_tables`` finds them in the query files). The personal data in them is
masked already, at import.

Layout of ``DIR`` (a local folder; Spark reads it, or a copy on HDFS/S3, through its own
configuration)::

    _lake.json                  the manifest: the version in force, the database state it was
                                built from, each table's columns, types, rows and partitions
    v000003/<table>/month=2026-10/data_0.parquet   a table with a date, by month (Hive style)
    v000003/<table>/data_0.parquet                 a table without one
    .lake.lock                  held while an export runs (one at a time)

A version is written whole under ``.tmp-<id>/``, renamed to ``vNNNNNN/`` and only then named
in the manifest, which is replaced in one rename: a reader of ``_lake.json`` sees the old
version or the new one, never half of one, and an export that fails leaves the old one as it
was. The previous version is kept (a reader that read the manifest just before the switch can
still read it); older ones are removed.

Incremental: each partition's row count and an order-free digest of its rows (the sum of
DuckDB's row hashes) are kept in the manifest; a partition whose count and digest are
unchanged since the version in force (same columns, types and DuckDB version) is hard-linked
into the new version (copied where links are impossible), and only the others are written.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from dashboard import db
from dashboard.paths import QUERIES

MANIFEST = "_lake.json"
LOCK = ".lake.lock"
TMP_PREFIX = ".tmp-"
FORMAT = 1
REPORT_DIRS = ("kpi", "compliance", "payouts")  # the queries whose reads the lake holds
PARTITION = "month"  # the partition column: YYYY-MM of the table's date
MONTH_FORMAT = "%Y-%m"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # a row without a date (Hive's and Spark's name)
# The date a table is partitioned by: the first of these it has (an event's date, not an
# attribute such as a hire date); a table with none is one file.
PARTITION_DATES = (
    "as_of_date",
    "payment_date",
    "contacted_at",
    "received_at",
    "created_date",
    "period_start",
    "placement_date",
)
# The export's memory and row order (bench book, scale 1: 80.6 M rows, 244 partitions, single
# runs on the shared machine, load 4-7): DuckDB's defaults took 148-190 s at 4.6 GB peak;
# without insertion order (a lake's files are sets of rows) 84 s at 4.6 GB; with 2 GB as well,
# 92-122 s at 2.2 GB.
MEMORY_LIMIT = "2GB"
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class LakeError(Exception):
    """The lake cannot be written (a bad folder, an empty database); ``str(exc)`` says why,
    for a person. Nothing was written."""


@dataclass
class ExportResult:
    """What an export wrote: the version, its tables' rows, partitions written and reused."""

    version: int
    folder: Path
    rows: dict[str, int] = field(default_factory=dict)
    written: int = 0
    reused: int = 0


def _code(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)


def _catalogue(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' "
        "union select view_name from duckdb_views() where schema_name = 'main' and not internal"
    ).fetchall()
    return {str(r[0]) for r in rows}


def report_reads(names: Iterable[str]) -> set[str]:
    """Which of ``names`` the report queries (``REPORT_DIRS``) read, directly or through the
    macros they call (and the macros those call)."""
    macros = db.macros()
    bodies = [
        _code(p.read_text(encoding="utf-8"))
        for d in REPORT_DIRS
        for p in sorted((QUERIES / d).glob("*.sql"))
    ]
    called: set[str] = set()
    todo = list(bodies)
    while todo:
        code = todo.pop()
        for name, body in macros.items():
            if name not in called and re.search(rf"\b{name}\s*\(", code):
                called.add(name)
                todo.append(_code(body))
    bodies += [_code(macros[m]) for m in called]
    return {n for n in names if any(re.search(rf"\b{n}\b", b) for b in bodies)}


def lake_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables and views the lake holds, by name: every staging view and derived table of
    queries/, and whatever else the report queries read."""
    defined = {p.stem for d in db.VIEW_DIRS for p in (QUERIES / d).glob("*.sql")}
    defined |= {p.stem for p in (QUERIES / db.DERIVED_DIR).glob("*.sql")}
    return sorted(defined | report_reads(_catalogue(con)))


def database_state(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the database's content depends on: its schema, the imports in force, the last
    import and the last payout event. A lake built from another state is out of date."""
    imports = [int(r[0]) for r in con.execute(
        "select import_id from imports where status = 'active' order by import_id"
    ).fetchall()]  # fmt: skip
    last_import = con.execute("select coalesce(max(import_id), 0) from imports").fetchall()
    last_event = con.execute("select coalesce(max(event_id), 0) from payout_audit_log").fetchall()
    return {
        "schema": db.schema_fingerprint(),
        "imports_in_force": imports,
        "last_import_id": int(last_import[0][0]),
        "last_payout_event_id": int(last_event[0][0]),
    }


def is_current(manifest: dict[str, Any], con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the lake of ``manifest`` was built from the database as it is now."""
    return bool(manifest.get("database") == database_state(con))


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of the lake in ``folder``; None when there is none.

    Raises:
        LakeError: the manifest is there but not one this version wrote.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LakeError(f"{path} is not a lake manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise LakeError(f"{path} is not a lake manifest of format {FORMAT}")
    return manifest


def check_folder(folder: Path) -> None:
    """Refuse a folder the lake cannot be written to, without writing anything.

    Raises:
        LakeError: ``folder`` is a file, a folder on its path is a file, or it is a folder
            holding other things than a lake.
    """
    for part in [folder, *folder.parents]:
        if part.exists() and not part.is_dir():
            what = "is a file" if part == folder else f"is under {part}, which is a file"
            raise LakeError(f"the lake folder {folder} {what}: give a folder (new or a lake)")
        if part.exists():
            break
    if folder.is_dir() and not (folder / MANIFEST).exists():
        foreign = [p.name for p in folder.iterdir() if not _lake_own(p.name)]
        if foreign:
            raise LakeError(
                f"{folder} holds other files ({', '.join(sorted(foreign)[:3])}) and no "
                f"{MANIFEST}: it is not a lake; give a new or empty folder"
            )


def _lake_own(name: str) -> bool:
    return name in (MANIFEST, LOCK) or name.startswith(TMP_PREFIX) or _version_of(name) is not None


def _version_of(name: str) -> int | None:
    m = re.fullmatch(r"v(\d{6})", name)
    return int(m.group(1)) if m else None


def _version_dir(version: int) -> str:
    return f"v{version:06d}"


def _quoted(name: str) -> str:
    if not _NAME.match(name):
        raise LakeError(f"cannot export {name!r}: not a plain table or column name")
    return f'"{name}"'


def _partition_date(columns: list[str], types: list[str]) -> str | None:
    dated = {c for c, t in zip(columns, types, strict=True) if t in ("DATE", "TIMESTAMP")}
    return next((c for c in PARTITION_DATES if c in dated), None)


def _month(column: str) -> str:
    return f"coalesce(strftime({_quoted(column)}, $fmt), $null)"


_MONTH_PARAMS = {"fmt": MONTH_FORMAT, "null": NULL_PARTITION}


def _partition_stats(
    con: duckdb.DuckDBPyConnection, table: str, date: str | None
) -> dict[str, dict[str, Any]]:
    """Per partition (one, ``""``, for a table without a date): rows and the digest."""
    key = _month(date) if date else "''"
    params = _MONTH_PARAMS if date else {}
    rows = con.sql(
        f"select {key} as part, count(*) as row_count, "
        "coalesce(sum(hash(lake_row_)::hugeint), 0)::varchar as digest "
        f"from {_quoted(table)} as lake_row_ group by all",
        params=params,
    ).fetchall()
    stats = {str(p): {"rows": int(n), "digest": str(d)} for p, n, d in rows}
    if not stats:  # an empty table is one empty file, so that its schema is in the lake
        stats[NULL_PARTITION if date else ""] = {"rows": 0, "digest": "0"}
    return stats


def _write(
    con: duckdb.DuckDBPyConnection,
    table: str,
    date: str | None,
    parts: list[str],
    target: Path,
    stats: dict[str, dict[str, Any]],
) -> None:
    """Write the partitions ``parts`` of ``table`` under ``target`` (its folder)."""
    target.mkdir(parents=True, exist_ok=True)
    if date is None:
        con.table(table).write_parquet(str(target / "data_0.parquet"))
        return
    empty = [p for p in parts if stats[p]["rows"] == 0]
    for p in empty:  # only an empty table's one partition
        (target / f"{PARTITION}={p}").mkdir()
        con.table(table).write_parquet(str(target / f"{PARTITION}={p}" / "data_0.parquet"))
    full = [p for p in parts if stats[p]["rows"] > 0]
    if full:
        con.sql(
            f"select *, {_month(date)} as {PARTITION} from {_quoted(table)} "
            f"where list_contains($parts, {_month(date)})",
            params={**_MONTH_PARAMS, "parts": full},
        ).write_parquet(str(target), partition_by=[PARTITION])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _files(folder: Path, part: str) -> list[str]:
    where = folder / f"{PARTITION}={part}" if part else folder
    return sorted(p.name for p in where.glob("*.parquet"))


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links, or across devices
        shutil.copy2(source, target)


def _reusable(
    old: dict[str, Any] | None, columns: list[dict[str, str]], date: str | None
) -> dict[str, Any]:
    """The previous version's partitions of a table that may be reused, by name."""
    if not old or old.get("columns") != columns or old.get("partition_date") != date:
        return {}
    return dict(old.get("partitions", {}))


def _export_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    version_dir: Path,
    folder: Path,
    previous: dict[str, Any] | None,
    result: ExportResult,
) -> dict[str, Any]:
    rel = con.table(table)
    columns, types = list(rel.columns), [str(t) for t in rel.types]
    if PARTITION in columns:
        raise LakeError(f"cannot export {table}: it has a column named {PARTITION}")
    date = _partition_date(columns, types)
    described = [{"name": c, "type": t} for c, t in zip(columns, types, strict=True)]
    stats = _partition_stats(con, table, date)
    same_engine = previous is not None and previous.get("duckdb") == duckdb.__version__
    old_tables = previous.get("tables", {}) if previous and same_engine else {}
    old = _reusable(old_tables.get(table), described, date)
    target = version_dir / table
    to_write, reused = [], {}
    for part, stat in stats.items():
        before = old.get(part)
        if before and before["rows"] == stat["rows"] and before["digest"] == stat["digest"]:
            where = f"{PARTITION}={part}" if date else ""
            sources = [folder / old_tables[table]["path"] / where / f for f in before["files"]]
            if all(s.is_file() for s in sources):
                reused[where] = sources
                continue
        to_write.append(part)
    if to_write:  # first: DuckDB writes partitions only into a folder of its own
        try:
            _write(con, table, date, to_write, target, stats)
        except duckdb.IOException as exc:
            raise LakeError(
                f"cannot write {table} into the lake folder {folder}: {_first_line(exc)} "
                "(the version in force is unchanged)"
            ) from exc
    target.mkdir(parents=True, exist_ok=True)
    for where, sources in reused.items():
        for s in sources:
            _link(s, target / where / s.name)
    result.written += len(to_write)
    result.reused += len(reused)
    result.rows[table] = sum(s["rows"] for s in stats.values())
    return {
        "path": f"{version_dir.name}/{table}",
        "partition_by": PARTITION if date else None,
        "partition_date": date,
        "columns": described,
        "rows": result.rows[table],
        "partitions": {
            p: {**s, "files": _files(target, p if date else "")} for p, s in sorted(stats.items())
        },
        "written": sorted(to_write),
    }


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` to disk (before the manifest names it)."""
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        else:
            _fsync_dir(path)
    _fsync_dir(folder)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    temp = folder / f"{TMP_PREFIX}{uuid.uuid4().hex}.json"
    with open(temp, "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=1, ensure_ascii=False)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, folder / MANIFEST)
    _fsync_dir(folder)


def _tidy(folder: Path, keep: set[str]) -> None:
    """Remove the leftovers of failed exports and the versions no manifest names any more."""
    for p in folder.iterdir():
        stale_version = _version_of(p.name) is not None and p.name not in keep
        if p.name.startswith(TMP_PREFIX) or stale_version:
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def export(con: duckdb.DuckDBPyConnection, folder: Path) -> ExportResult:
    """Export the lake's tables of the database ``con`` into ``folder``, as a new version.

    Args:
        con: an open connection (read-only is enough).
        folder: the lake's folder: a new one (made), an empty one or a lake.

    Returns:
        The version written, its tables' rows and the partitions written and reused.

    Raises:
        LakeError: a bad folder or a database without data: nothing was written.
        OSError, duckdb.Error: the export failed midway; the version in force is untouched
            and nothing of the new one is left.
    """
    check_folder(folder)
    state = database_state(con)
    if not state["imports_in_force"]:
        raise LakeError(
            "the database holds no data (no import in force): import extracts first; "
            "no lake was written"
        )
    made = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LOCK).touch()
    except OSError as exc:
        if made:
            shutil.rmtree(folder, ignore_errors=True)
        raise LakeError(f"cannot write the lake folder {folder}: {exc.strerror}") from exc
    try:
        # The export's memory bounded and no insertion order kept (a lake's files are sets of
        # rows); the connection's own settings afterwards.
        bounded = db.settings(con, memory_limit=MEMORY_LIMIT, preserve_insertion_order=False)
        with _locked(folder), bounded:
            return _export_locked(con, folder, state)
    except BaseException:
        if made:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _export_locked(
    con: duckdb.DuckDBPyConnection, folder: Path, state: dict[str, Any]
) -> ExportResult:
    previous = read_manifest(folder)
    kept: list[str] = [previous["path"], *previous.get("previous", [])] if previous else []
    _tidy(folder, set(kept))
    numbers = [v for p in folder.iterdir() if (v := _version_of(p.name)) is not None]
    version = max([0, *numbers, previous["version"] if previous else 0]) + 1
    temp = folder / f"{TMP_PREFIX}{uuid.uuid4().hex}"
    final = folder / _version_dir(version)
    result = ExportResult(version, folder)
    try:
        temp.mkdir()
        staged = temp / final.name  # named as it will be, so that its paths need no change
        tables = {
            t: _export_table(con, t, staged, folder, previous, result) for t in lake_tables(con)
        }
        _sync_tree(staged)
        staged.rename(final)
        temp.rmdir()
        _fsync_dir(folder)
        manifest = {
            "format": FORMAT,
            "version": version,
            "path": final.name,
            "previous": kept[:1],
            "created_at": datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
            "duckdb": duckdb.__version__,
            "database": state,
            "tables": tables,
        }
        _write_manifest(folder, manifest)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if read_manifest_path(folder) != final.name:
            shutil.rmtree(final, ignore_errors=True)
        raise
    _tidy(folder, {final.name, *kept[:1]})
    return result


def read_manifest_path(folder: Path) -> str | None:
    """The version folder the manifest of ``folder`` names (None: no manifest)."""
    try:
        manifest = read_manifest(folder)
    except LakeError:
        return None
    return str(manifest["path"]) if manifest else None
