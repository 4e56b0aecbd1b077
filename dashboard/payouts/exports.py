"""Payout exports for payroll: CSV and a formatted Excel workbook finance can work in.

Both are safe to open in a spreadsheet: text a spreadsheet could run is made inert by the
rule of ``dashboard/spreadsheet.py`` (an apostrophe in CSV; in the workbook a text cell with
Excel's quote prefix, never a formula), so a hostile agent name cannot run anything. Numbers
stay numbers: money is written as a number with two decimals (as exact text beyond the 15
digits a spreadsheet number holds), totals as SUM formulas whose stored result is the exact
decimal total. Files are written whole or not at all (``output.output_file``).

The workbook is a document finance hands out, in English or Chinese (``lang``): every header
is a column label (``dashboard/columns.py``, never a snake_case name), codes such as a line's
kind or a payment's credit rule are words, amounts are right-aligned with thousands
separators, and each sheet prints on A4 landscape, one page wide, with its header row on every
page, the period and the approval status at the top and "page N of M" at the bottom. The
Payouts sheet carries the agents' payroll ids (``employee_no``, ``cost_center`` of the agents
extract) next to their names; the About sheet adds each plan in words.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from dashboard.columns import COLUMN_LABELS
from dashboard.engine.output import output_file, write_bytes
from dashboard.messages import MESSAGES, Message, localise
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
PAYROLL_COLUMNS = ("employee_no", "cost_center")  # optional columns of the agents extract
# Columns whose values are codes, shown as words: the message ``payout.<family>_<value>``.
VALUE_WORDS = {"kind": "kind", "status": "status_value", "credit_rule": "rule_word"}
A4, LANDSCAPE_MARGIN = 9, 0.4  # xlsxwriter's paper code for A4; margins in inches


def sheet_headers(lang: str) -> dict[str, str]:
    """Column name -> its label in ``lang``, the workbook's headers (English labels too: a
    workbook is read by people, the CSV by scripts)."""
    return {name: pair[1] if lang == "zh" else pair[0] for name, pair in COLUMN_LABELS.items()}


def value_word(column: str, value: Any, lang: str) -> Any:
    """A code in a column of ``VALUE_WORDS`` as its word in ``lang`` (other values as they
    are)."""
    family = VALUE_WORDS.get(column)
    code = f"payout.{family}_{value}"
    if family is None or not isinstance(value, str) or code not in MESSAGES:
        return value
    return Message(code).text(lang)


def with_payroll(
    table: pa.Table, payroll: Mapping[str, tuple[str | None, str | None]] | None
) -> pa.Table:
    """The payouts table with the agents' ``employee_no`` and ``cost_center`` after their name
    (``payroll``: agent_id -> both; blank for an agent the agents extract lacks)."""
    if payroll is None or "agent_id" not in table.column_names:
        return table
    ids = table.column("agent_id").to_pylist()
    at = table.column_names.index("agent_name") + 1 if "agent_name" in table.column_names else 1
    for i, name in enumerate(PAYROLL_COLUMNS):
        values = [(payroll.get(a) or (None, None))[i] for a in ids]
        table = table.add_column(at + i, name, pa.array(values, pa.string()))
    return table


def _print_text(text: str) -> str:
    """Text for a printed page header or footer: Excel's & codes escaped, within its limit."""
    return text.replace("&", "&&")[:120]


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
        head = {"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True}
        self.head = wb.add_format(head | {"valign": "top"})
        self.head_number = wb.add_format(head | {"valign": "top", "align": "right"})
        self.money = wb.add_format({"num_format": "#,##0.00", "align": "right"})
        self.rate = wb.add_format({"num_format": "0.00####", "align": "right"})
        self.count = wb.add_format({"num_format": "#,##0", "align": "right"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.total = wb.add_format(
            {"bold": True, "num_format": "#,##0.00", "align": "right", "top": 2}
        )
        self.total_label = wb.add_format({"bold": True, "top": 2})
        self.bold = wb.add_format({"bold": True, "valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
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
            ws.write_number(row, col, value, self.count if isinstance(value, int) else None)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, self.stamp)
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day), self.date)
        else:
            self.text(ws, row, col, str(value))

    def text(self, ws: Any, row: int, col: int, value: str, fmt: Any = None) -> None:
        """A text cell; formula-like text gets Excel's quote prefix (it stays text if edited)."""
        ws.write_string(row, col, value, self.inert if formula_risk(value) else fmt)


def _width(text: str) -> int:
    """Display width of a text in a spreadsheet column (a Chinese character counts 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _numeric(field: pa.Field) -> bool:
    t = field.type
    return pa.types.is_decimal(t) or pa.types.is_integer(t) or pa.types.is_floating(t)


@dataclass(frozen=True)
class Page:
    """What every printed page of a sheet says: top left, top right, and "page N of M"."""

    left: str = ""
    right: str = ""
    lang: str = "en"

    def apply(self, ws: Any, title: str) -> None:
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
        ws.set_margins(left=LANDSCAPE_MARGIN, right=LANDSCAPE_MARGIN)
        left = _print_text(" · ".join(t for t in (title, self.left) if t))
        ws.set_header(f"&L{left}&R{_print_text(self.right)}")
        ws.set_footer("&C" + Message("payout.page_of", n="&P", total="&N").text(self.lang))


# The data rows of one sheet: a worksheet has 1,048,576 rows (Excel's limit, which xlsxwriter
# enforces by not writing past it), the first of them the header.
SHEET_ROWS = 1_048_576 - 1


def _sheet(
    wb: xlsxwriter.Workbook,
    fmt: _Book,
    title: str,
    table: pa.Table,
    totals: bool,
    widths: Mapping[str, int],
    lang: str = "en",
    headers: Mapping[str, str] | None = None,
    page: Page | None = None,
) -> None:
    ws = wb.add_worksheet(title)
    table, heads = for_reader(table, lang, headers)
    names = table.column_names
    numeric = {n for n in names if _numeric(table.schema.field(n))}
    for c, (name, head) in enumerate(zip(names, heads, strict=True)):
        fmt.text(ws, 0, c, head, fmt.head_number if name in numeric else fmt.head)
        ws.set_column(c, c, widths.get(name, max(10, min(_width(head) + 2, 18))))
    ws.set_row(0, 32)  # room for a label on two lines
    rows = table.to_pylist()
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(names):
            fmt.cell(ws, r, c, name, value_word(name, row[name], lang))
    ws.freeze_panes(1, names.index("agent_name") + 1 if "agent_name" in names else 2)
    ws.autofilter(0, 0, max(len(rows), 1), len(names) - 1)
    ws.repeat_rows(0)  # the header row on every printed page
    (page or Page(lang=lang)).apply(ws, title)
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
    *,
    payroll: Mapping[str, tuple[str | None, str | None]] | None = None,
    plan_words: Sequence[tuple[str, Sequence[str]]] = (),
    page: Page | None = None,
) -> bytes:
    """A workbook with a Payouts summary sheet, a Lines audit sheet, and an About sheet.

    Args:
        payouts: the payouts report table (one row per agent).
        lines: the audit lines (one row per payment, reversal or decision).
        about: (label, value) pairs: period, status, approval, plan file hash, notes.
        lang: the language of the sheet names, headers, words and the About sheet ("en",
            "zh").
        headers: column name -> its header (default: the column labels in ``lang``).
        payroll: agent_id -> (employee_no, cost_center), carried into the Payouts sheet
            (None: no payroll columns).
        plan_words: (label, the plan in words) per plan, added to the About sheet.
        page: what each printed page says at its top (period, status); its language is
            ``lang``.
    """
    headers = sheet_headers(lang) if headers is None else headers
    page = Page(page.left, page.right, lang) if page else Page(lang=lang)
    # Built in memory: no temporary files of xlsxwriter's with the names in them.
    buf = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    wb = xlsxwriter.Workbook(buf, options)
    try:
        fmt = _Book(wb)
        sheet = {k: Message(f"payout.sheet_{k}").text(lang) for k in ("payouts", "lines", "about")}
        widths = {"agent_name": 16, "status": 12, "employee_no": 12, "cost_center": 12}
        table = with_payroll(payouts, payroll)
        _sheet(wb, fmt, sheet["payouts"], table, True, widths, lang, headers, page)
        widths = {"reason": 90, "kind": 12, "agent_name": 16, "credit_rule": 24}
        # A sheet holds 1,048,576 rows; a month of a bank's book has more lines than that:
        # they go on as many Lines sheets as they need ("Lines 1", "Lines 2", ...; a sheet's name
        # cannot hold a slash), none is dropped.
        parts = max(-(-lines.num_rows // SHEET_ROWS), 1)
        for i in range(parts):
            title = sheet["lines"] if parts == 1 else f"{sheet['lines']} {i + 1}"
            part = lines.slice(i * SHEET_ROWS, SHEET_ROWS)
            _sheet(wb, fmt, title, part, False, widths, lang, headers, page)
        ws = wb.add_worksheet(sheet["about"])
        ws.set_column(0, 0, 26)
        ws.set_column(1, 1, 100)
        r = 0
        for r, (label, value) in enumerate(about):
            ws.write_string(r, 0, localise(label, lang), fmt.bold)
            fmt.text(ws, r, 1, localise(value, lang))
        for label, words in plan_words:
            r += 2  # a blank row before each plan
            ws.write_string(r, 0, localise(label, lang), fmt.bold)
            for i, rule in enumerate(words):
                fmt.text(ws, r + i, 1, localise(rule, lang), fmt.wrap)
            r += max(len(words) - 1, 0)
        page.apply(ws, sheet["about"])
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
    **extra: Any,
) -> None:
    """The workbook of ``xlsx_bytes`` (``extra``: its keyword arguments) written to ``path``,
    whole or not at all.

    Raises:
        OutputError: the file cannot be written (see ``output.output_file``).
    """
    write_bytes(path, xlsx_bytes(payouts, lines, about, lang, headers, **extra))
