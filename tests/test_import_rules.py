"""The importer against domain.md's "extracts" and "bad input" sections, one rule at a time.

Every file here is a real malformed (or awkward) CSV written byte for byte; expected reasons,
line numbers and values are read off the file by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.conftest import query

PAY_HEADER = "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
ACC_HEADER = (
    "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,"
    "days_past_due,agent_id,status\n"
)


def rejects(db, import_id=None):
    sql = "select line, column_name, reason from rejects"
    if import_id is not None:
        sql += f" where import_id = {int(import_id)}"
    return query(db, sql + " order by line, column_name")


def test_bad_number_is_refused_with_reason_and_valid_rows_are_imported(cli, db_path, write_csv):
    f = write_csv(
        "pay.csv",
        PAY_HEADER
        + "P1,A1,2026-10-01,100.00,G1,card,\n"
        + "P2,A1,2026-10-02,abc,G1,card,\n"
        + "P3,A1,2026-10-03,1e400,G1,card,\n"
        + "P4,A1,2026-10-04,NaN,G1,card,\n"
        + 'P5,A1,2026-10-05,"1,234.56",G1,card,\n'
        + "P6,A1,2026-10-06,1.234.56,G1,card,\n"
        + "P7,A1,2026-10-07,12.345,G1,card,\n",
    )
    r = cli("import", "--db", db_path, "--payments", f)
    assert r.code == 1
    assert "pay.csv:3: amount: amount 'abc' is not an amount of money" in r.out
    assert "pay.csv:4: amount: amount '1e400' is not an amount of money" in r.out
    assert "pay.csv:5: amount: amount 'NaN' is not an amount of money" in r.out
    assert "pay.csv:7: amount: amount '1.234.56' is not an amount of money" in r.out
    assert "pay.csv:8: amount: amount '12.345' has more than two decimal places" in r.out
    rows = query(db_path, "select payment_id, amount from raw_payments order by 1")
    assert rows == [("P1", Decimal("100.00")), ("P5", Decimal("1234.56"))]
    assert [x[0] for x in rejects(db_path)] == [3, 4, 5, 7, 8]
    log = query(db_path, "select rows_in_file, rows_accepted, rows_refused from imports")
    assert log == [(7, 2, 5)]


def test_impossible_and_ambiguous_dates(cli, db_path, write_csv):
    f = write_csv(
        "pay.csv",
        PAY_HEADER
        + "P1,A1,2026-02-30,10.00,,,\n"
        + "P2,A1,0000-00-00,10.00,,,\n"
        + "P3,A1,31/10/2026,10.00,,,\n"
        + "P4,A1,44927,10.00,,,\n"
        + "P5,A1,2026/10/31,10.00,,,\n"
        + "P6,A1,20261031,10.00,,,\n"
        + "P7,A1,2026年1月5日,10.00,,,\n"
        + "P8,A1,9999-12-31,10.00,,,\n",
    )
    r = cli("import", "--db", db_path, "--payments", f)
    assert r.code == 1
    assert "pay.csv:2: payment_date: payment_date 2026-02-30 is not a date" in r.out
    assert "pay.csv:3: payment_date: payment_date 0000-00-00 is not a date" in r.out
    assert "'31/10/2026' is ambiguous" in r.out
    assert "'44927' looks like a spreadsheet serial number" in r.out
    assert "payment_date 9999-12-31 is outside the supported range" in r.out
    rows = query(db_path, "select payment_id, payment_date from raw_payments order by 1")
    assert rows == [
        ("P5", date(2026, 10, 31)),
        ("P6", date(2026, 10, 31)),
        ("P7", date(2026, 1, 5)),
    ]


def test_negative_dpd_and_other_account_rules(cli, db_path, write_csv):
    f = write_csv(
        "acc.csv",
        ACC_HEADER
        + "A1,2026-10-31,BANK_A,2026-01-05,1000.00,900.00,-3,G1,open\n"
        + "A2,2026-10-31,BANK_A,2026-11-05,500.00,500.00,10,G1,open\n"
        + "A3,2026-10-31,BANK_A,2026-01-05,-5.00,500.00,10,G1,open\n"
        + "A4,2026-10-31,BANK_A,2026-01-05,500.00,500.00,10,G1,sleeping\n"
        + "A5,2026-10-31,BANK_A,2026-01-05,500.00,0.00,0,G1,paid_in_full\n"
        + "A6,2026-10-31,,2026-01-05,500.00,10.00,12.0,,\n",
    )
    r = cli("import", "--db", db_path, "--accounts", f)
    assert r.code == 1
    assert "acc.csv:2: days_past_due: days_past_due -3 is negative" in r.out
    assert "acc.csv:3: placement_date 2026-11-05 is after as_of_date 2026-10-31" in r.out
    assert "acc.csv:4: placed_balance: placed_balance -5.00 is negative" in r.out
    assert "acc.csv:5: status: status 'sleeping' is not one of: open, payment_plan" in r.out
    assert "acc.csv:7: portfolio: missing required value: portfolio" in r.out
    rows = query(db_path, "select account_id, days_past_due, status from stg_accounts")
    assert rows == [("A5", 0, "paid_in_full")]


def test_missing_required_column_refuses_the_file_and_writes_nothing(cli, db_path, write_csv):
    assert cli("init", "--db", db_path, "--no-sample").code == 0
    f = write_csv(
        "acc.csv",
        "account_id,as_of_date,portfolio,placement_date,current_balance,days_past_due\n"
        "A1,2026-10-31,BANK_A,2026-01-05,900.00,3\n",
    )
    r = cli("import", "--db", db_path, "--accounts", f)
    assert r.code == 2
    assert "acc.csv: REFUSED: missing required column placed_balance" in r.out
    assert query(db_path, "select count(*) from imports") == [(0,)]
    assert query(db_path, "select count(*) from raw_accounts") == [(0,)]


def test_one_file_refused_whole_means_nothing_written_from_the_others(cli, db_path, write_csv):
    assert cli("init", "--db", db_path, "--no-sample").code == 0
    good = write_csv("pay.csv", PAY_HEADER + "P1,A1,2026-10-01,100.00,G1,card,\n")
    bad = write_csv("empty.csv", b"")
    r = cli("import", "--db", db_path, "--payments", good, "--payments", bad)
    assert r.code == 2
    assert "empty.csv: REFUSED: the file is empty" in r.out
    assert query(db_path, "select count(*) from raw_payments") == [(0,)]


def test_empty_file_and_header_only(cli, db_path, write_csv):
    assert cli("init", "--db", db_path, "--no-sample").code == 0
    r = cli("import", "--db", db_path, "--payments", write_csv("e.csv", b""))
    assert r.code == 2 and "the file is empty" in r.out
    r = cli("import", "--db", db_path, "--payments", write_csv("h.csv", PAY_HEADER))
    assert r.code == 2 and "the file has a header but no data rows" in r.out
    r = cli("import", "--db", db_path, "--payments", write_csv("b.csv", "\n\n"))
    assert r.code == 2 and "the first line is blank" in r.out
    assert query(db_path, "select count(*) from imports") == [(0,)]


def test_duplicate_ids_within_a_file(cli, db_path, write_csv):
    acc = write_csv(
        "acc.csv",
        ACC_HEADER
        + "A1,2026-10-31,BANK_A,2026-01-05,1000.00,900.00,3,G1,open\n"
        + "A2,2026-10-31,BANK_A,2026-01-05,1000.00,900.00,3,G1,open\n"
        + "A1,2026-10-31,BANK_A,2026-01-05,1000.00,800.00,3,G1,open\n",
    )
    r = cli("import", "--db", db_path, "--accounts", acc)
    assert r.code == 1
    assert "acc.csv:2: account_id: account_id A1 appears 2 times in the snapshot of " in r.out
    assert "acc.csv:4: account_id: account_id A1 appears 2 times" in r.out
    assert query(db_path, "select account_id from stg_accounts") == [("A2",)]

    pay = write_csv(
        "pay.csv",
        PAY_HEADER
        + "P1,A1,2026-10-01,100.00,G1,card,\n"
        + "P1,A1,2026-10-01,100.00,G1,card,\n"  # identical copy: a no-op
        + "P2,A1,2026-10-02,50.00,G1,card,\n"
        + "P2,A1,2026-10-02,60.00,G1,card,\n",  # same id, other content: both refused
    )
    r = cli("import", "--db", db_path, "--payments", pay)
    assert r.code == 1
    assert (
        "pay.csv:4: payment_id: payment_id P2 appears with different content on lines 4, 5" in r.out
    )
    assert "pay.csv, payments" not in r.out
    assert "1 new rows, 1 already present, 2 refused" in r.out
    assert query(db_path, "select payment_id, amount from raw_payments") == [
        ("P1", Decimal("100.00"))
    ]


def test_reimport_is_idempotent_and_conflicts_are_refused(cli, db_path, write_csv):
    first = write_csv("p1.csv", PAY_HEADER + "P1,A1,2026-10-01,100.00,G1,card,\n")
    assert cli("import", "--db", db_path, "--payments", first).code == 0
    again = cli("import", "--db", db_path, "--payments", first)
    assert again.code == 0
    assert "already imported as #1 (" in again.out and "nothing new" in again.out
    changed = write_csv(
        "p2.csv",
        PAY_HEADER + "P1,A1,2026-10-01,120.00,G1,card,\nP2,A1,2026-10-02,5.00,G1,card,\n",
    )
    r = cli("import", "--db", db_path, "--payments", changed)
    assert r.code == 1
    assert (
        "p2.csv:2: payment_id: payment_id P1 was already imported with different content "
        "(import #1, line 2: amount 100.00 (now 120.00)); refused, not overwritten"
    ) in r.out
    assert query(db_path, "select payment_id, amount from raw_payments order by 1") == [
        ("P1", Decimal("100.00")),
        ("P2", Decimal("5.00")),
    ]


def test_gbk_file_with_chinese_headers_and_values(cli, db_path, write_csv):
    text = (
        "账号,快照日期,资产包,委案日期,委案金额,当前余额,逾期天数,催收员,状态,客户姓名,手机号,身份证号\n"
        'A1,2026/10/31,招商银行信用卡,2026-01-05,"1,000.00",900.00,45,G1,正常,张三,13812341234,'
        "110101199001011234\n"
        "A2,2026/10/31,招商银行信用卡,2026-01-05,500.00,0,0,G1,已结清,欧阳娜娜,13900001111,\n"
    )
    f = write_csv("账户.csv", text, encoding="gbk")
    r = cli("import", "--db", db_path, f)
    assert r.code == 0, r.out
    rows = query(
        db_path,
        "select account_id, portfolio, placed_balance, status, customer_name, phone, id_number "
        "from stg_accounts order by 1",
    )
    assert rows == [
        (
            "A1",
            "招商银行信用卡",
            Decimal("1000.00"),
            "open",
            "**",
            "1******1234",
            "110***********1234",
        ),
        ("A2", "招商银行信用卡", Decimal("500.00"), "paid_in_full", "****", "1******1111", None),
    ]
    assert query(db_path, "select encoding from imports") == [("gb18030",)]


def test_utf8_bom_and_spaced_mixed_case_headers(cli, db_path, write_csv):
    text = " Payment_ID , ACCOUNT_ID,Payment Date,Amount\nP1,A1,2026-10-01,10.50\n"
    f = write_csv("bom.csv", b"\xef\xbb\xbf" + text.encode())
    r = cli("import", "--db", db_path, f)
    assert r.code == 0, r.out
    assert query(db_path, "select payment_id, amount from raw_payments") == [
        ("P1", Decimal("10.50"))
    ]


def test_semicolon_and_tab_separated_files_are_read(cli, db_path, write_csv):
    semi = write_csv("semi.csv", PAY_HEADER.replace(",", ";") + "P1;A1;2026-10-01;10.00;;;\n")
    tab = write_csv("tab.tsv", PAY_HEADER.replace(",", "\t") + "P2\tA1\t2026-10-01\t20.00\t\t\t\n")
    r = cli("import", "--db", db_path, semi, tab)
    assert r.code == 0, r.out
    assert query(db_path, "select payment_id, amount from raw_payments order by 1") == [
        ("P1", Decimal("10.00")),
        ("P2", Decimal("20.00")),
    ]


def test_rows_with_another_delimiter_than_the_header_are_refused(cli, db_path, write_csv):
    f = write_csv(
        "mixed.csv",
        PAY_HEADER + "P1;A1;2026-10-01;10.00;;;\n" + "P2,A1,2026-10-01,20.00,,,\n",
    )
    r = cli("import", "--db", db_path, f)
    assert r.code == 1
    assert "mixed.csv:2: the row has fewer fields than the header" in r.out
    assert query(db_path, "select payment_id from raw_payments") == [("P2",)]


def test_quoted_fields_with_commas_and_newlines(cli, db_path, write_csv):
    f = write_csv(
        "q.csv",
        PAY_HEADER
        + 'P1,A1,2026-10-01,10.00,G1,"bank, transfer\nsecond line",\n'
        + 'P2,A1,2026-10-02,"2,000.00",G1,"say ""hi""",\n'
        + "P3,A1,2026-10-03,oops,G1,card,\n"
        + "P4,A1\n"
        + "P5,A1,2026-10-05,5.00,G1,card,\n",
    )
    r = cli("import", "--db", db_path, f)
    assert r.code == 1
    # Lines are rows as a spreadsheet numbers them (header = 1): the quoted line break
    # does not start a new row.
    assert "q.csv:4: amount: amount 'oops' is not an amount of money" in r.out
    assert "q.csv:5: the row has fewer fields than the header" in r.out
    rows = query(db_path, "select payment_id, amount, channel, line from raw_payments order by 1")
    assert rows == [
        ("P1", Decimal("10.00"), "bank, transfer\nsecond line", 2),
        ("P2", Decimal("2000.00"), 'say "hi"', 3),
        ("P5", Decimal("5.00"), "card", 6),
    ]


