"""Payout exports for payroll: CSV and a formatted Excel workbook finance can work in.

Both are safe to open in a spreadsheet: text a spreadsheet could run is made inert by the
rule of ``dashboard/spreadsheet.py`` (an apostrophe in CSV; in the workbook a text cell with
Excel's quote prefix, never a formula), so a hostile agent name cannot run anything. Numbers
stay numbers: money is written as a number with two decimals (as exact text beyond the 15
digits a spreadsheet number holds), totals as SUM formulas whose stored result is the exact
decimal total. Files are written whole or not at all (``output.output_file``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from dashboard.engine.output import output_file, write_bytes
from dashboard.messages import Message, localise
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.report import PayoutReport
from dashboard.spreadsheet import for_reader, formula_risk, write_csv

MONEY_COLUMNS = {
    "basis",
    "level_min",
    "base_commission",
    "base_after_compliance",
    "team_bonus",
    "early_bonus",
    "carried_in",
    "total",
    "cap",
    "adjustment_in",
    "payout",
    "carry_out",
    "recomputed_payout",
    "adjustment",
    "adjustment_booked",
    "amount",
}
RATE_COLUMNS = {"rate", "compliance_factor"}
SUM_COLUMNS = MONEY_COLUMNS - {"level_min", "cap", "amount"}
EXCEL_DIGITS = 15


def fits_a_number(value: Decimal) -> bool:
    """Whether a spreadsheet number (a double; Excel shows 15 digits) holds the value exactly.

    Up to 15 significant digits (money up to 9,999,999,999,999.99) it does; beyond, the
    workbook gets the exact decimal as text instead of a number that is off by some cents.
    """
    return len(value.as_tuple().digits) <= EXCEL_DIGITS


def save_csv(
    table: pa.Table, path: Path, lang: str = "en", headers: Mapping[str, str] | None = None
) -> None:
    """Write a CSV file Excel opens correctly with Chinese text (UTF-8 with BOM), whole or
    not at all (``lang`` and ``headers`` as ``write_csv``).

    Raises:
        OutputError: the file cannot be written (see ``output.output_file``).
    """
    with output_file(path) as temp, temp.open("w", encoding="utf-8-sig", newline="") as f:
        write_csv(table, f, lang, headers)


class _Book:
    """The workbook's cell formats, and a writer that picks the right one per column."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.head = wb.add_format(
            {"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True}
        )
        self.money = wb.add_format({"num_format": "#,##0.00"})
        self.rate = wb.add_format({"num_format": "0.00####"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.total = wb.add_format({"bold": True, "num_format": "#,##0.00", "top": 2})
        self.total_label = wb.add_format({"bold": True, "top": 2})
        self.bold = wb.add_format({"bold": True})
        self.exact = wb.add_format({"align": "right"})
        self.inert = wb.add_format({"quote_prefix": True})  # formula-like text, kept as text
        self.exact_total = wb.add_format({"bold": True, "align": "right", "top": 2})

    def cell(self, ws: Any, row: int, col: int, name: str, value: Any) -> None:
        if value is None:
            ws.write_blank(row, col, None)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, Decimal) and not fits_a_number(value):
            ws.write_string(row, col, f"{value:f}", self.exact)
        elif isinstance(value, Decimal):
            fmt = self.rate if name in RATE_COLUMNS else self.money
            ws.write_number(row, col, float(value), fmt)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, self.stamp)
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day), self.date)
        else:
            self.text(ws, row, col, str(value))

    def text(self, ws: Any, row: int, col: int, value: str, fmt: Any = None) -> None:
        """A text cell; formula-like text gets Excel's quote prefix (it stays text if edited)."""
        ws.write_string(row, col, value, self.inert if formula_risk(value) else fmt)


def _sheet(
    wb: xlsxwriter.Workbook,
    fmt: _Book,
    title: str,
    table: pa.Table,
    totals: bool,
    widths: Mapping[str, int],
    lang: str = "en",
    headers: Mapping[str, str] | None = None,
) -> None:
    ws = wb.add_worksheet(title)
    table, heads = for_reader(table, lang, headers)
    names = table.column_names
    for c, (name, head) in enumerate(zip(names, heads, strict=True)):
        fmt.text(ws, 0, c, head, fmt.head)
        ws.set_column(c, c, widths.get(name, max(10, min(len(head) + 2, 18))))
    rows = table.to_pylist()
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(names):
            fmt.cell(ws, r, c, name, row[name])
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(len(rows), 1), len(names) - 1)
    if totals and rows:
        last = len(rows) + 1
        ws.write_string(last, 0, Message("payout.sheet_total").text(lang), fmt.total_label)
        for c, name in enumerate(names):
            if name not in SUM_COLUMNS:
                continue
            column = [row[name] or Decimal(0) for row in rows]
            exact = sum(column, Decimal(0))
            if not all(fits_a_number(v) for v in [*column, exact]):
                ws.write_string(last, c, f"{exact:f}", fmt.exact_total)  # a SUM would be off
                continue
            rng = f"{xl_rowcol_to_cell(1, c)}:{xl_rowcol_to_cell(last - 1, c)}"
            ws.write_formula(last, c, f"=SUM({rng})", fmt.total, float(exact))


