"""Text a spreadsheet cannot run, and CSV written by that rule: every CSV the product writes.

``formula_risk`` is the one rule that says which text a spreadsheet could run: text that
starts with a tab or CR, or any of whose lines starts, after leading whitespace or control
characters, with = + - @ (a CR or LF inside a value starts a new row in a reader that splits
lines before quotes). Such a cell is prefixed with an apostrophe in CSV (and so is each such
line inside it; ``neutralise``), so a hostile agent name cannot run anything; the payout
workbook (``payouts/exports.py``) writes it as a text cell with Excel's quote prefix. CSV
fields holding a CR or LF are always quoted. The reports' CSV (``cli/common.py``), the app's
downloads (``ui/tables.py``), the refused rows (``ingest/refused.py``) and the payout exports
all write through here. Plain data: no engine, no UI.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

import pyarrow as pa

from dashboard.messages import render_table

FORMULA_CHARS = ("=", "+", "-", "@")
FORMULA_START = (*FORMULA_CHARS, "\t", "\r")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def _risky_line(line: str) -> bool:
    for i, ch in enumerate(line):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        return line.startswith(FORMULA_CHARS, i)
    return False


def formula_risk(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (the module docstring's rule)."""
    if text.startswith(FORMULA_START):
        return True
    return any(_risky_line(line) for line in _LINE_BREAK.split(text)[::2])


def neutralise(value: Any) -> Any:
    """A text value that a spreadsheet could run as a formula, made inert: an apostrophe
    before it and before each of its lines that starts like a formula. Other values as they
    are."""
    if not isinstance(value, str) or not formula_risk(value):
        return value
    parts = _LINE_BREAK.split(value)  # line, break, line, break, ...
    out = ["'" + parts[0]]
    for brk, line in zip(parts[1::2], parts[2::2], strict=True):
        out.append(brk + ("'" + line if _risky_line(line) else line))
    return "".join(out)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralise(value)) if isinstance(value, str) else str(value)


class _LfRows:
    """Rows written by a csv.writer whose line terminator is CRLF, ended with LF instead.

    The csv module quotes a field holding a character of the line terminator: with CRLF
    that is every field with a CR or an LF (with LF alone, a CR would go out unquoted and a
    spreadsheet would start a new row there). The writer hands over one whole row at a time.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, row: str) -> int:
        return self.out.write(row[:-2] + "\n" if row.endswith("\r\n") else row)


def for_reader(
    table: pa.Table, lang: str = "en", headers: Mapping[str, str] | None = None
) -> tuple[pa.Table, list[str]]:
    """The table as a file holds it for a reader in ``lang``: engine messages rendered, their
    code columns dropped (``messages.render_table``), and the header of each column
    (``headers``: column name -> header; a column it lacks keeps its name)."""
    table = render_table(table, lang)
    return table, [(headers or {}).get(n, n) for n in table.column_names]


def write_csv(
    table: pa.Table,
    out: TextIO,
    lang: str = "en",
    headers: Mapping[str, str] | None = None,
    *,
    header: bool = True,
) -> None:
    """Write a table as CSV with formula-like text neutralised (the caller picks the encoding).

    Rows end with LF; a field holding a CR or LF is quoted. Messages are written in ``lang``
    with their code columns dropped; ``headers`` names the columns (default: their names).
    Without ``header`` only the rows are written (the next part of a table written in parts).
    """
    table, names = for_reader(table, lang, headers)
    writer = csv.writer(_LfRows(out), lineterminator="\r\n")
    if header:
        writer.writerow([_csv_cell(n) for n in names])
    for row in table.to_pylist():
        writer.writerow([_csv_cell(row[n]) for n in table.column_names])