def test_orphan_payments_are_kept_and_count_once_the_account_arrives(cli, db_path, write_csv):
    pay = write_csv("pay.csv", PAY_HEADER + "P1,A9,2026-10-01,100.00,,card,\n")
    r = cli("import", "--db", db_path, pay)
    assert r.code == 0
    assert "1 for accounts in no snapshot (kept as orphans)" in r.out
    assert query(db_path, "select credited_agent_id from payments_credited") == [(None,)]
    acc = write_csv(
        "acc.csv", ACC_HEADER + "A9,2026-09-30,BANK_A,2026-01-05,500.00,400.00,40,G7,\n"
    )
    assert cli("import", "--db", db_path, acc).code == 0
    # Blank agent: credited to the account's agent in the latest snapshot on or before the
    # payment date (2026-09-30 snapshot: G7).
    assert query(db_path, "select credited_agent_id, credit_rule from payments_credited") == [
        ("G7", "account_snapshot")
    ]


def test_snapshot_replace_is_whole_and_undo_restores_the_previous(cli, db_path, write_csv):
    v1 = write_csv(
        "v1.csv",
        ACC_HEADER
        + "A1,2026-10-31,BANK_A,2026-01-05,1000.00,900.00,3,G1,open\n"
        + "A2,2026-10-31,BANK_A,2026-01-05,1000.00,800.00,3,G1,open\n",
    )
    v2 = write_csv("v2.csv", ACC_HEADER + "A3,2026-10-31,BANK_A,2026-01-05,10.00,10.00,3,G1,open\n")
    assert cli("import", "--db", db_path, v1).code == 0
    assert cli("import", "--db", db_path, v2, "--replace").code == 0  # removes 2 of 2
    assert query(db_path, "select account_id from stg_accounts") == [("A3",)]
    r = cli("undo", "--db", db_path, "2")
    assert r.code == 0 and "undid import #2 (accounts): 1 rows removed" in r.out
    assert query(db_path, "select account_id from stg_accounts order by 1") == [("A1",), ("A2",)]
    assert query(db_path, "select import_id, status, undone_by from imports order by 1") == [
        (1, "active", None),
        (2, "undone", "tester"),
    ]
    r = cli("undo", "--db", db_path, "2")
    assert r.code == 1 and "import #2 was already undone" in r.err