def about_sheet(
    report: PayoutReport, book: PlanBook | None, now: datetime | None = None
) -> tuple[tuple[str, str], ...]:
    """The workbook's About sheet: period, status, plan file and hash, the deficit chain,
    when it was generated, the approval (who, when, with which plan file hash) and the notes.
    Labels and texts are Messages (English; ``save_xlsx`` writes them in its language).

    Args:
        report: the period's payout report (``payout_report``).
        book: the plan book the report was computed with (None: an approved period shown
            without a readable plan file).
        now: the generation time to print (default: now).
    """
    a = report.approval
    m = Message
    about: list[tuple[str, str]] = [
        (m("payout.about_period"), str(report.period)),
        (m("payout.about_status"), m(f"payout.status_value_{report.status}")),
        (m("payout.about_plan_file"), book.source if book else m("payout.about_no_plan")),
        (m("payout.about_plan_sha"), book.sha256 if book else "-"),
        (m("payout.about_carry_from"), report.run.carry_from if report.run else "-"),
        (m("payout.about_generated"), f"{now or datetime.now():%Y-%m-%d %H:%M}"),
    ]
    if a is not None and a.prepared_by:  # four eyes: who prepared, then who approved
        about += [
            (m("payout.about_prepared_by"), a.prepared_by),
            (m("payout.about_prepared_at"), f"{a.prepared_at:%Y-%m-%d %H:%M}"),
        ]
    if a is not None and a.approved_by:
        about += [
            (m("payout.about_approved_by"), a.approved_by),
            (m("payout.about_approved_at"), f"{a.approved_at:%Y-%m-%d %H:%M}"),
        ]
    if a is not None:
        about.append((m("payout.about_approved_sha"), a.plans_sha256))
    return tuple(about + [(m("payout.about_note"), n) for n in report.notes])


def xlsx_bytes(
    payouts: pa.Table,
    lines: pa.Table,
    about: Sequence[tuple[str, str]] = (),
    lang: str = "en",
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """A workbook with a Payouts summary sheet, a Lines audit sheet, and an About sheet.

    Args:
        payouts: the payouts report table (one row per agent).
        lines: the audit lines (one row per payment, reversal or decision).
        about: (label, value) pairs: period, status, approval, plan file hash, notes.
        lang: the language of the sheet names, the messages and the About sheet ("en", "zh").
        headers: column name -> its header (default: the column names).
    """
    # Built in memory: no temporary files of xlsxwriter's with the names in them.
    buf = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    wb = xlsxwriter.Workbook(buf, options)
    try:
        fmt = _Book(wb)
        sheet = {k: Message(f"payout.sheet_{k}").text(lang) for k in ("payouts", "lines", "about")}
        widths = {"agent_name": 16, "status": 12}
        _sheet(wb, fmt, sheet["payouts"], payouts, True, widths, lang, headers)
        widths = {"reason": 90, "kind": 12, "agent_name": 16}
        _sheet(wb, fmt, sheet["lines"], lines, False, widths, lang, headers)
        ws = wb.add_worksheet(sheet["about"])
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 100)
        for r, (label, value) in enumerate(about):
            ws.write_string(r, 0, localise(label, lang), fmt.bold)
            fmt.text(ws, r, 1, localise(value, lang))
    finally:
        wb.close()
    return buf.getvalue()


def save_xlsx(
    payouts: pa.Table,
    lines: pa.Table,
    path: Path,
    about: Sequence[tuple[str, str]] = (),
    lang: str = "en",
    headers: Mapping[str, str] | None = None,
) -> None:
    """The workbook of ``xlsx_bytes`` written to ``path``, whole or not at all.

    Raises:
        OutputError: the file cannot be written (see ``output.output_file``).
    """
    write_bytes(path, xlsx_bytes(payouts, lines, about, lang, headers))
