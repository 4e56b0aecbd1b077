"""Phase one of an import: parse and check a file in a private scratch database.

Nothing here touches the shared database file, so the slow part of an import (parsing and
checking millions of rows) holds no lock that the app or another import waits on. The result
is two Parquet files in the import's work folder: the accepted rows, typed and in canonical
columns, and the problems (file line, column, value, reason) of the refused ones.

No value enters the SQL text, not even a path or one of our own reason texts: paths, enum
spellings, defaults and reasons are bound parameters; only column and table names we generate
are written into it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from dashboard.db import macros, query_text, statements
from dashboard.ingest.encodings import (
    CUT_CHARACTER,
    HALF_CHARACTER,
    LOOKS_GBK,
    LOOKS_UTF8,
    NUL_CHARACTER,
)
from dashboard.ingest.kinds import (
    MAX_TEXT_LENGTH,
    Column,
    Kind,
    mapping_problem,
    match_headers,
    missing_required,
    normalize_header,
)
from dashboard.ingest.reader import DELIMITER_NAMES, MAX_LINE_BYTES, FileRefused, SourceFile
from dashboard.ingest.transcode import BLANK_MARK
from dashboard.messages import MESSAGES, sql_params, sql_render

# Reasons (message codes, dashboard/messages.py) for rows DuckDB's reader could not split into
# the header's columns, by its error type, or by the reason the file reader noted for a line it
# marked (SourceFile.notes). DuckDB's own message never reaches a reader: the field counts are
# read out of it, and a type not listed here is "the row cannot be read as CSV".
STRUCTURAL_CODES = {
    "MISSING COLUMNS": "row.fewer_fields",
    "TOO MANY COLUMNS": "row.more_fields",
    "UNQUOTED VALUE": "row.text_after_quote",
    "LINE SIZE OVER MAXIMUM": "row.too_long",
    "INVALID ENCODING": "row.bad_encoding",
    "INVALID UNICODE": "row.bad_encoding",
    "INVALID STATE": "row.unreadable",
    LOOKS_UTF8: "row.looks_utf8",
    LOOKS_GBK: "row.looks_gbk",
    CUT_CHARACTER: "row.cut_character",
    HALF_CHARACTER: "row.half_character",
    NUL_CHARACTER: "row.nul",
}
# DuckDB reports text after a closing quote and a quote that is never closed alike (an
# UNQUOTED VALUE, "unterminated quote"); an odd number of quotes in the row tells them apart.
ENCODING_NAMES = {"gb18030": "GBK/GB18030", "utf-16": "UTF-16"}

# A reason (JSON text of msg): its code, and its values (the JSON without the code).
CODE_OF_REASON = "json_extract_string(reason, '$.code')"
ARGS_OF_REASON = "cast(json_merge_patch(reason, '{\"code\": null}') as varchar)"

# The columns that identify a row of a kind: two rows of one file with the same values are one
# row (identical copies) or a conflict (different content).
IDENTITY: dict[str, tuple[str, ...]] = {
    "payments": ("payment_id",),
    "contacts": ("contact_id",),
    "agents": ("agent_id",),
    "agencies": ("agency_id",),
    "complaints": ("complaint_id",),
    "repayment_plans": ("plan_id", "installment_no"),
    "targets": ("period", "level", "id"),
}
# The columns of a repayment plan as a whole (domain.md: one plan = all rows with its plan_id):
# every installment of a plan says the same, in one file and across files (ingest.apply).
PLAN_COLUMNS = ("account_id", "agent_id", "plan_type", "created_date")


@dataclass
class Staged:
    """The outcome of phase one for one file."""

    source: SourceFile
    kind: Kind
    accepted_path: Path
    problems_path: Path
    rows_in_file: int
    rows_accepted: int
    rows_duplicate: int  # identical copies of a row earlier in the same file
    rows_refused: int
    ignored_columns: list[str] = field(default_factory=list)
    snapshot_dates: list[date] = field(default_factory=list)
    problem_rows: int = 0  # rows of the problems file (a refused row may have several)
    # The cells of each row refused here, as the reader split them (line -> cells; a blank
    # cell as ""): for the refused rows to fix (``refused.refused_rows``), which would
    # otherwise read the file again up to its last refused line.
    cells: dict[int, list[str]] = field(default_factory=dict)


# What DuckDB may hold in memory while it checks a file; beyond it, it spills to the import's
# private work folder (removed when the import ends). With the Python process and the reader's
# buffers, an import of a 10 M-row file stays under 2 GiB.
MEMORY_LIMIT = "1GB"


def scratch_connection(workdir: Path, file: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A private DuckDB that spills to ``workdir``, with the import macros defined: in memory,
    or in ``file`` (in ``workdir``), whose tables DuckDB can then leave on disk when they do
    not fit in its memory limit (the tables of an in-memory database cannot leave memory:
    a file larger than the limit would be refused as too large)."""
    con = duckdb.connect(
        str(file) if file is not None else ":memory:",
        config={"temp_directory": str(workdir / "spill"), "memory_limit": MEMORY_LIMIT},
    )
    # The one rule of queries/macros.sql the import macros read: what is personal in a note.
    pattern = macros()["personal_text_pattern"]
    con.execute(pattern.replace("create or replace macro", "create or replace temp macro", 1))
    for statement in statements(query_text("import/macros")):
        con.execute(statement)
    return con


