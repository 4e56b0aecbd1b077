"""The payouts service: the one place the command line and the app call.

Everything a front end does with commission payouts goes through here, so ``python -m
dashboard report payouts`` / ``payout-lines`` / ``approve`` / ``statements`` and the Payouts
page do it the same way:

- compute a period: ``report`` (the figures: draft, or approved with today's recomputation
  and the adjustment), ``lines`` (the audit trail), ``period_view`` (both, with the notes, the
  plan in words, the About sheet and each plan's tier metric: what a page or a set of files
  shows; a page reads it without the lines, a month of a bank's book has millions, and then
  one agent's with ``view_lines`` or all of them for a download with ``with_lines``);
- close it, four eyes: ``prepare_period`` (computed now, frozen as computed, by one name),
  ``approve_period`` (the prepared figures, by another name), ``reopen_period``; the periods
  still to approve (``periods_to_approve``) and the prepare/approve/reopen log (``audit_log``);
- export it (``save_xlsx``, ``xlsx_bytes``: the payroll workbook, headers the column labels of
  ``dashboard/columns.py`` in its language, the agents' payroll ids, the plans in words;
  ``save_csv``, ``csv_bytes``: canonical headers in English, the labels in Chinese) and write
  its statements (``write_statements``, ``statement_html_bytes``, ``statement_pdf_bytes``,
  ``statements_zip``);
- compare a candidate plan file with the plan in force over past months (``whatif``,
  ``whatif_agents``; ``candidate_book`` reads an uploaded candidate from memory), approving
  and writing nothing;
- find the plan files (``default_plans_path``, ``plan_files``) and read one (``load_plans``,
  ``book_or_why``).

Which plan an agent is paid by is the plan book's ``plan_for`` / ``plan_or_default``
(plan_book.py), used by the rules, the plan in words and the metrics below, never by a front
end. A view is plain data (the app caches it); its texts are Messages, rendered in the
reader's language by whoever shows them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import db, scratch
from dashboard.columns import headers
from dashboard.messages import localise
from dashboard.payouts import approvals, exports, statements
from dashboard.payouts import whatif as what_if
from dashboard.payouts.approvals import Approval
from dashboard.payouts.facts import (
    fact_digests,
    facts_digest,
    first_activity,
    money_lines,
    payment_months,
    rounds_in_force,
)
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.plan_file import (
    PlanFileError,
    default_plans_path,
    load_plans,
    plan_files,
)
from dashboard.payouts.plan_words import plan_rules, rules_by_plan
from dashboard.payouts.report import PayoutReport, payout_lines, payout_report
from dashboard.payouts.run import compute_run
from dashboard.payouts.statements import PdfUnavailable, Statement
from dashboard.payouts.tables import lines_table
from dashboard.payouts.values import AgentPayout, Period
from dashboard.payouts.whatif import candidate_book
from dashboard.spreadsheet import write_csv

__all__ = [
    "PayoutView",
    "agent_lines",
    "agent_rows",
    "approve_period",
    "audit_log",
    "book_or_why",
    "candidate_book",
    "csv_bytes",
    "default_plans_path",
    "lines",
    "load_plans",
    "period_view",
    "periods_to_approve",
    "plan_files",
    "prepare_period",
    "reopen_period",
    "report",
    "save_csv",
    "save_xlsx",
    "statement",
    "statement_html_bytes",
    "statement_pdf_bytes",
    "statements_zip",
    "view_lines",
    "whatif",
    "whatif_agents",
    "with_lines",
    "write_statements",
    "xlsx_bytes",
]

Payroll = dict[str, tuple[str | None, str | None]]  # agent_id -> (employee_no, cost_center)


def book_or_why(path: str | Path | None) -> tuple[PlanBook | None, PlanFileError | None]:
    """The plan book of ``path`` (None: the one in use), or why there is none (an approved
    period is shown without one)."""
    try:
        return load_plans(path), None
    except PlanFileError as exc:
        return None, exc


# --- computing a period ---------------------------------------------------------------


def report(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook | None,
    preset: str = "cn",
    book_error: Exception | None = None,
) -> PayoutReport:
    """The period's payouts: approved figures plus adjustments, or the draft computation
    (``report.payout_report``: its arguments and errors)."""
    return payout_report(con, period, book, preset, book_error)


def lines(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook | None,
    agent_id: str | None = None,
    preset: str = "cn",
    book_error: Exception | None = None,
) -> tuple[pa.Table, tuple[str, ...]]:
    """The period's audit trail (as approved, if it is) and notes for the reader
    (``report.payout_lines``)."""
    return payout_lines(con, period, book, agent_id, preset, None, book_error)


@dataclass(frozen=True)
class PayoutView:
    """One period's payouts as a page or a set of files shows them (plain, picklable data)."""

    period: str
    approval: Approval | None
    table: pa.Table  # report.REPORT_SCHEMA: one row per agent
    lines: pa.Table | None  # the audit trail (as approved, when approved); None: not read
    notes: tuple[str, ...]  # Messages
    about: tuple[tuple[str, str], ...]  # the workbook's About sheet: Messages and values
    rules: dict[str, tuple[str, ...]]  # agent_id -> the plan in words (Messages)
    plans_source: str | None  # the plan file (None: an approved period shown without one)
    plans_sha256: str | None
    metrics: dict[str, str]  # plan name -> its tiers' metric (tasks, collected; "" none)
    payroll: Payroll = field(default_factory=dict)  # the agents extract's payroll ids, today's
    payouts: tuple[AgentPayout, ...] = ()  # a draft's computed payouts (their decision lines)

    @property
    def trail(self) -> pa.Table:
        """The audit trail of every agent (a view read without it: ``with_lines`` first)."""
        if self.lines is None:
            raise ValueError("the view was read without its audit lines: use with_lines")
        return self.lines

    @property
    def status(self) -> str:
        """draft, prepared or approved."""
        return self.approval.status if self.approval else "draft"

    @property
    def status_line(self) -> str:
        """The status printed on statements (a Message: who approved and when, or DRAFT)."""
        return statements.status_line(self.approval)


