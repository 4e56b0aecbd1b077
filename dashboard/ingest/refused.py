"""The refused rows of a file as the user can fix them: the original rows, with line and reason.

The rejects store keeps, per refused row, its line and the reason (and the one value at fault);
to fix a file a user needs the rows themselves, as they were: the file's own header, each cell
as written (decoded to UTF-8), then a ``line`` and a ``reason`` column, which the importer
ignores when the fixed file is uploaded again. The rows are read back from the import's own
UTF-8 copy of the file while it is still on disk, and returned in memory (the Data page hands
them to the browser, the command line writes them where the user asked): nothing is left on
disk.

The file is written for a person, so it follows the rules of everything we store or show:
a cell of a personal column is masked exactly as the importer masks it (the masking macros of
queries/import/macros.sql), a cell of a column the importer does not read too (it may hold
personal data under a name we do not know: its content is never needed to re-import), and in a
row whose fields do not line up with the header every cell from the first personal column on
(its values may have shifted). A cell a spreadsheet could run as a formula is made inert as in
every CSV we write (``spreadsheet.neutralise``); a number such as -200.00 is left as it is (a
spreadsheet reads it as a number, and the importer needs it so).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from dashboard.ingest.kinds import Kind, match_headers
from dashboard.ingest.reader import MAX_LINE_BYTES, SourceFile
from dashboard.ingest.stage import scratch_connection
from dashboard.messages import render_table
from dashboard.spreadsheet import neutralise

PLAIN_NUMBER = re.compile(r"\s*[-+]?[0-9][0-9,]*(\.[0-9]+)?\s*")
LINE, REASON = "line", "reason"
LIST_SEPARATOR = {"zh": "；"}  # between the reasons of one line (English: "; ")


def _masks(kind: Kind, headers: list[str], user_map: Mapping[str, str] | None) -> dict[int, str]:
    """Column index -> masking macro, for the personal columns and the ones never read."""
    found, _ = match_headers(kind, headers, user_map)
    masks = {i: "mask_name" for i in range(len(headers))}
    for name, i in found.items():
        mask = kind.column(name).mask
        if mask:
            masks[i] = mask
        else:
            del masks[i]
    return masks


def _read_rows(
    path: Path, delimiter: str, lines: set[int], header_line: int = 1
) -> dict[int, list[str]]:
    """The records of ``lines`` (spreadsheet rows; the header on ``header_line``), read up to
    the last of them."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
    out: dict[int, list[str]] = {}
    last = max(lines)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            next(reader)
            for n, record in enumerate(reader, start=header_line + 1):
                if n in lines:
                    out[n] = record
                if n >= last:
                    break
        except (csv.Error, StopIteration):
            pass  # a row the CSV module cannot split either: listed with its reason only
    return out


def _cell(value: str) -> str:
    return value if PLAIN_NUMBER.fullmatch(value) else str(neutralise(value))


