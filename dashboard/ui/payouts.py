"""The Payouts page's calls into the payout engine: the period's view, approval, files.

The figures, the approval and the files are the engine's (``payout_report``, ``approvals``,
``exports``, ``payout_statements``), exactly as ``python -m dashboard report payouts`` /
``approve`` / ``statements`` produce them: the About sheet is ``exports.about_sheet``, the
statement status ``approvals.status_line``, approving ``approvals.approve_period``. This
module gathers them into one cached, picklable view per (database version, period, plan
file, preset) and turns files into bytes for download. The view holds the engine's texts as
Messages (dashboard/messages.py), so one cached view serves both languages: the page and the
files render them in the session's language (``lang``), with the app's column labels as the
files' headers in Chinese.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import streamlit as st

from dashboard import scratch
from dashboard.engine import approvals
from dashboard.engine.approvals import Approval, reopen
from dashboard.engine.exports import about_sheet, save_xlsx, write_csv
from dashboard.engine.payout_report import payout_lines, payout_report
from dashboard.engine.payout_statements import (
    PdfUnavailable,
    Statement,
    find_cjk_font,
    statement_html,
    statement_pdf,
    write_statements,
)
from dashboard.engine.payout_types import Period
from dashboard.engine.plans import default_plans_path, load_plans
from dashboard.paths import CONFIG, SAMPLE_DATA
from dashboard.ui import data
from dashboard.ui.catalogue import CATALOGUE


@dataclass(frozen=True)
class PayoutView:
    """One period's payouts as the page shows them."""

    period: str
    approval: Approval | None
    table: pa.Table  # payout_report's REPORT_SCHEMA: one row per agent
    lines: pa.Table  # the audit trail (as approved, when approved)
    notes: tuple[str, ...]  # Messages
    about: tuple[tuple[str, str], ...]  # Messages and values
    rules: dict[str, tuple[str, ...]]  # agent_id -> the plan in words (Messages)
    plans_source: str
    plans_sha256: str

    @property
    def status_line(self) -> str:
        """The status printed on statements (a Message, as the CLI writes it)."""
        return approvals.status_line(self.approval)


def plan_files() -> list[Path]:
    """Plan files to choose from: the engine's default first, then other plan files we ship."""
    default = default_plans_path()
    found = [default]
    for folder in (SAMPLE_DATA, CONFIG):
        for p in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            if p.resolve() != default.resolve() and _looks_like_plans(p):
                found.append(p)
    return found


def _looks_like_plans(path: Path) -> bool:
    try:
        return "\nplans:" in "\n" + path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def headers(lang: str) -> dict[str, str] | None:
    """Column name -> header of a downloaded file: the column labels in Chinese, None (the
    canonical column names, as the CLI writes them) in English."""
    if lang != "zh":
        return None
    return {k.removeprefix("col."): zh for k, (_, zh) in CATALOGUE.items() if k.startswith("col.")}


@st.cache_data(max_entries=32, show_spinner=False)
def _view(
    db: str,
    version: tuple[int, ...],
    period: str,
    plans: str,
    plans_stamp: tuple[int, int],
    preset: str,
) -> PayoutView:
    book = load_plans(plans)
    p = Period.parse(period)
    with data.connection(Path(db)) as con:
        report = payout_report(con, p, book, preset)
        lines, _ = payout_lines(con, p, book, None, preset, run=report.run)
    return PayoutView(
        period=period,
        approval=report.approval,
        table=report.table,
        lines=lines,
        notes=report.notes,
        about=about_sheet(report, book),
        rules=report.rules,  # as approved, for an approved period (as the CLI's statements)
        plans_source=book.source,
        plans_sha256=book.sha256,
    )


def view(period: str, plans: Path, preset: str = "cn") -> PayoutView:
    """The period's payouts (cached until the data or the plan file changes).

    Raises:
        PlanFileError, PayoutInputError, DatabaseBusy: as the engine raises them.
    """
    stat = plans.stat() if plans.exists() else None
    stamp = (stat.st_mtime_ns, stat.st_size) if stat else (0, 0)
    path = data.db_path()
    return _view(str(path), data.data_version(path), period, str(plans), stamp, preset)


def approve_period(period: str, plans: Path, by: str, preset: str = "cn") -> Approval:
    """Freeze the period's payouts as computed now (``approvals.approve_period``, as
    ``python -m dashboard approve``)."""
    book = load_plans(plans)
    with data.connection() as con:
        return approvals.approve_period(con, Period.parse(period), book, by, preset)


def reopen_period(period: str, by: str, reason: str) -> Approval:
    """Reopen an approved period, with who and why (logged)."""
    with data.connection() as con:
        return reopen(con, Period.parse(period), by, reason)


def xlsx_bytes(v: PayoutView, lang: str = "en") -> bytes:
    """The payroll workbook (Payouts, Lines, About), as ``report payouts --format xlsx
    --lang LANG``."""
    with scratch.folder("xlsx") as tmp:
        path = tmp / "payouts.xlsx"
        save_xlsx(v.table, v.lines, path, v.about, lang, headers(lang))
        return path.read_bytes()


def csv_bytes(v: PayoutView, lang: str = "en") -> bytes:
    """The payouts as CSV for Excel (UTF-8 with BOM), as ``report payouts --format csv``."""
    buf = io.StringIO()
    write_csv(v.table, buf, lang, headers(lang))
    return buf.getvalue().encode("utf-8-sig")


def statement(v: PayoutView, agent_id: str, lang: str = "en") -> Statement:
    """One agent's statement: figures, audit lines, the plan in words, in ``lang``."""
    row = next(r for r in v.table.to_pylist() if r["agent_id"] == agent_id)
    lines = [ln for ln in v.lines.to_pylist() if ln["agent_id"] == agent_id]
    return Statement(v.period, v.status_line, row, lines, v.rules.get(agent_id, ()), lang)


def agent_lines(v: PayoutView, agent_id: str) -> pa.Table:
    """The audit lines of one agent."""
    mask = [a == agent_id for a in v.lines.column("agent_id").to_pylist()]
    return v.lines.filter(pa.array(mask, pa.bool_()))


def statement_html_bytes(v: PayoutView, agent_id: str, lang: str = "en") -> bytes:
    """The agent's statement as a self-contained HTML file."""
    return statement_html(statement(v, agent_id, lang)).encode("utf-8")


def statement_pdf_bytes(v: PayoutView, agent_id: str, lang: str = "en") -> bytes | None:
    """The agent's statement as PDF, or None when no font can draw its text."""
    with scratch.folder("pdf") as tmp:
        path = tmp / "statement.pdf"
        try:
            statement_pdf(statement(v, agent_id, lang), path, find_cjk_font())
        except PdfUnavailable:
            return None
        return path.read_bytes()


def statements_zip(v: PayoutView, lang: str = "en") -> bytes:
    """Every agent's statement (HTML and, where possible, PDF) in one zip file, in ``lang``."""
    rows = v.table.to_pylist()
    with scratch.folder("statements") as tmp:
        written, _ = write_statements(
            v.period, v.status_line, rows, v.lines.to_pylist(), v.rules, tmp, lang=lang
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in written:
                z.write(f, f.name)
        return buf.getvalue()