def test_as_of_option_for_accounts_without_a_date_column(cli, db_path, write_csv):
    f = write_csv(
        "acc.csv",
        "account_id,portfolio,placement_date,placed_balance,current_balance,days_past_due\n"
        "A1,BANK_A,2026-01-05,100.00,100.00,0\n",
    )
    r = cli("import", "--db", db_path, f)
    assert r.code == 2 and "missing required column as_of_date" in r.out
    r = cli("import", "--db", db_path, "--accounts", f, "--as-of", "2026-10-31")
    assert r.code == 0, r.out
    assert query(db_path, "select as_of_date from stg_accounts") == [(date(2026, 10, 31),)]


def test_strict_refuses_everything_when_one_row_is_bad(cli, db_path, write_csv):
    assert cli("init", "--db", db_path, "--no-sample").code == 0
    f = write_csv("pay.csv", PAY_HEADER + "P1,A1,2026-10-01,100.00,,,\nP2,A1,2026-10-01,x,,,\n")
    r = cli("import", "--db", db_path, "--strict", f)
    assert r.code == 2
    assert "pay.csv:3: amount: amount 'x' is not an amount of money" in r.out
    assert "nothing imported" in r.err
    assert query(db_path, "select count(*) from raw_payments") == [(0,)]
    assert query(db_path, "select count(*) from imports") == [(0,)]


