"""Payout texts by code (issue 10): English byte for byte as before, Chinese on Chinese pages
and in files downloaded or written with ``--lang zh``.

The English goldens in tests/golden/payouts/ were written by the CLI on the sample data before
the payout texts had codes (and read by a person): the English rendering must not change. The
Chinese checks fail on an English sentence (three lower-case words in a row, or a phrase of the
English texts); header names are checked against names written here by hand (the column
glossary of domain.md's payout tables, in Chinese).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.paths import SAMPLE_DATA
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.values import Period
from tests.payout_fixtures import close_through
from tests.test_app_zh_engine import ENGLISH_RUN

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
GOLDEN = ROOT / "tests" / "golden" / "payouts"
# Phrases of the English payout texts that must not show on a Chinese page or in a file.
PAYOUT_PHRASES = (
    "capped at",
    "credited to",
    "was approved by",
    "payment row(s)",
    "Commission:",
    "Cap:",
    "Total =",
    "reduces this",
    "fixed rate",
    "level from",
    "no bonus",
    "DRAFT",
    "approved by",
    "no agent",
    "Commission statement",
)


# The credit rules of queries/derived/payments_credited.sql, as the engine writes them.
CREDIT_RULES = {
    "given", "account_snapshot", "account_earliest_snapshot", "none",
    "reversed_payment_agent", "unmatched_reversal",
}  # fmt: skip


def english(texts: list[str]) -> list[str]:
    return [t for t in texts if ENGLISH_RUN.search(t) or any(p in t for p in PAYOUT_PHRASES)]


@pytest.fixture
def db_path(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "db.duckdb"
    shutil.copy(sample_db, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


@pytest.fixture
def closed_db(sample_closed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample closed up to 2026-09 (``sample_closed``), a private copy the app opens."""
    path = tmp_path / "closed.duckdb"
    shutil.copy(sample_closed, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def approve(path: Path, period: str, by: str = "李娜") -> None:
    """Prepare (王伟) and approve (``by``) every period up to ``period`` not yet approved."""
    book = load_plans(SAMPLE_DATA / "plans.yaml")
    close_through(path, Period.parse(period), book, preparer="王伟", approver=by)


# --- English: byte for byte what the CLI wrote before the texts had codes ---


@pytest.mark.parametrize("period", ["2026-08", "2026-09", "2026-10"])
def test_english_lines_are_unchanged(period: str, sample_db: Path, cli: Callable[..., Any]) -> None:
    r = cli("report", "payout-lines", "--db", sample_db, "--period", period, "--format", "csv")
    assert r.code == 0, r.err
    assert r.out == (GOLDEN / f"lines_{period}.csv").read_text(encoding="utf-8")


def test_english_payouts_and_statement_are_unchanged(
    sample_db: Path, cli: Callable[..., Any], tmp_path: Path
) -> None:
    r = cli("report", "payouts", "--db", sample_db, "--period", "2026-10", "--format", "csv")
    assert r.code == 0, r.err
    assert r.out == (GOLDEN / "payouts_2026-10.csv").read_text(encoding="utf-8")
    assert r.err == (
        "note: 1 payment row(s) dated in 2026-10 (net 2,260.00) are in no agent's basis "
        "(account in no snapshot yet, or no agent to credit)\n"
    )
    out = tmp_path / "st"
    r = cli(
        "statements", "--db", sample_db, "--period", "2026-10", "--out", out, "--format", "html"
    )
    assert r.code == 0, r.err
    name = "statement_2026-10_AG006.html"
    assert (out / name).read_text(encoding="utf-8") == (GOLDEN / name).read_text(encoding="utf-8")


# --- Chinese on the command line ---

# The Chinese header of each payout column, written by hand (the payout glossary).
ZH_PAYOUT_HEADERS = {
    "period": "期间",
    "agent_id": "催收员编号",
    "agent_name": "姓名",
    "basis": "计提基数（净回收）",
    "cap_applied": "已封顶",
    "payout": "应发佣金",
}
ZH_LINE_HEADERS = {"line_no": "序号", "kind": "类型", "reason": "原因", "amount": "金额"}


def _header(ws: Any) -> list[str]:
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]


