"""A file imported again: its outcome known from the earlier import, without checking it again.

Checking a file (``stage``) costs most of an import; a user who uploads the same extract twice
(or a scheduled job that delivers it again) should not pay it for a file the database already
holds. The outcome of the check depends only on its inputs: the file's bytes, its kind, the
header mapping, the snapshot date given (accounts), the sheet, and the importer's rules. Each
import records a fingerprint of these and the counts its check found (``import_inputs``). A
file with the fingerprint of an earlier import in force is not checked again when the database
shows that importing it would add nothing, and its report is the one the full import would
give: the same counts, the same refused rows and reasons, "already imported as #N".

When that cannot be shown, the file is checked and written as any other (``importer``):

- the earlier import was undone (only active ones count), or its inputs differ (another
  mapping, another ``--as-of``, another sheet, another version of the rules);
- the earlier import refused rows because of what the database held then (a payment loaded
  with other content, a reversal of another account's payment, a target of an unknown agent,
  an installment out of sequence, a complaint of another account): the database may have
  changed since, so those rows may now be accepted;
- a kind whose rows in force come from the latest import that lists them (accounts snapshots,
  agents, agencies, complaints): a later import in force lists some of its rows (a snapshot
  replaced, an agent updated), so importing the file again would bring its rows back.

Payments, contacts, installments and targets are written once: every row of an earlier import
in force without such refusals is still loaded with that content (undoing the import that held
a row hands it over, ``importer.undo_import``), so a new import would find each one already
present, add nothing, and not be recorded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.ingest.kinds import Kind
from dashboard.ingest.reader import SourceFile

_ROOT = Path(__file__).resolve().parents[2]
# What the check's outcome depends on besides its inputs: the importer's code, the reasons'
# texts, the vocabulary, the import macros, and DuckDB's reader and functions.
RULE_FILES = (
    "dashboard/ingest/*.py",
    "dashboard/vocab.py",
    "dashboard/messages.py",
    "queries/import/*.sql",
    "queries/macros.sql",
)
# The kinds whose rows in force come from the latest import listing them: (table, key).
IN_FORCE_KEYS = {
    "agents": ("raw_agents", "agent_id"),
    "agencies": ("raw_agencies", "agency_id"),
    "complaints": ("raw_complaints", "complaint_id"),
}


@cache
def rules_version() -> str:
    """A hash of everything besides its inputs that decides what the check of a file gives."""
    h = hashlib.sha256(duckdb.__version__.encode())
    for pattern in RULE_FILES:
        for path in sorted(_ROOT.glob(pattern)):
            h.update(path.relative_to(_ROOT).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def fingerprint(
    source: SourceFile,
    kind: Kind,
    found: dict[str, int],
    as_of: date | None,
    sheet: str | None,
) -> str:
    """The fingerprint of the check's inputs: two files with the same one check alike."""
    inputs = {
        "rules": rules_version(),
        "sha256": source.sha256,
        "bytes": source.size,
        "kind": kind.name,
        "columns": sorted(found.items()),
        "as_of": as_of.isoformat() if as_of is not None and kind.name == "accounts" else None,
        "sheet": sheet,
        "header_line": source.header_line,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Reuse:
    """A file whose check an earlier import may stand for: its source and its inputs."""

    source: SourceFile
    kind: Kind
    inputs: str  # ``fingerprint``
    ignored_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Known:
    """The check's outcome of the earlier import with the same inputs, which a new import of
    the file would repeat, adding nothing."""

    import_id: int
    rows_in_file: int
    rows_accepted: int  # accepted by the check
    rows_duplicate: int  # copies of an earlier row of the file
    rows_refused: int  # refused by the check
    refused_lines: int  # lines among its rejects
    problems: pa.Table  # its rejects (line, column_name, value, reason, reason_code, args)
    snapshot_dates: list[date]


@dataclass(frozen=True)
class Counts:
    """What the check of a file found: rows accepted, copies, refused, and problem rows."""

    accepted: int
    duplicate: int
    refused: int
    problems: int


def record(con: duckdb.DuckDBPyConnection, import_id: int, inputs: str, counts: Counts) -> None:
    """Remember an import's inputs and its check's counts (inside its transaction)."""
    con.execute(
        "insert into import_inputs values ($id, $inputs, $accepted, $duplicate, $refused, $n)",
        {
            "id": import_id,
            "inputs": inputs,
            "accepted": counts.accepted,
            "duplicate": counts.duplicate,
            "refused": counts.refused,
            "n": counts.problems,
        },
    )


def known_outcome(con: duckdb.DuckDBPyConnection, kind: Kind, inputs: str) -> Known | None:
    """The outcome of the latest import in force with these inputs, when importing the file
    again would add nothing (see the module docstring); None when it must be checked."""
    rows = con.execute(
        """select i.import_id, i.rows_in_file, n.rows_accepted, n.rows_duplicate,
            n.rows_refused, n.problems,
            (select count(*) from rejects as r where r.import_id = i.import_id),
            (select count(distinct r.line) from rejects as r where r.import_id = i.import_id)
        from import_inputs as n
        inner join imports as i on i.import_id = n.import_id
        where n.inputs_sha256 = $inputs and i.kind = $kind and i.status = 'active'
        order by i.import_id desc
        limit 1""",
        {"inputs": inputs, "kind": kind.name},
    ).fetchall()
    if not rows:
        return None
    import_id, in_file, accepted, duplicate, refused, problems, rejects, lines = rows[0]
    if rejects != problems:
        # Rows refused for what the database held then: it may hold something else now.
        return None
    if not _nothing_replaced(con, kind, import_id):
        return None
    dates: list[date] = []
    if kind.name == "accounts":
        dates = [
            r[0]
            for r in con.execute(
                "select distinct as_of_date from snapshot_loads where import_id = $id order by 1",
                {"id": import_id},
            ).fetchall()
        ]
    return Known(
        import_id=int(import_id),
        rows_in_file=int(in_file),
        rows_accepted=int(accepted),
        rows_duplicate=int(duplicate),
        rows_refused=int(refused),
        refused_lines=int(lines),
        problems=db.run(con, "import/rejects_of_import", {"import_id": import_id}),
        snapshot_dates=dates,
    )


def _nothing_replaced(con: duckdb.DuckDBPyConnection, kind: Kind, import_id: int) -> bool:
    """Whether every row of the import is still the one in force (kinds in force) or still
    loaded (kinds written once: always, while the import is active)."""
    if kind.name == "accounts":
        sql = """select count(*) from snapshot_loads as s
            where s.import_id = $id and exists (
                select 1 from snapshot_loads as l
                where l.as_of_date = s.as_of_date and l.import_id > $id
                    and import_in_force(l.import_id))"""
    elif kind.name in IN_FORCE_KEYS:
        table, key = IN_FORCE_KEYS[kind.name]
        # table and key are names of ours, not user text
        sql = f"""select count(*) from {table} as a
            where a.import_id > $id and import_in_force(a.import_id)
                and a.{key} in (select {key} from {table} where import_id = $id)"""
    else:
        return True
    found = con.execute(sql, {"id": import_id}).fetchall()[0]
    return found is not None and found[0] == 0