def test_strict_also_covers_conflicts_with_loaded_rows(cli, db_path, write_csv):
    assert (
        cli(
            "import", "--db", db_path, write_csv("a.csv", PAY_HEADER + "P1,A1,2026-10-01,1.00,,,\n")
        ).code
        == 0
    )
    f = write_csv("b.csv", PAY_HEADER + "P1,A1,2026-10-01,2.00,,,\nP2,A1,2026-10-01,3.00,,,\n")
    r = cli("import", "--db", db_path, "--strict", f)
    assert r.code == 2
    assert query(db_path, "select payment_id from raw_payments") == [("P1",)]
    assert query(db_path, "select count(*) from imports") == [(1,)]


def test_wrong_kind_is_refused_whole(cli, db_path, write_csv):
    f = write_csv(
        "acc.csv", ACC_HEADER + "A1,2026-10-31,BANK_A,2026-01-05,1000.00,900.00,3,G1,open\n"
    )
    r = cli("import", "--db", db_path, "--payments", f)
    assert r.code == 2
    assert "this looks like a accounts extract, not payments" in r.out or (
        "this looks like an accounts extract, not payments" in r.out
    )
    r = cli("import", "--db", db_path, write_csv("x.csv", "foo,bar\n1,2\n"))
    assert r.code == 2 and "cannot tell what kind of extract this is" in r.out


