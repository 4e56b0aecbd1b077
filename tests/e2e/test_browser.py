"""The app in a real browser (Debian's chromium, Playwright): the Chinese switch follows every
page, a filter changes the URL and a number, an upload with bad rows shows their reasons and
gives them back to fix (in English and Chinese), a file missing a required column names it, a
period is approved and its files download, and two sessions work at once while one of them
imports. (Every page rendering in both languages, with timings and screenshots:
test_screen.py's tour.)
"""

from __future__ import annotations

import csv
import io
import tomllib
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.paths import SAMPLE_DATA
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.values import Period
from tests.e2e.browse import (
    assert_no_exception,
    new_context,
    new_page,
    open_page,
    screenshot,
    settle,
)
from tests.e2e.sample import compact, net_collected
from tests.payout_fixtures import close_through

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[2]

TITLES = {  # url path -> Chinese title
    "": "总览",
    "delinquency": "逾期分析",
    "recovery": "回收分析",
    "agents": "催收员",
    "compliance": "合规",
    "payouts": "佣金",
    "data": "数据",
}


def metric_value(page: Any, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_the_chinese_switch_follows_every_page(page: Any, app_url: str) -> None:
    open_page(page, app_url)
    page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
    settle(page)
    assert "lang=" in page.url
    for title in TITLES.values():
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
        settle(page)
        assert page.locator('[data-testid="stMain"] h1').first.inner_text() == title
        assert "lang=" in page.url  # the language (like the filters) follows every page
        assert_no_exception(page)
    assert page.get_by_text("日期范围", exact=True).count() >= 1  # the date range control


def test_a_filter_changes_the_url_and_the_number(page: Any, app_url: str) -> None:
    open_page(page, app_url)
    october = net_collected(date(2026, 10, 1), date(2026, 10, 31))
    assert metric_value(page, "Net collected") == compact(october)  # a card is compact
    portfolio = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    portfolio.click()
    page.get_by_role("option", name="BANK_B_CARD").click()
    page.keyboard.press("Escape")
    settle(page)
    expected = net_collected(date(2026, 10, 1), date(2026, 10, 31), "BANK_B_CARD")
    page.wait_for_function(
        "(v) => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.trim() === v)",
        arg=compact(expected),
        timeout=30_000,
    )
    assert parse_qs(urlparse(page.url).query)["portfolio"] == ["BANK_B_CARD"]
    # The URL is the view: opening it in a new page shows the same number.
    again = new_page(page.context)
    open_page(again, page.url)
    assert metric_value(again, "Net collected") == compact(expected)
    again.close()


HEADER = ["payment_id", "account_id", "payment_date", "amount", "agent_id", "channel",
          "reverses_payment_id"]  # fmt: skip


def refused_download(page: Any, button: str, folder: Path) -> list[list[str]]:
    """The refused rows file the Data page offers, as CSV records (header first)."""
    with page.expect_download() as download:
        page.get_by_role("button", name=button).first.click()
    saved = folder / download.value.suggested_filename
    download.value.save_as(saved)
    return list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))


def test_upload_with_bad_rows_shows_their_reasons_and_gives_them_back_to_fix(
    page: Any, app_url: str, tmp_path: Path, artifacts: Path
) -> None:
    upload = tmp_path / "payments_fix.csv"
    upload.write_text(  # row 2 repeats a loaded payment (a no-op); rows 3 and 4 are refused
        ",".join(HEADER) + "\n"
        "P0000003-001,A0000003,2025-05-21,2130.00,AG007,bank_transfer,\n"
        "PBAD-1,A0000003,2026-10-05,abc,AG007,cash,\n"
        "PBAD-2,A0000003,2026-02-30,15.00,AG007,wallet,P0000003-001\n",
        encoding="utf-8",
    )
    open_page(page, f"{app_url}/data")
    with page.expect_file_chooser() as chooser:
        page.locator('[data-testid="stFileUploaderDropzone"]').click()
    chooser.value.set_files(str(upload))
    page.get_by_text("payments_fix.csv").first.wait_for()
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("some rows were refused", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    page.get_by_text("line 3: amount 'abc' is not", exact=False).first.wait_for(timeout=30_000)
    assert_no_exception(page)
    screenshot(page, artifacts / "data_after_upload.png")

    # The refused rows as they were in the file, with their line and reason: fix, re-upload.
    rows = refused_download(page, "Download the refused rows to fix (2)", tmp_path)
    assert rows[0] == [*HEADER, "line", "reason"]
    assert [r[:8] for r in rows[1:]] == [
        ["PBAD-1", "A0000003", "2026-10-05", "abc", "AG007", "cash", "", "3"],
        ["PBAD-2", "A0000003", "2026-02-30", "15.00", "AG007", "wallet", "P0000003-001", "4"],
    ]
    assert "amount 'abc' is not" in rows[1][8], rows[1]
    assert rows[2][8] == (  # both of its faults, in one reason
        "payment_date 2026-02-30 is not a date; amount 15.00 is positive but "
        "reverses_payment_id is set: a reversal is negative"
    ), rows[2]


def test_a_file_missing_a_required_column_names_it(page: Any, app_url: str, tmp_path: Path) -> None:
    upload = tmp_path / "no_amount.csv"  # a payments extract without its amount column
    upload.write_text(
        "payment_id,account_id,payment_date,agent_id\nPNA-1,A0000003,2026-10-01,AG007\n",
        encoding="utf-8",
    )
    for lang, button, said in (
        ("English", "Import", "no_amount.csv was refused: missing required column amount"),
        ("中文", "导入", "no_amount.csv 被拒收："),
    ):
        open_page(page, f"{app_url}/data?lang={lang}")
        with page.expect_file_chooser() as chooser:
            page.locator('[data-testid="stFileUploaderDropzone"]').click()
        chooser.value.set_files(str(upload))
        page.get_by_text(upload.name).first.wait_for()
        page.get_by_role("button", name=button, exact=True).click()
        page.get_by_text(said, exact=False).first.wait_for(timeout=60_000)
        settle(page)
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "cannot tell what kind" not in text and "无法判断" not in text, text
        if lang == "中文":  # the catalogue's Chinese text, written out by hand
            refusal = next(s for s in text.splitlines() if said in s)
            assert refusal.endswith("数据文件缺少必填列 amount"), refusal
            assert "missing required" not in text, text
        assert_no_exception(page)


UPLOAD_MB = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"][
    "maxUploadSize"
]  # the limit the dropzone states