def refused_rows(
    source: SourceFile,
    kind: Kind,
    problems: pa.Table,
    workdir: Path,
    user_map: Mapping[str, str] | None = None,
    split: Mapping[int, list[str]] | None = None,
) -> pa.Table:
    """The original refused rows of ``source``: its header's columns, then line and reason.

    Args:
        source: the file, while its UTF-8 copy is still on disk.
        kind: the kind it was imported as.
        problems: its problems (line, reason, ...): one output row per line, reasons joined.
        workdir: the import's private folder (for the masking connection's spill files).
        user_map: the header mapping the import used (which columns are personal).
        split: the cells of rows the check has already split (``Staged.cells``); the others
            are read from the file.
    """
    reasons = _reasons_by_line(problems)
    headers = list(source.headers)
    names = [*headers]
    for extra in (LINE, REASON):
        while extra in names:
            extra = f"{extra}_"
        names.append(extra)
    if not reasons:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    records = {n: list(c) for n, c in (split or {}).items() if n in reasons}
    if missing := set(reasons) - records.keys():
        records |= _read_rows(source.csv_path, source.delimiter, missing, source.header_line)
    width = max([len(headers), *(len(r) for r in records.values())])
    masks = _masks(kind, headers, user_map)
    first_personal = min(masks, default=len(headers))
    cells: list[list[str | None]] = []
    how: list[list[str | None]] = []
    for line in sorted(reasons):
        record = records.get(line, [])
        shifted = len(record) != len(headers)
        row: list[str | None] = []
        mask: list[str | None] = []
        for i in range(width):
            value = record[i] if i < len(record) else None
            row.append(value)
            if i >= len(headers) or (shifted and i >= first_personal):
                mask.append(masks.get(i, "mask_number"))
            else:
                mask.append(masks.get(i))
        cells.append(row)
        how.append(mask)
    masked = _apply_masks(cells, how, workdir)
    columns = names[: len(headers)] + [f"(extra {i - len(headers) + 1})" for i in
                                       range(len(headers), width)]  # fmt: skip
    data: dict[str, list[str | int | None]] = {c: [] for c in columns}
    for row in masked:
        for c, v in zip(columns, row, strict=True):
            data[c].append(None if v is None else _cell(v))
    data[names[-2]] = list(sorted(reasons))
    data[names[-1]] = ["; ".join(reasons[line]) for line in sorted(reasons)]
    schema = pa.schema([(c, pa.string()) for c in columns] + [(names[-2], pa.int64()),
                        (names[-1], pa.string())])  # fmt: skip
    return pa.table(data, schema=schema)


def _reasons_by_line(problems: pa.Table) -> dict[int, list[str]]:
    """Each line's distinct reasons, in their order."""
    reasons: dict[int, list[str]] = defaultdict(list)
    for p in problems.select(["line", "reason"]).to_pylist():
        if p["line"] is not None and p["reason"] not in reasons[p["line"]]:
            reasons[p["line"]].append(p["reason"])
    return reasons


def in_language(refused: pa.Table, problems: pa.Table, lang: str) -> pa.Table:
    """``refused`` (from ``refused_rows``) with its reasons in ``lang``: the problems' message
    codes rendered (``messages.render_table``); English is what the importer wrote."""
    if lang == "en" or refused.num_rows == 0:
        return refused
    reasons = _reasons_by_line(render_table(problems, lang))
    line_col, reason_col = refused.num_columns - 2, refused.num_columns - 1
    lines = refused.column(line_col).to_pylist()
    written = refused.column(reason_col).to_pylist()
    joined = [
        LIST_SEPARATOR.get(lang, "; ").join(reasons[n]) if reasons.get(n) else w
        for n, w in zip(lines, written, strict=True)
    ]
    name = refused.column_names[reason_col]
    return refused.set_column(reason_col, name, pa.array(joined, pa.string()))


def _apply_masks(
    cells: list[list[str | None]], how: list[list[str | None]], workdir: Path
) -> list[list[str | None]]:
    """Each cell through its masking macro (none: as it is), by the importer's own macros."""
    todo = {
        macro: [(r, c) for r, row in enumerate(how) for c, m in enumerate(row) if m == macro]
        for macro in ("mask_name", "mask_number", "mask_in_text")
    }
    out = [list(row) for row in cells]
    con = scratch_connection(workdir)
    try:
        for macro, where in todo.items():
            if not where:
                continue
            values = [cells[r][c] for r, c in where]
            # macro is one of two names of ours; the values are bound
            found = con.execute(
                f"select list_transform($v, lambda x: {macro}(blank_to_null(x)))", {"v": values}
            ).fetchall()[0][0]
            for (r, c), v in zip(where, found, strict=True):
                out[r][c] = v
    finally:
        con.close()
    return out


def to_csv(table: pa.Table) -> bytes:
    """A refused-rows table as a CSV file: UTF-8 with a byte-order mark (Excel reads Chinese
    right; the importer ignores the mark), comma-separated, blanks as empty cells."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow(["" if v is None else v for v in row.values()])
    return out.getvalue().encode("utf-8-sig")
