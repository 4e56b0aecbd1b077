"""Refreshing the derived tables for what an import changed, instead of rebuilding them.

The derived tables (queries/derived/*.sql) are functions of the imports in force. The database
remembers which imports its derived tables reflect (``meta`` key ``derived_imports``); a refresh
compares them with the imports now in force. When imports were only added (an import, not an
undo), each derived table that has an incremental definition (``INCREMENTAL``) recomputes only
the slice the new rows can change: its script (queries/derived/incremental/<table>.sql) selects
the keys to recompute (``affected_<table>``) and the source rows they need (``scope_<source>``);
the table's own query, read from those scopes, gives the new rows of the slice, which replace the
old ones (delete + insert, inside the caller's transaction). The rows taken out and put in stay
as ``old_<table>`` and ``new_<table>`` for the tables downstream, whose scripts find their own
slices from them.

Everything else is rebuilt whole, as before: an undo (rows removed, rows handed over), a table
without an incremental definition (e.g. a new file in queries/derived/), a table whose query now
reads a source its definition does not account for, a table downstream of one rebuilt whole, a
table whose definition says it does not apply (rpt_accounts: a snapshot older than the latest),
and every table when the database does not say what its derived tables reflect.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import duckdb

STATE_KEY = "derived_imports"  # meta: the imports in force the derived tables reflect
FOLDER = "derived/incremental"


@dataclass(frozen=True)
class Catalogue:
    """What ``dashboard.db`` knows of queries/ that a refresh needs (given, so that this
    module does not import db, which calls it).

    ``derived``: the derived tables in build order; ``bodies``: each one's query;
    ``sources``: the staging views and derived tables each reads (through macros and views);
    ``create``: rebuild one whole (``temporary``: as a temporary table); ``script``: the
    statements of ``queries/<name>.sql``; ``query``: the text of ``queries/<name>.sql``.
    """

    derived: tuple[str, ...]
    bodies: Mapping[str, str]
    sources: Mapping[str, frozenset[str]]
    create: Callable[[duckdb.DuckDBPyConnection, str, bool], None]
    script: Callable[[str], list[str]]
    query: Callable[[str], str]


@dataclass(frozen=True)
class Incremental:
    """How a derived table is refreshed for added imports.

    ``key``: the column whose values name the slices recomputed (one or many rows each).
    ``sources``: the staging views and derived tables whose changes the script accounts for;
    a table whose query reads anything else is rebuilt whole.
    ``scoped``: the sources the recompute reads from the script's ``scope_<source>``.
    ``merge``: the new rows come from ``<table>_merge.sql`` over ``part_<table>`` (the query
    over the scopes) and ``old_<table>``, instead of from the query alone.
    ``check``: ``<table>_applies.sql`` says whether the incremental path applies.
    """

    key: str
    sources: frozenset[str]
    scoped: tuple[str, ...]
    merge: bool = False
    check: bool = False


def _inc(key: str, sources: Iterable[str], scoped: Iterable[str], **kw: bool) -> Incremental:
    return Incremental(key, frozenset(sources), tuple(scoped), **kw)


INCREMENTAL: dict[str, Incremental] = {
    "rpt_accounts": _inc("account_id", ["stg_accounts"], ["stg_accounts"], merge=True, check=True),
    "payments_credited": _inc("payment_id", ["stg_payments", "stg_accounts"], ["stg_payments"]),
    "rpt_contacts": _inc("contact_id", ["stg_contacts"], ["stg_contacts"]),
    "rpt_complaints": _inc(
        "complaint_id", ["stg_complaints", "stg_accounts"], ["stg_complaints", "stg_accounts"]
    ),
    "rpt_payments": _inc(
        "payment_id", ["payments_credited", "rpt_accounts"], ["payments_credited"]
    ),
    "rpt_promises": _inc(
        "contact_id", ["rpt_contacts", "rpt_payments"], ["rpt_contacts", "rpt_payments"]
    ),
    "rpt_snapshots": _inc("as_of_date", ["stg_accounts", "rpt_accounts"], ["stg_accounts"]),
    "rpt_plan_installments": _inc(
        "plan_id",
        ["stg_repayment_plans", "stg_accounts"],
        ["stg_repayment_plans", "stg_accounts"],
    ),
    "rpt_plan_payments": _inc(
        "plan_id",
        ["rpt_plan_installments", "rpt_payments"],
        ["rpt_plan_installments", "rpt_payments"],
    ),
    "rpt_payout_days": _inc("payment_date", ["rpt_payments"], ["rpt_payments"]),
    "rpt_payout_months": _inc("period_start", ["rpt_payments"], ["rpt_payments"]),
}


def recorded(con: duckdb.DuckDBPyConnection) -> set[int] | None:
    """The imports the derived tables reflect; None when the database does not say."""
    rows = con.execute("select value from meta where key = $k", {"k": STATE_KEY}).fetchall()
    if not rows:
        return None
    return {int(v) for v in str(rows[0][0]).split(",") if v}


def record(con: duckdb.DuckDBPyConnection) -> None:
    """Note that the derived tables now reflect the imports in force."""
    ids = ",".join(str(i) for i in sorted(_in_force(con)))
    con.execute("insert or replace into meta values ($k, $v)", {"k": STATE_KEY, "v": ids})


def _in_force(con: duckdb.DuckDBPyConnection) -> set[int]:
    rows = con.execute("select import_id from imports where status = 'active'").fetchall()
    return {int(r[0]) for r in rows}


# An import adding more rows of a kind than this share of that kind's rows in force (the
# first file of a kind: all of them) has the tables that read it rebuilt whole.
WHOLE_SHARE = 0.2


def _large(con: duckdb.DuckDBPyConnection, added: set[int]) -> bool:
    """Whether the imports ``added`` bring more than ``WHOLE_SHARE`` of some kind's rows."""
    if not added:
        return False
    row = con.execute(
        """with mine as (
            select kind, sum(rows_accepted) as rows_added from imports
            where list_contains($ids, import_id) group by kind
        ),
        book as (
            select kind, sum(rows_accepted) as rows_in_force from imports
            where status = 'active' group by kind
        )
        select coalesce(bool_or(m.rows_added > $share * b.rows_in_force), false)
        from mine as m inner join book as b using (kind)""",
        {"ids": sorted(added), "share": WHOLE_SHARE},
    ).fetchall()[0]
    return bool(row[0])


