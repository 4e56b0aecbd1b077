"""Spreadsheet extracts (.xlsx): a sheet read as the CSV text the rest of the importer takes.

Bank systems often hand out Excel workbooks. The sheet (the first, or the one named with
``--sheet``) is read by calamine (python-calamine, a Rust reader: fast, and no formula is ever
run) and written as UTF-8 CSV into the import's private work folder, the same folder, and the
same rules, as a GBK file's UTF-8 copy (dashboard/scratch.py: mode 0700, removed when the
import ends, swept when its process died). From there on a workbook is a CSV file: the same
header synonyms, checks, reasons, conflicts and undo.

Line numbers are the sheet's row numbers: the header is the first row that holds a value (an
empty row above it, say a title left blank, is counted), every row after it is one CSV record
(a cell's line breaks stay inside its quoted field), and an empty row is written as the blank
row that stage.py counts and drops (``transcode.blank_row``). Cells become text as Excel shows
them: numbers to 15 significant digits (``1234.56``, ``3``; a longer number, such as an ID or
card number typed as a number, keeps only the 15 digits Excel itself keeps: store those as
text), dates as ``2026-10-31``, times of day as ``2026-10-31 14:05:00``, booleans as true/false.
Columns right of the last header cell are not read.
"""

from __future__ import annotations

import csv
import hashlib
import math
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import python_calamine as calamine

from dashboard.ingest.reader import FileRefused, Header, SourceFile, own_name
from dashboard.ingest.transcode import BLANK_MARK

ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx (.xlsm, .ods) workbook is a zip archive
ENCODING = "xlsx"  # what the import log records as the file's encoding


def is_workbook(path: Path) -> bool:
    """Whether the file is a zip archive (a workbook, or something the reader will refuse)."""
    try:
        with path.open("rb") as f:
            return f.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    except OSError:
        return False


def cell_text(value: Any) -> str:
    """One cell as the text a CSV extract would hold (module docstring)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return format(value, ".15g")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.microsecond:
            return value.isoformat(sep=" ")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).replace("\x00", "")


def _sheet(path: Path, sheet: str | None) -> calamine.CalamineSheet:
    """The sheet to read: the one named ``sheet``, or the first.

    Raises:
        FileRefused: not a workbook calamine reads, protected by a password, no such sheet.
    """
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise FileRefused.coded("file.xlsx_password") from exc
    except Exception as exc:  # calamine's errors: a damaged or foreign zip
        raise FileRefused.coded("file.xlsx_unreadable") from exc
    names = list(book.sheet_names)
    try:
        if sheet is not None:
            if sheet not in names:
                raise FileRefused.coded(
                    "file.sheet_missing", sheet=sheet, sheets=", ".join(names) or "-"
                )
            return book.get_sheet_by_name(sheet)
        if not names:
            raise FileRefused.coded("file.xlsx_unreadable")
        return book.get_sheet_by_index(0)
    except FileRefused:
        raise
    except Exception as exc:
        raise FileRefused.coded("file.xlsx_unreadable") from exc


def _rows(sheet: calamine.CalamineSheet) -> tuple[int, list[str], list[list[Any]]]:
    """(row number of the header, the header's cells, the rows after it) of a sheet.

    Raises:
        FileRefused: the sheet holds no value.
    """
    rows = list(sheet.iter_rows())
    first = next((i for i, r in enumerate(rows) if any(cell_text(v).strip() for v in r)), None)
    if first is None:
        raise FileRefused.coded("file.sheet_empty", sheet=sheet.name)
    header = [cell_text(v) for v in rows[first]]
    while header and not header[-1].strip():
        header.pop()
    return first + 1, header, rows[first + 1 :]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def read_workbook_header(path: Path, sheet: str | None = None) -> Header:
    """A workbook's header as ``reader.read_header`` gives a CSV file's (for the Data page's
    mapping step).

    Raises:
        FileRefused: as ``_sheet`` and ``_rows``.
    """
    _, header, _ = _rows(_sheet(path, sheet))
    return Header(
        encoding=ENCODING,
        delimiter=",",
        headers=[h.strip() for h in header],
        raw_cells=header,
        sample_text="",
        size=path.stat().st_size,
    )


def open_workbook(
    path: Path, workdir: Path, name: str | None = None, sheet: str | None = None
) -> SourceFile:
    """Read a sheet of a workbook into a UTF-8 CSV copy in ``workdir`` (module docstring).

    Raises:
        FileRefused: not a readable workbook, no such sheet, an empty sheet.
    """
    header_line, header, rows = _rows(_sheet(path, sheet))
    width = len(header)
    target = own_name(workdir, ".xlsx.csv")
    blank = BLANK_MARK + "," * (width - 1) + "\n"
    blanks = 0
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            cells = [cell_text(v) for v in row[:width]]
            if not any(c.strip() for c in cells):
                f.write(blank)
                blanks += 1
                continue
            writer.writerow(cells + [""] * (width - len(cells)))
    return SourceFile(
        path=path,
        name=name or path.name,
        csv_path=target,
        encoding=ENCODING,
        delimiter=",",
        headers=[h.replace("\ufeff", "").strip() for h in header],
        sha256=_sha256(path),
        size=path.stat().st_size,
        blank_lines=blanks,
        header_line=header_line,
    )
