"""The Chinese Payouts page in a real browser (issue 10: "the Chinese UI falls back to English
wherever the engine writes text: ... plan rules, payout notes, audit reasons and credit-rule
codes, statements, XLSX/CSV headers").

A finance controller opens Payouts in Chinese, picks 2026-10 and AG006 (capped that month),
opens the notes and the plan's rules, reads the audit lines and downloads the statement and
the payroll files. What she sees is read from the page: its visible text, and every cell the
two tables paint (browse.INIT), scrolled through. A catalogue miss fails the test: an English
sentence (three lower-case words in a row) or a phrase of the English payout texts
(tests/test_payout_zh.py) anywhere on the page or in a file. The Chinese texts expected here
are written out by hand from the sample's figures (AG006: total 9,144.85 capped at 5,000.00;
one payment of 2,260.00 credited to nobody in 2026-10, as the CLI's English golden says), and
the credit rules of AG006's payments are derived from payments.csv by domain.md's rules.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.e2e import browse
from tests.e2e.browse import expand, main_text, open_page
from tests.e2e.sample import credit_rules
from tests.test_payout_zh import ZH_LINE_HEADERS, ZH_PAYOUT_HEADERS, english

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The Chinese names of the credit rules (domain.md's payout glossary, in Chinese).
CREDIT_ZH = {
    "given": "文件指定",
    "account_snapshot": "按账户当期快照",
    "account_earliest_snapshot": "按账户最早快照",
    "reversed_payment_agent": "随被冲正的还款",
}
CODES = {*CREDIT_ZH, "none", "unmatched_reversal"}
# Material icon names Streamlit writes as text into buttons and expanders: not words.
ICON = re.compile(r"^[a-z]+(_[a-z]+)+$|^(download|description)$")


def lines_of(text: str) -> list[str]:
    return [s.strip() for s in text.splitlines() if s.strip() and not ICON.match(s.strip())]


def test_chinese_payouts_page_shows_the_engine_texts_in_chinese(
    page: Any, app_url: str, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, f"{app_url}/payouts?lang=中文&pay_period=2026-10&pay_agent=AG006")
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "佣金"
    expand(page, "说明")
    expand(page, "方案规则")
    text = main_text(page)
    cells = [c for g in range(browse.grids(page).count())
             for c in browse.all_painted(page, browse.grids(page).nth(g))]  # fmt: skip
    # a wrapped reason is painted line by line: the whole texts as the grids hold them too
    cells += [c for g in range(browse.grids(page).count())
              for c in browse.all_cells(page, browse.grids(page).nth(g))]  # fmt: skip

    # the payout note, the plan's rules, the audit line of the cap: in Chinese
    assert "2026-10 有 1 笔还款（净额 2,260.00）未计入任何催收员的计提基数" in text, text
    assert "封顶：当月合计最多发放 5,000.00。" in text
    assert any("合计 9,144.85，按封顶 5,000.00 发放" in c for c in cells), cells
    assert any(c.startswith("还款：计入还款记录上填写的催收员") for c in cells), cells
    # why each payment counts: the Chinese name of its credit rule, never the code
    expected = {CREDIT_ZH[r] for r in credit_rules("AG006", date(2026, 10, 1), date(2026, 10, 31))}
    assert expected <= set(cells), (expected, cells)
    assert not CODES & set(cells), CODES & set(cells)
    # no English sentence anywhere: a catalogue miss
    assert not english(lines_of(text)), english(lines_of(text))
    assert not english(cells), english(cells)

    # the statement and the payroll files, downloaded from the page, in Chinese too
    html = browse.download(page, "对账单（HTML）", tmp_path).read_text(encoding="utf-8")
    assert '<html lang="zh">' in html and "佣金对账单 2026-10" in html
    assert "封顶：当月合计最多发放 5,000.00。" in html and "草稿：未审批" in html
    body = html.split("<body>")[1]
    assert not english([body]), english([body])[0][:300]

    raw = browse.download(page, "下载佣金表（CSV）", tmp_path).read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert set(ZH_PAYOUT_HEADERS.values()) <= set(rows[0]), rows[0]
    assert not [h for h in rows[0] if h.isascii()], rows[0]  # no header left in English
    ag006 = next(r for r in rows if "AG006" in r)
    assert ag006[rows[0].index("应发佣金")] == "5000.00", ag006  # exact, capped

    book = openpyxl.load_workbook(browse.download(page, "下载佣金表（XLSX）", tmp_path))
    assert book.sheetnames == ["佣金", "明细", "说明"]
    lines = book["明细"]
    head = [c.value for c in next(lines.iter_rows(min_row=1, max_row=1))]
    assert set(ZH_LINE_HEADERS.values()) <= set(head), head
    reasons = [r[head.index("原因")].value for r in lines.iter_rows(min_row=2)]
    assert any("按封顶 5,000.00 发放" in str(r) for r in reasons), reasons[:5]
    assert not english([str(r) for r in reasons]), english([str(r) for r in reasons])[:5]

    browse.assert_no_exception(page)
