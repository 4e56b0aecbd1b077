"""Per-agent payout statements (HTML, and PDF where a font can draw the names).

One document per agent and period: the figures that make up the payout, every payment,
reversal and decision line behind them, and the plan's rules in words, so an agent (or an
auditor) can check the payout without the dashboard. Chinese names need a CJK font in the PDF:
Noto Sans CJK is used when installed (``$DASHBOARD_CJK_FONT`` may name another); without one,
statements whose text Helvetica cannot draw are written as HTML only, with a message.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from dashboard.engine.output import OutputError, check_folder, output_files, write_bytes
from dashboard.engine.payout_types import money, pct
from dashboard.engine.plans import Plan, PlanBook, TeamPool

CJK_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # 2 = Simplified Chinese
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
FIGURES = (
    ("basis", "Basis (net collected, credited to you)"),
    ("tasks", "Tasks (accounts with net payment > 0)"),
    ("rate", "Rate applied"),
    ("base_commission", "Commission"),
    ("compliance_factor", "Compliance factor"),
    ("base_after_compliance", "Commission after compliance factor"),
    ("team_bonus", "Team pool share"),
    ("early_bonus", "Early-completion bonus"),
    ("carried_in", "Deficit carried in"),
    ("total", "Total"),
    ("cap_applied", "Cap applied"),
    ("payout", "Payout"),
    ("carry_out", "Deficit carried to next month"),
)


def plan_in_words(plan: Plan, pool: TeamPool | None) -> list[str]:
    """The plan's rules as sentences a finance reviewer (or the agent) reads."""
    out = [f"Plan {plan.name}: {plan.description}"] if plan.description else []
    basis = "the basis (net amount credited to you in the month; reversals reduce it)"
    if plan.tiers is None:
        out.append(f"Commission: {pct(plan.rate or Decimal(0))} of {basis}.")
    else:
        t = plan.tiers

        def at(v: Decimal) -> str:
            return f"{int(v)} tasks" if t.metric == "tasks" else money(v)

        if t.mode == "retroactive":
            steps = "; ".join(f"from {at(lv.min)}: {pct(lv.rate)}" for lv in t.levels)
            what = (
                "the number of tasks (accounts with a net payment > 0)"
                if (t.metric == "tasks")
                else "the amount collected"
            )
            out.append(
                f"Commission: the rate is set by {what} and applies to the whole of {basis}: "
                f"{steps}."
            )
        else:
            bands = []
            for i, lv in enumerate(t.levels):
                nxt = t.levels[i + 1].min if i + 1 < len(t.levels) else None
                span = f"{money(lv.min)} to {money(nxt)}" if nxt else f"above {money(lv.min)}"
                bands.append(f"{span} at {pct(lv.rate)}")
            out.append(
                f"Commission: each band of {basis} is paid at its own rate: {'; '.join(bands)}."
            )
    if plan.compliance:
        c = plan.compliance
        out.append(
            f"Compliance: the commission is multiplied by 1 - {pct(c.per_violation)} per contact "
            f"that broke a contact rule - {pct(c.per_complaint)} per complaint, counted over "
            f"your contacts of the month, never below {pct(c.floor)}. A clawback is not reduced."
        )
    if pool:
        out.append(
            f"Team pool (team {pool.team}): when the team's net collected in the month reaches "
            f"{money(pool.target)}, {pct(pool.pool_rate)} of it is shared among the team's "
            "members in proportion to their positive basis, rounded to cents so the shares add "
            "up to the pool."
        )
    if plan.early_bonus:
        b = plan.early_bonus
        out.append(
            f"Early-completion bonus: {money(b.amount)} when your net collected in the month "
            f"reaches {money(b.target)} (and stays there to the month's end) on a day at least "
            f"{b.days_before_end} days before the month's last day."
        )
    if plan.cap is not None:
        out.append(f"Cap: the month's total is paid up to {money(plan.cap)}.")
    out.append(
        "Total = commission after compliance + team share + early bonus + deficit carried in. "
        "A negative total pays 0.00 and the deficit is carried into the next month. Every "
        "amount is rounded half-up to the cent."
    )
    return out


