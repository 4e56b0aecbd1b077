"""Commands for getting data in and out again: import, imports, undo, rejects, init."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import db
from dashboard.cli.common import add_db_option, iso_date, path_arg, seconds, whole, write_table
from dashboard.engine.output import OutputError, write_bytes
from dashboard.ingest.importer import (
    FileSpec,
    ImportResult,
    UndoRefused,
    import_files,
    undo_import,
)
from dashboard.ingest.kinds import KINDS
from dashboard.ingest.refused import to_csv
from dashboard.paths import SAMPLE_DATA

IMPORT_HELP = """\
Import extracts (CSV in UTF-8 or GBK, or .xlsx workbooks; English or Chinese headers) into the
database: accounts, payments, agents, contacts, repayment_plans, agencies, complaints, targets.
A file's kind is detected from its header, or given with its option (--repayment-plans FILE).
Exit status: 0 every row accepted; 1 some rows refused (the valid rows are imported and each
refused row is printed and kept in the rejects store); 2 nothing was written (a file was
refused whole: unreadable, wrong kind, missing a required column; or --strict and a row was
refused; or a snapshot would lose more than 10 % of its accounts and --replace was not given)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import",
        help="import extracts (CSV or .xlsx)",
        description=IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db_option(p)
    for kind in KINDS:
        p.add_argument(
            f"--{kind.replace('_', '-')}",
            action="append",
            type=path_arg,
            default=[],
            metavar="FILE",
            help=f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} extract, CSV or .xlsx (repeatable)",
        )
    p.add_argument(
        "files",
        nargs="*",
        type=path_arg,
        metavar="FILE",
        help="extracts whose kind is detected from their header",
    )
    p.add_argument(
        "--sheet",
        metavar="NAME",
        help="the sheet to read in .xlsx files (default: the first sheet); CSV files ignore it",
    )
    p.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="snapshot date for accounts files without an as_of_date column",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="all or nothing: any refused row refuses the whole import",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="confirm replacing a loaded snapshot even when more than 10 %% of its accounts "
        "are not in the file (a partial extract or a mistyped as_of_date is refused otherwise)",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=COLUMN",
        help="map an unknown header to a canonical column (repeatable)",
    )
    p.add_argument("--by", metavar="NAME", help="who is importing (default: login name)")
    p.add_argument(
        "--rejects",
        type=Path,
        metavar="FILE",
        help="write the refused rows as they were in the file (its header and cells, personal "
        "data masked) with their line and reason, to fix and import again; with several "
        "files, FILE's name gets each one's number (rejects.2.csv)",
    )
    p.add_argument(
        "--wait",
        type=seconds,
        default=db.DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help="how long to wait while another process (the app, another import) "
        f"holds the database (default {db.DEFAULT_TIMEOUT_S:.0f})",
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print progress (reading, checking, writing) to stderr",
    )
    p.set_defaults(func=_import)

    p = sub.add_parser("imports", help="list imports, newest first")
    add_db_option(p)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=_imports)

    p = sub.add_parser("undo", help="undo an import (its rows go; a replaced snapshot returns)")
    add_db_option(p)
    p.add_argument("import_id", type=whole(1), metavar="IMPORT_ID")
    p.add_argument("--by", metavar="NAME", help="who is undoing (default: login name)")
    p.set_defaults(func=_undo)

    p = sub.add_parser("rejects", help="list the refused rows of an import, with reasons")
    add_db_option(p)
    p.add_argument("import_id", type=whole(1), metavar="IMPORT_ID")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=_rejects)

    p = sub.add_parser("init", help="create the database; load the sample data if it is empty")
    add_db_option(p)
    p.add_argument(
        "--sample",
        type=path_arg,
        default=SAMPLE_DATA,
        metavar="DIR",
        help=f"folder of extracts to load into an empty database (default {SAMPLE_DATA})",
    )
    p.add_argument("--no-sample", action="store_true", help="only create the database")
    p.set_defaults(func=_init)


def _parse_map(items: list[str]) -> dict[str, str]:
    known = {c.name for k in KINDS.values() for c in k.columns}
    out = {}
    for item in items:
        header, sep, column = item.partition("=")
        if not sep or not header.strip() or not column.strip():
            raise ValueError(f"--map expects HEADER=COLUMN, got '{item}'")
        if column.strip() not in known:
            raise ValueError(
                f"--map {item}: '{column.strip()}' is not a column of any extract "
                f"(columns: {', '.join(sorted(known))})"
            )
        out[header.strip()] = column.strip()
    return out


