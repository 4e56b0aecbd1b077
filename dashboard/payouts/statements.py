"""Per-agent payout statements (HTML, and PDF where a font can draw the names).

One document per agent and period: the figures that make up the payout, every payment,
reversal and decision line behind them, and the plan's rules in words, so an agent (or an
auditor) can check the payout without the dashboard. It is handed out, so it reads like a
finance document in the agent's language (``lang``, English or Chinese): words for every
label and code, amounts right-aligned with thousands separators, the period, the approval
status with the approver's name, the agent's payroll ids when the agents extract has them, and
"page N of M" on every printed page (the PDF's footer; the HTML's print style). Chinese names
need a CJK font in the PDF: Noto Sans CJK is used when installed (``$DASHBOARD_CJK_FONT`` may
name another); without one, statements whose text Helvetica cannot draw are written as HTML
only, with a message.
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
from dashboard.messages import Message, localise, render_or
from dashboard.payouts.approvals import Approval
from dashboard.payouts.values import KINDS, money, pct

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
    ("adjustment_in", "Adjustments of approved periods"),
    ("payout", "Payout"),
    ("carry_out", "Deficit carried to next month"),
)  # key, English label (the label in a language: ``payout.fig_<key>``)
LINE_KEYS = ("line_no", "kind", "payment_date", "payment_id", "account_id", "amount")
RIGHT_KEYS = {"line_no", "amount"}  # numbers: right-aligned
LINE_WIDTHS = (9, 24, 21, 30, 24, 26, 143)  # mm, the PDF's lines table (277 mm: A4 landscape)


def status_line(approval: Approval | None) -> Message:
    """The approval status printed on statements: who approved and when, or DRAFT."""
    if approval is None:
        return Message("payout.status_draft")
    if approval.status == "prepared":  # four eyes: prepared, awaiting the second person
        at = f"{approval.prepared_at:%Y-%m-%d %H:%M}" if approval.prepared_at else "?"
        return Message("payout.status_prepared", by=approval.prepared_by, at=at)
    approved = f"{approval.approved_at:%Y-%m-%d %H:%M}" if approval.approved_at else "?"
    if approval.prepared_by:
        prepared = f"{approval.prepared_at:%Y-%m-%d %H:%M}" if approval.prepared_at else "?"
        return Message(
            "payout.status_four_eyes",
            prepared_by=approval.prepared_by,
            prepared_at=prepared,
            by=approval.approved_by,
            at=approved,
        )
    return Message("payout.status_approved", by=approval.approved_by, at=approved)


def _text(value: Any, key: str = "", lang: str = "en") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _word("payout.stmt_yes" if value else "payout.stmt_no", lang)
    if isinstance(value, Decimal) and key == "rate":
        return pct(value)
    if isinstance(value, Decimal):
        return money(value) if value.as_tuple().exponent == -2 else f"{value.normalize():f}"
    if key == "kind" and value in KINDS:
        return _word(f"payout.kind_{value}", lang)
    return str(value)


def _word(code: str, lang: str, **values: Any) -> str:
    return Message(code, **values).text(lang)


@dataclass(frozen=True)
class Statement:
    """Everything one agent's statement shows, and the language it is written in."""

    period: str
    status: str  # e.g. "approved by Li Na on 2026-11-03 10:00" or "DRAFT: not approved"
    row: Mapping[str, Any]  # the payouts report row
    lines: Sequence[Mapping[str, Any]]  # the audit lines (reasons with their codes)
    rules: Sequence[str]
    lang: str = "en"  # "en" or "zh": the statement's own texts and the engine's messages
    payroll: tuple[str | None, str | None] = (None, None)  # employee_no, cost_center

    @property
    def title(self) -> str:
        name = self.row.get("agent_name") or ""
        agent = self.row["agent_id"]
        return _word("payout.stmt_title", self.lang, period=self.period, name=name, agent_id=agent)

    def word(self, code: str, **values: Any) -> str:
        """One of the statement's own texts (``payout.stmt_*``, ``payout.fig_*``)."""
        return _word(code, self.lang, **values)

    @property
    def status_text(self) -> str:
        return localise(self.status, self.lang)

    @property
    def rule_texts(self) -> list[str]:
        return [localise(r, self.lang) for r in self.rules]

    def reason(self, line: Mapping[str, Any]) -> str:
        """A line's reason in the statement's language (as stored without a code)."""
        text = line.get("reason") or ""
        return render_or(text, line.get("reason_code"), line.get("reason_args"), self.lang) or ""

    def cell(self, line: Mapping[str, Any], key: str) -> str:
        return _text(line.get(key), key, self.lang)

    def figures(self) -> list[tuple[str, str]]:
        """(label, value) of every payout figure (adjustments only when there are some)."""
        return [
            (self.word(f"payout.fig_{key}"), _text(self.row.get(key), key, self.lang))
            for key, _ in FIGURES
            if key != "adjustment_in" or self.row.get(key)
        ]

    def headings(self) -> tuple[str, ...]:
        """The lines table's column headings."""
        codes = ("kind", "date", "payment", "account", "amount", "reason")
        return ("#", *(self.word(f"payout.stmt_{c}") for c in codes))

    def recomputed(self) -> tuple[str, str] | None:
        """The recomputed payout of an approved period with an adjustment: (label, amount)."""
        adjust = self.row.get("adjustment")
        if not adjust:
            return None
        label = self.word("payout.stmt_recomputed", adjustment=money(adjust))
        return label, money(self.row["recomputed_payout"])

    def facts(self) -> list[tuple[str, str]]:
        """The statement's heading facts: period, team, plan, the payroll ids it has."""
        out = [
            (self.word("payout.stmt_period"), self.period),
            (self.word("payout.stmt_team"), self.row.get("team") or "-"),
            (self.word("payout.stmt_plan"), str(self.row.get("plan") or "-")),
        ]
        for code, value in zip(("employee_no", "cost_center"), self.payroll, strict=True):
            if value:
                out.append((self.word(f"payout.stmt_{code}"), value))
        return out

    def fact(self, label: str, value: str) -> str:
        """One heading fact: "Team: T3" (团队：T3)."""
        return self.word("payout.stmt_fact", label=label, value=value)

    def page_text(self, n: str, total: str) -> str:
        """The page number: "page 1 of 3" (第 1 页，共 3 页)."""
        return self.word("payout.page_of", n=n, total=total)