def test_not_a_text_file(cli, db_path, write_csv):
    f = write_csv("book.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x00\x00")
    r = cli("import", "--db", db_path, f)
    assert r.code == 2
    assert "REFUSED" in r.out


def test_contacts_rules_and_enum_synonyms(cli, db_path, write_csv):
    f = write_csv(
        "c.csv",
        "contact_id,account_id,agent_id,contacted_at,channel,outcome,promise_amount,promise_date\n"
        "C1,A1,G1,2026-10-01 09:30:00,电话,承诺还款,500.00,2026-10-08\n"
        "C2,A1,G1,2026-10-01 09:30,call,promise_to_pay,,\n"
        "C3,A1,G1,2026-10-01 25:00:00,call,no_answer,,\n"
        "C4,A1,G1,2026-10-02T10:00:00,pigeon,no_answer,,\n"
        "C5,A1,G1,2026-10-02 10:00:00,sms,no_answer,,\n",
    )
    r = cli("import", "--db", db_path, f)
    assert r.code == 1
    assert "c.csv:3: promise_amount is required when outcome is promise_to_pay" in r.out
    assert "c.csv:3: promise_date is required when outcome is promise_to_pay" in r.out
    assert "c.csv:4: contacted_at: contacted_at 2026-10-01 25:00:00 is not a valid date" in r.out
    assert (
        "c.csv:5: channel: channel 'pigeon' is not one of: call, sms, email, letter, visit" in r.out
    )
    assert query(db_path, "select contact_id, channel, outcome from raw_contacts order by 1") == [
        ("C1", "call", "promise_to_pay"),
        ("C5", "sms", "no_answer"),
    ]


def test_unknown_header_mapped_by_the_user(cli, db_path, write_csv):
    f = write_csv("p.csv", "txn,acct_ref,payment_date,amount\nP1,A1,2026-10-01,1.00\n")
    r = cli("import", "--db", db_path, "--payments", f)
    assert r.code == 2 and "missing required columns payment_id, account_id" in r.out
    r = cli(
        "import",
        "--db",
        db_path,
        "--payments",
        f,
        "--map",
        "txn=payment_id",
        "--map",
        "acct_ref=account_id",
    )
    assert r.code == 0, r.out
    assert query(db_path, "select payment_id, account_id from raw_payments") == [("P1", "A1")]


def test_duplicate_header_meaning_is_refused(cli, db_path, write_csv):
    f = write_csv(
        "p.csv", "payment_id,account_id,payment_date,amount,还款金额\nP1,A1,2026-10-01,1.00,2.00\n"
    )
    r = cli("import", "--db", db_path, f)
    assert r.code == 2
    assert "columns 'amount' and '还款金额' both mean amount" in r.out