def print_result(result: ImportResult) -> None:
    """Print what happened to each file, then every refused row."""
    for f in result.files:
        if f.refused_whole:
            print(f"{f.file_name}: REFUSED: {f.refused_whole}")
            continue
        if f.nothing_new and f.same_as is not None:
            p = f.same_as
            print(
                f"{f.file_name}: {f.kind}: already imported as #{p.import_id} "
                f"({p.imported_at:%Y-%m-%d %H:%M}, by {p.imported_by}), nothing new"
            )
            continue
        where = f"import #{f.import_id}" if f.import_id else "not imported"
        line = (
            f"{f.file_name}: {f.kind}, {where}: {f.rows_in_file} rows, "
            f"{f.rows_accepted} new rows, {f.rows_duplicate} already present, "
            f"{f.rows_refused} refused"
        )
        if result.committed and f.import_id and not f.rows_accepted:
            line += " (nothing new was added; kept in the log, nothing to undo)"
        if f.orphans:
            line += f", {f.orphans} for accounts in no snapshot (kept as orphans)"
        if f.unmatched_reversals:
            line += (
                f", {f.unmatched_reversals} reversals of payments not loaded yet (kept, credited "
                "to no agent until their payment arrives)"
            )
        print(line)
        for s in f.shrinks:
            counts = (
                f"{s.accounts_removed} of its {s.accounts_loaded} accounts (keeps "
                f"{s.accounts_kept}; the file has {s.accounts_in_file} for that date)"
            )
            print(
                f"  snapshot {s.as_of_date.isoformat()}: replaced with --replace, removing {counts}"
                if result.committed
                else f"  snapshot {s.as_of_date.isoformat()}: this file would remove {counts}: "
                "check its as_of_date, or confirm with --replace"
            )
        if f.snapshot_dates:
            print(f"  snapshots: {', '.join(d.isoformat() for d in f.snapshot_dates)}")
        if f.ignored_columns:
            print(f"  ignored columns: {', '.join(f.ignored_columns)}")
        if f.already_imported_as:
            ids = ", ".join(f"#{i}" for i in f.already_imported_as)
            print(f"  note: the same file was imported before as {ids}")
        if f.problems is not None:
            for p in f.problems.to_pylist():
                col = f" {p['column_name']}:" if p["column_name"] else ""
                print(f"  {f.file_name}:{p['line']}:{col} {p['reason']}")
    if not result.committed:
        print(f"nothing imported: {result.message}", file=sys.stderr)


def _print_progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _import(args: argparse.Namespace) -> int:
    specs = [
        FileSpec(path, kind, sheet=args.sheet) for kind in KINDS for path in getattr(args, kind)
    ]
    specs += [FileSpec(path, sheet=args.sheet) for path in args.files]
    if not specs:
        options = "/".join(f"--{k.replace('_', '-')}" for k in KINDS)
        print(f"nothing to import: give files with {options} or as arguments", file=sys.stderr)
        return 2
    try:
        user_map = _parse_map(args.map)
    except ValueError as exc:
        print(f"nothing imported: {exc}", file=sys.stderr)
        return 2
    try:
        result = import_files(
            specs,
            db_path=args.db,
            as_of=args.as_of,
            strict=args.strict,
            user=args.by,
            user_map=user_map,
            progress=_print_progress if args.verbose else None,
            lock_timeout=args.wait,
            replace=args.replace,
        )
    except (db.DatabaseBusy, db.DatabaseError) as exc:
        print(f"nothing imported: {exc}", file=sys.stderr)
        return 2
    print_result(result)
    if args.rejects is not None and not _write_rejects(result, args.rejects):
        return 2
    return result.exit_code


def _write_rejects(result: ImportResult, target: Path) -> bool:
    """Write each file's refused rows (``--rejects``); False when a file could not be written."""
    tables = [(n, f) for n, f in enumerate(result.files, 1) if f.refused_rows is not None]
    for n, f in tables:
        assert f.refused_rows is not None
        path = target if len(tables) == 1 else target.with_name(f"{target.stem}.{n}{target.suffix}")
        try:
            write_bytes(path, to_csv(f.refused_rows))
        except OutputError as exc:
            print(f"refused rows not written: {exc}", file=sys.stderr)
            return False
        print(f"{f.file_name}: {f.refused_rows.num_rows} refused rows written to {path}")
    return True


def _imports(args: argparse.Namespace) -> int:
    with db.connect(args.db, read_only=True) as con:  # list_imports would open it to write
        table = db.run(con, "import/import_log")
    write_table(table, args.format)
    return 0


def _undo(args: argparse.Namespace) -> int:
    path = db.require(args.db)  # undo never creates a database
    try:
        res = undo_import(args.import_id, db_path=path, user=args.by)
    except UndoRefused as exc:
        print(f"not undone: {exc}", file=sys.stderr)
        return 1
    kept = f"; {res.rows_kept} stay in force (a later import delivered them too)"
    removed = f"{res.rows_removed} rows removed{kept if res.rows_kept else ''}"
    print(f"undid import #{res.import_id} ({res.kind}): {removed}")
    return 0


def _rejects(args: argparse.Namespace) -> int:
    with db.connect(args.db, read_only=True) as con:
        table = db.run(con, "import/rejects_of_import", {"import_id": args.import_id})
    write_table(table, args.format)
    return 0


def _init(args: argparse.Namespace) -> int:
    with db.connect(args.db, create=True) as con:
        row = con.execute("select count(*) from imports").fetchall()[0]
        empty = row is not None and row[0] == 0
    if args.no_sample or not empty:
        print("database ready" + ("" if empty else " (already holds data)"))
        return 0
    files = sorted(args.sample.glob("*.csv"))
    if not files:
        print(f"no CSV files in {args.sample}", file=sys.stderr)
        return 2
    result = import_files([FileSpec(f) for f in files], db_path=args.db, user="sample")
    for f in result.files:
        status = f.refused_whole or f"{f.rows_accepted} rows"
        print(f"loaded {f.file_name}: {status}")
    return 0 if result.committed else 2
