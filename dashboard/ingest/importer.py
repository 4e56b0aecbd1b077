"""Importing extracts into the database: the one entry point the CLI and the app share.

An import runs in two phases. Phase one parses and checks every file in a private scratch
database (no lock on the shared file). If any file is refused whole, nothing is written. Phase
two opens the shared database and writes all files in a single transaction, so several
files arrive together or not at all, and a crash or kill leaves the database as it was.
Imports and undos take turns: other processes are kept out by the file lock, other threads of
this process (the app's sessions) by a lock per database file.

A snapshot replacement that would remove more than 10 % of the accounts of the snapshot it
replaces (a partial extract, a mistyped as_of_date) writes nothing unless the caller confirms it
(``replace=True``): the file's report lists each such snapshot with its counts.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import db
from dashboard import scratch as folders
from dashboard.ingest.apply import KEY_COLUMNS, apply_staged, current_user, key_value
from dashboard.ingest.kinds import (
    APPLY_ORDER,
    KINDS,
    Kind,
    detect_kind,
    kind_map,
    looks_like,
    match_headers,
)
from dashboard.ingest.reader import FileRefused, SourceFile
from dashboard.ingest.refused import refused_rows
from dashboard.ingest.reimport import Counts, Known, Reuse, fingerprint, known_outcome, record
from dashboard.ingest.sources import open_file
from dashboard.ingest.stage import MEMORY_LIMIT, Staged, prepare, scratch_connection, stage
from dashboard.messages import Message
from dashboard.paths import default_db_path

Progress = Callable[[float, str], None]
LOOKUP_WAIT_S = 0.5  # the longest wait for the database to look up earlier imports of a file
# A header cell that is a value (an amount, a date, a phone or id number), not a column name.
DATA_LIKE = re.compile(r"[\s.,:/+\-¥$年月日]*[0-9][0-9\s.,:/+\-¥$年月日Xx]*")


# A replacement may remove at most this share of the accounts of the snapshot it replaces
# without a confirmation (domain.md, accounts).
SHRINK_LIMIT = 0.10
SHRINK_MESSAGE = Message("import.result_shrink")


@dataclass(frozen=True)
class SnapshotShrink:
    """A snapshot a file would replace with far fewer of its accounts (more than 10 % gone)."""

    as_of_date: date
    accounts_loaded: int  # in the snapshot in force
    accounts_kept: int  # of those, in the file too
    accounts_in_file: int  # in the file for that date (kept and new ones)

    @property
    def accounts_removed(self) -> int:
        """Accounts of the snapshot in force that the replacement would drop."""
        return self.accounts_loaded - self.accounts_kept


@dataclass(frozen=True)
class PriorImport:
    """An earlier, still active import of the same content (same SHA-256, same kind)."""

    import_id: int
    imported_at: datetime
    imported_by: str


@dataclass
class FileReport:
    """The outcome of one file: counts, and every refused row with its reason."""

    file_name: str
    kind: str | None
    refused_whole: str | None = None  # reason the whole file was refused
    refused_code: str | None = None  # its message code and values (dashboard/messages.py)
    refused_values: dict[str, Any] = field(default_factory=dict)
    import_id: int | None = None
    rows_in_file: int = 0
    rows_accepted: int = 0
    rows_duplicate: int = 0
    rows_refused: int = 0
    orphans: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    snapshot_dates: list[date] = field(default_factory=list)
    problems: pa.Table | None = None  # line, column_name, value, reason
    # The refused rows as they were in the file (masked), with line and reason: to fix and
    # upload again (``refused.refused_rows``); in memory only.
    refused_rows: pa.Table | None = None
    already_imported_as: list[int] = field(default_factory=list)  # same content hash
    unmatched_reversals: int = 0  # reversals of payments not loaded (kept, credited to nobody)
    shrinks: list[SnapshotShrink] = field(default_factory=list)  # needs replace=True
    # Set when the file is one already imported and brought nothing new: it is not recorded.
    same_as: PriorImport | None = None

    @property
    def nothing_new(self) -> bool:
        """An earlier import holds this very file and the file added nothing: not recorded."""
        return self.same_as is not None and self.import_id is None

    @property
    def rows_new(self) -> int:
        """Rows this file added to the data (0 for one already imported)."""
        return 0 if self.nothing_new else self.rows_accepted


@dataclass
class ImportResult:
    """The outcome of one import of one or more files."""

    files: list[FileReport]
    committed: bool
    # Why nothing was written: a ``Message`` (its English is what the CLI prints; its code
    # is what the app translates); "imported" when committed.
    message: str = ""

    @property
    def exit_code(self) -> int:
        """0 every row accepted; 1 some rows refused (the rest imported); 2 nothing written
        (a file refused whole, strict with refused rows, or a snapshot shrink not confirmed)."""
        if not self.committed:
            return 2
        return 1 if any(f.rows_refused and not f.nothing_new for f in self.files) else 0

    @property
    def nothing_new(self) -> bool:
        """Committed, and no file added a row (each already imported, or all rows present)."""
        return self.committed and all(f.rows_new == 0 for f in self.files)


@dataclass(frozen=True)
class FileSpec:
    """A file to import: its path, its kind if the user said it, its name to show, and for a
    workbook (.xlsx) the sheet to read (None: the first; a CSV file ignores it)."""

    path: Path
    kind: str | None = None
    name: str | None = None
    sheet: str | None = None


def _resolve_kind(
    spec: FileSpec,
    headers: list[str],
    user_map: Mapping[str, str],
    saved_maps: Mapping[str, Mapping[str, str]],
) -> Kind:
    detected = detect_kind(headers, user_map, saved_maps)
    if spec.kind is None and detected is None:
        # A header that names most of a kind's required columns is that kind lacking some:
        # staging refuses it for the columns it lacks, by name.
        detected = looks_like(headers, user_map, saved_maps)
    if spec.kind is None:
        if detected is None and any(DATA_LIKE.fullmatch(h) for h in headers):
            # A data row where the header should be: never echo it (it may hold a debtor's
            # phone or id number).
            raise FileRefused.coded("file.kind_data_row")
        if detected is None:
            raise FileRefused.coded("file.kind_unknown", headers=", ".join(headers[:8]))
        return detected
    kind = KINDS[spec.kind]
    found, _ = match_headers(kind, headers, kind_map(kind.name, user_map, saved_maps))
    lacking = [c for c in kind.required if c not in found and c != "as_of_date"]
    if lacking and detected is not None and detected.name != kind.name:
        raise FileRefused.coded(
            "file.kind_other", detected=detected.title, kind=kind.title, columns=", ".join(lacking)
        )
    return kind


def _scaled(report: Progress, fraction: float) -> Callable[[str], None]:
    return lambda message: report(fraction, message)


def _problems(staged: Staged) -> pa.Table:
    return pq.read_table(staged.problems_path)


def import_files(
    files: Sequence[FileSpec],
    *,
    db_path: str | Path | None = None,
    as_of: date | None = None,
    strict: bool = False,
    user: str | None = None,
    user_map: Mapping[str, str] | None = None,
    saved_maps: Mapping[str, Mapping[str, str]] | None = None,
    progress: Progress | None = None,
    lock_timeout: float = db.DEFAULT_TIMEOUT_S,
    replace: bool = False,
) -> ImportResult:
    """Import extracts; see the module docstring for the guarantees.

    Args:
        files: the files, each with its kind or ``None`` to detect it from the header.
        db_path: the database (default: the embedded one).
        as_of: snapshot date for accounts files without an as_of_date column (or blanks).
        strict: refuse the whole import if any row is refused.
        user: recorded as the importer (default ``$DASHBOARD_USER`` or the login name).
        user_map: header text -> canonical column, for headers the importer does not know
            (this import's, for files of every kind: ``--map``).
        saved_maps: kind -> (header text -> canonical column), the mappings remembered per
            kind (``mappings.load_mappings_by_kind``); a kind's apply to its files only.
            Neither kind of mapping overrides a built-in name or synonym, or puts a header
            that names personal data into a column that is not masked
            (``kinds.mapping_problem``): such a file is refused whole.
        progress: called with (fraction done, message) as the import advances.
        lock_timeout: seconds to wait for another process to release the database.
        replace: confirm snapshot replacements that remove more than 10 % of a snapshot's
            accounts (without it, such an import writes nothing and reports the shrinks).
    """
    mapping = dict(user_map or {})
    saved = {k: dict(v) for k, v in (saved_maps or {}).items()}
    report = progress or (lambda _f, _m: None)
    reports: list[FileReport] = []
    try:
        workdir = folders.make("import")  # private (0700, owner's pid); stale ones swept first
    except OSError as exc:
        if not db.is_disk_full(exc):
            raise
        return ImportResult(reports, False, _full_folder(tempfile.gettempdir()))
    try:
        opened: list[_File] = []
        try:
            opened = _open_all(files, workdir, as_of, mapping, saved, reports)
            if not strict and not any(f.refused_whole for f in reports):
                _known_before(opened, db_path, lock_timeout)
            share = 0.7 / max(len(files), 1)
            for n, item in enumerate(opened):
                if item.known is None:
                    _stage(item, workdir, as_of, mapping, saved, report, n * share)
        except (OSError, duckdb.Error) as exc:
            if not db.is_disk_full(exc):
                raise
            return ImportResult(reports, False, _full_folder(workdir.parent))
        staged = [f for f in opened if isinstance(f.item, Staged)]
        if any(f.refused_whole for f in reports):
            return ImportResult(reports, False, Message("import.result_refused_whole"))
        if strict and any(f.staged.rows_refused for f in staged):
            for f in staged:
                f.report.rows_refused, f.report.problems = (
                    f.staged.rows_refused,
                    _problems(f.staged),
                )
            _attach_refused(opened, workdir, mapping, saved)
            return ImportResult(reports, False, Message("import.result_strict"))
        report(0.75, "waiting for the database")
        try:
            while True:
                try:
                    result = _write(
                        opened,
                        db_path,
                        strict,
                        user or current_user(),
                        lock_timeout,
                        reports,
                        report,
                        replace,
                    )
                    break
                except _CheckAfterAll as again:
                    # The database changed since it was looked at: this file is checked.
                    for f in opened:
                        _reset(f.report)
                    again.file.known = None
                    try:
                        _stage(again.file, workdir, as_of, mapping, saved, report, 0.7)
                    except (OSError, duckdb.Error) as exc:
                        if not db.is_disk_full(exc):
                            raise
                        return ImportResult(reports, False, _full_folder(workdir.parent))
                    if again.file.report.refused_whole:
                        return ImportResult(reports, False, Message("import.result_refused_whole"))
        except (OSError, duckdb.Error) as exc:
            if not db.is_disk_full(exc):
                raise
            for fr in reports:
                fr.import_id = None
            database = str(db_path or default_db_path())
            return ImportResult(
                reports, False, Message("import.result_disk_full_database", database=database)
            )
        _attach_refused(opened, workdir, mapping, saved)
        return result
    finally:
        folders.remove(workdir)


@dataclass
class _File:
    """A file of the import between the phases: checked (``Staged``), or not yet, as long as
    an earlier import with the same inputs may stand for its check (``Reuse``)."""

    item: Staged | Reuse
    report: FileReport
    inputs: str  # reimport.fingerprint
    known: Known | None = None  # the earlier import's outcome, as found before phase two

    @property
    def source(self) -> SourceFile:
        return self.item.source

    @property
    def kind(self) -> Kind:
        return self.item.kind

    @property
    def staged(self) -> Staged:
        assert isinstance(self.item, Staged)
        return self.item


class _CheckAfterAll(Exception):
    """Phase two found that a file not checked must be (the database changed meanwhile)."""

    def __init__(self, file: _File) -> None:
        super().__init__(file.report.file_name)
        self.file = file


def _open_all(
    files: Sequence[FileSpec],
    workdir: Path,
    as_of: date | None,
    mapping: Mapping[str, str],
    saved: Mapping[str, Mapping[str, str]],
    reports: list[FileReport],
) -> list[_File]:
    """Open each file (one scan: its fingerprint), find its kind and columns; a file refused
    whole gets its reason in its report and is left out."""
    opened: list[_File] = []
    for spec in files:
        name = spec.name or spec.path.name
        fr = FileReport(file_name=name, kind=spec.kind)
        reports.append(fr)
        try:
            source = open_file(spec.path, workdir, name, spec.sheet)
            fr.encoding, fr.delimiter = source.encoding, source.delimiter
            kind = _resolve_kind(spec, source.headers, mapping, saved)
            fr.kind = kind.name
            found, fr.ignored_columns = prepare(
                source, kind, as_of=as_of, user_map=kind_map(kind.name, mapping, saved)
            )
        except FileRefused as exc:
            _refused(fr, exc)
            continue
        inputs = fingerprint(source, kind, found, as_of, spec.sheet)
        opened.append(_File(Reuse(source, kind, inputs, fr.ignored_columns), fr, inputs))
    return opened


def _refused(fr: FileReport, exc: FileRefused) -> None:
    fr.refused_whole = str(exc)
    fr.refused_code, fr.refused_values = exc.code, exc.values


def _stage(
    f: _File,
    workdir: Path,
    as_of: date | None,
    mapping: Mapping[str, str],
    saved: Mapping[str, Mapping[str, str]],
    report: Progress,
    fraction: float,
) -> None:
    """Check the file (phase one) in a scratch database of its own; a file refused whole
    gets its reason in its report."""
    # A database file of its own, so that a file larger than the memory limit can be checked;
    # removed with it once the accepted rows and the problems are written out.
    folder = Path(tempfile.mkdtemp(prefix="check-", dir=workdir))
    scratch = scratch_connection(workdir, folder / "check.duckdb")
    try:
        st = stage(
            scratch,
            f.source,
            f.kind,
            workdir,
            as_of=as_of,
            user_map=kind_map(f.kind.name, mapping, saved),
            progress=_scaled(report, fraction),
        )
    except FileRefused as exc:
        _refused(f.report, exc)
        return
    finally:
        scratch.close()
        shutil.rmtree(folder, ignore_errors=True)
    f.item = st
    f.report.rows_in_file, f.report.snapshot_dates = st.rows_in_file, st.snapshot_dates


def _known_before(files: list[_File], db_path: str | Path | None, lock_timeout: float) -> None:
    """Look up, before checking anything, the files an earlier import may stand for."""
    if not files or not db.resolve(db_path).exists():
        return
    try:
        # Hardly any wait: while another process holds the database, the files are checked
        # (the wait the caller allows is phase two's, as for any import).
        with (
            _one_writer(db_path, min(lock_timeout, LOOKUP_WAIT_S)) as left,
            db.connect(db_path, timeout=left, create=False) as con,
        ):
            for f in files:
                f.known = known_outcome(con, f.kind, f.inputs)
                if f.known is not None:
                    f.report.rows_in_file = f.known.rows_in_file
                    f.report.snapshot_dates = f.known.snapshot_dates
    except (db.DatabaseBusy, db.DatabaseError, duckdb.Error, OSError):
        for f in files:  # every file is checked; phase two meets the same trouble, if any
            f.known = None


def _reset(fr: FileReport) -> None:
    """Forget what a phase two that was rolled back said about a file."""
    fr.import_id, fr.same_as, fr.problems = None, None, None
    fr.rows_accepted = fr.rows_duplicate = fr.rows_refused = 0
    fr.orphans = fr.unmatched_reversals = 0
    fr.already_imported_as, fr.shrinks = [], []


def _repeat(fr: FileReport, known: Known, prior: list[PriorImport], kind: str) -> None:
    """The report a full import of a file would give that adds nothing (``reimport``)."""
    fr.rows_in_file, fr.snapshot_dates = known.rows_in_file, known.snapshot_dates
    fr.problems = known.problems
    if kind in IN_FORCE:
        # As the rows in force: the same snapshot again, identical to what is in force.
        fr.same_as = prior[-1]
        fr.rows_duplicate = known.rows_accepted + known.rows_duplicate
        fr.rows_refused = known.rows_refused
    else:
        # As a file whose every row is already loaded, identical: not recorded.
        fr.same_as = prior[0]
        fr.rows_duplicate = known.rows_duplicate + known.rows_accepted
        fr.rows_refused = known.refused_lines


def _attach_refused(
    files: list[_File],
    workdir: Path,
    mapping: Mapping[str, str],
    saved: Mapping[str, Mapping[str, str]],
) -> None:
    """Each file's refused rows as they were in it, while its copy is still in ``workdir``."""
    for f in files:
        fr = f.report
        if fr.refused_whole or fr.problems is None or fr.problems.num_rows == 0:
            continue
        try:
            cells = f.item.cells if isinstance(f.item, Staged) else None
            fr.refused_rows = refused_rows(
                f.source, f.kind, fr.problems, workdir, kind_map(f.kind.name, mapping, saved), cells
            )
        except (OSError, duckdb.Error):
            fr.refused_rows = None  # the reasons are there; only the rows to fix are not


def _full_folder(folder: str | Path) -> Message:
    return Message("import.result_disk_full_folder", folder=str(folder))


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    # After a failed commit DuckDB has already rolled back; a second rollback would raise
    # and hide the error that matters.
    try:
        con.execute("rollback")
    except duckdb.TransactionException:
        pass


_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_GUARD = threading.Lock()


@contextmanager
def _one_writer(db_path: str | Path | None, timeout: float) -> Iterator[float]:
    """One import or undo at a time per database file within this process.

    The file lock keeps other processes out, but the app's sessions are threads of one
    process, and DuckDB lets them all open the file: two imports at once would then both
    rebuild the derived tables and one would fail with a write-write conflict. Yields the
    seconds left of ``timeout`` for waiting on the file lock.

    Raises:
        db.DatabaseBusy: another import of this process held the database for ``timeout`` s.
    """
    key = os.path.realpath(db_path or default_db_path())
    with _WRITERS_GUARD:
        lock = _WRITERS.setdefault(key, threading.Lock())
    started = time.monotonic()
    if not lock.acquire(timeout=max(timeout, 0)):
        raise db.DatabaseBusy(
            f"database {key} is busy with another import; gave up after {timeout:.0f} s"
        )
    try:
        yield max(timeout - (time.monotonic() - started), 0.0)
    finally:
        lock.release()


def _write(
    staged: list[_File],
    db_path: str | Path | None,
    strict: bool,
    user: str,
    lock_timeout: float,
    reports: list[FileReport],
    report: Progress,
    replace: bool,
) -> ImportResult:
    order = sorted(staged, key=lambda f: APPLY_ORDER.index(f.kind.name))
    now = datetime.now().replace(microsecond=0)
    with (
        _one_writer(db_path, lock_timeout) as left,
        db.connect(db_path, timeout=left) as con,
        # Bounded as the check was while it writes the checked rows (DuckDB spills beside
        # the database, personal data already masked); the derived tables' refresh sets its
        # own limit (db.REFRESH_MEMORY_LIMIT).
        db.settings(con, memory_limit=MEMORY_LIMIT),
    ):
        con.execute("begin transaction")
        report(0.8, "writing to the database")
        try:
            for f in order:
                fr = f.report
                prior = [
                    PriorImport(int(r[0]), r[1], r[2])
                    for r in con.execute(
                        "select import_id, imported_at, imported_by from imports "
                        "where file_sha256 = $sha and kind = $kind and status = 'active' "
                        "order by 1",
                        {"sha": f.source.sha256, "kind": f.kind.name},
                    ).fetchall()
                ]
                fr.already_imported_as = [p.import_id for p in prior]
                if isinstance(f.item, Reuse):
                    known = known_outcome(con, f.kind, f.inputs)
                    if known is None or not prior:
                        raise _CheckAfterAll(f)
                    _repeat(fr, known, prior, f.kind.name)
                    continue
                st = f.item
                if prior and st.kind.name in IN_FORCE and _all_in_force(con, st):
                    # The same snapshot (or agent list) again, identical to what is in force:
                    # replacing it would change nothing but add an import to undo.
                    fr.same_as = prior[-1]
                    fr.rows_duplicate = st.rows_accepted + st.rows_duplicate
                    fr.rows_refused, fr.problems = st.rows_refused, _problems(st)
                    continue
                if st.kind.name == "accounts":
                    fr.shrinks = _shrinks(con, st)
                applied = apply_staged(con, st, user=user, now=now)
                fr.import_id = applied.import_id
                fr.rows_accepted, fr.rows_duplicate = applied.rows_accepted, applied.rows_duplicate
                fr.rows_refused, fr.orphans = applied.rows_refused, applied.orphans
                fr.unmatched_reversals = applied.unmatched_reversals
                fr.problems = db.run(con, "import/rejects_of_import", {"import_id": fr.import_id})
                if prior and applied.rows_accepted == 0:
                    # The same file again, every row already loaded: not recorded. A record
                    # would only repeat the earlier one, and its deliveries would make it the
                    # heir of the earlier import's rows, so that undoing that one removed
                    # nothing.
                    _forget(con, applied.import_id, st.kind.name)
                    fr.import_id, fr.same_as = None, prior[0]
                else:
                    counts = Counts(
                        st.rows_accepted, st.rows_duplicate, st.rows_refused, st.problem_rows
                    )
                    record(con, applied.import_id, f.inputs, counts)
            if not replace and any(f.report.shrinks for f in order):
                con.execute("rollback")
                for f in order:
                    f.report.import_id = None
                return ImportResult(reports, False, SHRINK_MESSAGE)
            if strict and any(f.report.rows_refused for f in order):
                con.execute("rollback")
                for f in order:
                    f.report.import_id = None
                return ImportResult(reports, False, Message("import.result_strict"))
            report(0.9, "refreshing derived tables")
            db.refresh_derived(con, {f.kind.name for f in order if not f.report.nothing_new})
            con.execute("commit")
        except BaseException:
            _rollback(con)
            raise
    report(1.0, "committed")
    return ImportResult(reports, True, "imported")


# Kinds whose rows in force come from the latest import that lists them, and the view that
# holds those rows: a re-import of identical content would replace them with themselves.
IN_FORCE = {
    "accounts": ("stg_accounts", "as_of_date"),
    "agents": ("stg_agents", "agent_id"),
    "agencies": ("stg_agencies", "agency_id"),
    "complaints": ("stg_complaints", "complaint_id"),
}


def _all_in_force(con: duckdb.DuckDBPyConnection, staged: Staged) -> bool:
    """Whether the file's accepted rows are exactly the rows in force for its snapshot dates
    (accounts) or its agents: importing it would change no row."""
    view, key = IN_FORCE[staged.kind.name]
    cols = ", ".join(c.name for c in staged.kind.columns)
    found = con.execute(
        f"""with file as (select {cols} from read_parquet($accepted)),
        now as (select {cols} from {view} where {key} in (select {key} from file))
        select (select count(*) from (select * from file except all select * from now))
            + (select count(*) from (select * from now except all select * from file))""",
        {"accepted": str(staged.accepted_path)},
    ).fetchall()[0]
    return found is not None and found[0] == 0


def _forget(con: duckdb.DuckDBPyConnection, import_id: int, kind: str) -> None:
    """Take back an import written in this transaction that added no row (a complaint
    identical to the one in force is written, and taken back too)."""
    tables = ("rejects", "deliveries", "snapshot_loads", KINDS[kind].table, "import_inputs")
    for table in (*tables, "imports"):
        con.execute(f"delete from {table} where import_id = $id", {"id": import_id})


def _shrinks(con: duckdb.DuckDBPyConnection, staged: Staged) -> list[SnapshotShrink]:
    """The snapshots in force that this accounts file would replace with over 10 % fewer."""
    found = db.run(con, "import/snapshot_shrinks", {"accepted": str(staged.accepted_path)})
    return [
        SnapshotShrink(r["as_of_date"], r["accounts_loaded"], r["accounts_kept"], r["in_file"])
        for r in found.to_pylist()
        if r["accounts_loaded"] - r["accounts_kept"] > SHRINK_LIMIT * r["accounts_loaded"]
    ]


@dataclass(frozen=True)
class UndoResult:
    """The outcome of undoing an import."""

    import_id: int
    kind: str
    rows_removed: int  # gone from the data in force
    rows_kept: int = 0  # delivered again by later active imports: handed to them, still in force


class UndoRefused(Exception):
    """The import cannot be undone (unknown, already undone, disk full); ``str(exc)`` says why
    in English, ``message`` is that text as a ``Message`` (code and values) for the app."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def undo_import(
    import_id: int,
    *,
    db_path: str | Path | None = None,
    user: str | None = None,
    lock_timeout: float = db.DEFAULT_TIMEOUT_S,
) -> UndoResult:
    """Revert one import: its rows go, a snapshot it replaced comes back; the log keeps it.

    A payment or contact of the import that a later, still-active import delivered again
    (identical: counted there as already present) does not go: it is handed to the earliest such
    import, with that import's id and line, and goes only when that one is undone too.

    Raises:
        UndoRefused: no such import, or it was already undone.
    """
    with _one_writer(db_path, lock_timeout) as left, db.connect(db_path, timeout=left) as con:
        rows = con.execute(
            "select kind, status from imports where import_id = $id", {"id": import_id}
        ).fetchall()
        row = rows[0] if rows else None
        if row is None:
            raise UndoRefused(Message("import.undo_unknown", id=import_id))
        kind, status = row
        if status != "active":
            raise UndoRefused(Message("import.undo_undone", id=import_id))
        table = KINDS[kind].table
        con.execute("begin transaction")
        try:
            kept = 0
            if kind in KEY_COLUMNS:
                kept = _hand_over(con, kind, import_id)
            counted = con.execute(
                f"select count(*) from {table} where import_id = $id", {"id": import_id}
            ).fetchall()[0]
            con.execute(f"delete from {table} where import_id = $id", {"id": import_id})
            con.execute("delete from deliveries where import_id = $id", {"id": import_id})
            con.execute("delete from snapshot_loads where import_id = $id", {"id": import_id})
            con.execute(
                """update imports set status = 'undone', undone_at = $now, undone_by = $user
                where import_id = $id""",
                {
                    "id": import_id,
                    "now": datetime.now().replace(microsecond=0),
                    "user": user or current_user(),
                },
            )
            db.refresh_derived(con, {kind})
            con.execute("commit")
        except BaseException as exc:
            _rollback(con)
            if isinstance(exc, duckdb.Error) and db.is_disk_full(exc):
                raise UndoRefused(Message("import.undo_disk_full", id=import_id)) from exc
            raise
    return UndoResult(import_id, kind, int(counted[0]) if counted else 0, kept)


def _hand_over(con: duckdb.DuckDBPyConnection, kind: str, import_id: int) -> int:
    """Give the import's rows that later imports delivered again to the earliest of those."""
    table = KINDS[kind].table
    con.execute(
        f"""create or replace temp table heirs as
        select d.key_value, d.import_id, d.line
        from deliveries as d
        inner join imports as i on i.import_id = d.import_id and i.status = 'active'
        where d.kind = $kind and d.import_id <> $id
            and d.key_value in (select {key_value(kind)} from {table} where import_id = $id)
        qualify row_number() over (partition by d.key_value order by d.import_id, d.line) = 1""",
        {"kind": kind, "id": import_id},
    )
    con.execute(
        f"""update {table} as r set import_id = h.import_id, line = h.line
        from heirs as h
        where r.import_id = $id and {key_value(kind, "r")} = h.key_value""",
        {"id": import_id},
    )
    row = con.execute("select count(*) from heirs").fetchall()[0]
    con.execute("drop table heirs")
    return int(row[0])


def list_imports(
    db_path: str | Path | None = None, *, lock_timeout: float = db.DEFAULT_TIMEOUT_S
) -> pa.Table:
    """Every import, newest first, with its counts and status."""
    with db.connect(db_path, timeout=lock_timeout) as con:
        return db.run(con, "import/import_log")
