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
    PLAN_COLUMNS,
    REVERSAL_REASON,
    Staged,
    msg,
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

# Kinds whose rows are written once (payments, contacts, installments of a plan): the columns
# that identify a row, and those compared when a row with that identity is already loaded.
KEY_COLUMNS = {
    "payments": ("payment_id",),
    "contacts": ("contact_id",),
    "repayment_plans": ("plan_id", "installment_no"),
    "targets": ("period", "level", "id"),
}
# The column a conflict is reported on, when not the first key column (a plan's: its plan_id).
REPORTED = {"targets": "id"}
CONTENT = {
    "payments": ("account_id", "payment_date", "amount", "agent_id", "channel",
                 "reverses_payment_id"),
    "contacts": ("account_id", "agent_id", "contacted_at", "channel", "outcome",
                 "promise_amount", "promise_date", "notes"),
    "repayment_plans": ("account_id", "agent_id", "plan_type", "created_date", "due_date",
                        "amount"),
    "targets": ("target",),
}  # fmt: skip
# A complaint delivered again is the same complaint, updated (stg_complaints: the latest
# delivery in force), but never one of another account or received at another time: those
# columns are its identity, and a row that changes them is refused as a conflict.
COMPLAINT_IDENTITY = ("account_id", "received_at")
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


def key_value(kind: str, alias: str = "") -> str:
    """SQL for the text that identifies a row of ``kind`` (``deliveries.key_value``): its id,
    or its columns joined by a unit separator (a plan's id and installment number)."""
    a = f"{alias}." if alias else ""
    cols = KEY_COLUMNS[kind]
    if len(cols) == 1:
        return f"{a}{cols[0]}"
    return " || chr(31) || ".join(f"cast({a}{c} as varchar)" for c in cols)


def _shown_id(kind: str, alias: str) -> str:
    """SQL for a row's identity as a reason shows it: ``P-7 #2`` for installment 2 of P-7."""
    if kind == "repayment_plans":
        return f"{alias}.plan_id || ' #' || cast({alias}.installment_no as varchar)"
    if kind == "targets":  # AG001 (agent, 2026-10)
        return f"{alias}.id || ' (' || {alias}.level || ', ' || {alias}.period || ')'"
    return f"{alias}.{KEY_COLUMNS[kind][0]}"


def _known(
    con: duckdb.DuckDBPyConnection,
    table: str,
    loaded: str,
    join: str,
    compared: tuple[str, ...],
    accepted: str,
    extra: str = "",
) -> None:
    """``table``: the file's rows that match a loaded row (``loaded``, a table or query, on
    ``join``), whether they are the same in ``compared``, and if not, the differences (in
    English, and as messages). Usually few rows: only they are materialised."""
    same = " and ".join(f"p.{c} is not distinct from s.{c}" for c in compared)
    differs = [(f"p.{c} is distinct from s.{c}", c) for c in compared]
    english = ", ".join(f"case when {d} then {_difference_en(c)} end" for d, c in differs)
    coded = ", ".join(f"case when {d} then {_difference(c)} end" for d, c in differs)
    con.execute(
        f"""create or replace temp table {table} as
        select s.line, ({same}) as same, p.import_id as prev_import, p.line as prev_line,
            case when not ({same}) then concat_ws('; ', {english}) end as differences_en,
            case when not ({same})
                then list_filter([{coded}], lambda d: d is not null) end as differences
            {extra}
        from read_parquet($accepted) as s
        inner join {loaded} as p on {join}""",
        {"accepted": accepted, "blank": _BLANK_EN, **sql_params()},
    )


def _refuse_known(
    con: duckdb.DuckDBPyConnection, table: str, import_id: int, file_name: str, key: str
) -> None:
    """Reject the rows of ``table`` (``_known``, with an ``id`` column) that are not the same
    as the loaded row: "already imported with different content", with the differences."""
    con.execute(
        f"""insert into rejects ({REJECT_COLUMNS})
        select $import_id, $file_name, line, $key, id, {_ALREADY}
        from (select line, id, prev_import, prev_line, differences_en, differences
              from {table} where not same) order by line""",
        {"import_id": import_id, "file_name": file_name, "key": key, **sql_params()},
    )


