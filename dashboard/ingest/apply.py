"""Phase two of an import: write staged rows into the shared database, in one transaction.

Only this phase holds the database file. It checks staged rows against what is already loaded
(a payment or contact id that exists with other content is a conflict, refused; an identical
one is a no-op, remembered in ``deliveries`` so that undoing the import that holds the row
hands it over instead of removing it; a reversal of a loaded payment of another account, or of
a loaded reversal, is refused), writes the rows, the rejects and the import log entry, and
refreshes derived tables. The caller commits or rolls back: a crash or kill before the commit
leaves the database as it was.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import datetime

import duckdb

from dashboard.ingest.stage import (
    ARGS_OF_REASON,
    CODE_OF_REASON,
    REVERSAL_REASON,
    Staged,
)
from dashboard.messages import MESSAGES, sql_params, sql_render

# The reason of a row already loaded with other content (a message, dashboard/messages.py):
# the English text, rendered in SQL with the differences in English, and the values, which
# hold each difference as a message of its own (``import.differs``, a blank value as
# ``import.blank``), so that the reason reads whole in any language.
_ALREADY_CODE = "'import.already_imported'"
_ALREADY_ARGS = (
    "json_object('column', $key, 'id', id, 'import_id', cast(prev_import as varchar), "
    "'line', cast(prev_line as varchar), 'differences', {differences})"
)
_ALREADY = ", ".join((
    sql_render(_ALREADY_CODE, _ALREADY_ARGS.format(differences="differences_en")),
    _ALREADY_CODE,
    f"cast({_ALREADY_ARGS.format(differences='to_json(differences)')} as varchar)",
))  # fmt: skip

# For kinds with an identity, the columns compared when the id is already loaded.
CONTENT = {
    "payments": ("account_id", "payment_date", "amount", "agent_id", "channel",
                 "reverses_payment_id"),
    "contacts": ("account_id", "agent_id", "contacted_at", "channel", "outcome",
                 "promise_amount", "promise_date"),
}  # fmt: skip
ID_COLUMN = {"payments": "payment_id", "contacts": "contact_id"}
REJECT_COLUMNS = "import_id, file_name, line, column_name, value, reason, reason_code, reason_args"
# A reason column (JSON text of a message) as the rejects store keeps it: English, code, values.
_RENDERED = f"{sql_render(CODE_OF_REASON, 'reason')}, {CODE_OF_REASON}, {ARGS_OF_REASON}"


_BLANK_EN = MESSAGES["import.blank"][0]  # a blank value in an English difference


def _difference_en(column: str) -> str:
    """SQL for one difference in English: ``amount 100.00 (now 120.00)``, from its template."""
    args = (
        f"json_object('column', '{column}', "
        f"'before', coalesce(cast(p.{column} as varchar), $blank), "
        f"'now', coalesce(cast(s.{column} as varchar), $blank))"
    )
    return sql_render("'import.differs'", args)


def _difference(column: str) -> str:
    """SQL for one difference as a message (JSON): its code, the column, the loaded value and
    the file's, a blank value as the message ``import.blank``."""

    def value(expr: str) -> str:
        return f"coalesce(to_json(cast({expr} as varchar)), json_object('code', 'import.blank'))"

    return (
        f"json_object('code', 'import.differs', 'args', json_object('column', '{column}', "
        f"'before', {value(f'p.{column}')}, 'now', {value(f's.{column}')}))"
    )


@dataclass
class Applied:
    """What phase two did with one staged file."""

    import_id: int
    rows_accepted: int
    rows_duplicate: int
    rows_refused: int
    orphans: int  # payments for accounts in no snapshot (kept, reported)
    unmatched_reversals: int = 0  # reversals of payments not loaded (kept, credited to nobody)


