"""Header mappings a user confirmed for columns the importer does not know, remembered.

Bank systems name their columns in many ways; the synonyms in ``kinds`` cover the common ones.
When a file's header is still not understood, the app asks the user which canonical column each
unknown header means. The answer is stored in ``header_mappings`` (queries/schema/001_core.sql)
so the next extract from the same system imports without asking again. A mapping belongs to
its kind: the importer receives the remembered mappings per kind (``saved_maps``) and applies a
kind's only to files of that kind. Headers are stored normalised (``normalize_header``), the form
the importer compares them in, so "Konto Nr" and "konto_nr" are one mapping.

A mapping never overrides a header the kind knows by itself, and a header that names personal
data (姓名, 手机号, id_number, ...) can be mapped only onto a personal column, which the importer
masks: ``save_mapping`` refuses the others (``kinds.mapping_problem``), and so does the importer.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from dashboard.ingest.kinds import KINDS, mapping_problem, normalize_header


class MappingRefused(ValueError):
    """The mapping names an unknown kind or column, overrides a built-in name, or would put
    personal data into a column that is not masked."""


def _check(kind: str, header: str, column: str) -> None:
    if kind not in KINDS:
        raise MappingRefused(f"unknown extract kind '{kind}' (known: {', '.join(KINDS)})")
    names = [c.name for c in KINDS[kind].columns]
    if column not in names:
        raise MappingRefused(f"{kind} has no column '{column}' (columns: {', '.join(names)})")
    problem = mapping_problem(KINDS[kind], header, column)
    if problem:
        raise MappingRefused(problem)


def load_mappings(con: duckdb.DuckDBPyConnection, kind: str | None = None) -> dict[str, str]:
    """Remembered mappings, header -> canonical column, of one kind.

    Without ``kind``, every kind's merged (the most recently saved wins): a list to show, never
    a map to import with, since a mapping applies to its own kind only (``load_mappings_by_kind``).
    """
    rows = con.execute(
        """select header, column_name from header_mappings
        where $kind is null or kind = $kind
        order by saved_at, kind""",
        {"kind": kind},
    ).fetchall()
    return {str(header): str(column) for header, column in rows}


def load_mappings_by_kind(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Remembered mappings per kind: kind -> (header -> canonical column)."""
    out: dict[str, dict[str, str]] = {}
    for kind, header, column, _ in list_mappings(con):
        out.setdefault(kind, {})[header] = column
    return out


def list_mappings(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, datetime]]:
    """Every remembered mapping as (kind, header, column, saved_at), by kind and header."""
    rows = con.execute(
        "select kind, header, column_name, saved_at from header_mappings order by kind, header"
    ).fetchall()
    return [(str(k), str(h), str(c), s) for k, h, c, s in rows]


def save_mapping(con: duckdb.DuckDBPyConnection, kind: str, header: str, column: str) -> None:
    """Remember that ``header`` means ``column`` in ``kind`` extracts (replacing an older answer).

    Raises:
        MappingRefused: unknown kind or column, a blank header, a header the kind knows as
            another column, or a header naming personal data onto a column that is not masked.
    """
    key = normalize_header(header)
    if not key:
        raise MappingRefused("a blank header cannot be mapped")
    _check(kind, header, column)
    con.execute("begin transaction")
    try:
        con.execute(
            "delete from header_mappings where kind = $kind and header = $header",
            {"kind": kind, "header": key},
        )
        con.execute(
            "insert into header_mappings values ($kind, $header, $column, $at)",
            {
                "kind": kind,
                "header": key,
                "column": column,
                "at": datetime.now().replace(microsecond=0),
            },
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def forget_mapping(con: duckdb.DuckDBPyConnection, kind: str, header: str) -> None:
    """Forget a remembered mapping (no error when there is none)."""
    con.execute(
        "delete from header_mappings where kind = $kind and header = $header",
        {"kind": kind, "header": normalize_header(header)},
    )
