"""Helpers shared by the command modules: the --db option, argument types, table printing.

The argument types refuse, at parse time and with argparse's own message and exit status 2,
every value a command could not use: a path with a NUL byte, an output file in a missing
folder or onto a folder, an output folder that is a file, a number of seconds that is not
finite, an unknown compliance preset.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from dashboard.engine.output import OutputError, check_folder
from dashboard.messages import render_table
from dashboard.paths import DB_ENV, default_db_path
from dashboard.reports.spec import compliance_preset, file_name, file_to_write
from dashboard.spreadsheet import write_csv


class CommandError(Exception):
    """A mistake in a command's input found after parsing; ``str(exc)`` says what, for a
    person (exit status 2, as argparse's own errors)."""


def _typed(parse: Callable[[str], Any], text: str) -> Any:
    try:
        return parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def path_arg(text: str) -> Path:
    """argparse type for a file or folder name: not empty, no NUL byte."""
    return _typed(file_name, text)  # type: ignore[no-any-return]


def output_file(text: str) -> Path:
    """argparse type for a file to write: its folder exists, and it is not a folder."""
    return _typed(file_to_write, text)  # type: ignore[no-any-return]


def output_folder(text: str) -> Path:
    """argparse type for a folder to write into (made if missing): not a file."""
    path = path_arg(text)
    try:
        check_folder(path)
    except OutputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return path


def seconds(text: str) -> float:
    """argparse type for a time to wait: a finite number of seconds >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= threading.TIMEOUT_MAX):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds (0 or more)")
    return value


def whole(minimum: int, maximum: int = 2**63 - 1) -> Callable[[str], int]:
    """argparse type for a whole number from ``minimum`` to ``maximum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text} is not a whole number >= {minimum}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{text} is more than {maximum:,}")
        return value

    return parse


def preset(text: str) -> str:
    """argparse type for a compliance preset name (config/kpi.yaml)."""
    return _typed(compliance_preset, text)  # type: ignore[no-any-return]


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--db PATH`` (default: the embedded database, or ``$DASHBOARD_DB``)."""
    parser.add_argument(
        "--db",
        type=path_arg,
        default=None,
        metavar="PATH",
        help=f"database file (default: ${DB_ENV} or {default_db_path()})",
    )


def iso_date(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (expected YYYY-MM-DD)") from exc


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_table(table: pa.Table, fmt: str, out: TextIO | None = None) -> None:
    """Print an Arrow table as csv, json (a list of objects) or an aligned text table."""
    out = out or sys.stdout
    table = render_table(table)  # messages as their English text, without their codes
    rows = table.to_pylist()
    names = table.column_names
    if fmt == "csv":  # formula-like text neutralised: the output often ends up in Excel
        write_csv(table, out)
    elif fmt == "json":
        json.dump(
            [{n: _json(r[n]) for n in names} for r in rows], out, ensure_ascii=False, indent=1
        )
        out.write("\n")
    else:
        cells = [[_cell(r[n]) for n in names] for r in rows]
        widths = [max([_width(n)] + [_width(c[i]) for c in cells]) for i, n in enumerate(names)]
        for line in [names, *cells]:
            padded = (v + " " * (w - _width(v)) for v, w in zip(line, widths, strict=True))
            out.write("  ".join(padded).rstrip() + "\n")


def _width(text: str) -> int:
    """Columns a string takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _json(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return _cell(value)
    return value