def current_user() -> str:
    """Who is importing: ``$DASHBOARD_USER``, else the login name."""
    try:
        return os.environ.get("DASHBOARD_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def apply_staged(
    con: duckdb.DuckDBPyConnection, staged: Staged, *, user: str, now: datetime
) -> Applied:
    """Write one staged file into the database (inside the caller's transaction)."""
    kind = staged.kind
    row = con.execute("select nextval('import_id_seq')").fetchall()[0]
    assert row is not None
    import_id = int(row[0])
    params = {
        "import_id": import_id,
        "accepted": str(staged.accepted_path),
        "problems": str(staged.problems_path),
        "file_name": staged.source.name,
    }
    names = [c.name for c in kind.columns]
    cols = ", ".join(names)
    conflicts = duplicates = orphans = unmatched = 0
    if kind.name in CONTENT:
        table, key = kind.table, ID_COLUMN[kind.name]
        same = " and ".join(f"p.{c} is not distinct from s.{c}" for c in CONTENT[kind.name])
        differs = [(f"p.{c} is distinct from s.{c}", c) for c in CONTENT[kind.name]]
        english = ", ".join(f"case when {d} then {_difference_en(c)} end" for d, c in differs)
        coded = ", ".join(f"case when {d} then {_difference(c)} end" for d, c in differs)
        # Rows whose id is already loaded: usually few, so only they are materialised.
        con.execute(
            f"""create or replace temp table known as
            select s.line, s.{key}, ({same}) as same,
                p.import_id as prev_import, p.line as prev_line,
                case when not ({same}) then concat_ws('; ', {english}) end as differences_en,
                case when not ({same})
                    then list_filter([{coded}], lambda d: d is not null) end as differences
            from read_parquet($accepted) as s
            inner join {table} as p on p.{key} = s.{key}""",
            {"accepted": params["accepted"], "blank": _BLANK_EN, **sql_params()},
        )
        # Reversals of a loaded payment of another account, or of a loaded reversal.
        con.execute(
            "create or replace temp table bad_reversals "
            "(line bigint, value varchar, reason varchar)"  # reason: a message as JSON
        )
        if kind.name == "payments":
            con.execute(
                f"""insert into bad_reversals
                select r.line, r.reverses_payment_id, cast({REVERSAL_REASON} as varchar)
                from read_parquet($accepted) as r
                inner join raw_payments as t on t.payment_id = r.reverses_payment_id
                where r.line not in (select line from known)
                    and (t.account_id <> r.account_id or t.amount < 0)""",
                {"accepted": params["accepted"]},
            )
        con.execute(
            f"""insert into {table} (import_id, line, {cols})
            select $import_id, line, {cols} from read_parquet($accepted) as s
            where s.line not in (select line from known)
                and s.line not in (select line from bad_reversals)
            order by line""",
            {"import_id": import_id, "accepted": params["accepted"]},
        )
        con.execute(
            f"""insert into rejects ({REJECT_COLUMNS})
            select $import_id, $file_name, line, $key, id, {_ALREADY}
            from (select line, {key} as id, prev_import, prev_line, differences_en, differences
                  from known where not same) order by line""",
            {"import_id": import_id, "file_name": staged.source.name, "key": key, **sql_params()},
        )
        con.execute(
            f"""insert into rejects ({REJECT_COLUMNS})
            select $import_id, $file_name, line, 'reverses_payment_id', value, {_RENDERED}
            from bad_reversals order by line""",
            {"import_id": import_id, "file_name": staged.source.name, **sql_params()},
        )
        # Identical rows already loaded: remembered, so that undoing the import that holds
        # such a row hands it to this one instead of removing it.
        con.execute(
            f"""insert into deliveries
            select $import_id, line, $kind, {key} from known where same order by line""",
            {"import_id": import_id, "kind": kind.name},
        )
        counts = con.execute(
            "select count(*) filter (where not same), count(*) filter (where same) from known"
        ).fetchall()[0]
        conflicts, duplicates = int(counts[0]), int(counts[1])
        bad = con.execute("select count(*) from bad_reversals").fetchall()[0]
        conflicts += int(bad[0])
        if kind.name == "payments":
            found = con.execute(
                """select
                    count(*) filter (
                        where s.account_id not in (select account_id from stg_accounts)),
                    count(*) filter (
                        where s.reverses_payment_id is not null and s.reverses_payment_id
                            not in (select payment_id from raw_payments))
                from raw_payments as s where s.import_id = $import_id""",
                {"import_id": import_id},
            ).fetchall()[0]
            orphans, unmatched = int(found[0]), int(found[1])
        con.execute("drop table bad_reversals")
        con.execute("drop table known")
    else:
        con.execute(
            f"""insert into {kind.table} (import_id, line, {cols})
            select $import_id, line, {cols} from read_parquet($accepted) order by line""",
            {"import_id": import_id, "accepted": params["accepted"]},
        )
        if kind.name == "accounts":
            con.execute(
                """insert into snapshot_loads
                select as_of_date, $import_id, count(*) from read_parquet($accepted)
                group by as_of_date""",
                {"import_id": import_id, "accepted": params["accepted"]},
            )
    con.execute(
        f"""insert into rejects ({REJECT_COLUMNS})
        select $import_id, $file_name, line, column_name, value, reason, reason_code, reason_args
        from read_parquet($problems)""",
        {"import_id": import_id, "file_name": staged.source.name, "problems": params["problems"]},
    )
    refused_lines = con.execute(
        "select count(distinct line) from rejects where import_id = $import_id",
        {"import_id": import_id},
    ).fetchall()[0]
    refused = int(refused_lines[0]) if refused_lines else 0
    accepted = staged.rows_accepted - conflicts - duplicates
    con.execute(
        """insert into imports values ($import_id, $kind, $file_name, $sha, $bytes, $encoding,
            $now, $user, $rows_in_file, $accepted, $duplicate, $refused, $dates, 'active',
            null, null)""",
        {
            "import_id": import_id,
            "kind": kind.name,
            "file_name": staged.source.name,
            "sha": staged.source.sha256,
            "bytes": staged.source.size,
            "encoding": staged.source.encoding,
            "now": now,
            "user": user,
            "rows_in_file": staged.rows_in_file,
            "accepted": accepted,
            "duplicate": staged.rows_duplicate + duplicates,
            "refused": refused,
            "dates": ", ".join(d.isoformat() for d in staged.snapshot_dates) or None,
        },
    )
    return Applied(
        import_id, accepted, staged.rows_duplicate + duplicates, refused, orphans, unmatched
    )