def msg(code: str, **values: str) -> str:
    """SQL for a reason: JSON text of message ``code`` (dashboard/messages.py) and its values.

    ``code`` is one of our own codes and ``values`` SQL expressions we write (column names,
    casts): no user text enters the SQL; the values are cast to text as ``format`` shows them.
    """
    assert code in MESSAGES, code
    pairs = "".join(f", '{k}', cast({v} as varchar)" for k, v in values.items())
    return f"json_object('code', '{code}'{pairs})"


def _checks(col: Column, t: str) -> tuple[str, str, list[tuple[str, str]]]:
    """SQL for one canonical column read from the trimmed text column ``t``.

    Returns (raw value, final value from ``r_<name>``, [(condition, reason)]): the raw value
    parses the common canonical form on a fast path and other forms through the macros of
    queries/import/macros.sql; each condition is cheap, and its reason (which may be costly)
    is only built for rows that fail. ``t`` is a column name we generated (t0, t1, ...): no
    user text enters SQL. Enumerations read their spellings, and the list their reason names,
    from bound ``$<name>_keys``, ``_vals`` and ``_allowed``; defaults from ``$<name>_default``.
    """
    name, c, raw = f"'{col.name}'", col.name, f"r_{col.name}"
    failed = f"({c} is null or {raw} is null) and {t} is not null"
    if col.type == "id":
        clean = f"length({t}) <= 64 and not regexp_matches({t}, '[\\x00-\\x1f\\x7f]')"
        value = f"case when {clean} then {t} end"
        return value, raw, [(failed, f"id_problem({name}, {t})")]
    if col.type == "text":
        value = t
        if col.aliases:  # open text with known spellings (payment channel): those mapped
            keys, vals = f"${col.name}_keys", f"${col.name}_vals"
            value = f"coalesce({vals}[list_position({keys}, enum_key({t}))], {t})"
        if col.mask:
            value = f"{col.mask}({t})"
        if col.max_length != MAX_TEXT_LENGTH:
            longer = msg("import.text_longer_than", column=name, limit=str(col.max_length))
            return value, raw, [(f"length({t}) > {col.max_length}", longer)]
        return value, raw, [(f"length({t}) > 500", f"text_problem({name}, {t})")]
    if col.type == "money":
        value = (
            f"case when regexp_full_match({t}, '-?[0-9]{{1,12}}(\\.[0-9]{{1,2}})?') "
            f"then cast({t} as decimal(18, 2)) else money_value({t}) end"
        )
        checks = [(failed, f"money_problem({name}, {t})")]
        if col.non_negative:
            checks.append((f"{c} < 0", msg("import.negative", column=name, value=c)))
        if col.non_zero:
            checks.append(
                (
                    f"{c} = 0",
                    msg("import.money_zero", column=name, value=f"shown({t})"),
                )
            )
        if col.positive:
            checks.append((f"{c} <= 0", msg("import.not_positive", column=name, value=c)))
        return value, raw, checks
    if col.type == "rate":
        value = (
            f"case when regexp_full_match({t}, '0?\\.[0-9]{{1,6}}') "
            f"then cast({t} as decimal(18, 6)) else rate_value({t}) end"
        )
        outside = msg("import.rate_out_of_range", column=name, value=f"shown({t})")
        checks = [(failed, f"rate_problem({name}, {t})"), (f"{c} > 1 or {c} < 0", outside)]
        return value, raw, checks
    if col.type == "int":
        value = (
            f"case when regexp_full_match({t}, '[0-9]{{1,6}}') then cast({t} as integer) "
            f"else int_value({t}) end"
        )
        negative = (f"{c} < 0", msg("import.negative", column=name, value=c))
        if col.minimum is not None:
            negative = (
                f"{c} < {int(col.minimum)}",
                msg("import.below_minimum", column=name, value=c, minimum=str(col.minimum)),
            )
        return value, raw, [(failed, f"int_problem({name}, {t})"), negative]
    if col.type == "date":
        value = (
            f"case when regexp_full_match({t}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
            f"then try_cast({t} as date) else date_value({t}) end"
        )
        final = f"case when date_in_range({raw}) then {raw} end"
        return value, final, [(failed, f"date_problem({name}, {t})")]
    if col.type == "month":
        value = (
            f"case when regexp_full_match({t}, '[0-9]{{4}}-(0[1-9]|1[0-2])') then {t} "
            f"else month_value({t}) end"
        )
        final = f"case when month_in_range({raw}) then {raw} end"
        return value, final, [(failed, f"month_problem({name}, {t})")]
    if col.type == "timestamp":
        value = (
            f"case when regexp_full_match({t}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}} "
            f"[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}') then try_cast({t} as timestamp) "
            f"else ts_value({t}) end"
        )
        final = f"case when date_in_range(cast({raw} as date)) then {raw} end"
        return value, final, [(failed, f"ts_problem({name}, {t})")]
    keys, vals = f"${col.name}_keys", f"${col.name}_vals"
    value = (
        f"coalesce({vals}[list_position({keys}, {t})], "
        f"{vals}[list_position({keys}, enum_key({t}))])"
    )
    if col.type == "bool":
        value = f"cast({value} as boolean)"
    reason = msg(
        "import.not_one_of", column=name, value=f"shown({t})", allowed=f"${col.name}_allowed"
    )
    return value, raw, [(failed, reason)]


