"""Helpers shared by the command modules: the --db option, dates, and table printing."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from dashboard.engine.exports import write_csv
from dashboard.paths import DB_ENV, default_db_path


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--db PATH`` (default: the embedded database, or ``$DASHBOARD_DB``)."""
    parser.add_argument(
        "--db",
        type=Path,
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