def drawn(element: Any) -> str:
    """The text an element draws as its ``::after`` content ("" without one)."""
    content = element.evaluate("e => getComputedStyle(e, '::after').content")
    return "" if content in ("none", "normal") else str(content).strip('"')


def test_the_chinese_uploader_speaks_chinese(page: Any, app_url: str, tmp_path: Path) -> None:
    open_page(page, f"{app_url}/data?lang=中文")
    zone = page.locator('[data-testid="stFileUploaderDropzone"]').first
    text = zone.inner_text()
    words = [w for w in text.split() if w.isascii() and w.isalpha() and w.lower() != "upload"]
    assert "Upload" not in text.split() and "per file" not in text, text  # the button, the limit
    assert words in ([], ["CSV", "TXT", "TSV"]), text
    # In their place the catalogue's Chinese: the button's name (what a screen reader says
    # too), the limit line; the button still opens the file chooser.
    button = zone.get_by_role("button", name="选择文件", exact=True)
    assert button.count() == 1
    assert button.is_visible()
    limit = zone.locator('[data-testid="stFileUploaderDropzoneInstructions"] span').first
    assert drawn(limit) == f"每个文件不超过 {UPLOAD_MB} MB • CSV、TXT、TSV、XLSX"
    upload = tmp_path / "p.csv"
    upload.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(upload))
    page.get_by_text(upload.name).first.wait_for()
    # A file dragged over the zone: the hint is Chinese too.
    open_page(page, f"{app_url}/data?lang=中文")
    zone = page.locator('[data-testid="stFileUploaderDropzone"]').first
    files = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['a'], 'a.csv')); return d; }"
    )
    zone.dispatch_event("dragenter", {"dataTransfer": files})
    hint = zone.locator(":scope > div:not([data-testid]) > span").first
    hint.wait_for(state="attached")  # its own text hidden: only the drawn hint shows
    assert drawn(hint) == "将文件拖放到此处" and "Drag" not in zone.inner_text()
    zone.dispatch_event("dragleave", {"dataTransfer": files})
    # The English page keeps Streamlit's own texts.
    open_page(page, f"{app_url}/data?lang=English")
    zone = page.locator('[data-testid="stFileUploaderDropzone"]').first
    assert zone.get_by_role("button", name="Upload", exact=True).count() == 1
    assert f"{UPLOAD_MB}MB per file • CSV, TXT, TSV" in zone.inner_text()


