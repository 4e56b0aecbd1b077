"""Payroll exports: the Excel workbook, CSV, and per-agent statements (HTML, PDF).

Figures are those of tests/test_payout_db.py (October 2026: A1 15.00, A2 84.10, A3 12.00,
A4 0.00, A5 0.00; total 111.10). Agent A3 is named ``=Carol+1``: every export must keep it
from becoming a formula. PDF tests do not depend on a CJK font being installed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from dashboard.payouts import exports
from dashboard.payouts import statements as payout_statements
from dashboard.payouts.plan_file import load_plans, parse_plans
from dashboard.payouts.plan_words import plan_in_words
from dashboard.payouts.statements import (
    PdfUnavailable,
    Statement,
    find_cjk_font,
    statement_html,
    statement_pdf,
)
from dashboard.payouts.values import Period
from dashboard.spreadsheet import neutralise, write_csv
from tests.conftest import CliResult
from tests.payout_fixtures import (
    OWNERS_SEP,
    SCENARIO_PLANS,
    accounts,
    build_scenario,
    close_through,
    import_texts,
)

Cli = Callable[..., CliResult]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build_scenario(tmp_path_factory.mktemp("exports"))


def args(db_path: Path) -> tuple:
    return ("--db", db_path, "--period", "2026-10", "--plans", SCENARIO_PLANS)


def test_xlsx_workbook(scenario: Path, cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "payouts.xlsx"
    r = cli("report", "payouts", *args(scenario), "--format", "xlsx", "--out", out)
    assert r.code == 0, r.err
    wb = openpyxl.load_workbook(out, data_only=True)
    assert wb.sheetnames == ["Payouts", "Lines", "About"]
    ws = wb["Payouts"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]  # the English column labels (a workbook is read by people), never names
    by_agent = {row[head.index("Agent")]: dict(zip(head, row, strict=True)) for row in rows[1:6]}
    assert by_agent["A2"]["Payout"] == pytest.approx(84.10)
    assert by_agent["A2"]["Compliance factor"] == pytest.approx(0.7)
    assert by_agent["A5"]["Deficit carried out"] == pytest.approx(-20.0)
    assert by_agent["A1"]["Name"] == "王小明"
    total = dict(zip(head, rows[6], strict=True))
    assert total["Period"] == "Total"
    assert D(str(total["Payout"])) == D("111.1")  # the stored result of =SUM(...)
    assert ws.cell(2, head.index("Payout") + 1).number_format == "#,##0.00"
    # The total is a live formula; the formula-looking name is a text cell, not a formula.
    raw = openpyxl.load_workbook(out)["Payouts"]
    assert str(raw.cell(7, head.index("Payout") + 1).value).startswith("=SUM(")
    a3 = raw.cell(4, head.index("Name") + 1)
    assert (a3.value, a3.data_type) == ("=Carol+1", "s")
    lines = list(wb["Lines"].iter_rows(values_only=True))
    assert lines[0][:5] == ("Period", "Agent", "Name", "#", "Kind")
    assert any(row[5] == "P2" and row[8] == pytest.approx(-1000) for row in lines[1:])
    about = dict(wb["About"].iter_rows(values_only=True))
    assert about["Period"] == "2026-10" and about["Status"] == "draft"


def test_xlsx_lines_past_a_sheets_rows_go_on_more_sheets(
    scenario: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worksheet holds 1,048,576 rows and xlsxwriter writes nothing past them: a bank's month
    # has more audit lines. With a sheet of 2 data rows, the lines of one sheet are spread over
    # ceil(n / 2) sheets, in order, none lost.
    whole = tmp_path / "whole.xlsx"
    assert cli("report", "payouts", *args(scenario), "--format", "xlsx", "--out", whole).code == 0
    lines = list(openpyxl.load_workbook(whole, data_only=True)["Lines"].iter_rows(values_only=True))
    head, rows = lines[0], lines[1:]
    assert len(rows) > 2
    monkeypatch.setattr(exports, "SHEET_ROWS", 2)
    out = tmp_path / "split.xlsx"
    assert cli("report", "payouts", *args(scenario), "--format", "xlsx", "--out", out).code == 0
    wb = openpyxl.load_workbook(out, data_only=True)
    parts = -(-len(rows) // 2)
    names = [f"Lines {i}" for i in range(1, parts + 1)]
    assert wb.sheetnames == ["Payouts", *names, "About"]
    spread = []
    for name in names:
        sheet = list(wb[name].iter_rows(values_only=True))
        assert sheet[0] == head and 1 <= len(sheet) - 1 <= 2
        spread += sheet[1:]
    assert spread == rows


def test_csv_export_neutralises_formulas(scenario: Path, cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "payouts.csv"
    r = cli("report", "payouts", *args(scenario), "--format", "csv", "--out", out)
    assert r.code == 0, r.err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese name right
    text = raw.decode("utf-8-sig")
    assert ",'=Carol+1," in text and ",=Carol+1," not in text
    assert "A5,Eve,T2,standard,-1000.00," in text  # numbers are never prefixed
    stdout = cli("report", "payouts", *args(scenario), "--format", "csv")
    assert ",'=Carol+1," in stdout.out


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+2", "'=1+2"), ("+1", "'+1"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\t=1", "'\t=1"), ("Bob", "Bob"), (D("-5.00"), D("-5.00")), (None, None)],
)  # fmt: skip
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def test_write_csv_keeps_decimals_exact() -> None:
    table = pa.table({"name": ["-bad"], "amount": pa.array([D("-0.10")], pa.decimal128(18, 2))})
    out = io.StringIO()
    write_csv(table, out)
    assert out.getvalue() == "name,amount\n'-bad,-0.10\n"


def test_statements_html_and_pdf(
    scenario: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without a CJK font: every statement as HTML; PDF for all but the Chinese name.
    monkeypatch.setattr(payout_statements, "find_cjk_font", lambda: None)
    out = tmp_path / "statements"
    r = cli("statements", *args(scenario), "--out", out)
    assert r.code == 0, r.err
    htmls = sorted(p.name for p in out.glob("*.html"))
    assert htmls == [f"statement_2026-10_A{i}.html" for i in range(1, 6)]
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs == [f"statement_2026-10_A{i}.pdf" for i in range(2, 6)]
    assert all(p.read_bytes().startswith(b"%PDF") for p in out.glob("*.pdf"))
    assert "A1: no PDF" in r.err and "CJK font" in r.err
    a2 = (out / "statement_2026-10_A2.html").read_text("utf-8")
    assert "Commission statement 2026-10: Bob (A2)" in a2 and "DRAFT: not approved" in a2
    assert "84.10" in a2 and "reached on 2026-10-24" in a2
    assert "from 3 tasks: 3%" in a2  # the plan's rules in words
    a1 = (out / "statement_2026-10_A1.html").read_text("utf-8")
    assert "王小明" in a1


def test_statement_for_one_agent_of_an_approved_period(scenario: Path, cli: Cli, tmp_path: Path):
    db_copy = tmp_path / "copy.duckdb"
    db_copy.write_bytes(scenario.read_bytes())
    # October ended (a 10-31 snapshot, same owners) and the months before it approved: then
    # October can be prepared (Wang Wei) and approved (Li Na).
    snapshot = {"acc.csv": ("accounts", accounts("2026-10-31", OWNERS_SEP))}
    import_texts(db_copy, tmp_path / "oct", snapshot)
    close_through(db_copy, Period(2026, 9), load_plans(SCENARIO_PLANS))
    assert cli("prepare", *args(db_copy), "--by", "Wang Wei").code == 0
    assert cli("approve", *args(db_copy), "--by", "Li Na").code == 0
    out = tmp_path / "st"
    r = cli("statements", *args(db_copy), "--out", out, "--agent", "A3", "--format", "html")
    assert r.code == 0, r.err
    page = (out / "statement_2026-10_A3.html").read_text("utf-8")
    assert "prepared by Wang Wei on" in page and "approved by Li Na" in page
    assert "=Carol+1" in page
    missing = cli("statements", *args(db_copy), "--out", out, "--agent", "ZZ")
    assert missing.code == 2


def test_statement_html_escapes_everything() -> None:
    s = Statement("2026-10", "DRAFT", {"agent_id": "A<1>", "agent_name": "<script>x</script>",
                                       "plan": "p"}, [], ["a & b"])  # fmt: skip
    page = statement_html(s)
    assert "<script>x" not in page and "&lt;script&gt;x" in page and "a &amp; b" in page


def test_pdf_with_chinese_needs_a_font(tmp_path: Path) -> None:
    s = Statement("2026-10", "DRAFT", {"agent_id": "A1", "agent_name": "王小明", "plan": "p"},
                  [], ["rule"])  # fmt: skip
    with pytest.raises(PdfUnavailable, match="CJK font"):
        statement_pdf(s, tmp_path / "a.pdf", None)
    font = find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed")
    statement_pdf(s, tmp_path / "a.pdf", font)
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_plan_in_words() -> None:
    book = parse_plans(
        """
default_plan: m
plans:
  m:
    tiers: {metric: collected, mode: marginal,
            levels: [{min: 0, rate: 0.01}, {min: 50000, rate: 0.02}, {min: 100000, rate: 0.03}]}
    cap: 5000
teams:
  T1: {pool_rate: 0.005, target: 300000}
"""
    )
    words = " ".join(plan_in_words(book.plans["m"], book.teams["T1"]))
    assert "0.00 to 50,000.00 at 1%; 50,000.00 to 100,000.00 at 2%; above 100,000.00 at 3%" in (
        words
    )
    assert "reaches 300,000.00, 0.5% of it is shared" in words
    assert "paid up to 5,000.00" in words
    assert "A negative total pays 0.00" in words