BOOL_ALIASES = {
    "true": "true", "false": "false", "t": "true", "f": "false", "1": "true", "0": "false",
    "yes": "true", "no": "false", "y": "true", "n": "false", "是": "true", "否": "false",
    "在职": "true", "离职": "false", "active": "true", "inactive": "false",
}  # fmt: skip


def _enum_params(kind: Kind) -> dict[str, list[str] | str]:
    """The spellings (``$<name>_keys``, ``_vals``) and reason text (``_allowed``) per enum."""
    params: dict[str, list[str] | str] = {}
    for col in kind.columns:
        if col.type == "enum":
            pairs = {c: c for c in col.choices} | dict(col.aliases)
        elif col.type == "bool":
            pairs = dict(BOOL_ALIASES) | dict(col.aliases)
        elif col.type == "text" and col.aliases:
            pairs = {c: c for c in col.choices} | dict(col.aliases)
            params[f"{col.name}_keys"] = list(pairs)
            params[f"{col.name}_vals"] = list(pairs.values())
            continue
        else:
            continue
        params[f"{col.name}_keys"] = list(pairs)
        params[f"{col.name}_vals"] = list(pairs.values())
        params[f"{col.name}_allowed"] = ", ".join(col.choices) if col.choices else "true, false"
    return params


def _row_rules(kind: Kind) -> list[str]:
    """Cross-column rules, as SQL over the typed columns (NULL when the row is fine)."""
    if kind.name == "accounts":
        return [
            "case when placement_date > as_of_date then "
            + msg(
                "import.placement_after_as_of",
                placement_date="placement_date",
                as_of_date="as_of_date",
            )
            + " end",
        ]
    if kind.name == "payments":
        return [
            "case when reverses_payment_id is not null and amount > 0 then "
            + msg("import.reversal_positive", amount="amount")
            + " end",
            "case when reverses_payment_id = payment_id then "
            + msg("import.reverses_itself")
            + " end",
        ]
    if kind.name == "repayment_plans":
        return [
            "case when due_date < created_date then "
            + msg("import.due_before_created", due_date="due_date", created_date="created_date")
            + " end",
        ]
    if kind.name == "complaints":
        return [
            "case when resolved_at < received_at then "
            + msg(
                "import.resolved_before_received",
                resolved_at="resolved_at",
                received_at="received_at",
            )
            + " end",
        ]
    if kind.name == "contacts":
        return [
            "case when outcome = 'promise_to_pay' and promise_amount is null then "
            + msg("import.promise_amount_required")
            + " end",
            "case when outcome = 'promise_to_pay' and promise_date is null then "
            + msg("import.promise_date_required")
            + " end",
            "case when promise_date < cast(contacted_at as date) then "
            + msg(
                "import.promise_before_contact",
                promise_date="promise_date",
                contact_date="cast(contacted_at as date)",
            )
            + " end",
        ]
    return []