def test_a_chinese_refusal_names_the_kind_in_chinese(
    page: Any, app_url: str, tmp_path: Path
) -> None:
    upload = tmp_path / "缺金额.csv"
    upload.write_text(
        "payment_id,account_id,payment_date,agent_id\nPNA-2,A0000003,2026-10-01,AG007\n",
        encoding="utf-8",
    )
    open_page(page, f"{app_url}/data?lang=中文")
    with page.expect_file_chooser() as chooser:
        page.locator('[data-testid="stFileUploaderDropzone"]').click()
    chooser.value.set_files(str(upload))
    page.get_by_text(upload.name).first.wait_for()
    page.get_by_role("button", name="导入", exact=True).click()
    page.get_by_text("被拒收：", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert f"{upload.name} 被拒收：还款数据文件缺少必填列 amount" in text.replace(" 数据", "数据")


def test_a_chinese_upload_gives_reasons_in_chinese_and_a_reimport_adds_nothing(
    page: Any, app_url: str, tmp_path: Path
) -> None:
    upload = tmp_path / "还款补录.csv"
    upload.write_text(  # row 2 repeats a loaded payment (a no-op); row 3 is refused
        "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
        "P0000101-001,A0000101,2025-05-27,2464.00,AG007,wallet,\n"
        "PBAD-ZH,A0000101,2026-10-06,12.345,AG007,现金,\n",
        encoding="utf-8",
    )
    open_page(page, f"{app_url}/data?lang=中文")
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "数据"

    def import_it() -> None:
        with page.expect_file_chooser() as chooser:
            page.locator('[data-testid="stFileUploaderDropzone"]').click()
        chooser.value.set_files(str(upload))
        page.get_by_text(upload.name).first.wait_for()
        page.get_by_role("button", name="导入", exact=True).click()

    import_it()
    # The catalogue's Chinese texts (ui/catalogue.py, dashboard/messages.py), filled in by hand.
    page.get_by_text("已导入，但有部分行被拒收", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    page.get_by_text("第 3 行：amount 的值 '12.345' 超过两位小数", exact=False).first.wait_for(
        timeout=30_000
    )
    assert page.get_by_text("has more than two decimal places", exact=False).count() == 0
    rows = refused_download(page, "下载被拒收的行以便修改（1）", tmp_path)
    assert rows[0] == [*HEADER, "line", "reason"]
    assert rows[1][:8] == ["PBAD-ZH", "A0000101", "2026-10-06", "12.345", "AG007", "现金", "", "3"]
    assert "amount 的值 '12.345' 超过两位小数" in rows[1][8], rows[1]  # in the page's language
    import_it()
    page.get_by_text("导入过：没有新数据", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text("已导入，但有部分行被拒收", exact=False).count() == 0
    assert_no_exception(page)


def test_approve_a_period_and_download_its_files(
    page: Any, app_url: str, app_db: Path, tmp_path: Path
) -> None:
    # The months before 2026-09 with payments are closed first (as finance would have), then
    # 2026-09 is closed in the page: prepared by one name, approved by another.
    book = load_plans(SAMPLE_DATA / "plans.yaml")
    close_through(app_db, Period(2026, 8), book, preparer="Zhao Lei", approver="Wang Wei")
    open_page(page, f"{app_url}/payouts")
    period = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first
    period.click()
    page.get_by_role("option", name="2026-09", exact=True).click()
    settle(page)
    page.get_by_label("Your name (prepares)").fill("Wang Wei")
    page.get_by_role("button", name="Prepare 2026-09").click()
    page.get_by_text("Prepared by Wang Wei", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    page.get_by_label("Your name (approves").fill("Li Na")
    page.get_by_role("button", name="Approve 2026-09").click()
    page.get_by_text("Approved by Li Na", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    assert_no_exception(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download payouts (XLSX)").click()
    xlsx = tmp_path / download.value.suggested_filename
    download.value.save_as(xlsx)
    assert xlsx.name == "payouts_2026-09.xlsx"
    with zipfile.ZipFile(xlsx) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download payouts (CSV)").click()
    csv = tmp_path / "payouts.csv"
    download.value.save_as(csv)
    text = csv.read_bytes().decode("utf-8-sig")
    assert text.startswith("period,agent_id,agent_name")
    assert ",approved,Wang Wei," in text and ",Li Na," in text  # prepared by, approved by

    with page.expect_download() as download:
        page.get_by_role("button", name="Statement (PDF)").click()
    pdf = tmp_path / "statement.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_two_sessions_one_importing_while_the_other_browses(
    browser: Any, app_url: str, tmp_path: Path
) -> None:
    big = tmp_path / "contacts_2027.csv"
    with big.open("w", encoding="utf-8") as f:  # far outside the default window
        f.write("contact_id,account_id,agent_id,contacted_at,channel,outcome\n")
        for n in range(2_000_000):
            f.write(f"CX{n:07d},A0000004,AG016,2027-03-{n % 28 + 1:02d} 10:00:00,sms,no_answer\n")
    importer = new_page(new_context(browser, viewport={"width": 1500, "height": 1000}))
    viewer = new_page(new_context(browser, viewport={"width": 1500, "height": 1000}))
    open_page(importer, f"{app_url}/data")
    with importer.expect_file_chooser() as chooser:
        importer.locator('[data-testid="stFileUploaderDropzone"]').click()
    chooser.value.set_files(str(big))
    importer.get_by_text("contacts_2027.csv").first.wait_for()
    importer.get_by_role("button", name="Import", exact=True).click()
    importer.get_by_text("Importing", exact=False).first.wait_for(timeout=30_000)

    seen: list[str] = []
    still_importing: list[bool] = []
    for path in ("", "agents", "delinquency"):  # while the other session's import runs
        still_importing.append(importer.get_by_text("Importing", exact=False).count() > 0)
        open_page(viewer, f"{app_url}/{path}")
        seen.append(viewer.locator('[data-testid="stMain"] h1').first.inner_text())
        assert viewer.locator('[data-testid="stException"]').count() == 0
    assert seen == ["Overview", "Agents", "Delinquency"]
    assert still_importing[0], "the import ended before the other session started loading a page"
    importer.get_by_text("every row was accepted", exact=False).first.wait_for(timeout=300_000)
    assert importer.locator('[data-testid="stException"]').count() == 0
    importer.context.close()
    viewer.context.close()