# The installments of a plan, checked against the ones loaded (earlier files, or earlier files
# of this import): each due date after the previous installment's, and no gaps (1, 2, 3, ...).
# Rows refused before (conflicts, a plan of another account) are not candidates; a row refused
# for its due date leaves a gap for the installments after it.
_DUE_ORDER = msg(
    "import.due_not_after_previous",
    id="c.plan_id",
    no="c.installment_no",
    due_date="c.due_date",
    previous="p.installment_no",
    previous_due="p.due_date",
)
_GAP = msg("import.installment_gap", id="c.plan_id", no="c.installment_no", missing="f.missing")
PLAN_SEQUENCE = f"""insert into bad_rows
    with candidates as (
        select line, plan_id, installment_no, due_date from read_parquet($accepted)
        where line not in (select line from known) and line not in (select line from plan_known)
    ),
    present as (
        select plan_id, installment_no, due_date, null::bigint as line
        from raw_repayment_plans
        where plan_id in (select plan_id from candidates)
        union all
        select plan_id, installment_no, due_date, line from candidates
    ),
    out_of_order as (
        select c.line, c.due_date, cast({_DUE_ORDER} as varchar) as reason
        from candidates as c
        inner join present as p
            on p.plan_id = c.plan_id and p.installment_no = c.installment_no - 1
        where c.due_date <= p.due_date
    ),
    numbers as (
        select distinct plan_id, installment_no from present
        where line is null or line not in (select line from out_of_order)
    ),
    firsts as (
        select plan_id,
            case when min(installment_no) > 1 then 1
                else min(installment_no + 1) filter (
                    where next_no is null or next_no > installment_no + 1)
            end as missing
        from (
            select plan_id, installment_no,
                lead(installment_no) over (partition by plan_id order by installment_no)
                    as next_no
            from numbers
        )
        group by plan_id
    )
    select line, 'due_date', cast(due_date as varchar), reason from out_of_order
    union all
    select c.line, 'installment_no', cast(c.installment_no as varchar), cast({_GAP} as varchar)
    from candidates as c inner join firsts as f on f.plan_id = c.plan_id
    where c.installment_no > f.missing and c.line not in (select line from out_of_order)"""