def plan_rules(book: PlanBook, rows: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """agent_id -> the plan in words, for payout rows (agent_id, plan, team): the agent's
    plan (the default plan for a blank or unknown one) and the team's pool."""
    out = {}
    for r in rows:
        plan = book.plans.get(r["plan"]) if r.get("plan") else None
        plan = plan or book.plan_for(None)
        out[r["agent_id"]] = tuple(plan_in_words(plan, book.teams.get(r.get("team") or "")))
    return out


def _text(value: Any, key: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal) and key == "rate":
        return pct(value)
    if isinstance(value, Decimal):
        return money(value) if value.as_tuple().exponent == -2 else f"{value.normalize():f}"
    return str(value)


@dataclass(frozen=True)
class Statement:
    """Everything one agent's statement shows."""

    period: str
    status: str  # e.g. "approved by Li Na on 2026-11-03 10:00" or "DRAFT: not approved"
    row: Mapping[str, Any]  # the payouts report row
    lines: Sequence[Mapping[str, Any]]  # the audit lines
    rules: Sequence[str]

    @property
    def title(self) -> str:
        name = self.row.get("agent_name") or ""
        return f"Commission statement {self.period}: {name} ({self.row['agent_id']})".strip()


def statement_html(s: Statement) -> str:
    """A self-contained HTML statement (all values escaped)."""
    e = html.escape
    figures = "".join(
        f"<tr><th>{e(label)}</th><td class=n>{e(_text(s.row.get(key), key))}</td></tr>"
        for key, label in FIGURES
    )
    adjust = s.row.get("adjustment")
    if adjust:
        figures += (
            f"<tr><th>Recomputed today (adjustment {e(money(adjust))})</th>"
            f"<td>{e(money(s.row['recomputed_payout']))}</td></tr>"
        )
    lines = "".join(
        "<tr>"
        + "".join(
            f"<td>{e(_text(ln.get(k)))}</td>"
            for k in ("line_no", "kind", "payment_date", "payment_id", "account_id", "amount")
        )
        + f"<td class=r>{e(ln.get('reason') or '')}</td></tr>"
        for ln in s.lines
    )
    rules = "".join(f"<li>{e(r)}</li>" for r in s.rules)
    team = s.row.get("team") or "-"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(s.title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Noto Sans", Arial, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; margin-bottom: 1.5em; }}
th, td {{ border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top; }}
th {{ background: #eef2f7; }} td {{ font-variant-numeric: tabular-nums; }}
td.r {{ max-width: 48em; }} td.n {{ text-align: right; }} .status {{ font-weight: bold; }}
</style></head><body>
<h1>{e(s.title)}</h1>
<p>Team: {e(team)} &middot; Plan: {e(str(s.row.get("plan")))} &middot;
<span class="status">{e(s.status)}</span></p>
<h2>Payout</h2><table>{figures}</table>
<h2>Lines</h2>
<table><tr><th>#</th><th>Kind</th><th>Date</th><th>Payment</th><th>Account</th>
<th>Amount</th><th>Reason</th></tr>{lines}</table>
<h2>The plan's rules</h2><ul>{rules}</ul>
</body></html>
"""


def find_cjk_font() -> tuple[Path, int] | None:
    """A font file (and collection index) that can draw Chinese, or None."""
    env = os.environ.get("DASHBOARD_CJK_FONT", "").strip()
    candidates = [(env, 0)] if env else []
    for path, index in [*candidates, *CJK_FONTS]:
        if path and Path(path).is_file():
            return Path(path), index
    return None


class PdfUnavailable(RuntimeError):
    """No font can draw this statement's text; the message says what to install."""


def statement_pdf(s: Statement, path: Path, font: tuple[Path, int] | None) -> None:
    """Write the statement as PDF (A4 landscape), whole or not at all.

    Raises:
        PdfUnavailable: the text needs a CJK font and ``font`` is None.
        OutputError: the file cannot be written (see ``output.output_file``).
    """
    write_bytes(path, statement_pdf_bytes(s, font))


def check_pdf_font(s: Statement, font: tuple[Path, int] | None) -> None:
    """Raise PdfUnavailable when the statement needs a CJK font and ``font`` is None."""
    if font is not None:
        return
    every = [s.title, s.status, *s.rules, *(str(v) for ln in s.lines for v in ln.values())]
    try:
        "".join(every).encode("latin-1")
    except UnicodeEncodeError as exc:
        raise PdfUnavailable(
            "the statement has characters (e.g. Chinese) that need a CJK font; install "
            "fonts-noto-cjk or set DASHBOARD_CJK_FONT (the HTML statement was written)"
        ) from exc


def statement_pdf_bytes(s: Statement, font: tuple[Path, int] | None) -> bytes:
    """The statement as PDF (A4 landscape).

    Raises:
        PdfUnavailable: the text needs a CJK font and ``font`` is None.
    """
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    check_pdf_font(s, font)
    if font is not None:
        pdf.add_font("body", fname=str(font[0]), collection_font_number=font[1])
        family = "body"
    else:
        family = "helvetica"
    pdf.add_page()
    pdf.set_font(family, size=14)
    pdf.multi_cell(0, 8, s.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    team = s.row.get("team") or "-"
    pdf.multi_cell(
        0, 5, f"Team: {team}  Plan: {s.row.get('plan')}  {s.status}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    head = FontFace(fill_color=(230, 235, 242))
    with pdf.table(
        col_widths=(70, 40),
        width=110,
        align="LEFT",
        headings_style=head,
        first_row_as_headings=False,
    ) as table:
        for key, label in FIGURES:
            row = table.row()
            row.cell(label)
            row.cell(_text(s.row.get(key), key), align="RIGHT")
    pdf.ln(3)
    with pdf.table(col_widths=(8, 24, 20, 28, 24, 22, 150), headings_style=head) as table:
        row = table.row()
        for h in ("#", "Kind", "Date", "Payment", "Account", "Amount", "Reason"):
            row.cell(h)
        for ln in s.lines:
            row = table.row()
            for k in ("line_no", "kind", "payment_date", "payment_id", "account_id", "amount"):
                row.cell(_text(ln.get(k)))
            row.cell(str(ln.get("reason") or ""))
    pdf.ln(3)
    pdf.set_font(family, size=11)
    pdf.cell(0, 6, "The plan's rules", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    for rule in s.rules:
        pdf.multi_cell(0, 5, f"- {rule}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def file_stem(period: str, agent_id: str) -> str:
    """A safe file name for an agent's statement."""
    return f"statement_{period}_{re.sub(r'[^A-Za-z0-9_.-]', '_', agent_id)}"


def write_statements(
    period: str,
    status: str,
    rows: Sequence[Mapping[str, Any]],
    lines: Sequence[Mapping[str, Any]],
    rules_for: Mapping[str, Sequence[str]],
    out_dir: Path,
    formats: Sequence[str] = ("html", "pdf"),
) -> tuple[list[Path], list[str]]:
    """Write one statement per agent row into ``out_dir``.

    Args:
        period: the month, YYYY-MM.
        status: the approval status line shown on every statement.
        rows: the payouts report rows.
        lines: the audit lines of those agents.
        rules_for: agent_id -> the plan's rules in words.
        out_dir: folder to write to (created).
        formats: "html" and/or "pdf".

    Returns:
        (files written, messages about statements that could not be written as PDF).

    Raises:
        OutputError: the files cannot be written (a full disk, a file where the folder
            should be, ...); then none of them is (``output.output_files``).
    """
    check_folder(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"folder {out_dir} cannot be made: {exc.strerror or exc}") from exc
    by_agent: dict[str, list[Mapping[str, Any]]] = {}
    for ln in lines:
        by_agent.setdefault(ln["agent_id"], []).append(ln)
    font = find_cjk_font() if "pdf" in formats else None
    documents: list[tuple[Path, Statement, str]] = []
    messages: list[str] = []
    used: set[str] = set()
    for row in rows:
        stem = file_stem(period, row["agent_id"])
        while stem in used:
            stem += "_"
        used.add(stem)
        s = Statement(
            period,
            status,
            row,
            by_agent.get(row["agent_id"], []),
            rules_for.get(row["agent_id"], ()),
        )
        if "html" in formats:
            documents.append((out_dir / f"{stem}.html", s, "html"))
        if "pdf" in formats:
            try:
                check_pdf_font(s, font)
                documents.append((out_dir / f"{stem}.pdf", s, "pdf"))
            except PdfUnavailable as exc:
                messages.append(f"{row['agent_id']}: no PDF: {exc}")
    written = [path for path, _, _ in documents]
    if documents:  # rendered one at a time into the temporary files, renamed all at once
        with output_files(written) as temps:
            for temp, (_, s, kind) in zip(temps, documents, strict=True):
                if kind == "html":
                    temp.write_text(statement_html(s), encoding="utf-8")
                else:
                    temp.write_bytes(statement_pdf_bytes(s, font))
    return written, messages