def _kinds(con: duckdb.DuckDBPyConnection, ids: set[int]) -> set[str]:
    if not ids:
        return set()
    rows = con.execute(
        "select distinct kind from imports where list_contains($ids, import_id)",
        {"ids": sorted(ids)},
    ).fetchall()
    return {str(r[0]) for r in rows}


def _scoped_body(cat: Catalogue, name: str, scoped: Iterable[str]) -> str:
    body = cat.bodies[name]
    for source in scoped:
        body = re.sub(rf"\b{source}\b", f"scope_{source}", body)
    return body


def _run_script(con: duckdb.DuckDBPyConnection, cat: Catalogue, name: str) -> None:
    for statement in cat.script(f"{FOLDER}/{name}"):
        con.execute(statement)


def _slice(con: duckdb.DuckDBPyConnection, cat: Catalogue, name: str, spec: Incremental) -> None:
    """Recompute the slice of ``name`` its script selects; keep old_/new_ for downstream."""
    _run_script(con, cat, name)
    key, affected = spec.key, f"affected_{name}"
    keep = f"{key} in (select {key} from {affected})"
    if not con.execute(f"select count(*) from {affected}").fetchall()[0][0]:
        for side in ("old", "new"):  # nothing to recompute: nothing taken out or put in
            con.execute(
                f"create or replace temp table {side}_{name} as select * from {name} limit 0"
            )
    else:
        _replace(con, cat, name, spec, keep)
    for temp in (affected, f"part_{name}", *(f"scope_{s}" for s in spec.scoped)):
        con.execute(f"drop table if exists {temp}")


def _replace(
    con: duckdb.DuckDBPyConnection, cat: Catalogue, name: str, spec: Incremental, keep: str
) -> None:
    """Replace the rows of ``name`` that ``keep`` selects by the query over the scopes."""
    con.execute(f"create or replace temp table old_{name} as select * from {name} where {keep}")
    body = _scoped_body(cat, name, spec.scoped)
    if spec.merge:
        con.execute(f"create or replace temp table part_{name} as {body}")
        new = cat.query(f"{FOLDER}/{name}_merge")
    else:
        new = f"select * from ({body}) where {keep}"
    con.execute(f"create or replace temp table new_{name} as {new}")
    con.execute(f"delete from {name} where {keep}")
    con.execute(f"insert into {name} by name select * from new_{name}")


