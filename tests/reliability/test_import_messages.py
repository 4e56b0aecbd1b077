"""Issue 10, the importer's messages: what a user is told must be what happened.

1. re-importing a file already imported says "already imported as #N (when, by whom), nothing
   new" and records nothing (no 0-row import to undo); a different file whose rows are all
   present says "0 new rows, N already present" and is kept for the audit trail only, with
   nothing to undo;
2. a file missing a required column is told so, naming the kind its header looks like;
3. the refused-rows file holds the original rows (original header and cells, UTF-8), with line
   and reason, personal data masked like the importer masks it, formulas made inert; fixed, it
   imports;
5. the Data page reads only an upload's first line to find its header; one disk-full test.

Each test runs the real command line in a child process (``run_cli``) or the importer on real
files, on a private copy of the base database (tests/reliability/base.py); expected values come
from the files written here and the data contract (domain.md), counted by hand.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import duckdb

from tests.reliability.base import PAY_HEADER, PAYMENTS, PERSONAL
from tests.reliability.conftest import ROOT, run_cli
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants


def rows(db_path: Path, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_reimporting_the_same_file_says_already_imported_and_records_nothing(
    base_db: Path, tmp_path: Path
) -> None:
    (first_id, at, by), *_ = rows(
        base_db,
        "select import_id, imported_at, imported_by from imports where file_name = $f",
        {"f": "payments.csv"},
    )
    before = rows(base_db, "select count(*) from imports")[0][0]
    again = write(tmp_path, "payments_again.csv", PAYMENTS)  # the same bytes, another name
    r = run_cli("import", "--db", base_db, "--payments", again)
    assert r.returncode == 0, r.stdout + r.stderr
    expected = f"already imported as #{first_id} ({at:%Y-%m-%d %H:%M}, by {by}), nothing new"
    assert expected in r.stdout, r.stdout
    assert "accepted" not in r.stdout, r.stdout
    assert rows(base_db, "select count(*) from imports")[0][0] == before
    assert rows(base_db, "select count(*) from deliveries")[0][0] == 0
    # Undoing the first import removes its rows: a re-import did not become their heir.
    u = run_cli("undo", "--db", base_db, str(first_id))
    assert u.returncode == 0 and "6 rows removed" in u.stdout, u.stdout + u.stderr
    held = rows(base_db, "select count(*) from raw_payments where import_id = $i", {"i": first_id})
    assert held == [(0,)]
    assert rows(base_db, "select count(*) from stg_payments")[0][0] == 0
    assert_invariants(base_db)


def test_reimporting_the_same_accounts_snapshot_replaces_nothing(
    base_db: Path, tmp_path: Path
) -> None:
    from tests.reliability.base import OCT

    (oct_id,) = rows(base_db, "select import_id from imports where file_name like '%10-31%'")[0]
    before = rows(base_db, "select count(*) from imports")[0][0]
    r = run_cli("import", "--db", base_db, "--accounts", write(tmp_path, "oct.csv", OCT))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"already imported as #{oct_id} (" in r.stdout and "nothing new" in r.stdout
    assert rows(base_db, "select count(*) from imports")[0][0] == before
    in_force = rows(base_db, "select distinct import_id from stg_accounts where as_of_date = "
                    "date '2026-10-31'")  # fmt: skip
    assert in_force == [(oct_id,)]
    assert_invariants(base_db)


def test_a_file_of_rows_already_present_says_zero_new_and_offers_no_undo(
    base_db: Path, tmp_path: Path
) -> None:
    # Two rows of the base payments, in another order: another file, nothing new in it.
    text = (
        PAY_HEADER + "B3,A3,2026-10-03,1000.00,,wallet,\nB1,A1,2026-09-10,500.00,,bank_transfer,\n"
    )
    r = run_cli("import", "--db", base_db, "--payments", write(tmp_path, "overlap.csv", text))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 new rows, 2 already present" in r.stdout, r.stdout
    logged = rows(
        base_db,
        "select import_id, rows_accepted, rows_duplicate from imports where file_name = $f",
        {"f": "overlap.csv"},
    )
    assert [(a, d) for _, a, d in logged] == [(0, 2)]  # kept for the audit trail
    undoable = rows(base_db, (ROOT / "queries/import/undoable_imports.sql").read_text())
    assert logged[0][0] not in {i for (i, *_) in undoable}
    assert_invariants(base_db)


def test_a_payments_file_without_amount_names_the_missing_column(
    base_db: Path, tmp_path: Path
) -> None:
    text = "payment_id,account_id,payment_date,agent_id\nB9,A1,2026-10-01,G1\n"
    r = run_cli("import", "--db", base_db, write(tmp_path, "no_amount.csv", text))
    assert r.returncode == 2
    assert "missing required column amount for a payments extract" in r.stdout, r.stdout
    assert "cannot tell what kind" not in r.stdout
    # A header that looks like nothing we know is still told so.
    r = run_cli("import", "--db", base_db, write(tmp_path, "x.csv", "foo,bar,account_id\n1,2,3\n"))
    assert r.returncode == 2 and "cannot tell what kind of extract this is" in r.stdout
    assert_invariants(base_db)


def test_the_data_page_reads_only_the_first_megabyte_for_the_header(tmp_path: Path) -> None:
    from dashboard.ui.upload_flow import read_headers

    # A NUL byte 2 MB in: only a reader that goes past the first megabyte can see it.
    body = "B1,A1,2026-10-01,10.00,G1,card,\n" * 70_000  # about 2.2 MB
    path = write(tmp_path, "big.csv", PAY_HEADER + body + "B2,A1,2026-10-02,1\x00.00,,,\n")
    assert path.stat().st_size > 2 << 20
    assert read_headers(path) == PAY_HEADER.strip().split(",")


def test_one_definition_of_a_full_disk() -> None:
    # The test of "the disk is full" (Python's errno and DuckDB's wording) is db.is_disk_full.
    defining = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "dashboard").rglob("*.py")
        if "No space left on device" in p.read_text(encoding="utf-8")
    )
    assert defining == ["dashboard/db.py"], defining


def test_the_refused_rows_file_holds_the_original_rows_to_fix_and_import_again(
    base_db: Path, tmp_path: Path
) -> None:
    # A GBK file with Chinese headers: line 2 is fine; line 3 has a negative days_past_due and
    # personal data; line 4 a region that a spreadsheet would run, and a balance that is no
    # number.
    header = ",".join(["账号", "快照日期", "资产包", "委案日期", "委案金额", "当前余额", "逾期天数",
                       "催收员", "状态", "地区", "客户姓名", "手机号", "身份证号"])  # fmt: skip
    good = "A7,2026-11-30,BANK_A,2026-05-01,100.00,90.00,3,G1,open,上海,,,"
    name, phone, ident = PERSONAL["names"][0], PERSONAL["phones"][0], PERSONAL["ids"][0]
    bad = f"A8,2026-11-30,BANK_A,2026-05-01,200.00,150.00,-3,G1,open,北京,{name},{phone},{ident}"
    formula = 'A9,2026-11-30,BANK_B,2026-05-01,300.00,abc,5,G2,open,=HYPERLINK("x"),,,'
    text = "\r\n".join([header, good, bad, formula]) + "\r\n"
    source = write(tmp_path, "新账户.csv", text.encode("gb18030"))
    out = tmp_path / "out" / "refused.csv"
    out.parent.mkdir()
    r = run_cli("import", "--db", base_db, "--accounts", source, "--rejects", out)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"2 refused rows written to {out}" in r.stdout, r.stdout
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, whatever the file was
    got = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert got[0] == [*header.split(","), "line", "reason"]
    # The personal values masked by the one rule (domain.md, queries/import/macros.sql),
    # worked out by hand: 3 characters -> all hidden; 11 -> 1 + 6 hidden + last 4; 18 -> first
    # 3 + 11 hidden + last 4.
    masked = ["***", "1******5678", "110***********8888"]
    assert got[1][:10] == bad.split(",")[:10] and got[1][10:13] == masked
    assert got[1][13] == "3" and "days_past_due -3 is negative" in got[1][14]
    assert got[2][9] == '\'=HYPERLINK("x")' and got[2][5] == "abc" and got[2][13] == "4"
    for clear in (PERSONAL["names"][0], PERSONAL["phones"][0], PERSONAL["ids"][0]):
        assert clear not in data.decode("utf-8-sig")
    # Fixed (a spreadsheet user's edits), the file imports: its line and reason are ignored.
    got[1][6], got[2][5], got[2][9] = "3", "250.00", "广州"
    fixed = io.StringIO()
    csv.writer(fixed).writerows(got)
    again = write(tmp_path, "fixed.csv", fixed.getvalue().encode("utf-8-sig"))
    r = run_cli("import", "--db", base_db, "--accounts", again)
    # An accounts file is a snapshot: the two fixed rows alone would replace the snapshot of
    # three, and that needs the confirmation (domain.md); read whole, line and reason ignored.
    assert r.returncode == 2 and "2 rows, 2 new rows, 0 already present, 0 refused" in r.stdout
    assert "ignored columns: line, reason" in r.stdout
    r = run_cli("import", "--db", base_db, "--accounts", again, "--replace")
    assert r.returncode == 0, r.stdout + r.stderr
    held = rows(
        base_db,
        "select account_id, days_past_due, current_balance, region, phone from stg_accounts "
        "where account_id in ('A8', 'A9') order by 1",
    )
    assert [(a, d, str(b), g, p) for a, d, b, g, p in held] == [
        ("A8", 3, "150.00", "北京", "1******5678"),
        ("A9", 5, "250.00", "广州", None),
    ]
    assert_invariants(base_db)
    record("pii_sources", 1)


def test_the_refused_rows_download_gives_its_reasons_in_the_pages_language(
    base_db: Path, tmp_path: Path
) -> None:
    from dashboard.ingest.importer import FileSpec, import_files
    from dashboard.ingest.refused import in_language

    # Line 2: two decimals too many; line 3: no date; line 4 fine.
    text = (PAY_HEADER + "Z1,A1,2026-10-05,12.345,,cash,\n" + "Z2,A1,someday,10.00,,cash,\n"
            + "Z3,A1,2026-10-06,10.00,,cash,\n")  # fmt: skip
    result = import_files([FileSpec(write(tmp_path, "zh.csv", text), "payments")], db_path=base_db)
    f = result.files[0]
    assert f.refused_rows is not None and f.problems is not None
    english = in_language(f.refused_rows, f.problems, "en").to_pylist()
    chinese = in_language(f.refused_rows, f.problems, "zh").to_pylist()
    assert [r["line"] for r in chinese] == [2, 3]
    # The catalogue's Chinese templates (dashboard/messages.py), filled in by hand.
    assert chinese[0]["reason"] == "amount 的值 '12.345' 超过两位小数", chinese[0]
    assert chinese[1]["reason"] == "payment_date 的值 'someday' 不是日期（应为 YYYY-MM-DD）"
    assert english[0]["reason"] == "amount '12.345' has more than two decimal places"
    # Everything but the reason is the file's own row, in both languages.
    assert [{k: v for k, v in r.items() if k != "reason"} for r in chinese] == [
        {k: v for k, v in r.items() if k != "reason"} for r in english
    ]
    assert_invariants(base_db)