def test_cli_xlsx_in_chinese(closed_db: Path, cli: Callable[..., Any], tmp_path: Path) -> None:
    db_path = closed_db
    approve(db_path, "2026-10")
    out = tmp_path / "payouts.xlsx"
    r = cli(
        "report", "payouts", "--db", db_path, "--period", "2026-10", "--format", "xlsx",
        "--out", out, "--lang", "zh",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert not english(r.err.splitlines()), r.err  # the notes, in Chinese
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["佣金", "明细", "说明"]
    pay, lines, about = (wb[n] for n in wb.sheetnames)
    head = _header(pay)
    for name, zh in ZH_PAYOUT_HEADERS.items():
        assert zh in head, (name, zh, head)
    assert not [h for h in head if h.isascii() and h not in ("#",)], head  # no column untranslated
    # Money stays an exact number with two decimals (AG006's payout is capped at 5,000.00).
    row = next(r for r in pay.iter_rows(min_row=2) if r[head.index("催收员编号")].value == "AG006")
    cell = row[head.index("应发佣金")]
    assert cell.value == 5000 and cell.number_format == "#,##0.00"
    assert row[head.index("已封顶")].value is True
    lhead = _header(lines)
    for zh in ZH_LINE_HEADERS.values():
        assert zh in lhead, (zh, lhead)
    reasons = [r[lhead.index("原因")].value for r in lines.iter_rows(min_row=2)]
    assert any("按封顶 5,000.00 发放" in t for t in reasons), reasons[:5]
    assert not english(reasons), english(reasons)[:5]
    labels = [r[0].value for r in about.iter_rows()]
    assert labels[:2] == ["期间", "状态"] and "审批人" in labels, labels
    values = [str(r[1].value) for r in about.iter_rows()]
    assert "已审批" in values, values
    assert not english(values), english(values)


def test_cli_csv_and_statements_in_chinese(
    db_path: Path, cli: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "lines.csv"
    r = cli(
        "report", "payout-lines", "--db", db_path, "--period", "2026-10", "--out", out,
        "--lang", "zh",
    )  # fmt: skip
    assert r.code == 0, r.err
    text = out.read_text(encoding="utf-8-sig")
    head = text.splitlines()[0].split(",")
    assert head[:4] == ["期间", "催收员编号", "姓名", "序号"], head
    assert "原因" in head and "reason_code" not in text
    assert not english(text.splitlines()[1:]), english(text.splitlines()[1:])[:3]
    folder = tmp_path / "st"
    r = cli(
        "statements", "--db", db_path, "--period", "2026-10", "--out", folder, "--agent", "AG006",
        "--format", "html", "--lang", "zh",
    )  # fmt: skip
    assert r.code == 0, r.err
    page = (folder / "statement_2026-10_AG006.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "佣金对账单 2026-10" in page
    assert "封顶：当月合计最多发放 5,000.00。" in page  # the plan in words
    assert "草稿：未审批" in page
    body = page.split("<body>")[1]
    assert not english([body]), english([body])[0][:300]


def test_cli_lang_is_checked(db_path: Path, cli: Callable[..., Any]) -> None:
    r = cli("report", "payouts", "--db", db_path, "--period", "2026-10", "--lang", "fr")
    assert r.code == 2
    assert "--lang" in r.err and "'fr'" in r.err and "en" in r.err and "zh" in r.err
    assert "Traceback" not in r.err


# --- Chinese on the Payouts page ---


def _texts(at: AppTest) -> list[str]:
    out = [m.value for m in at.markdown] + [c.value for c in at.caption]
    out += [e.value for e in (*at.info, *at.success, *at.warning, *at.error)]
    for df in (d.value for d in at.dataframe):
        for column in ("reason", "status"):
            if column in df:
                out += [str(v) for v in df[column]]
    return out


def test_chinese_payouts_page(closed_db: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "中文"})
    at.run()
    at = at.switch_page("views/payouts.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="pay_agent").set_value("AG006").run()  # capped in 2026-10 (a draft)
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    shown = " ".join(texts)
    assert "合计 9,144.85，按封顶 5,000.00 发放" in shown  # the cap line, in Chinese
    rules = {v for d in at.dataframe if "credit_rule" in d.value for v in d.value["credit_rule"]}
    assert rules and not rules & CREDIT_RULES, rules  # why a payment counts, in Chinese
    assert "封顶：当月合计最多发放 5,000.00。" in shown  # the plan in words
    assert "未计入任何催收员的计提基数" in shown  # the note on uncounted payments
    assert not english(texts), english(texts)[:5]
    at.selectbox(key="pay_period").set_value("2026-09").run()  # approved
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    shown = " ".join(texts)
    assert "2026-09 已由 李娜 于" in shown  # the approval note
    assert "计入" in shown  # payment lines as approved, rendered from their stored codes
    assert not english(texts), english(texts)[:5]


def test_approved_lines_keep_their_codes(closed_db: Path) -> None:
    db_path = closed_db
    approve(db_path, "2026-10")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(
            "select count(*), count(reason_code) from payout_approved_lines"
        ).fetchall()
        rules = con.execute(
            "select count(*), count(rule_code) from payout_approved_rules"
        ).fetchall()
    finally:
        con.close()
    assert rows[0][0] > 0 and rows[0][0] == rows[0][1]
    assert rules[0][0] > 0 and rules[0][0] == rules[0][1]


def test_chinese_whatif_tab(db_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "中文"})
    at.run()
    at = at.switch_page("views/payouts.py").run()
    assert [tab.label for tab in at.tabs] == ["月度佣金", "方案模拟"]
    at.session_state["pay_tab"] = "方案模拟"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # The candidate shipped as an example (config/plans_candidate.yaml) is chosen by default.
    assert at.selectbox(key="whatif_file").value.name == "plans_candidate.yaml"
    labels = [m.label for m in at.metric]
    assert labels == ["现行方案成本", "候选方案成本", "差额（候选 − 现行）"], labels
    texts = [*(c.value for c in at.caption), *(e.value for e in (*at.info, *at.error))]
    texts += [w.label for w in (*at.selectbox, *at.metric)]
    assert not english(texts), english(texts)[:5]
    table = at.dataframe[0].value
    assert (table["difference"] != 0).any()  # the candidate changes someone's payout
