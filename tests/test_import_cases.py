"""The case-management extracts (domain.md, "Case management") through the importer.

repayment_plans, agencies and complaints, accounts.agency_id and contacts.notes, as CSV (UTF-8
and GBK, English and Chinese headers) and as .xlsx workbooks. Every file is written here by
hand; the expected reasons, lines, masked values and counts are read off the file and the
masking rule of README ("Personal data"): at least half of a value, and never fewer than 4 of
its characters, hidden; a number keeps at most its first 3 and last 4 characters.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from tests.conftest import query

PLAN_HEADER = "plan_id,account_id,agent_id,plan_type,created_date,installment_no,due_date,amount\n"
COMPLAINT_HEADER = "complaint_id,account_id,agent_id,received_at,category,resolved_at,upheld\n"
CONTACT_HEADER = "contact_id,account_id,agent_id,contacted_at,channel,outcome,notes\n"


def out_lines(r) -> list[str]:
    return [x.strip() for x in r.out.splitlines() if x.startswith("  ")]


def plans(db) -> list[tuple]:
    return query(
        db,
        "select plan_id, installment_no, due_date, amount from stg_repayment_plans order by 1, 2",
    )


# --- repayment plans -------------------------------------------------------------------------
def test_each_plan_refusal_has_its_reason_and_the_valid_rows_are_imported(cli, db_path, write_csv):
    f = write_csv(
        "plans.csv",
        PLAN_HEADER
        + "P1,A1,G1,installment,2026-10-01,1,2026-10-15,100.00\n"  # 2
        + "P1,A1,G1,installment,2026-10-01,2,2026-11-15,100.00\n"  # 3
        + "P1,A1,G1,installment,2026-10-01,4,2027-01-15,100.00\n"  # 4: 3 is missing
        + "P2,A2,,settlement,2026-10-05,1,2026-10-04,50.00\n"  # 5: due before created
        + "P3,A3,,extension,2026-10-05,1,2026-10-20,50.00\n"  # 6
        + "P3,A3,,extension,2026-10-05,2,2026-10-20,50.00\n"  # 7: not after installment 1
        + "P4,A4,,installment,2026-10-05,0,2026-11-20,0\n"  # 8: number 0, amount 0
        + "P5,A5,,installment,2026-10-05,1,2026-11-20,10.00\n"  # 9: rows of P5 disagree
        + "P5,A6,,installment,2026-10-05,2,2026-12-20,10.00\n"  # 10
        + "P6,A7,,installment,2026-10-05,1,2026-11-20,10.00\n"  # 11: two different #1
        + "P6,A7,,installment,2026-10-05,1,2026-11-20,11.00\n"  # 12
        + "P7,A8,,weekly,2026-10-05,1,2026-11-20,-5.00\n",  # 13
    )
    r = cli("import", "--db", db_path, f)  # kind detected from the header
    assert r.code == 1
    lines = out_lines(r)
    assert lines == [
        (
            "plans.csv:4: installment_no: installment 4 of plan_id P1 leaves a gap: installment 3 "
            "is neither among the accepted rows of this file nor imported before"
        ),
        "plans.csv:5: due_date 2026-10-04 is before created_date 2026-10-05",
        (
            "plans.csv:7: due_date: due_date 2026-10-20 of installment 2 is not after 2026-10-20, "
            "the due date of installment 1 of plan_id P3"
        ),
        "plans.csv:8: amount: amount 0.00 is not above zero",
        "plans.csv:8: installment_no: installment_no 0 is below 1",
        *(
            f"plans.csv:{n}: plan_id: the rows of plan_id P5 disagree on account_id (lines 9, "
            "10): one plan has one account, agent, type and creation date"
            for n in (9, 10)
        ),
        (
            "plans.csv:11: plan_id: installment 1 of plan_id P6 appears with different content on "
            "lines 11, 12"
        ),
        (
            "plans.csv:12: plan_id: installment 1 of plan_id P6 appears with different content on "
            "lines 11, 12"
        ),
        "plans.csv:13: amount: amount -5.00 is not above zero",
        (
            "plans.csv:13: plan_type: plan_type 'weekly' is not one of: installment, extension, "
            "settlement"
        ),
    ]
    assert plans(db_path) == [
        ("P1", 1, date(2026, 10, 15), Decimal("100.00")),
        ("P1", 2, date(2026, 11, 15), Decimal("100.00")),
        ("P3", 1, date(2026, 10, 20), Decimal("50.00")),
    ]
    log = query(db_path, "select kind, rows_in_file, rows_accepted, rows_refused from imports")
    assert log == [("repayment_plans", 12, 3, 9)]


def test_a_plan_whose_rows_arrive_in_two_files_is_one_plan(cli, db_path, write_csv):
    p1 = "P1,A1,G1,installment,2026-10-01,"
    first = write_csv(
        "p1.csv", PLAN_HEADER + p1 + "1,2026-10-15,100.00\n" + p1 + "2,2026-11-15,100\n"
    )
    second = write_csv(
        "p2.csv",
        PLAN_HEADER
        + p1 + "3,2026-12-15,100.00\n"
        + p1 + "4,2027-01-15,100.00\n"
        + p1 + "2,2026-11-15,100.00\n"  # again, identical
        + p1 + "1,2026-10-15,120.00\n",  # again, another amount
    )  # fmt: skip
    other = write_csv("p3.csv", PLAN_HEADER + "P1,A9,G1,installment,2026-10-01,5,2027-02-15,9\n")
    late = write_csv("p4.csv", PLAN_HEADER + p1 + "6,2027-01-20,1.00\n")
    assert cli("import", "--db", db_path, "--repayment-plans", first).code == 0
    r = cli("import", "--db", db_path, "--repayment-plans", second)
    assert r.code == 1
    assert out_lines(r) == [
        (
            "p2.csv:5: plan_id: plan_id P1 #1 was already imported with different content (import "
            "#1, line 2: amount 100.00 (now 120.00)); refused, not overwritten"
        )
    ]
    assert (
        "p2.csv: repayment_plans, import #2: 4 rows, 2 new rows, 1 already present, 1 refused"
        in (r.out)
    )
    assert [(p, n) for p, n, _, _ in plans(db_path)] == [("P1", n) for n in (1, 2, 3, 4)]
    r = cli("import", "--db", db_path, other)  # installment 5, of another account
    assert r.code == 1
    assert out_lines(r) == [
        (
            "p3.csv:2: plan_id: plan_id P1 was already imported with different content (import "
            "#1, line 2: account_id A1 (now A9)); refused, not overwritten"
        )
    ]
    # Installment 6 after the plan's 4 (5 was refused): a gap (its due date is also before
    # installment 4's, but 5 is the one it follows, and 5 is missing).
    r = cli("import", "--db", db_path, late)
    assert r.code == 1
    assert out_lines(r) == [
        (
            "p4.csv:2: installment_no: installment 6 of plan_id P1 leaves a gap: installment 5 is "
            "neither among the accepted rows of this file nor imported before"
        )
    ]
    # The same file again: nothing new, not recorded.
    r = cli("import", "--db", db_path, second)
    assert "already imported as #2" in r.out and "nothing new" in r.out
    assert query(db_path, "select count(*) from imports") == [(4,)]


def test_undoing_a_plan_file_hands_installments_delivered_again_over(cli, db_path, write_csv):
    row1 = "P1,A1,G1,installment,2026-10-01,1,2026-10-15,100.00\n"
    row2 = "P1,A1,G1,installment,2026-10-01,2,2026-11-15,100.00\n"
    assert cli("import", "--db", db_path, write_csv("a.csv", PLAN_HEADER + row1)).code == 0
    assert cli("import", "--db", db_path, write_csv("b.csv", PLAN_HEADER + row1 + row2)).code == 0
    r = cli("undo", "--db", db_path, "1")
    assert r.code == 0
    assert "0 rows removed; 1 stay in force" in r.out  # import 2 delivered it too
    in_force = "select plan_id, installment_no, import_id, line from raw_repayment_plans"
    assert query(db_path, in_force + " order by 2") == [("P1", 1, 2, 2), ("P1", 2, 2, 3)]
    assert cli("undo", "--db", db_path, "2").code == 0
    assert plans(db_path) == []


def test_gbk_file_with_chinese_headers_and_values(cli, db_path, write_csv):
    plans_zh = write_csv(
        "计划.csv",
        "计划编号,账号,催收员,计划类型,创建日期,期次,应还日期,应还金额\n"
        'R1,A1,G1,分期,2026/10/01,1,2026年10月15日,"1,200.00"\n'
        "R2,A2,,减免/和解,20261001,1,2026-10-30,￥800\n"
        "R3,A3,,延期,2026-10-01,1,2026-12-01,50\n",
        encoding="gbk",
    )
    complaints_zh = write_csv(
        "投诉.csv",
        "投诉编号,账号,催收员,投诉时间,投诉类型,办结时间,是否属实\n"
        "Q1,A1,G1,2026-10-02 09:30,骚扰,2026-10-05 17:00:00,属实\n"
        "Q2,A2,,2026-10-03 10:00:00,金额争议,,\n"
        "Q3,A3,G2,2026-10-04 10:00:00,第三方,2026-10-03 10:00:00,不属实\n",
        encoding="gbk",
    )
    agencies_zh = write_csv(
        "机构.csv",
        "机构编号,委外机构名称,费率\nY1,华夏资产管理,15%\nY2,鲁信法务,0.125\n",
        encoding="gbk",
    )
    r = cli("import", "--db", db_path, plans_zh, complaints_zh, agencies_zh)
    assert r.code == 1
    assert out_lines(r) == [
        "投诉.csv:4: resolved_at 2026-10-03 10:00:00 is before received_at 2026-10-04 10:00:00"
    ]
    assert query(
        db_path,
        "select plan_id, plan_type, created_date, due_date, amount from stg_repayment_plans "
        "order by 1",
    ) == [
        ("R1", "installment", date(2026, 10, 1), date(2026, 10, 15), Decimal("1200.00")),
        ("R2", "settlement", date(2026, 10, 1), date(2026, 10, 30), Decimal("800.00")),
        ("R3", "extension", date(2026, 10, 1), date(2026, 12, 1), Decimal("50.00")),
    ]
    assert query(
        db_path, "select complaint_id, category, resolved_at, upheld from stg_complaints order by 1"
    ) == [
        ("Q1", "harassment", datetime(2026, 10, 5, 17, 0), True),
        ("Q2", "amount_dispute", None, None),
    ]
    assert query(
        db_path, "select agency_id, agency_name, fee_rate from stg_agencies order by 1"
    ) == [
        ("Y1", "华夏资产管理", Decimal("0.150000")),
        ("Y2", "鲁信法务", Decimal("0.125000")),
    ]
    assert query(db_path, "select distinct encoding from imports") == [("gb18030",)]


def test_a_fee_rate_outside_0_1_or_not_a_rate_is_refused(cli, db_path, write_csv):
    f = write_csv(
        "agencies.csv",
        "agency_id,agency_name,fee_rate\n"
        "Y1,A,0\nY2,B,1\nY3,C,1.5\nY4,D,-0.1\nY5,E,abc\nY6,F,0.1234567\nY7,G,100%\nY8,H,101%\n"
        "Y9,I,\n",
    )
    r = cli("import", "--db", db_path, "--agencies", f)
    assert r.code == 1
    assert out_lines(r) == [
        (
            "agencies.csv:4: fee_rate: fee_rate '1.5' is outside 0 to 1 (a share of what is "
            "collected: 0.15 or 15%)"
        ),
        (
            "agencies.csv:5: fee_rate: fee_rate '-0.1' is outside 0 to 1 (a share of what is "
            "collected: 0.15 or 15%)"
        ),
        (
            "agencies.csv:6: fee_rate: fee_rate 'abc' is not a rate (write a share such as 0.15, "
            "or 15%)"
        ),
        (
            "agencies.csv:7: fee_rate: fee_rate '0.1234567' has more than 6 decimal places (4 for "
            "a percentage)"
        ),
        (
            "agencies.csv:9: fee_rate: fee_rate '101%' is outside 0 to 1 (a share of what is "
            "collected: 0.15 or 15%)"
        ),
        "agencies.csv:10: fee_rate: missing required value: fee_rate",
    ]
    assert query(db_path, "select agency_id, fee_rate from stg_agencies order by 1") == [
        ("Y1", Decimal("0")),
        ("Y2", Decimal("1")),
        ("Y7", Decimal("1")),
    ]


def test_a_reason_is_said_in_chinese_too(db_path, write_csv):
    from dashboard.ingest.importer import FileSpec, import_files
    from dashboard.messages import render

    f = write_csv("p.csv", PLAN_HEADER + "P1,A1,,installment,2026-10-01,2,2026-10-15,1.00\n")
    (report,) = import_files([FileSpec(f)], db_path=db_path).files
    (problem,) = report.problems.to_pylist()
    assert render(problem["reason_code"], json.loads(problem["reason_args"]), "zh") == (
        "还款计划 plan_id P1 的第 2 期前有缺期：第 1 期既不在本文件已接受的行中，也未曾导入"
    )


# --- complaints ------------------------------------------------------------------------------
def test_a_complaint_delivered_again_is_updated_and_undo_brings_the_old_state_back(
    cli, db_path, write_csv
):
    opened = write_csv("c1.csv", COMPLAINT_HEADER + "Q1,A1,G1,2026-10-01 09:00:00,harassment,,\n")
    resolved = write_csv(
        "c2.csv",
        COMPLAINT_HEADER + "Q1,A1,G1,2026-10-01 09:00:00,harassment,2026-10-09 17:00,true\n",
    )
    moved = write_csv(
        "c3.csv",
        COMPLAINT_HEADER + "Q1,A2,G1,2026-10-01 09:00:00,harassment,2026-10-09 17:00,true\n",
    )
    assert cli("import", "--db", db_path, opened).code == 0
    r = cli("import", "--db", db_path, resolved)
    assert r.code == 0 and "1 new rows" in r.out  # an update counts as new
    state = "select complaint_id, account_id, resolved_at, upheld from stg_complaints"
    assert query(db_path, state) == [("Q1", "A1", datetime(2026, 10, 9, 17, 0), True)]
    r = cli("import", "--db", db_path, moved)  # another account: a conflict, not an update
    assert r.code == 1
    assert (
        "c3.csv:2: complaint_id: complaint_id Q1 was already imported with different content "
        "(import #2, line 2: account_id A1 (now A2)); refused, not overwritten"
    ) in r.out
    assert cli("import", "--db", db_path, resolved).code == 0  # the same file: nothing new
    assert query(db_path, "select count(*) from imports") == [(3,)]
    assert cli("undo", "--db", db_path, "2").code == 0
    assert query(db_path, state) == [("Q1", "A1", None, None)]


# --- accounts.agency_id, contacts.notes -----------------------------------------------------
def test_accounts_carry_the_agency_that_holds_them(cli, db_path, write_csv):
    f = write_csv(
        "acc.csv",
        "账号,快照日期,资产包,委案日期,委案金额,当前余额,逾期天数,委外机构\n"
        "A1,2026-10-31,BANK_A,2026-01-05,1000.00,900.00,130,Y1\n"
        "A2,2026-10-31,BANK_A,2026-01-05,1000.00,900.00,10,\n",
    )
    assert cli("import", "--db", db_path, f).code == 0
    assert query(db_path, "select account_id, agency_id from stg_accounts order by 1") == [
        ("A1", "Y1"),
        ("A2", None),
    ]


NOTES = {
    # clear text -> as stored (hand-masked by the rule in the module docstring)
    "13987654321": "1******4321",
    "010-62345678": "01******5678",
    "11010519491231002X": "110***********002X",
    "6222 0212 3456 7890": "622************7890",
    "li.si@example.com": "li.**********.com",
}


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_personal_data_in_notes_never_reaches_the_disk_in_clear(
    cli, db_path, write_csv, tmp_path, monkeypatch
):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # the import's private folders
    f = write_csv(
        "contacts.csv",
        "催记编号,账号,催收员,联系时间,联系方式,联系结果,催记内容\n"
        "K1,A1,G1,2026-10-01 10:00:00,电话,本人,客户新号码13987654321，座机010-62345678\n"
        "K2,A1,G1,2026-10-02 10:00:00,call,right_party,"
        '"ID 11010519491231002X, card 6222 0212 3456 7890; mail li.si@example.com"\n'
        "K3,A1,G1,2026-10-03 10:00:00,call,no_answer,Marker-note-ZQXJ 2026-10-03 pay 3000\n"
        "K4,A1,G1,2026-10-04 10:00:00,call,sleeping,again 13987654321\n",
        encoding="gbk",
    )
    rejects = tmp_path / "rejects.csv"
    r = cli("import", "--db", db_path, f, "--rejects", rejects)
    assert r.code == 1
    stored = dict(query(db_path, "select contact_id, notes from stg_contacts"))
    assert stored == {
        "K1": "客户新号码1******4321，座机01******5678",
        "K2": "ID 110***********002X, card 622************7890; mail li.**********.com",
        "K3": "Marker-note-ZQXJ 2026-10-03 pay 3000",  # nothing personal: as written
    }
    # The database file (and its log, if any) holds no clear value; the marker shows the
    # notes are there to be found as text (not compressed out of sight).
    data = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert b"Marker-note-ZQXJ" in data
    for clear, masked in NOTES.items():
        assert clear.encode() not in data, clear
        assert masked.encode() in data, masked
    # The refused row (line 5) as downloaded: its note masked too.
    text = rejects.read_text(encoding="utf-8-sig")
    assert "again 1******4321" in text and "13987654321" not in text
    assert _files_under(temp) == []  # the upload's copies and spill files are gone
    assert query(db_path, "select count(*) from rejects where value like '%13987654321%'") == [(0,)]


def test_a_note_too_long_is_refused_with_its_value_masked(cli, db_path, write_csv):
    note = "x" * 1990 + " 13987654321"
    f = write_csv(
        "c.csv", CONTACT_HEADER + f"K1,A1,G1,2026-10-01 10:00:00,call,right_party,{note}\n"
    )
    r = cli("import", "--db", db_path, f)
    assert r.code == 1
    assert "c.csv:2: notes: notes is longer than 2000 characters" in r.out
    ((value,),) = query(db_path, "select value from rejects")
    assert value.endswith(" 1******4321") and "13987654321" not in value


def test_the_invariant_finds_a_note_stored_in_clear(cli, db_path, write_csv):
    from dashboard import db

    f = write_csv(
        "c.csv", CONTACT_HEADER + "K1,A1,G1,2026-10-01 10:00:00,call,right_party,13987654321\n"
    )
    assert cli("import", "--db", db_path, f).code == 0
    with db.connect(db_path) as con:
        assert db.run(con, "checks/personal_data_in_clear").num_rows == 0
        con.execute("update raw_contacts set notes = 'call 13987654321'")
        found = db.run(con, "checks/personal_data_in_clear").to_pylist()
    assert [(r["column_name"], r["line"]) for r in found] == [("notes", 2)]


# --- .xlsx workbooks -------------------------------------------------------------------------
def _workbook(path: Path, sheets: dict[str, list[tuple[int, list]]]) -> Path:
    """A workbook of sheets, each given as (0-based row, cells) pairs; dates written as
    Excel dates, numbers as numbers."""
    book = xlsxwriter.Workbook(str(path))
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, cells in rows:
            for c, v in enumerate(cells):
                if isinstance(v, date):
                    ws.write_datetime(r, c, datetime(v.year, v.month, v.day), day)
                elif v is not None:
                    ws.write(r, c, v)
    book.close()
    return path


PLAN_CELLS = PLAN_HEADER.strip().split(",")


def test_an_xlsx_extract_is_read_with_its_sheets_row_numbers(cli, db_path, tmp_path):
    rows = [
        (2, PLAN_CELLS),  # row 3: the header, below two empty rows
        (3, ["P1", "A1", "G1", "分期", date(2026, 10, 1), 1, date(2026, 10, 15), 100.5]),
        (4, ["P1", "A1", "G1", "分期", date(2026, 10, 1), 2, date(2026, 11, 15), 100.5]),
        # row 6 empty
        (6, ["P1", "A1", "G1", "分期", date(2026, 10, 1), 3, date(2026, 11, 1), 100.5]),
        (7, ["P2", "A2", None, "settlement", "2026-10-01", 1, date(2026, 9, 1), 99.999]),
    ]
    f = _workbook(tmp_path / "plans.xlsx", {"Sheet1": rows})
    r = cli("import", "--db", db_path, f)
    assert r.code == 1
    assert out_lines(r) == [
        (
            "plans.xlsx:7: due_date: due_date 2026-11-01 of installment 3 is not after 2026-11-15, "
            "the due date of installment 2 of plan_id P1"
        ),
        "plans.xlsx:8: amount: amount '99.999' has more than two decimal places",
        "plans.xlsx:8: due_date 2026-09-01 is before created_date 2026-10-01",
    ]
    assert plans(db_path) == [
        ("P1", 1, date(2026, 10, 15), Decimal("100.50")),
        ("P1", 2, date(2026, 11, 15), Decimal("100.50")),
    ]
    assert query(db_path, "select encoding, rows_in_file from imports") == [("xlsx", 4)]
    r = cli("import", "--db", db_path, f)  # again: nothing new
    assert r.code == 0 and "nothing new" in r.out


def test_sheet_chooses_the_sheet_and_a_missing_one_refuses_the_file(cli, db_path, tmp_path):
    f = _workbook(
        tmp_path / "book.xlsx",
        {
            "Summary": [(0, ["report", "October"])],
            "投诉": [
                (0, COMPLAINT_HEADER.strip().split(",")),
                (1, ["Q1", "A1", "G1", "2026-10-01 09:00:00", "privacy", None, None]),
            ],
        },
    )
    r = cli("import", "--db", db_path, f)  # the first sheet: no kind of extract
    assert r.code == 2 and "cannot tell what kind of extract this is" in r.out
    r = cli("import", "--db", db_path, f, "--sheet", "Plans")
    assert r.code == 2
    assert "book.xlsx: REFUSED: the spreadsheet has no sheet named 'Plans' (its sheets: " in r.out
    assert "Summary, 投诉)" in r.out
    r = cli("import", "--db", db_path, "--complaints", f, "--sheet", "投诉")
    assert r.code == 0
    assert query(db_path, "select complaint_id, category from stg_complaints") == [
        ("Q1", "privacy")
    ]


def test_a_zip_that_is_no_workbook_is_refused_whole(cli, db_path, write_csv):
    f = write_csv("fake.xlsx", b"PK\x03\x04 not really a workbook")
    r = cli("import", "--db", db_path, f)
    assert r.code == 2
    assert "fake.xlsx: REFUSED: the file looks like a spreadsheet (.xlsx) but cannot be read" in (
        r.out
    )


def test_an_old_xls_workbook_is_refused_with_a_hint(cli, db_path, write_csv):
    f = write_csv("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    r = cli("import", "--db", db_path, f)
    assert r.code == 2
    assert "old.xls: REFUSED: the file is an Excel 97-2003 workbook (.xls), which is not read" in (
        r.out
    )


def test_the_app_uploads_an_xlsx_like_a_csv(db_path, tmp_path, monkeypatch):
    from dashboard.ui import upload_flow

    monkeypatch.setenv("DASHBOARD_DB", str(db_path))
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # the upload's private folder
    f = _workbook(
        tmp_path / "x.xlsx",
        {"S": [(0, PLAN_CELLS), (1, ["P1", "A1", "G1", "延期", "2026-10-01", 1, "2026-12-01", 5])]},
    )
    held = upload_flow.HeldUpload("计划 10月.xlsx", f.read_bytes())
    assert upload_flow.disk_name(0, held.name) == "000.xlsx"
    result, needs = upload_flow.import_uploads([held], user="tester")
    assert result.committed and not needs
    assert result.files[0].kind == "repayment_plans"
    assert plans(db_path) == [("P1", 1, date(2026, 12, 1), Decimal("5.00"))]
    assert query(db_path, "select file_name from imports") == [("计划 10月.xlsx",)]
    assert _files_under(temp) == []  # the upload written for the import, and its copy: gone


@pytest.mark.parametrize(
    ("cell", "text"),
    [(3.0, "3"), (1234.56, "1234.56"), (0.1 + 0.2, "0.3"), (True, "true"),
     (date(2026, 1, 5), "2026-01-05"), (datetime(2026, 1, 5, 8, 30), "2026-01-05 08:30:00"),
     ("", ""), (None, "")],
)  # fmt: skip
def test_cells_become_the_text_excel_shows(cell, text):
    from dashboard.ingest.workbook import cell_text

    assert cell_text(cell) == text