def period_view(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook | None,
    preset: str = "cn",
    book_error: Exception | None = None,
    agent_id: str | None = None,
    *,
    lines: bool = True,
) -> PayoutView:
    """The period's payouts with their audit lines, notes, plan in words and About sheet.

    Args:
        con: an open connection.
        period: the month.
        book: the plan book, or None when the plan file cannot be read (fine for an approved
            period: it is shown from the database).
        preset: the compliance preset counting violations for the compliance factor.
        book_error: why there is no plan book (raised for a draft period).
        agent_id: only this agent's audit lines (None: every agent's).
        lines: read the audit lines now; False leaves them out (``lines`` None): a month of a
            bank's book has millions, a page reads one agent's (``view_lines``) and the
            downloads all of them (``with_lines``) when asked.

    Raises:
        PayoutInputError: the period cannot be computed (draft periods only).
        PlanFileError: ``book_error``, for a draft period without a plan book.
    """
    rep = payout_report(con, period, book, preset, book_error)
    trail = None
    if lines:
        trail, _ = payout_lines(con, period, book, agent_id, preset, rep.run, book_error)
    return PayoutView(
        period=str(period),
        approval=rep.approval,
        table=rep.table,
        lines=trail,
        notes=rep.notes,
        about=exports.about_sheet(rep, book),
        rules=rep.rules,  # as approved, for an approved period
        plans_source=book.source if book else None,
        plans_sha256=book.sha256 if book else None,
        metrics=book.metrics() if book else {},
        payroll=payroll_ids(con),
        payouts=rep.run.payouts if rep.run is not None and rep.approval is None else (),
    )


def view_lines(
    con: duckdb.DuckDBPyConnection, view: PayoutView, agent_id: str | None = None
) -> pa.Table:
    """The view's audit lines (of one agent, or all) read now: as approved for a frozen period
    (``approvals.approved_lines``), else the draft's (``payout_lines``), without computing the
    period again. The data must be the view's (a caller caches both by the data version)."""
    if view.lines is not None:
        return view.lines if agent_id is None else agent_lines(view, agent_id)
    if view.approval is not None:
        return approvals.approved_lines(con, view.approval, agent_id)
    period = Period.parse(view.period)
    payouts = [p for p in view.payouts if agent_id is None or p.agent_id == agent_id]
    return lines_table(period, payouts, money_lines(con, period, agent_id))