def _page_css(s: Statement) -> str:
    """The print style's page number in the statement's language, from CSS page counters:
    ``"page " counter(page) " of " counter(pages) ""``."""
    parts = s.page_text("\x00page\x00", "\x00pages\x00").split("\x00")
    return " ".join(f'"{p}"' if i % 2 == 0 else f"counter({p})" for i, p in enumerate(parts))


def statement_html(s: Statement) -> str:
    """A self-contained HTML statement (all values escaped), in the statement's language."""
    e = html.escape
    figures = "".join(
        f"<tr><th>{e(label)}</th><td class=n>{e(value)}</td></tr>" for label, value in s.figures()
    )
    again = s.recomputed()
    if again:
        figures += f"<tr><th>{e(again[0])}</th><td class=n>{e(again[1])}</td></tr>"
    lines = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if k in RIGHT_KEYS else ''}>{e(s.cell(ln, k))}</td>" for k in LINE_KEYS
        )
        + f"<td class=r>{e(s.reason(ln))}</td></tr>"
        for ln in s.lines
    )
    rules = "".join(f"<li>{e(r)}</li>" for r in s.rule_texts)
    facts = " &middot; ".join(e(s.fact(label, value)) for label, value in s.facts())
    return f"""<!doctype html>
<html lang="{e(s.lang)}"><head><meta charset="utf-8"><title>{e(s.title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Noto Sans", Arial, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; margin-bottom: 1.5em; }}
th, td {{ border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top; }}
th {{ background: #eef2f7; }} td {{ font-variant-numeric: tabular-nums; }}
td.r {{ max-width: 48em; }} .n {{ text-align: right; white-space: nowrap; }}
.status {{ font-weight: bold; }}
@page {{ size: A4 landscape; margin: 12mm;
  @bottom-center {{ content: {_page_css(s)}; font-size: 9pt; }} }}
@media print {{ body {{ margin: 0; }} tr {{ break-inside: avoid; }} }}
</style></head><body>
<h1>{e(s.title)}</h1>
<p>{facts} &middot;
<span class="status">{e(s.status_text)}</span></p>
<h2>{e(s.word("payout.stmt_payout"))}</h2><table>{figures}</table>
<h2>{e(s.word("payout.stmt_lines"))}</h2>
<table><thead><tr>{_heads(s)}</tr></thead><tbody>{lines}</tbody></table>
<h2>{e(s.word("payout.stmt_rules"), quote=False)}</h2><ul>{rules}</ul>
</body></html>
"""


def _heads(s: Statement) -> str:
    """The lines table's heading cells (the amount's right-aligned, as its column), with the
    line break the English statement has always had after the fifth."""
    cells = [
        f"<th{' class=n' if k in RIGHT_KEYS else ''}>{html.escape(h)}</th>"
        for k, h in zip((*LINE_KEYS, "reason"), s.headings(), strict=True)
    ]
    return "".join(cells[:5]) + "\n" + "".join(cells[5:])


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
    every = [
        s.title,
        s.status_text,
        s.page_text("1", "1"),
        *s.rule_texts,
        *(text for pair in s.facts() for text in pair),
        *(label for label, _ in s.figures()),
        *(s.recomputed() or ()),
        *s.headings(),
        *(s.reason(ln) for ln in s.lines),
        *(str(v) for ln in s.lines for k, v in ln.items() if k not in ("reason", "reason_args")),
    ]
    try:
        "".join(every).encode("latin-1")
    except UnicodeEncodeError as exc:
        raise PdfUnavailable(
            "the statement has characters (e.g. Chinese) that need a CJK font; install "
            "fonts-noto-cjk or set DASHBOARD_CJK_FONT (the HTML statement was written)"
        ) from exc