def _applies(con: duckdb.DuckDBPyConnection, cat: Catalogue, name: str, spec: Incremental) -> bool:
    if not spec.check:
        return True
    row = con.execute(cat.query(f"{FOLDER}/{name}_applies")).fetchall()[0]
    return bool(row[0])


def refresh(
    con: duckdb.DuckDBPyConnection,
    changed_kinds: Iterable[str] | None,
    cat: Catalogue,
    *,
    temporary: bool,
) -> list[str]:
    """``db.refresh_derived``: the derived tables that read what changed, each refreshed for
    the imports added since the last refresh or rebuilt whole (see the module docstring)."""
    derived = list(cat.derived)
    before = None if temporary or changed_kinds is None else recorded(con)
    if changed_kinds is None or before is None:
        touched = None if changed_kinds is None else {f"stg_{k}" for k in changed_kinds}
        every = _rebuild(con, cat, touched, temporary=temporary)
        if not temporary and (changed_kinds is None or set(every) == set(derived)):
            record(con)
        return every
    now = _in_force(con)
    added, removed = now - before, before - now
    kinds = set(changed_kinds) | _kinds(con, added | removed)
    touched = {f"stg_{k}" for k in kinds}
    if _large(con, added):
        # A slice that is much of the table costs more than a rebuild, and its temporary
        # copies (old_, new_, chg_) are held in memory, where a rebuilt table can spill (a
        # first payments file of 10 M rows ran out of 1 GB). The result is the same either way.
        every = _rebuild(con, cat, touched, temporary=False)
        record(con)
        return every
    whole = {f"stg_{k}" for k in _kinds(con, removed)}  # not additions: rebuilt whole
    con.execute("create or replace temp table chg_imports (import_id bigint, kind varchar)")
    if added:
        con.execute(
            "insert into chg_imports select import_id, kind from imports "
            "where list_contains($ids, import_id)",
            {"ids": sorted(added)},
        )
    _run_script(con, cat, "changes")
    rebuilt: list[str] = []
    sliced: set[str] = set()
    for name in derived:
        reads = set(cat.sources[name])
        if not touched & reads:
            continue
        spec = INCREMENTAL.get(name)
        if (
            spec is None
            or whole & reads
            or not reads <= spec.sources
            or not _applies(con, cat, name, spec)
        ):
            cat.create(con, name, False)
            whole.add(name)
        else:
            for upstream in spec.sources & set(derived):
                if upstream not in sliced:  # unchanged: nothing taken out or put in
                    for side in ("old", "new"):
                        con.execute(
                            f"create or replace temp table {side}_{upstream} as "
                            f"select * from {upstream} limit 0"
                        )
            _slice(con, cat, name, spec)
            sliced.add(name)
        rebuilt.append(name)
        touched.add(name)
    # On success only: after a failure the caller rolls back, which drops them too.
    _drop_changes(con, sliced | set(derived))
    record(con)
    return rebuilt


def _rebuild(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    touched: set[str] | None,
    *,
    temporary: bool,
) -> list[str]:
    """Rebuild whole the derived tables that read ``touched`` (None: every one)."""
    rebuilt: list[str] = []
    for name in cat.derived:
        if touched is not None and not touched & cat.sources[name]:
            continue
        cat.create(con, name, temporary)
        rebuilt.append(name)
        if touched is not None:
            touched.add(name)
    return rebuilt


def _drop_changes(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
    temps = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where temporary and "
            "(table_name like 'chg\\_%' escape '\\' or table_name like 'old\\_%' escape '\\' "
            "or table_name like 'new\\_%' escape '\\')"
        ).fetchall()
    }
    wanted = {f"{side}_{n}" for n in names for side in ("old", "new")}
    for table in sorted(temps):
        if table in wanted or table.startswith("chg_"):
            con.execute(f"drop table if exists {table}")
