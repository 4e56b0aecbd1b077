"""Statements and the payroll workbook as documents finance hands out (issue 12).

In English and Chinese: headers are the column labels (never snake_case names), codes are
words, amounts are right-aligned numbers with thousands separators, every printed page says
"page N of M" (第 N 页，共 M 页), the period, the approval status with the approver's name, the
plan in words; the payroll sheet carries the agents' ``employee_no`` and ``cost_center``
(optional columns of the agents extract, here under Chinese headers). Expected texts are
written here by hand (the column glossary, the message catalogue's wording); the workbook is
read back with openpyxl, the PDF with ``tests/pdf_text.py`` (and ``pdftotext`` when installed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dashboard.payouts import statements as payout_statements
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.statements import find_cjk_font
from dashboard.payouts.values import Period
from tests.conftest import CliResult
from tests.payout_fixtures import (
    OWNERS_SEP,
    SCENARIO_PLANS,
    accounts,
    build_scenario,
    close_through,
    import_texts,
)
from tests.pdf_text import pdf_pages

Cli = Callable[..., CliResult]
# The scenario's agents again, with Chinese headers and the two optional payroll columns.
AGENTS_ZH = """催收员编号,姓名,团队,佣金方案,员工编号,成本中心
A1,王小明,T1,,E-0001,北区
A2,Bob,T1,ladder,E-0002,CC-100
A3,=Carol+1,T2,standard,,
A4,Dan,T1,standard,E-0004,CC-100
A5,Eve,T2,,E-0005,CC-200
"""
# The payout sheet's headers by hand (the column glossary): English and Chinese.
PAYOUT_HEADS = {
    "en": ["Period", "Agent", "Name", "Employee no.", "Cost center", "Team", "Plan",
           "Basis (net credited)", "Tasks"],
    "zh": ["期间", "催收员编号", "姓名", "员工编号", "成本中心", "团队", "方案",
           "计提基数（净回收）", "有效户数"],
}  # fmt: skip
LINE_HEADS = {
    "en": ["Period", "Agent", "Name", "#", "Kind", "Payment", "Account", "Payment date", "Amount",
           "Credit rule", "Reverses", "Reason", "Corrects period"],
    "zh": ["期间", "催收员编号", "姓名", "序号", "类型", "还款流水号", "账号", "还款日期", "金额",
           "归属规则", "冲正原流水", "原因", "调整所属期间"],
}  # fmt: skip


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("documents")
    db_path = build_scenario(folder)
    import_texts(db_path, folder / "again", {"agents_zh.csv": ("agents", AGENTS_ZH)})
    yield db_path


def args(db_path: Path) -> tuple[Any, ...]:
    return ("--db", db_path, "--period", "2026-10", "--plans", SCENARIO_PLANS)


def workbook(cli: Cli, db_path: Path, out: Path, lang: str) -> Any:
    r = cli("report", "payouts", *args(db_path), "--format", "xlsx", "--out", out, "--lang", lang)
    assert r.code == 0, r.err
    return openpyxl.load_workbook(out)


def _header(ws: Any) -> list[str]:
    return [c.value for c in ws[1]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_workbook_headers_numbers_payroll_and_pages(
    scenario: Path, cli: Cli, tmp_path: Path, lang: str
) -> None:
    wb = workbook(cli, scenario, tmp_path / "p.xlsx", lang)
    pay, lines, about = wb.worksheets
    head = _header(pay)
    assert head[: len(PAYOUT_HEADS[lang])] == PAYOUT_HEADS[lang]
    assert not [h for h in head if "_" in h], head  # no snake_case name left
    if lang == "zh":
        assert not [h for h in head if re.search(r"[A-Za-z]", h)], head
    rows = {r[1].value: r for r in pay.iter_rows(min_row=2) if r[1].value}
    # The payroll ids of the agents extract, under their labels; blank where it has none.
    ids = {a: (rows[a][3].value, rows[a][4].value) for a in ("A1", "A2", "A3")}
    assert ids == {"A1": ("E-0001", "北区"), "A2": ("E-0002", "CC-100"), "A3": (None, None)}
    # Money: a number, thousands separators, right-aligned; its header right-aligned too.
    payout = head.index({"en": "Payout", "zh": "应发佣金"}[lang])
    cell = rows["A2"][payout]
    assert cell.value == pytest.approx(84.10)
    assert cell.number_format == "#,##0.00" and cell.alignment.horizontal == "right"
    assert pay.cell(1, payout + 1).alignment.horizontal == "right"
    basis = rows["A1"][head.index(PAYOUT_HEADS[lang][7])]
    assert basis.number_format == "#,##0.00" and basis.alignment.horizontal == "right"
    tasks = rows["A2"][head.index(PAYOUT_HEADS[lang][8])]
    assert (tasks.value, tasks.number_format, tasks.alignment.horizontal) == (3, "#,##0", "right")
    # Printed: A4 landscape, the header row on each page, period and status, page N of M.
    status = {"en": "DRAFT: not approved", "zh": "草稿：未审批"}[lang]
    page = {"en": "page &P of &N", "zh": "第 &P 页，共 &N 页"}[lang]
    for ws in (pay, lines, about):
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert "2026-10" in ws.oddHeader.left.text and ws.oddHeader.right.text == status
        assert ws.oddFooter.center.text == page
    assert pay.print_title_rows == "$1:$1"
    assert _header(lines) == LINE_HEADS[lang]
    kinds = {r[4].value for r in lines.iter_rows(min_row=2)}
    words = {
        "en": {"payment", "reversal", "commission", "team pool", "early bonus", "payout"},
        "zh": {"还款", "冲正", "提成", "团队奖金", "提前达标奖", "应发"},
    }[lang]
    assert words <= kinds and not kinds & {"team_pool", "early_bonus", "carry_out"}, kinds
    # October's credit rules: P7 given; P3-P6, P9 by snapshot; the reversals P2, P11, P12.
    rules = {r[9].value for r in lines.iter_rows(min_row=2)} - {None}
    assert rules == {
        "en": {"named on the payment", "account's agent in the snapshot",
               "agent of the reversed payment"},
        "zh": {"文件指定", "按账户当期快照", "随被冲正的还款"},
    }[lang]  # fmt: skip
    amount = next(r[8] for r in lines.iter_rows(min_row=2) if r[5].value == "P7")
    assert amount.value == 1500 and amount.number_format == "#,##0.00"
    assert amount.alignment.horizontal == "right"


def test_workbook_about_sheet_has_the_plans_in_words(
    scenario: Path, cli: Cli, tmp_path: Path
) -> None:
    wb = workbook(cli, scenario, tmp_path / "p.xlsx", "zh")
    rows = [(r[0].value, r[1].value) for r in wb.worksheets[2].iter_rows()]
    labels = [label for label, _ in rows if label and label.startswith("方案 ")]
    # ladder: A2 only (team T1); standard: A1, A4 in T1 (a pool) and A3, A5 in T2 (none).
    assert labels == ["方案 ladder", "方案 standard，团队 T1", "方案 standard，团队 T2"]
    texts = [value for _, value in rows if value]
    assert "封顶：当月合计最多发放 100.00。" in texts  # ladder's cap, in words
    start = [label for label, _ in rows].index("方案 standard，团队 T2")
    block = [value for _, value in rows[start:] if value]
    assert block[0] == "提成：计提基数（当月计入您名下的净回收金额；冲正会扣减）的 2%。"
    assert not any("团队奖金（团队" in t for t in block)  # T2 has no pool


def test_workbook_of_an_approved_period_names_preparer_and_approver(
    scenario: Path, cli: Cli, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(scenario, copy)
    # October ends in the data with a snapshot of 10-31 (the owners of 09-30); the months
    # before it are closed first, in order, then October by two people (four eyes).
    import_texts(
        copy, tmp_path / "oct", {"acc.csv": ("accounts", accounts("2026-10-31", OWNERS_SEP))}
    )
    close_through(copy, Period.parse("2026-09"), load_plans(SCENARIO_PLANS))
    r = cli("prepare", *args(copy), "--by", "王伟")
    assert r.code == 0, r.err
    r = cli("approve", *args(copy), "--by", "李娜")
    assert r.code == 0, r.err
    wb = workbook(cli, copy, tmp_path / "a.xlsx", "zh")
    header = wb.worksheets[0].oddHeader.right.text
    assert re.fullmatch(r"由 王伟 于 \S+ \S+ 编制，李娜 于 \S+ \S+ 审批", header), header
    about = {r[0].value: r[1].value for r in wb.worksheets[2].iter_rows() if r[0].value}
    assert (about["编制人"], about["审批人"], about["状态"]) == ("王伟", "李娜", "已审批")


def _pdftotext(path: Path) -> str | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    return subprocess.run([exe, str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed")
def test_chinese_statement_pdf(sample_db: Path, cli: Cli, tmp_path: Path) -> None:
    # AG006 of the sample, 2026-10: 82 lines, so the statement runs over several pages.
    r = cli(
        "statements", "--db", sample_db, "--period", "2026-10", "--out", tmp_path,
        "--agent", "AG006", "--format", "pdf", "--lang", "zh",
    )  # fmt: skip
    assert r.code == 0, r.err
    pdf = tmp_path / "statement_2026-10_AG006.pdf"
    pages = pdf_pages(pdf.read_bytes())
    n = len(pages)
    assert n >= 2
    assert [p.splitlines()[-1] for p in pages] == [f"第 {i} 页，共 {n} 页" for i in range(1, n + 1)]
    first = pages[0].splitlines()
    assert first[0] == "佣金对账单 2026-10：Lin B.（AG006）"
    # The sample's agents.csv: AG006 is the 6th agent, of team T3.
    assert first[1].split() == ["期间：2026-10", "团队：T3", "方案：ladder", "员工编号：E10006",
                                "成本中心：CC-300"]  # fmt: skip
    assert first[2] == "草稿：未审批"
    heads = ["#", "类型", "日期", "还款流水号", "账号", "金额", "原因"]
    start = first.index("明细") + 1
    assert first[start : start + 7] == heads
    second = pages[1].splitlines()
    assert second[0] == first[0] and second[1:8] == heads  # title and heading on every page
    # Amounts with thousands separators (AG006's figures, as in the English golden statement).
    assert {"303,327.87", "9,144.85", "5,000.00", "-6,230.00"} <= set("\n".join(pages).split())
    assert "方案规则" in pages[-1] and "封顶：当月合计最多发放 5,000.00。" in pages[-1]
    english = [t for t in "\n".join(pages).splitlines() if re.search(r"[a-z]{3,} [a-z]{3,}", t)]
    assert not english, english[:3]
    text = _pdftotext(pdf)  # another reader agrees
    if text is not None:
        assert f"第 1 页，共 {n} 页" in text and "还款流水号" in text


def test_english_statement_pdf_without_a_cjk_font(
    scenario: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payout_statements, "find_cjk_font", lambda: None)  # Helvetica
    r = cli("statements", *args(scenario), "--out", tmp_path, "--agent", "A2", "--format", "pdf")
    assert r.code == 0, r.err
    pages = pdf_pages((tmp_path / "statement_2026-10_A2.pdf").read_bytes())
    n = len(pages)  # the figures fill most of the first page: the lines run onto a second
    assert n == 2 and [p.splitlines()[-1] for p in pages] == ["page 1 of 2", "page 2 of 2"]
    lines = pages[0].splitlines()
    assert lines[1] == (
        "Period: 2026-10    Team: T1    Plan: ladder    Employee no.: E-0002    Cost center: CC-100"
    )
    assert lines[2] == "DRAFT: not approved"
    kinds = "\n".join(pages).splitlines()
    assert "team pool" in kinds and "early bonus" in kinds  # kinds as words


def test_html_statement_right_aligns_amounts_and_numbers_its_pages(
    scenario: Path, cli: Cli, tmp_path: Path
) -> None:
    r = cli(
        "statements", *args(scenario), "--out", tmp_path, "--agent", "A1", "--format", "html",
        "--lang", "zh",
    )  # fmt: skip
    assert r.code == 0, r.err
    page = (tmp_path / "statement_2026-10_A1.html").read_text(encoding="utf-8")
    assert "<td class=n>1,500.00</td>" in page and "<td class=n>-1,000.00</td>" in page
    assert "<th class=n>金额</th>" in page
    assert 'content: "第 " counter(page) " 页，共 " counter(pages) " 页"' in page
    assert "期间：2026-10 &middot; 团队：T1" in page and "员工编号：E-0001" in page