def _bold_of(font: tuple[Path, int]) -> tuple[Path, int] | None:
    """The bold face next to a regular font file (Noto's ...-Bold.ttc), if installed."""
    bold = font[0].with_name(font[0].name.replace("Regular", "Bold"))
    return (bold, font[1]) if bold != font[0] and bold.is_file() else None


def statement_pdf_bytes(s: Statement, font: tuple[Path, int] | None) -> bytes:
    """The statement as PDF (A4 landscape): heading facts and status, the figures, the lines
    (their heading repeated on every page), the plan in words; "page N of M" at the foot of
    every page and the title at the top of every page after the first.

    Raises:
        PdfUnavailable: the text needs a CJK font and ``font`` is None.
    """
    from fpdf import FPDF
    from fpdf.enums import TableBordersLayout
    from fpdf.fonts import FontFace

    check_pdf_font(s, font)

    class Pages(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                self.set_font(family, size=8)
                self.set_text_color(90)
                self.cell(0, 5, s.title, new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(0)
                self.ln(1)

        def footer(self) -> None:
            self.set_y(-10)
            self.set_font(family, size=8)
            self.set_text_color(90)
            self.cell(0, 5, s.page_text(str(self.page_no()), "{nb}"), align="C")
            self.set_text_color(0)

    pdf = Pages(orientation="L", format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(s.title)
    bold = ""
    if font is not None:
        pdf.add_font("body", fname=str(font[0]), collection_font_number=font[1])
        heavy = _bold_of(font)
        if heavy is not None:
            pdf.add_font("body", "B", fname=str(heavy[0]), collection_font_number=heavy[1])
            bold = "B"
        family = "body"
    else:
        family, bold = "helvetica", "B"
    pdf.add_page()
    pdf.set_font(family, bold, size=14)
    pdf.multi_cell(0, 8, s.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    pdf.multi_cell(
        0, 5, "    ".join(s.fact(k, v) for k, v in s.facts()), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, bold, size=10)
    pdf.multi_cell(0, 6, s.status_text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    head = FontFace(emphasis=bold or None, fill_color=(230, 235, 242))
    pdf.set_font(family, bold, size=11)
    pdf.cell(0, 6, s.word("payout.stmt_payout"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    figures = s.figures()
    again = s.recomputed()
    with pdf.table(
        col_widths=(80, 35),
        width=115,
        align="LEFT",
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=5,
    ) as table:
        for label, value in [*figures, *([again] if again else [])]:
            row = table.row()
            row.cell(label, align="LEFT")
            row.cell(value, align="RIGHT")
    pdf.ln(3)
    pdf.set_font(family, bold, size=11)
    pdf.cell(0, 6, s.word("payout.stmt_lines"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=8)
    keys = (*LINE_KEYS, "reason")
    with pdf.table(
        col_widths=LINE_WIDTHS,
        width=sum(LINE_WIDTHS),
        headings_style=head,
        line_height=4.5,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
    ) as table:
        row = table.row()
        for k, h in zip(keys, s.headings(), strict=True):
            row.cell(h, align="RIGHT" if k in RIGHT_KEYS else "LEFT")
        for ln in s.lines:
            row = table.row()
            for k in LINE_KEYS:
                row.cell(s.cell(ln, k), align="RIGHT" if k in RIGHT_KEYS else "LEFT")
            row.cell(s.reason(ln), align="LEFT")  # wrapped, never justified
    pdf.ln(3)
    pdf.set_font(family, bold, size=11)
    pdf.cell(0, 6, s.word("payout.stmt_rules"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    bullet = "\u2022" if font is not None else "-"  # Helvetica (Latin-1) has no bullet
    for rule in s.rule_texts:  # the bullet apart, so that a wrapped line hangs under the text
        pdf.cell(5, 5, bullet)
        pdf.multi_cell(0, 5, rule, align="LEFT", new_x="LMARGIN", new_y="NEXT")
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
    lang: str = "en",
    payroll: Mapping[str, tuple[str | None, str | None]] | None = None,
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
        lang: the statements' language, "en" or "zh".
        payroll: agent_id -> (employee_no, cost_center), printed when known.

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
            lang,
            (payroll or {}).get(row["agent_id"], (None, None)),
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