def _refuse_if_header_unusable(
    kind: Kind,
    source: SourceFile,
    found: dict[str, int],
    as_of: date | None,
    user_map: Mapping[str, str],
) -> None:
    names = {c.name for c in kind.columns}
    mapped = {normalize_header(h): c for h, c in user_map.items() if c in names}
    for header in source.headers:
        target = mapped.get(normalize_header(header))
        problem = mapping_problem(kind, header, target) if target else None
        if problem:
            raise FileRefused.coded(
                "file.mapping_refused", header=header, column=target, problem=problem
            )
    canon: dict[str, str] = {}
    for header in source.headers:
        one, _ = match_headers(kind, [header], user_map)
        for target in one:
            if target in canon:
                raise FileRefused.coded(
                    "file.same_meaning", first=canon[target], second=header, column=target
                )
            canon[target] = header
    missing = missing_required(kind, found, as_of)
    if missing:
        code = "file.missing_columns" if len(missing) > 1 else "file.missing_column"
        if len(source.headers) == 1 and source.delimiter == ",":
            code += "_delimiter"
        elif kind.name == "accounts" and missing == ["as_of_date"]:
            code += "_as_of"
        raise FileRefused.coded(code, columns=", ".join(missing), kind=kind.title)


def prepare(
    source: SourceFile,
    kind: Kind,
    *,
    as_of: date | None = None,
    user_map: Mapping[str, str] | None = None,
) -> tuple[dict[str, int], list[str]]:
    """The file's columns (canonical column -> index) and the headers it ignores.

    Raises:
        FileRefused: the header cannot be used (missing required columns, a mapping refused,
            two headers for one column).
    """
    found, ignored = match_headers(kind, source.headers, user_map)
    _refuse_if_header_unusable(kind, source, found, as_of, user_map or {})
    return found, ignored