# Targets name an agent (level agent) or a team (level team) of the agents in force: one that
# is not there is refused, like a typo, rather than kept for an agent that may never arrive.
_UNKNOWN_AGENT = msg("import.target_unknown_agent", id="s.id", period="s.period")
_UNKNOWN_TEAM = msg("import.target_unknown_team", id="s.id", period="s.period")
TARGET_UNKNOWN = f"""insert into bad_rows
    select s.line, 'id', s.id,
        cast(case when s.level = 'agent' then {_UNKNOWN_AGENT} else {_UNKNOWN_TEAM} end
            as varchar)
    from read_parquet($accepted) as s
    where s.line not in (select line from known)
        and case
            when s.level = 'agent' then s.id not in (select agent_id from stg_agents)
            else s.id not in (select team from stg_agents where team is not null)
        end"""


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
    accepted_path = str(staged.accepted_path)
    params = {
        "import_id": import_id,
        "accepted": accepted_path,
        "problems": str(staged.problems_path),
        "file_name": staged.source.name,
    }
    names = [c.name for c in kind.columns]
    cols = ", ".join(names)
    conflicts = duplicates = orphans = unmatched = 0
    if kind.name in CONTENT:
        table, keys = kind.table, KEY_COLUMNS[kind.name]
        key = REPORTED.get(kind.name, keys[0])  # the column a conflict is reported on
        on = " and ".join(f"p.{k} = s.{k}" for k in keys)
        extra = f", {key_value(kind.name, 's')} as key_value, {_shown_id(kind.name, 's')} as id"
        _known(con, "known", table, on, CONTENT[kind.name], accepted_path, extra)
        # Rows refused here for a reason of their own (a message as JSON).
        con.execute(
            "create or replace temp table bad_rows "
            "(line bigint, column_name varchar, value varchar, reason varchar)"
        )
        con.execute("create or replace temp table plan_known (line bigint, same boolean)")
        if kind.name == "repayment_plans":
            # An installment of a plan already loaded (its other installments): the plan's
            # account, agent, type and creation date are the loaded ones, or it is refused.
            loaded = """(select * from raw_repayment_plans
                where plan_id in (select plan_id from read_parquet($accepted))
                qualify row_number() over (
                    partition by plan_id order by installment_no, import_id) = 1)"""
            _known(
                con,
                "plan_known",
                loaded,
                "p.plan_id = s.plan_id and s.line not in (select line from known)",
                PLAN_COLUMNS,
                accepted_path,
                ", s.plan_id as id",
            )
            con.execute("delete from plan_known where same")
            con.execute(PLAN_SEQUENCE, {"accepted": params["accepted"]})
        if kind.name == "payments":
            # Reversals of a loaded payment of another account, or of a loaded reversal.
            con.execute(
                f"""insert into bad_rows
                select r.line, 'reverses_payment_id', r.reverses_payment_id,
                    cast({REVERSAL_REASON} as varchar)
                from read_parquet($accepted) as r
                inner join raw_payments as t on t.payment_id = r.reverses_payment_id
                where r.line not in (select line from known)
                    and (t.account_id <> r.account_id or t.amount < 0)""",
                {"accepted": params["accepted"]},
            )
        if kind.name == "targets":
            # A target of an agent or team that the agents loaded do not know (this import's
            # agents files are applied first): refused, to import again once they are.
            con.execute(TARGET_UNKNOWN, {"accepted": params["accepted"]})
        con.execute(
            f"""insert into {table} (import_id, line, {cols})
            select $import_id, line, {cols} from read_parquet($accepted) as s
            where s.line not in (select line from known)
                and s.line not in (select line from bad_rows)
                and s.line not in (select line from plan_known)
            order by line""",
            {"import_id": import_id, "accepted": params["accepted"]},
        )
        _refuse_known(con, "known", import_id, staged.source.name, key)
        if kind.name == "repayment_plans":
            _refuse_known(con, "plan_known", import_id, staged.source.name, key)
        con.execute(
            f"""insert into rejects ({REJECT_COLUMNS})
            select $import_id, $file_name, line, column_name, value, {_RENDERED}
            from bad_rows order by line""",
            {"import_id": import_id, "file_name": staged.source.name, **sql_params()},
        )
        # Identical rows already loaded: remembered, so that undoing the import that holds
        # such a row hands it to this one instead of removing it.
        con.execute(
            """insert into deliveries
            select $import_id, line, $kind, key_value from known where same order by line""",
            {"import_id": import_id, "kind": kind.name},
        )
        counts = con.execute(
            """select count(*) filter (where not same), count(*) filter (where same) from known"""
        ).fetchall()[0]
        conflicts, duplicates = int(counts[0]), int(counts[1])
        bad = con.execute(
            "select (select count(distinct line) from bad_rows) + (select count(*) from plan_known)"
        ).fetchall()[0]
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
        for temp in ("bad_rows", "plan_known", "known"):
            con.execute(f"drop table {temp}")
    elif kind.name == "complaints":
        # A complaint delivered again updates it (a new row; the latest in force wins), unless
        # it names another account or time of receipt (refused). Rows identical to the
        # complaint in force are counted as already present, and written all the same: this
        # import then holds them too, and undoing an earlier one leaves them in force.
        in_force = "(select * from stg_complaints)"
        same_all = " and ".join(f"p.{c} is not distinct from s.{c}" for c in names)
        _known(
            con,
            "known",
            in_force,
            "p.complaint_id = s.complaint_id",
            COMPLAINT_IDENTITY,
            accepted_path,
            f", s.complaint_id as id, ({same_all}) as unchanged",
        )
        con.execute(
            f"""insert into {kind.table} (import_id, line, {cols})
            select $import_id, line, {cols} from read_parquet($accepted)
            where line not in (select line from known where not same)
            order by line""",
            {"import_id": import_id, "accepted": params["accepted"]},
        )
        _refuse_known(con, "known", import_id, staged.source.name, "complaint_id")
        counts = con.execute(
            "select count(*) filter (where not same), count(*) filter (where unchanged) from known"
        ).fetchall()[0]
        conflicts, duplicates = int(counts[0]), int(counts[1])
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