def with_lines(con: duckdb.DuckDBPyConnection, view: PayoutView) -> PayoutView:
    """The view with every agent's audit lines (what the workbook and statements hold)."""
    return view if view.lines is not None else replace(view, lines=view_lines(con, view))


def payroll_ids(con: duckdb.DuckDBPyConnection) -> Payroll:
    """agent_id -> (employee_no, cost_center) from the agents extract (optional columns;
    reference data, read as of today also for an approved period)."""
    rows = db.run(con, "payouts/agent_payroll").to_pylist()
    return {r["agent_id"]: (r["employee_no"], r["cost_center"]) for r in rows}


def agent_rows(view: PayoutView, agent_id: str | None = None) -> list[dict[str, Any]]:
    """The view's payout rows (of one agent, or all)."""
    return [r for r in view.table.to_pylist() if not agent_id or r["agent_id"] == agent_id]


def agent_lines(view: PayoutView, agent_id: str) -> pa.Table:
    """The audit lines of one agent."""
    lines = view.trail
    return lines.filter(pc.fill_null(pc.equal(lines.column("agent_id"), agent_id), False))


# --- approving and reopening ----------------------------------------------------------


def prepare_period(
    con: duckdb.DuckDBPyConnection, period: Period, book: PlanBook, by: str, preset: str = "cn"
) -> Approval:
    """Compute the period's payouts (with the adjustments booked into it), their audit trail
    and plan in words now, and freeze them as prepared by ``by`` (``approvals.prepare``):
    exactly what ``report`` shows as the draft. Another person then approves them.

    Args:
        con: an open read-write connection.
        period: the month to prepare.
        book: the plan book to compute with (frozen with the figures).
        by: who prepares.
        preset: the compliance preset counting violations for the compliance factor.

    Raises:
        PayoutInputError: the period cannot be computed (as ``run.compute_run``).
        ApprovalRefused: see ``approvals.prepare`` (the reason is in the message).
    """

    def compute() -> approvals.Frozen:
        run = compute_run(con, period, book, preset)
        trail = lines_table(period, run.payouts, money_lines(con, period))
        rows = [{"agent_id": p.agent_id, "plan": p.plan, "team": p.team} for p in run.payouts]
        digest = facts_digest(period, fact_digests(con), first_activity(con))
        return approvals.Frozen(run, trail, plan_rules(book, rows), preset, digest)

    return approvals.prepare(con, period, by, compute)


def approve_period(con: duckdb.DuckDBPyConnection, period: Period, by: str) -> Approval:
    """Approve the period's prepared figures as ``by``, who did not prepare them
    (``approvals.approve``: refused with the reason otherwise)."""
    return approvals.approve(con, period, by)


def periods_to_approve(con: duckdb.DuckDBPyConnection, upto: Period) -> list[Period]:
    """The months up to ``upto`` (included) with payments in some basis that are not
    approved, oldest first: what must be prepared and approved, in this order."""
    rounds = rounds_in_force(con)
    months = payment_months(con, upto.next())
    return [m for m in months if rounds.get(m, {}).get("status") != "approved"]


def reopen_period(con: duckdb.DuckDBPyConnection, period: Period, by: str, reason: str) -> Approval:
    """Reopen a prepared or approved period, with who and why (logged; ``approvals.reopen``)."""
    return approvals.reopen(con, period, by, reason)


def audit_log(con: duckdb.DuckDBPyConnection, period: Period | None = None) -> pa.Table:
    """Every prepare, approve and reopen event (of one period, or all), newest first."""
    return approvals.audit_log(con, period)


# --- exports --------------------------------------------------------------------------


def _workbook_extra(view: PayoutView, lang: str) -> dict[str, Any]:
    return {
        "payroll": view.payroll,
        "plan_words": rules_by_plan(view.table.to_pylist(), view.rules),
        "page": exports.Page(view.period, localise(view.status_line, lang), lang),
    }