def stage(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    kind: Kind,
    workdir: Path,
    *,
    as_of: date | None = None,
    user_map: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Staged:
    """Parse and check one file; write its accepted rows and its problems to Parquet.

    Raises:
        FileRefused: the file as a whole cannot be imported (missing required columns, ...).
    """
    found, ignored = prepare(source, kind, as_of=as_of, user_map=user_map)
    say = progress or (lambda _msg: None)
    tag = f"{kind.name}_{abs(hash(source.path)) % 10**8}"
    columns = {f"c{i}": "VARCHAR" for i in range(len(source.headers))}

    say(f"reading {source.name} ({DELIMITER_NAMES[source.delimiter]}-separated, {source.encoding})")
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    try:
        _read(con, source, tag, columns)
    except duckdb.OutOfMemoryException as exc:
        raise FileRefused.coded("file.too_large") from exc
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        # DuckDB's own text (a CSV error) is not for a reader: ours instead. Disk and I/O
        # errors go on to the importer, which tells a full disk from the rest.
        name = DELIMITER_NAMES[source.delimiter]
        raise FileRefused.coded(
            "file.csv_error", delimiter=name, delimiter_zh=DELIMITER_ZH.get(name, name)
        ) from exc
    _structural(con, source, tag)
    return _finish(con, source, kind, workdir, tag, found, ignored, as_of, say)


DELIMITER_ZH = {"comma": "逗号", "tab": "制表符", "semicolon": "分号", "pipe": "竖线"}


def _read(
    con: duckdb.DuckDBPyConnection, source: SourceFile, tag: str, columns: dict[str, str]
) -> None:
    """Read the file into ``src_<tag>``; rows it cannot split go to DuckDB's reject_errors."""
    con.execute(
        f"""create or replace table src_{tag} as
        select * from read_csv($path, header = true, auto_detect = false, delim = $delim,
            quote = '"', escape = '"', columns = $columns, store_rejects = true,
            strict_mode = true, max_line_size = $max_line)""",
        {
            "path": str(source.csv_path),
            "delim": source.delimiter,
            "columns": columns,
            "max_line": MAX_LINE_BYTES,
        },
    )


def _structural(con: duckdb.DuckDBPyConnection, source: SourceFile, tag: str) -> None:
    """The rows the reader could not split, and the line of every row (``lined_<tag>``)."""
    # Rows the reader could not split: their lines (spreadsheet row numbers, header = 1). A
    # row holding a line the file reader marked takes the reason it noted (the marked line's
    # byte position is at or after the row's line_byte_position, which DuckDB 2.0 counts
    # from 1).
    con.execute(
        f"""create or replace table structural_{tag} as
        with errors as (
            select line, min(error_type) as error_type, min(error_message) as message,
                min(csv_line) as csv_line, min(line_byte_position) - 1 as at
            from reject_errors group by line
        ),
        notes as (
            select unnest(cast($note_at as bigint[])) as at,
                unnest(cast($note_key as varchar[])) as key
        ),
        noted as (
            select e.line, min(n.key) as key
            from notes as n asof join errors as e on n.at >= e.at
            group by e.line
        )
        select line, coalesce(noted.key, error_type) as error_type, message, csv_line
        from errors left join noted using (line)""",
        {"note_at": [at for at, _ in source.notes], "note_key": [k for _, k in source.notes]},
    )
    # Line of a parsed row = its position + 2 + the unreadable rows before it. A blank line
    # is a parsed row of the file reader's copy (transcode.blank_row): it keeps the lines after
    # it true, and is dropped here (no text of ours holds a NUL: reader.py).
    skipped_rows = con.execute(f"select count(*) from structural_{tag}").fetchall()[0][0]
    first = int(source.header_line) + 1  # the line of the first row (a sheet's empty rows)
    line_expr = f"cast(s.pos + {first} as bigint)"
    if skipped_rows:
        line_expr = f"cast(s.pos + {first} + coalesce(k.skipped_so_far, 0) as bigint)"
    # A view: the check reads it once, so the file's rows are not copied once more.
    con.execute(
        f"""create or replace view lined_{tag} as
        with skipped as (
            select line - 2 - (row_number() over (order by line) - 1) as parsed_before,
                   row_number() over (order by line) as skipped_so_far
            from structural_{tag}
        )
        select * exclude (pos), {line_expr} as line
        from (select *, rowid as pos from src_{tag}) as s
        """
        + ("asof left join skipped as k on s.pos >= k.parsed_before " if skipped_rows else "")
    )


def _finish(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    kind: Kind,
    workdir: Path,
    tag: str,
    found: dict[str, int],
    ignored: list[str],
    as_of: date | None,
    say: Callable[[str], None],
) -> Staged:
    """Check the read rows, write the accepted ones and the problems, count them."""
    say(f"checking {source.name}")
    _check(con, kind, tag, found, as_of, blank=source.blank_lines > 0)
    _mark_duplicates(con, kind, tag)
    if kind.name == "payments":
        _check_reversals(con, tag)
    if kind.name == "repayment_plans":
        _check_plans(con, tag)

    accepted_path = workdir / f"{tag}.accepted.parquet"
    problems_path = workdir / f"{tag}.problems.parquet"
    names = ", ".join(c.name for c in kind.columns)
    # Every value is bound, the paths too: a work folder named with a quote is only a name.
    # Not sorted: every reader of the accepted rows is set-wise or sorts them by line itself
    # (ingest.apply writes them in the order of their lines).
    con.execute(
        f"""copy (select line, {names} from checked_{tag}
                  where len(problems) = 0 and not is_copy)
        to $path (format parquet)""",
        {"path": str(accepted_path)},
    )
    con.execute(
        f"""copy (
            select line, column_name, value, {sql_render(CODE_OF_REASON, "reason")} as reason,
                {CODE_OF_REASON} as reason_code, {ARGS_OF_REASON} as reason_args
            from (
                select line, p.column_name, p.value, cast(p.reason as varchar) as reason from (
                    select cast(line as bigint) as line, unnest(problems) as p
                    from checked_{tag}
                )
                union all
                select cast(line as bigint), null, null, cast({STRUCTURAL_REASON} as varchar)
                from structural_{tag}
            )
            order by line
        ) to $path (format parquet)""",
        {
            "path": str(problems_path),
            **_structural_params(source.encoding),
            **sql_params(),
        },
    )
    counts = con.execute(
        f"""select count(*) filter (where len(problems) = 0 and not is_copy),
                   count(*) filter (where len(problems) = 0 and is_copy),
                   count(*) filter (where len(problems) > 0),
                   (select count(*) from structural_{tag})
            from checked_{tag}"""
    ).fetchall()[0]
    assert counts is not None
    accepted, duplicate, refused, structural = (int(x) for x in counts)
    rows_in_file = accepted + duplicate + refused + structural
    if rows_in_file == 0:
        raise FileRefused.coded("file.no_rows")
    dates: list[date] = []
    if kind.name == "accounts":
        dates = [
            r[0]
            for r in con.execute(
                f"""select distinct as_of_date from checked_{tag}
                where len(problems) = 0 and not is_copy order by 1"""
            ).fetchall()
        ]
    problem_rows = con.execute(
        "select count(*) from read_parquet($path)", {"path": str(problems_path)}
    ).fetchall()[0][0]
    cells = _refused_cells(con, tag, len(source.headers)) if refused else {}
    con.execute(f"drop view if exists lined_{tag}")
    for table in ("src", "structural", "checked"):
        con.execute(f"drop table if exists {table}_{tag}")
    return Staged(
        source=source,
        kind=kind,
        accepted_path=accepted_path,
        problems_path=problems_path,
        rows_in_file=rows_in_file,
        rows_accepted=accepted,
        rows_duplicate=duplicate,
        rows_refused=refused + structural,
        ignored_columns=ignored,
        snapshot_dates=dates,
        problem_rows=int(problem_rows),
        cells=cells,
    )


def _refused_cells(con: duckdb.DuckDBPyConnection, tag: str, width: int) -> dict[int, list[str]]:
    """The cells of the rows the check refused (rows the reader could not split are not
    among them: ``refused.refused_rows`` reads those from the file)."""
    listed = ", ".join(f"coalesce(c{i}, '')" for i in range(width))
    found = con.execute(
        f"""select line, [{listed}] as cells from lined_{tag}
        where line in (select line from checked_{tag} where len(problems) > 0)"""
    ).fetchall()
    return {int(line): list(row) for line, row in found}


def _check(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    tag: str,
    found: dict[str, int],
    as_of: date | None,
    *,
    blank: bool = False,
) -> None:
    """Type every column and collect each row's problems into ``checked_<tag>``; ``blank``:
    the file has blank lines, rows of the reader's copy to drop (no text of ours holds a NUL:
    reader.py)."""
    trims = [f"blank_to_null(c{i}) as t{i}" for i in sorted(found.values())]
    raws, finals, conds, problems = [], [], [], []
    for col in kind.columns:
        t = f"t{found[col.name]}" if col.name in found else "null"
        if col.name in found:
            raw, final, checks = _checks(col, t)
        else:
            raw, final, checks = "null", f"r_{col.name}", []
        if col.name == "as_of_date" and as_of is not None:
            final = f"coalesce({final}, $as_of)"
        if col.default is not None:
            final = f"coalesce({final}, ${col.name}_default)"
        raws.append(f"{raw} as r_{col.name}")
        finals.append(f"{final} as {col.name}")
        if col.required:
            checks.append(
                (
                    f"{col.name} is null and {t} is null",
                    msg("import.missing_value", column=f"'{col.name}'"),
                )
            )
        # The rejects store keeps refused values: a personal one only masked, like the rows.
        shown = t
        if col.mask and col.name in found:
            shown = f"{col.mask}({t})"
        for cond, reason in checks:
            conds.append(f"coalesce({cond}, false)")
            problems.append(
                f"{{'column_name': '{col.name}', 'value': {shown}, "
                f"'reason': case when {cond} then {reason} end}}"
            )
    for rule in _row_rules(kind):
        conds.append(f"({rule}) is not null")
        problems.append(f"{{'column_name': null, 'value': null, 'reason': {rule}}}")
    params: dict[str, object] = {
        k: v for k, v in _enum_params(kind).items() if k.rsplit("_", 1)[0] in found
    }
    params |= {f"{c.name}_default": _default(c) for c in kind.columns if c.default is not None}
    if as_of is not None and "as_of_date" in [c.name for c in kind.columns]:
        params["as_of"] = as_of
    if blank:
        params["blank"] = BLANK_MARK
    names = [c.name for c in kind.columns]
    tcols = ", ".join(f"t{i}" for i in sorted(found.values()))
    con.execute(
        f"""create or replace table checked_{tag} as
        with trimmed as (
            select line, {", ".join(trims)} from lined_{tag}
            {"where c0 is distinct from $blank" if blank else ""}
        ),
        parsed as (select line, {tcols}, {", ".join(raws)} from trimmed),
        typed as (select *, {", ".join(finals)} from parsed),
        flagged as (select *, {" or ".join(conds)} as has_problem from typed)
        select line, {", ".join(names)},
            case when has_problem then list_filter([{", ".join(problems)}],
                lambda p: p.reason is not null) else [] end as problems
        from flagged""",
        params,
    )


def _default(col: Column) -> str | bool:
    assert col.default is not None
    return col.default == "true" if col.type == "bool" else col.default


def _structural_params(encoding: str) -> dict[str, object]:
    """The bound values of ``STRUCTURAL_REASON``: codes by error type, the encoding's name."""
    return {
        "structural_keys": list(STRUCTURAL_CODES),
        "structural_codes": list(STRUCTURAL_CODES.values()),
        "encoding_name": ENCODING_NAMES.get(encoding, "UTF-8"),
    }


# The reason of an unreadable row (reject_errors: error_type, message, csv_line) as a message:
# its code by error type (the field counts read out of DuckDB's message, which itself is never
# shown), the encoding's name; a quote never closed swallows the lines after it, counted.
_BODY = "rtrim(csv_line, chr(10) || chr(13))"
_SWALLOWED = f"(length({_BODY}) - length(replace({_BODY}, chr(10), '')))"
_COUNTS = (
    "regexp_extract(message, 'Expected Number of Columns: ([0-9]+) Found: ([0-9]+)', "
    "['expected', 'found'])"
)
_CODE = "$structural_codes[list_position($structural_keys, error_type)]"
STRUCTURAL_REASON = f"""(case
    when error_type = 'UNQUOTED VALUE'
        and (length(csv_line) - length(replace(csv_line, '"', ''))) % 2 = 1
        then case when {_SWALLOWED} > 0
            then {msg("row.never_closed_swallowed", lines=_SWALLOWED)}
            else {msg("row.never_closed")} end
    when {_CODE} in ('row.fewer_fields', 'row.more_fields') and {_COUNTS}.found <> ''
        then json_object('code', {_CODE}, 'found', {_COUNTS}.found,
            'expected', {_COUNTS}.expected)
    when {_CODE} in ('row.fewer_fields', 'row.more_fields')
        then json_object('code', {_CODE} || '_uncounted')
    when {_CODE} is not null then json_object('code', {_CODE}, 'encoding', $encoding_name)
    else {msg("row.unreadable_other")}
    end)"""


def _mark_duplicates(con: duckdb.DuckDBPyConnection, kind: Kind, tag: str) -> None:
    """Refuse rows whose key repeats in the file; identical copies of a row are a no-op.

    Accounts: an account listed twice in one snapshot is refused every time (which copy is
    right cannot be known). Other kinds: copies identical to an earlier row are skipped as
    duplicates; copies that differ are all refused as conflicting. Only keys that repeat are
    examined row by row, so a file without duplicates costs one aggregation.
    """
    key = ["as_of_date", "account_id"] if kind.name == "accounts" else [*IDENTITY[kind.name]]
    keys = ", ".join(key)
    shown = "plan_id" if kind.name == "repayment_plans" else key[-1]  # the column reported
    if kind.name == "accounts":
        reason = msg(
            "import.account_repeated", id="account_id", n="n", as_of_date="as_of_date",
            lines="lines",
        )  # fmt: skip
        is_copy = "false"
    elif kind.name == "repayment_plans":
        reason = (
            "case when variants > 1 then "
            + msg("import.installment_conflict", id="plan_id", no="installment_no", lines="lines")
            + " end"
        )
        is_copy = "variants = 1 and line > first_line"
    elif kind.name == "targets":
        reason = (
            "case when variants > 1 then "
            + msg("import.target_conflict", level="level", id="id", period="period", lines="lines")
            + " end"
        )
        is_copy = "variants = 1 and line > first_line"
    else:
        reason = (
            "case when variants > 1 then "
            + msg("import.id_conflict", column=f"'{key[0]}'", id=key[0], lines="lines")
            + " end"
        )
        is_copy = "variants = 1 and line > first_line"
    con.execute(
        f"""create or replace table dups_{tag} as
        with repeated as (
            select {keys} from checked_{tag} where len(problems) = 0
            group by {keys} having count(*) > 1
        ),
        rows as (
            select c.line, {", ".join(f"c.{k}" for k in key)},
                md5(to_json(struct_pack({", ".join(f"c.{c.name}" for c in kind.columns)}))) as h
            from checked_{tag} as c semi join repeated using ({keys})
            where len(c.problems) = 0
        ),
        grouped as (
            select line, {keys},
                count(*) over w as n,
                count(distinct h) over w as variants,
                min(line) over w as first_line,
                array_to_string(list(line) over w, ', ') as lines
            from rows
            window w as (partition by {keys})
        )
        select line, {reason} as reason, {is_copy} as is_copy from grouped"""
    )
    if not con.execute(f"select count(*) from dups_{tag}").fetchall()[0][0]:
        # The usual case, no key repeats: no row changes, the table is not written again.
        con.execute(f"alter table checked_{tag} add column is_copy boolean default false")
        con.execute(f"drop table dups_{tag}")
        return
    con.execute(
        f"""create or replace table checked_{tag} as
        select c.* replace (
            case when d.reason is not null then list_append(c.problems, {{'column_name':
                '{shown}', 'value': cast(c.{shown} as varchar), 'reason': d.reason}})
                else c.problems end
            as problems),
            coalesce(d.is_copy, false) as is_copy
        from checked_{tag} as c left join dups_{tag} as d using (line)"""
    )
    con.execute(f"drop table dups_{tag}")


# A reversal undoes a payment of its own account; a reversal of a reversal (and so every cycle)
# undoes nothing. Shared with phase two, which checks the payments already loaded.
_OTHER_ACCOUNT = msg(
    "import.reversal_other_account",
    payment_id="t.payment_id",
    account_id="t.account_id",
    own="r.account_id",
)
_OF_REVERSAL = msg("import.reversal_of_reversal", payment_id="t.payment_id")
REVERSAL_REASON = f"""case
    when t.account_id <> r.account_id then {_OTHER_ACCOUNT}
    when t.amount < 0 then {_OF_REVERSAL}
    end"""


def _check_reversals(con: duckdb.DuckDBPyConnection, tag: str) -> None:
    """Refuse reversals whose payment, in the same file, is another account's or a reversal.

    Rows are judged against the file's rows without problems, all at once (so both rows of a
    cycle are refused). A reversal whose payment is not in the file is left to phase two.
    """
    con.execute(
        f"""create or replace table reversals_{tag} as
        with good as (
            select line, payment_id, account_id, amount, reverses_payment_id, is_copy
            from checked_{tag} where len(problems) = 0
        )
        select r.line, r.reverses_payment_id, {REVERSAL_REASON} as reason
        from good as r
        inner join good as t on t.payment_id = r.reverses_payment_id and not t.is_copy
        where r.reverses_payment_id is not null and ({REVERSAL_REASON}) is not null"""
    )
    found = con.execute(f"select count(*) from reversals_{tag}").fetchall()[0][0]
    if not found:  # the usual case: the file's rows are left as they are
        con.execute(f"drop table reversals_{tag}")
        return
    con.execute(
        f"""create or replace table checked_{tag} as
        select c.* replace (
            case when v.reason is not null then list_append(c.problems, {{'column_name':
                'reverses_payment_id', 'value': v.reverses_payment_id, 'reason': v.reason}})
                else c.problems end as problems)
        from checked_{tag} as c left join reversals_{tag} as v using (line)"""
    )
    con.execute(f"drop table reversals_{tag}")


def _check_plans(con: duckdb.DuckDBPyConnection, tag: str) -> None:
    """Refuse every row of a plan whose rows in the file disagree on the plan as a whole.

    A plan is all rows with its plan_id (domain.md): its account, agent, type and creation
    date are the plan's, so rows that say otherwise cannot all be right, and which one is
    cannot be known. The installments' own sequence (no gaps, due dates increasing) is
    checked in phase two, against the installments already loaded too (``ingest.apply``).
    """
    differs = ", ".join(
        f"case when count(distinct coalesce(cast({c} as varchar), chr(0))) > 1 then '{c}' end"
        for c in PLAN_COLUMNS
    )
    reason = msg("import.plan_inconsistent", id="plan_id", columns="columns", lines="lines")
    con.execute(
        f"""create or replace table plan_clash_{tag} as
        with plans as (
            select plan_id, concat_ws(', ', {differs}) as columns,
                array_to_string(list(line order by line), ', ') as lines
            from checked_{tag} where len(problems) = 0 and not is_copy
            group by plan_id
        )
        select c.line, {reason} as reason
        from checked_{tag} as c inner join plans as p using (plan_id)
        where p.columns <> '' and len(c.problems) = 0 and not c.is_copy"""
    )
    found = con.execute(f"select count(*) from plan_clash_{tag}").fetchall()[0][0]
    if found:
        con.execute(
            f"""create or replace table checked_{tag} as
            select c.* replace (
                case when v.reason is not null then list_append(c.problems, {{'column_name':
                    'plan_id', 'value': c.plan_id, 'reason': v.reason}}) else c.problems end
                as problems)
            from checked_{tag} as c left join plan_clash_{tag} as v using (line)"""
        )
    con.execute(f"drop table plan_clash_{tag}")