def test_whitespace_only_ids_are_missing(cli, db_path, write_csv):
    f = write_csv("p.csv", PAY_HEADER + "   ,A1,2026-10-01,1.00,,,\nP2,\u3000,2026-10-01,1.00,,,\n")
    r = cli("import", "--db", db_path, f)
    assert r.code == 1
    assert "p.csv:2: payment_id: missing required value: payment_id" in r.out
    assert "p.csv:3: account_id: missing required value: account_id" in r.out


def test_reversal_rules(cli, db_path, write_csv):
    f = write_csv(
        "p.csv",
        PAY_HEADER
        + "P1,A1,2026-10-01,100.00,G1,card,\n"
        + "R1,A1,2026-11-03,-100.00,,card,P1\n"
        + "R2,A1,2026-11-03,100.00,,card,P1\n"
        + "R3,A1,2026-11-03,0.00,,card,P1\n",
    )
    r = cli("import", "--db", db_path, f)
    assert r.code == 1
    assert "p.csv:4: amount 100.00 is positive but reverses_payment_id is set" in r.out
    assert "p.csv:5: amount: amount 0.00 is zero" in r.out
    # R1 has no agent: it is credited to the agent of the payment it reverses.
    assert query(
        db_path,
        "select payment_id, credited_agent_id, credit_rule from payments_credited order by 1",
    ) == [("P1", "G1", "given"), ("R1", "G1", "reversed_payment_agent")]


def test_imports_listing_and_rejects_command(cli, db_path, write_csv):
    f = write_csv("p.csv", PAY_HEADER + "P1,A1,2026-10-01,1.00,,,\nP2,A1,2026-10-01,x,,,\n")
    cli("import", "--db", db_path, f, "--by", "analyst1")
    r = cli("imports", "--db", db_path, "--format", "csv")
    assert r.code == 0
    header, row = r.out.splitlines()[:2]
    fields = dict(zip(header.split(","), row.split(","), strict=False))
    assert fields["import_id"] == "1" and fields["file_name"] == "p.csv"
    assert fields["imported_by"] == "analyst1"
    assert (fields["rows_in_file"], fields["rows_accepted"], fields["rows_refused"]) == (
        "2",
        "1",
        "1",
    )
    import hashlib

    assert fields["file_sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
    r = cli("rejects", "--db", db_path, "1", "--format", "csv")
    assert r.out.splitlines()[1] == "3,amount,x,amount 'x' is not an amount of money"


def test_map_to_an_unknown_column_is_refused(cli, db_path, write_csv):
    f = write_csv("p.csv", "txn,account_id,payment_date,amount\nP1,A1,2026-10-01,1.00\n")
    r = cli("import", "--db", db_path, "--payments", f, "--map", "txn=payment_number")
    assert r.code == 2
    assert "'payment_number' is not a column of any extract" in r.err


def test_reversal_of_a_reversal_is_refused_and_a_reversal_credits_its_payments_agent(
    cli, db_path, write_csv
):
    # A reversal undoes a payment; a reversal of a reversal undoes nothing (issue 9): refused.
    acc = write_csv(
        "acc.csv", ACC_HEADER + "A1,2026-09-30,BANK_A,2026-01-05,500.00,400.00,40,G7,\n"
    )
    pay = write_csv(
        "p.csv",
        PAY_HEADER
        + "P1,A1,2026-10-01,100.00,G1,card,\n"  # given agent G1
        + "R1,A1,2026-10-05,-100.00,,card,P1\n"  # blank: P1's agent, G1
        + "R2,A1,2026-10-09,-100.00,,card,R1\n"  # reverses a reversal: refused
        + "P2,A1,2026-10-10,50.00,,card,\n",  # blank, not a reversal: account's agent G7
    )
    r = cli("import", "--db", db_path, acc, pay)
    assert r.code == 1, r.out
    assert (
        "p.csv:4: reverses_payment_id: reverses_payment_id R1 is itself a reversal: only a "
        "payment can be reversed"
    ) in r.out
    assert query(
        db_path, "select payment_id, credited_agent_id from payments_credited order by 1"
    ) == [("P1", "G1"), ("P2", "G7"), ("R1", "G1")]