def save_xlsx(view: PayoutView, path: Path, lang: str = "en") -> None:
    """The payroll workbook (Payouts with the payroll ids, Lines, About with the plans in
    words) in ``lang``, written whole or not at all."""
    headers = exports.sheet_headers(lang)
    extra = _workbook_extra(view, lang)
    exports.save_xlsx(view.table, view.trail, path, view.about, lang, headers, **extra)


def xlsx_bytes(view: PayoutView, lang: str = "en") -> bytes:
    """The payroll workbook of ``save_xlsx``, as bytes (a download)."""
    headers = exports.sheet_headers(lang)
    extra = _workbook_extra(view, lang)
    return exports.xlsx_bytes(view.table, view.trail, view.about, lang, headers, **extra)


def save_csv(table: pa.Table, path: Path, lang: str = "en") -> None:
    """A payouts or lines table as CSV for Excel (UTF-8 with BOM), headers in ``lang``."""
    exports.save_csv(table, path, lang, headers(lang))


def csv_bytes(table: pa.Table, lang: str = "en") -> bytes:
    """The CSV of ``save_csv``, as bytes (a download)."""
    buf = io.StringIO()
    write_csv(table, buf, lang, headers(lang))
    return buf.getvalue().encode("utf-8-sig")


# --- statements -----------------------------------------------------------------------


def statement(view: PayoutView, agent_id: str, lang: str = "en") -> Statement:
    """One agent's statement: figures, audit lines, the plan in words, in ``lang``."""
    row = next(r for r in view.table.to_pylist() if r["agent_id"] == agent_id)
    trail = agent_lines(view, agent_id).to_pylist()
    rules = view.rules.get(agent_id, ())
    ids = view.payroll.get(agent_id, (None, None))
    return Statement(view.period, view.status_line, row, trail, rules, lang, ids)


def statement_html_bytes(view: PayoutView, agent_id: str, lang: str = "en") -> bytes:
    """The agent's statement as a self-contained HTML file."""
    return statements.statement_html(statement(view, agent_id, lang)).encode("utf-8")


def statement_pdf_bytes(view: PayoutView, agent_id: str, lang: str = "en") -> bytes | None:
    """The agent's statement as PDF, or None when no font can draw its text."""
    try:
        return statements.statement_pdf_bytes(
            statement(view, agent_id, lang), statements.find_cjk_font()
        )
    except PdfUnavailable:
        return None


def write_statements(
    view: PayoutView,
    out_dir: Path,
    formats: Sequence[str] = ("html", "pdf"),
    lang: str = "en",
    agent_id: str | None = None,
) -> tuple[list[Path], list[str]]:
    """One statement per agent of the view (or only ``agent_id``'s) into ``out_dir``.

    Returns:
        (files written, messages about statements that could not be written as PDF).

    Raises:
        OutputError: the files cannot be written; then none of them is.
    """
    rows = agent_rows(view, agent_id)
    trail = view.trail.to_pylist()
    return statements.write_statements(
        view.period, view.status_line, rows, trail, view.rules, out_dir, formats, lang,
        view.payroll,
    )  # fmt: skip


def statements_zip(view: PayoutView, lang: str = "en") -> bytes:
    """Every agent's statement (HTML and, where possible, PDF) in one zip file, in ``lang``."""
    with scratch.folder("statements") as tmp:
        written, _ = write_statements(view, tmp, lang=lang)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in written:
                z.write(f, f.name)
        return buf.getvalue()


# --- plan what-if ---------------------------------------------------------------------


def whatif(
    con: duckdb.DuckDBPyConnection,
    start: Period,
    end: Period | None,
    book: PlanBook,
    candidate: PlanBook,
    preset: str = "cn",
) -> pa.Table:
    """Each month from ``start`` to ``end`` computed with the plan in force (``book``) and with
    the ``candidate``: per agent both payouts and the difference, a total row per month
    (``whatif.compare``). Approves nothing and writes nothing.

    Raises:
        PayoutInputError: a bad range (backwards, too long), or a month that one of the plan
            files cannot compute (an agent naming a plan the candidate lacks).
    """
    return what_if.compare(con, what_if.months(start, end), book, candidate, preset)


def whatif_agents(table: pa.Table) -> pa.Table:
    """A what-if's agents summed over its months, largest gain first (who gains, who loses)."""
    return what_if.agent_totals(table)
