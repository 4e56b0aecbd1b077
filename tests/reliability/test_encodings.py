"""Mixed encodings, mixed line ends and broken UTF-16: the bad line is refused, the rest imported.

Issue 9, items 5, 10, 12 and 17. Every case is a real file imported into a copy of the base
database through the real importer; the expected outcome is written by hand: which lines are
refused (spreadsheet numbering, header = 1) and why, which rows are stored and with exactly
which text, and that no mojibake (the text of a line read in the other encoding) is stored
anywhere. The heuristic that tells UTF-8 lines inside a GBK file from GBK text is also run on a
large seeded sample of genuine GB2312 text (every hanzi, in names and addresses) and of UTF-8
text in many scripts, where it must refuse nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest import reader, transcode
from dashboard.ingest.importer import FileReport, FileSpec, import_files
from tests.reliability.base import PAY_HEADER
from tests.reliability.conftest import SOAK, run_cli, soak_or
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants

CHANNELS = "select payment_id, channel from raw_payments where import_id = $i order by payment_id"
# Chinese payment channels are stored as the canonical ones (issue 10; domain.md's payments:
# bank_transfer, card, cash, wallet); other channel text is kept as written. A line decoded
# wrongly is mojibake, which no spelling maps: the comparisons below still catch it.
CANON = {"银行转账": "bank_transfer", "微信": "wallet", "支付宝": "wallet", "现金": "cash",
         "银行卡": "card"}  # fmt: skip


def canon(text: str) -> str:
    return CANON.get(text, text)


LOOKS_UTF8 = "not valid GBK/GB18030 text: it looks like UTF-8 (mixed encodings in one file)"
LOOKS_GBK = "not valid UTF-8 text: it looks like GBK/GB18030 (mixed encodings in one file)"


def row(pid: str, channel: str, day: int = 1) -> str:
    return f"{pid},A1,2026-11-{day:02d},10.00,G1,{channel},\n"


def import_one(db: Path, path: Path, hostile: bool = True) -> FileReport:
    result = import_files([FileSpec(path, "payments")], db_path=db, user="encodings")
    (f,) = result.files
    assert f.refused_whole is None, f.refused_whole
    assert result.committed and f.import_id is not None, result.message
    assert f.rows_in_file == f.rows_accepted + f.rows_duplicate + f.rows_refused
    if hostile:  # the figures count malformed or hostile files, not genuine text
        record("corpus_files")
    return f


def refused(f: FileReport) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for p in f.problems.to_pylist() if f.problems is not None else []:
        out.setdefault(p["line"], []).append(p["reason"])
    return out


def stored(db: Path, sql: str, import_id: int | None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, {"i": import_id}).fetchall()
    finally:
        con.close()


def mojibake_forms(text: str, wrote: str, read: str) -> list[str]:
    """The pieces of ``text`` written in ``wrote`` and read as ``read`` that hold non-ASCII
    characters (what a wrong decoding would store), computed here by Python's codecs."""
    misread = text.encode(wrote).decode(read, errors="replace")
    return [p for p in re.split(r"[\x00-\x7f\ufffd]*\ufffd[\x00-\x7f\ufffd]*", misread) if p]


def assert_nowhere(db: Path, forms: list[str]) -> None:
    """No text column of any table holds any of ``forms``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            """select table_name, column_name from information_schema.columns
            where data_type = 'VARCHAR' and table_schema = 'main'"""
        ).fetchall()
        assert columns
        for table, column in columns:  # identifiers from the catalogue, values bound
            for form in forms:
                hits = con.execute(
                    f'select count(*) from "{table}" where contains("{column}", $form)',
                    {"form": form},
                ).fetchall()[0][0]
                assert hits == 0, f"mojibake {form!r} stored in {table}.{column}"
    finally:
        con.close()


# --- item 5 and 17: UTF-8 lines inside a GBK file ------------------------------------------

# Genuine GBK text whose bytes are also valid UTF-8 (茅 is C3 A9, "é" in UTF-8): kept as GBK.
GBK_ALSO_UTF8 = ("茅", "茅台", "眉山", "路")
UTF8_IN_GBK = (  # (line, text): UTF-8 lines of a GBK file, each to be refused
    (3, "Müller José"),
    (5, "José"),
    (6, "Ångström"),
    (7, "Łódź"),
    (8, "王小明"),
    (9, "银行转账"),
    (10, "card — gold"),
    (11, "“gold” card"),
    (12, "¥100 cash"),
    (13, "Иванов"),
    (14, "微信"),
)


def test_utf8_lines_in_a_gbk_file_are_refused_with_their_line_numbers(
    base_db: Path, tmp_path: Path
) -> None:
    lines: dict[int, bytes] = {2: row("P1", "银行转账").encode("gbk")}
    lines[4] = row("P3", "微信").encode("gbk")
    for line, text in UTF8_IN_GBK:
        lines[line] = row(f"P{line - 1}", text).encode()
    # Most rows are GBK (that decides the file's encoding): 18 GBK rows, 11 UTF-8 ones.
    gbk_rows = (*GBK_ALSO_UTF8, "北京市朝阳区建国路88号B座", *["支付宝", "现金", "银行卡"] * 4)
    for n, text in enumerate(gbk_rows, start=15):
        lines[n] = row(f"P{n - 1}", text).encode("gbk")
    path = tmp_path / "gbk_mixed.csv"
    path.write_bytes(PAY_HEADER.encode() + b"".join(lines[n] for n in sorted(lines)))

    f = import_one(base_db, path)

    assert f.encoding == "gb18030"
    problems = refused(f)
    assert set(problems) == {line for line, _ in UTF8_IN_GBK}, problems
    for line, reasons in problems.items():
        assert any(LOOKS_UTF8 in r for r in reasons), (line, reasons)
    expected = [("P1", "bank_transfer"), ("P3", "wallet")]
    expected += [(f"P{n - 1}", canon(text)) for n, text in enumerate(gbk_rows, start=15)]
    assert stored(base_db, CHANNELS, f.import_id) == sorted(expected)
    forms = [m for _, text in UTF8_IN_GBK for m in mojibake_forms(text, "utf-8", "gb18030")]
    assert "M眉ller Jos茅" in forms and "Jos茅" in forms
    assert_nowhere(base_db, forms)
    assert_invariants(base_db)


def test_a_gbk_file_with_one_utf8_em_dash_is_read_as_gbk(base_db: Path, tmp_path: Path) -> None:
    """Item 17: the file was refused whole as "is it a spreadsheet or a zip?"."""
    path = tmp_path / "em_dash.csv"
    path.write_bytes(
        (PAY_HEADER + row("P1", "银行转账")).encode("gbk")
        + row("P2", "card — gold", 2).encode()
        + (row("P3", "微信", 3) + row("P4", "现金", 4)).encode("gbk")
    )
    f = import_one(base_db, path)
    assert f.encoding == "gb18030"
    assert set(refused(f)) == {3} and LOOKS_UTF8 in refused(f)[3][0]
    assert stored(base_db, CHANNELS, f.import_id) == [
        ("P1", "bank_transfer"),
        ("P3", "wallet"),
        ("P4", "cash"),
    ]
    assert_nowhere(base_db, mojibake_forms("card — gold", "utf-8", "gb18030"))
    assert_invariants(base_db)


def test_the_encoding_is_what_most_lines_are(base_db: Path, tmp_path: Path) -> None:
    """A UTF-8 file whose first rows are GBK stays UTF-8 when most of its lines are UTF-8."""
    path = tmp_path / "mostly_utf8.csv"
    body = row("P1", "银行转账").encode("gbk") + row("P2", "微信").encode("gbk")
    body += "".join(row(f"P{n}", "支付宝") for n in range(3, 8)).encode()
    path.write_bytes(PAY_HEADER.encode() + body)
    f = import_one(base_db, path)
    assert f.encoding == "utf-8"
    assert set(refused(f)) == {2, 3}
    assert [c for _, c in stored(base_db, CHANNELS, f.import_id)] == ["wallet"] * 5
    assert_invariants(base_db)


# --- item 5: a GBK line inside a UTF-8 file ------------------------------------------------

# Real UTF-8 text in many scripts: never refused (its bytes are often valid GBK too).
UTF8_TEXT = (
    "Müller José",
    "Łódź",
    "Ångström",
    "Иванов Пётр",
    "Αθήνα",
    "ئابدۇرېھىم",  # Uyghur, Arabic script
    "שלום",
    "Jose\u0301 (NFD)",
    "买买提·艾力",
    "¥100 现金",
    "card — gold “vip”",
    "银行转账",
    "Nguyễn",
    "Əliyev Həsən",  # Azerbaijani schwa: an IPA letter in UTF-8
    "😀 ok",
)


def test_a_gbk_line_that_decodes_as_utf8_is_refused_in_a_utf8_file(
    base_db: Path, tmp_path: Path
) -> None:
    """The GBK bytes of 臋虂 are valid UTF-8 ("ę́"): the tester found that stored."""
    assert "臋虂".encode("gbk").decode("utf-8") == "ę́"
    lines = [row("P1", "card").encode(), row("P2", "臋虂").encode("gbk")]
    lines.append(row("P3", "银行转账").encode("gbk"))  # not valid UTF-8 at all
    lines += [row(f"P{n}", text).encode() for n, text in enumerate(UTF8_TEXT, start=4)]
    path = tmp_path / "utf8_mixed.csv"
    path.write_bytes(PAY_HEADER.encode() + b"".join(lines))

    f = import_one(base_db, path)

    assert f.encoding == "utf-8"
    problems = refused(f)
    assert set(problems) == {3, 4}, problems
    assert any(LOOKS_GBK in r for r in problems[3]), problems[3]
    assert any("not valid UTF-8 text" in r for r in problems[4]), problems[4]
    expected = [("P1", "card")] + [(f"P{n}", canon(t)) for n, t in enumerate(UTF8_TEXT, start=4)]
    assert stored(base_db, CHANNELS, f.import_id) == sorted(expected)
    assert_nowhere(base_db, ["ę́", "ę"])
    assert_invariants(base_db)


# --- item 10: line ends ----------------------------------------------------------------------

# Each line end is LF, CRLF or a lone CR, as a spreadsheet reads them: "\n\r\n" is a line end
# and a blank line, "\n\r" too. Line numbers (header = 1) are written next to each row.
MIXED_LINE_ENDS = (
    PAY_HEADER  # 1
    + "P1,A1,2026-11-01,10.00,G1,card,\n"  # 2
    + "\r\n"  # 3: a blank CRLF line after LF line ends
    + "P2,A1,2026-11-02,10.00,G1,card,\n"  # 4
    + "\r"  # 5: a stray CR after an LF line end
    + 'P3,A1,2026-11-03,10.00,G1,"two\r\nlines, and\ra CR",\r\n'  # 6: quoted CRLF and CR kept
    + "P4,A1,2026-11-04,10.00,G1,cash,\r\r\n"  # 7 (CR) and 8 (CRLF: blank)
    + "P5,A1,2026-11-05,not money,G1,card,\n"  # 9: refused
    + "P6,A1,2026-11-06,10.00,G1,card,\r"  # 10: CR only
    + "P7,A1,2026-11-07,10.00,G1,card,\n\r"  # 11, then 12 blank
    + "P8,A1,2026-11-08,10.00,G1,card,,one too many\n\r"  # 13: refused, then 14 blank
)


def _line_ends_case(base_db: Path, tmp_path: Path, data: bytes, name: str) -> FileReport:
    path = tmp_path / name
    path.write_bytes(data)
    f = import_one(base_db, path)
    problems = refused(f)
    assert len(problems) == 2 and "more fields than the header" in problems[13][0], problems
    assert any("'not money' is not an amount" in r for rs in problems.values() for r in rs)
    assert stored(base_db, CHANNELS, f.import_id) == [
        ("P1", "card"),
        ("P2", "card"),
        ("P3", "two\r\nlines, and\ra CR"),
        ("P4", "cash"),
        ("P6", "card"),
        ("P7", "card"),
    ]
    assert_invariants(base_db)
    return f


def test_mixed_line_ends_in_a_utf8_file(base_db: Path, tmp_path: Path) -> None:
    _line_ends_case(base_db, tmp_path, MIXED_LINE_ENDS.encode(), "ends_utf8.csv")


def test_a_refused_value_after_blank_lines_has_its_spreadsheet_line(
    base_db: Path, tmp_path: Path
) -> None:
    problems = refused(_line_ends_case(base_db, tmp_path, MIXED_LINE_ENDS.encode(), "e.csv"))
    assert 9 in problems and "not an amount" in problems[9][0], problems


# --- blank lines: every row keeps the line a spreadsheet shows ------------------------------

# (line, row): None is a blank line. A line break inside quotes starts no row; "|" is the
# file's line end, also inside quotes. Lines written by hand, checked with Python's csv module.
BLANK_LINES: tuple[tuple[int, str | None], ...] = (
    (2, None),  # blank lines right after the header
    (3, None),
    (4, "P1,A1,2026-11-01,10.00,G1,card,"),
    (5, "P2,A1,2026-11-02,not money,G1,card,"),  # refused
    (6, None),  # several blank lines in a row
    (7, None),
    (8, None),
    (9, 'P3,A1,2026-11-03,10.00,G1,"two||lines",'),  # one row on three lines, one of them empty
    (10, "P4,A1,2026-11-04,10.00,G1,银行转账,"),
    (11, "P5,A1,2026-11-05,ten,G1,card,"),  # refused
    (12, "P6,A1,2026-11-06"),  # refused: too few fields
    (13, None),
    (14, 'P7,A1,2026-11-07,10.00,G1,"ends|",'),  # a quoted line break, then a blank line
    (15, None),
    (16, "P8,A1,2026-13-08,10.00,G1,card,"),  # refused: no month 13
    (17, "P9,A1,2026-11-09,10.00,G1,微信,"),
    (18, None),  # blank lines at the end
    (19, None),
)
BLANK_REFUSED = {5: "'not money' is not an amount", 11: "'ten' is not an amount", 12: "fewer"}
BLANK_REFUSED[16] = "payment_date"
BLANK_STORED = [(4, "P1", "card"), (9, "P3", "two||lines"), (10, "P4", "bank_transfer")]
BLANK_STORED += [(14, "P7", "ends"), (17, "P9", "wallet")]  # "ends|": trimmed, as every value


def _blank_lines_text(end: str) -> str:
    text = PAY_HEADER.replace("\n", end)
    for _, line in BLANK_LINES:
        text += (line or "").replace("|", end) + end
    return text


def test_the_blank_line_cases_are_numbered_as_a_spreadsheet_does() -> None:
    """The hand-written line numbers agree with Python's csv module (a blank line is a row)."""
    for end in ("\n", "\r\n", "\r"):
        rows = list(csv.reader(io.StringIO(_blank_lines_text(end), newline="")))
        assert len(rows) == 1 + len(BLANK_LINES)
        for line, text in BLANK_LINES:
            if text is None:
                assert rows[line - 1] == [], (end, line)
            else:
                assert rows[line - 1][0] == text.split(",")[0], (end, line)


@pytest.mark.parametrize(
    ("encoding", "end"),
    [
        ("utf-8", "\n"),
        ("utf-8", "\r\n"),
        ("utf-8", "\r"),
        ("utf-8-sig", "\r\n"),
        ("gb18030", "\n"),
        ("gb18030", "\r\n"),
        ("utf-16", "\n"),
        ("utf-16", "\r\n"),
    ],
    ids=lambda v: {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}.get(v, v),
)
def test_blank_lines_keep_every_row_on_its_spreadsheet_line(
    base_db: Path, tmp_path: Path, encoding: str, end: str
) -> None:
    """DuckDB's reader skips blank lines; the rows after them keep their lines all the same,
    the refused ones (in the rejects) and the stored ones (raw_payments.line)."""
    path = _write(tmp_path / "blank.csv", _blank_lines_text(end).encode(encoding))
    f = import_one(base_db, path)
    problems = refused(f)
    assert set(problems) == set(BLANK_REFUSED), problems
    for line, words in BLANK_REFUSED.items():
        assert any(words in r for r in problems[line]), (line, problems[line])
    got = stored(
        base_db,
        "select line, payment_id, channel from raw_payments where import_id = $i order by line",
        f.import_id,
    )
    assert got == [(n, p, c.replace("|", end)) for n, p, c in BLANK_STORED]
    assert (f.rows_in_file, f.rows_accepted, f.rows_refused) == (9, 5, 4)  # blank lines: no rows
    assert_invariants(base_db)


def blank_lines_utf8_lf(base_db: Path, tmp_path: Path) -> None:
    test_blank_lines_keep_every_row_on_its_spreadsheet_line(base_db, tmp_path, "utf-8", "\n")


def blank_lines_gbk_crlf(base_db: Path, tmp_path: Path) -> None:
    test_blank_lines_keep_every_row_on_its_spreadsheet_line(base_db, tmp_path, "gb18030", "\r\n")


def blank_lines_utf16_crlf(base_db: Path, tmp_path: Path) -> None:
    test_blank_lines_keep_every_row_on_its_spreadsheet_line(base_db, tmp_path, "utf-16", "\r\n")


def test_blank_lines_only_at_the_end_keep_the_fast_path(tmp_path: Path) -> None:
    """A UTF-8 file is copied for its blank lines only when a row follows one: trailing blank
    lines change no line number, and a file without blank lines is read as it is."""
    body = PAY_HEADER + row("P1", "card") + row("P2", "card")
    for text in (body, body + "\n\n", (body + "\n\n").replace("\n", "\r\n")):
        path = _write(tmp_path / "t.csv", text.encode())
        assert reader.open_source(path, tmp_path).csv_path == path, text
    inner = PAY_HEADER + row("P1", "card") + "\n" + row("P2", "card")
    path = _write(tmp_path / "inner.csv", inner.encode())
    assert reader.open_source(path, tmp_path).csv_path != path


def test_mixed_line_ends_in_a_gbk_file(base_db: Path, tmp_path: Path) -> None:
    data = MIXED_LINE_ENDS.replace("card,\n", "银行转账,\n", 1).encode("gbk")
    path = tmp_path / "ends_gbk.csv"
    path.write_bytes(data)
    f = import_one(base_db, path)
    assert f.encoding == "gb18030" and len(refused(f)) == 2 and 13 in refused(f)
    assert stored(base_db, CHANNELS, f.import_id)[:3] == [
        ("P1", "bank_transfer"),
        ("P2", "card"),
        ("P3", "two\r\nlines, and\ra CR"),
    ]
    assert_invariants(base_db)


def test_mixed_line_ends_in_a_utf16_file(base_db: Path, tmp_path: Path) -> None:
    _line_ends_case(base_db, tmp_path, MIXED_LINE_ENDS.encode("utf-16"), "ends_utf16.csv")


def test_an_lf_file_with_one_crlf_row_and_a_crlf_file_with_one_lf_row(
    base_db: Path, tmp_path: Path
) -> None:
    header = "payment_id,account_id,payment_date,amount,agent_id,channel\n"  # a last field
    one = [f"P{n},A1,2026-11-0{n},10.00,G1,card{n}\n" for n in range(1, 7)]  # never empty
    lf_one_crlf = header + one[0] + one[1].replace("\n", "\r\n") + one[2]
    f = import_one(base_db, _write(tmp_path / "a.csv", lf_one_crlf.encode()))
    assert (f.rows_accepted, f.rows_refused) == (3, 0)
    crlf_one_lf = (header + one[3]).replace("\n", "\r\n") + one[4] + one[5].replace("\n", "\r\n")
    g = import_one(base_db, _write(tmp_path / "b.csv", crlf_one_lf.encode()))
    assert (g.rows_accepted, g.rows_refused) == (3, 0)
    assert stored(base_db, CHANNELS, g.import_id) == [
        ("P4", "card4"),
        ("P5", "card5"),
        ("P6", "card6"),
    ]
    assert_invariants(base_db)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- item 12: broken UTF-16 --------------------------------------------------------------------


def test_utf16_with_an_odd_last_byte(base_db: Path, tmp_path: Path) -> None:
    for p, prefix, encode in (
        ("U", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("V", codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        text = (
            PAY_HEADER
            + row(f"{p}1", "银行转账")
            + row(f"{p}2", "card", 2)
            + f"{p}3,A1,2026-11-03,1"
        )
        path = _write(tmp_path / f"{p}.csv", prefix + text.encode(encode) + b"\x30")  # half a "0"
        f = import_one(base_db, path)
        assert f.encoding == "utf-16"
        assert set(refused(f)) == {4}, refused(f)
        assert "middle of a character" in refused(f)[4][0]
        assert stored(base_db, CHANNELS, f.import_id) == [
            (f"{p}1", "bank_transfer"),
            (f"{p}2", "card"),
        ]
    assert_invariants(base_db)


def test_utf16_with_a_lone_surrogate(base_db: Path, tmp_path: Path) -> None:
    le = "utf-16-le"
    data = codecs.BOM_UTF16_LE + (PAY_HEADER + row("P1", "card")).encode(le)
    data += "P2,A1,2026-11-02,10.00,G1,ca".encode(le) + b"\x00\xd8" + "rd,\n".encode(le)  # high
    data += "P3,A1,2026-11-03,10.00,G1,ca".encode(le) + b"\x00\xdc" + "rd,\n".encode(le)  # low
    data += (row("P4", "微信", 4) + "P5,A1,2026-11-05,10.00,G1,x,").encode(le) + b"\x3d\xd8"
    path = _write(tmp_path / "surrogate.csv", data)
    f = import_one(base_db, path)
    assert set(refused(f)) == {3, 4, 6}, refused(f)
    for line in (3, 4, 6):
        assert "not valid UTF-16 text" in refused(f)[line][0]
    assert stored(base_db, CHANNELS, f.import_id) == [("P1", "card"), ("P4", "wallet")]
    assert_invariants(base_db)


def test_a_utf16_row_with_a_nul_is_refused(base_db: Path, tmp_path: Path) -> None:
    """A UTF-16 file may hold U+0000 (a UTF-8 or GBK file with a NUL byte is refused whole):
    its row is refused, never stored, and a row of a NUL and empty fields is not taken for the
    row that stands for a blank line (transcode.blank_row)."""
    text = PAY_HEADER + row("P1", "card") + "\n"  # 1-3: line 3 is blank
    text += "\x00,,,,,,\n" + row("P3", "ca\x00rd", 3) + row("P4", "微信", 4)  # 4-6
    path = _write(tmp_path / "nul16.csv", text.encode("utf-16"))
    f = import_one(base_db, path)
    assert set(refused(f)) == {4, 5}, refused(f)
    assert all("holds a NUL character" in refused(f)[n][0] for n in (4, 5)), refused(f)
    assert stored(base_db, CHANNELS, f.import_id) == [("P1", "card"), ("P4", "wallet")]
    assert f.rows_in_file == 4
    assert_invariants(base_db)


# --- the heuristic refuses no genuine text ------------------------------------------------------

GB2312_HANZI = [
    ch
    for lead in range(0xB0, 0xF8)
    for trail in range(0xA1, 0xFF)
    for ch in [bytes([lead, trail]).decode("gb2312", errors="ignore")]
    if ch
]


def _hanzi(rnd: random.Random, n: int) -> str:
    return "".join(rnd.choice(GB2312_HANZI) for _ in range(n))


def _address(rnd: random.Random) -> str:
    parts = [_hanzi(rnd, rnd.randint(2, 6))]
    for _ in range(rnd.randint(0, 3)):
        pick = rnd.random()
        if pick < 0.4:
            parts.append(str(rnd.randint(1, 999)) + _hanzi(rnd, rnd.randint(1, 3)))
        elif pick < 0.6:
            parts.append(rnd.choice("ABCDEFGH") + _hanzi(rnd, rnd.randint(1, 2)))
        elif pick < 0.8:
            parts.append("-" + str(rnd.randint(1, 99)))
        else:
            parts.append(_hanzi(rnd, rnd.randint(1, 6)))
    return "".join(parts)


def test_genuine_gbk_text_is_never_refused(base_db: Path, tmp_path: Path) -> None:
    """Every GB2312 hanzi, alone and in seeded random names (1-6 characters) and addresses
    between ASCII fields: not one line is taken for UTF-8."""
    assert len(GB2312_HANZI) == 6763
    rnd = random.Random(20261209)
    values: list[tuple[str, str]] = [(h, h) for h in GB2312_HANZI]  # each hanzi alone
    values += [(_hanzi(rnd, rnd.randint(1, 6)), _address(rnd)) for _ in range(60_000)]
    path = tmp_path / "genuine_gbk.csv"
    with path.open("w", encoding="gbk", newline="") as out:
        out.write(PAY_HEADER)
        for n, (name, address) in enumerate(values):
            out.write(f"Q{n},A1,2026-11-01,1.00,{name},{address},\n")
    f = import_one(base_db, path, hostile=False)
    assert f.encoding == "gb18030"
    assert f.rows_refused == 0, refused(f)
    got = stored(
        base_db,
        "select agent_id, channel from raw_payments where import_id = $i "
        "order by cast(substr(payment_id, 2) as integer)",
        f.import_id,
    )
    assert got == values
    assert_invariants(base_db)


def test_utf8_text_in_many_scripts_is_never_refused(base_db: Path, tmp_path: Path) -> None:
    """Seeded random words of Latin (accented), Greek, Cyrillic, Arabic, Hebrew and CJK
    letters, with UTF-8 punctuation: a UTF-8 file of them loses no row."""
    alphabets = [
        "abcdefghijklmnopqrstuvwxyzàáâäãåæçèéêëìíîïñòóôöõøùúûüýÿąćęłńśźżčďěňřšťůž",
        "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ",
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "ابتثجحخدذرزسشصضطظعغفقكلمنهوىيېۇۆۈۋھ",
        "אבגדהוזחטיכלמנסעפצקרשת",
        "".join(GB2312_HANZI[:3755]),
    ]
    rnd = random.Random(7)
    values = []
    for _ in range(20_000):
        words = []
        for _ in range(rnd.randint(1, 3)):
            letters = rnd.choice(alphabets)
            word = "".join(rnd.choice(letters) for _ in range(rnd.randint(1, 8)))
            words.append(word.capitalize() if rnd.random() < 0.5 else word)
        values.append(rnd.choice([" ", " — ", "·", " “", "¥"]).join(words))
    path = tmp_path / "scripts.csv"
    path.write_text(
        PAY_HEADER + "".join(f"S{n},A1,2026-11-01,1.00,G1,{v},\n" for n, v in enumerate(values)),
        encoding="utf-8",
    )
    f = import_one(base_db, path, hostile=False)
    assert f.rows_refused == 0, refused(f)
    got = stored(
        base_db,
        "select channel from raw_payments where import_id = $i "
        "order by cast(substr(payment_id, 2) as integer)",
        f.import_id,
    )
    assert [g for (g,) in got] == values
    assert_invariants(base_db)


# --- the same outcomes whatever the block boundaries ------------------------------------------


@pytest.mark.parametrize("block", [1, 2, 3, 5, 64])
@pytest.mark.parametrize(
    "case",
    [
        test_utf8_lines_in_a_gbk_file_are_refused_with_their_line_numbers,
        test_a_gbk_line_that_decodes_as_utf8_is_refused_in_a_utf8_file,
        test_mixed_line_ends_in_a_utf8_file,
        test_mixed_line_ends_in_a_gbk_file,
        test_mixed_line_ends_in_a_utf16_file,
        test_a_refused_value_after_blank_lines_has_its_spreadsheet_line,
        blank_lines_utf8_lf,
        blank_lines_gbk_crlf,
        blank_lines_utf16_crlf,
        test_utf16_with_an_odd_last_byte,
        test_utf16_with_a_lone_surrogate,
    ],
    ids=lambda c: c.__name__.removeprefix("test_")[:40] if callable(c) else str(c),
)
def test_block_boundaries_change_nothing(
    case: Callable[[Path, Path], None],
    block: int,
    base_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Files are read in blocks (4 MB): a CRLF, a character, a quoted field or a line cut
    by a block boundary changes no outcome. Blocks of a few bytes cut everything everywhere."""
    monkeypatch.setattr(transcode, "BLOCK_BYTES", block)
    monkeypatch.setattr(reader, "BLOCK_BYTES", block)
    monkeypatch.setattr(reader, "SCAN_BYTES", block)
    case(base_db, tmp_path)


# --- line ends made one kind: a property over generated files --------------------------------

_ENDS = ("\n", "\r\n", "\r")
_plain = st.text(alphabet="ab1 é", min_size=1, max_size=4)
_quoted = st.text(alphabet='ab,"\r\n', min_size=1, max_size=5)  # "" reads as NULL
_field = st.one_of(
    _plain.map(lambda t: (t, t)), _quoted.map(lambda t: ('"' + t.replace('"', '""') + '"', t))
)


@st.composite
def _mixed_csv(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, str, str] | None], list[int]]:
    """A 3-column CSV file with line ends of every kind and blank lines (None), its rows'
    values and the sizes of the pieces it is written in."""

    def end(text: str) -> str:  # a CR then an LF would be one line end (CRLF), not two
        return text + draw(st.sampled_from(_ENDS[1:] if text.endswith("\r") else _ENDS))

    text, rows = end("c0,c1,c2"), []
    for _ in range(draw(st.integers(1, 6))):
        for _ in range(draw(st.integers(0, 2))):
            text = end(text)  # a blank line
            rows.append(None)
        cells = [draw(_field) for _ in range(3)]
        text = end(text + ",".join(c for c, _ in cells))
        rows.append(tuple(v for _, v in cells))
    chunks = draw(st.lists(st.integers(1, 9), min_size=1, max_size=8))
    return text.encode(), rows, chunks


BLANK_ROW = (transcode.BLANK_MARK, None, None)


@settings(
    max_examples=soak_or(60, 1000),
    deadline=None,
    derandomize=not SOAK,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(_mixed_csv(), st.booleans())
def test_mixed_line_ends_become_one_kind_outside_quotes(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[bytes, list[tuple[str, str, str] | None], list[int]],
    blank_rows: bool,
) -> None:
    """Written in any pieces, a file with mixed line ends comes out the same, DuckDB's strict
    reader reads it (no "invalid state"), and every row holds exactly the values generated,
    line breaks inside quoted fields included; with ``blank`` rows, each blank line outside
    quotes is a row of its own, in its place (DuckDB skips blank lines)."""
    data, rows, chunks = case
    blank = transcode.blank_row(",", 3) if blank_rows else None
    outputs = set()
    for sizes in ([len(data)], chunks):
        buffer = io.BytesIO()
        out = transcode.Out(
            buffer, ends=reader._most_common_in(data.decode()), delimiter=",", blank=blank
        )
        at, i = 0, 0
        while at < len(data):
            out.write(data[at : at + sizes[i % len(sizes)]])
            at, i = at + sizes[i % len(sizes)], i + 1
        out.close()
        outputs.add(buffer.getvalue())
        assert out.blank_lines == (rows.count(None) if blank_rows else 0)
    assert len(outputs) == 1
    (converted,) = outputs
    expected = [BLANK_ROW if r is None else r for r in rows if blank_rows or r is not None]
    assert _read_csv(converted, tmp_path_factory.mktemp("ends") / "x.csv") == expected, converted


def _read_csv(data: bytes, path: Path) -> list[tuple[str, ...]]:
    path.write_bytes(data)
    con = duckdb.connect()
    try:
        return con.execute(
            """select * from read_csv($p, header = true, auto_detect = false, delim = ',',
                quote = '"', escape = '"', strict_mode = true,
                columns = {'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR'})""",
            {"p": str(path)},
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_a_file_name_at_the_file_system_limit_is_imported_through_the_cli(
    base_db: Path, tmp_path: Path, encoding: str
) -> None:
    # 83 Chinese characters (249 bytes in UTF-8) + ".csv": 253 bytes, under the 255-byte limit
    # of a name; a transcoded copy named after it ("<stem>.utf8.csv") would not fit.
    name = "二零二六年十一月还款明细" * 6 + "二零二六年十一月还款明细"[:11] + ".csv"
    assert 250 <= len(name.encode()) <= 255
    path = tmp_path / name
    path.write_bytes((PAY_HEADER + row("L1", "wallet")).encode(encoding))
    done = run_cli("import", "--db", base_db, "--payments", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    sql = "select channel from raw_payments where payment_id = 'L1' and $i is null"
    assert stored(base_db, sql, None) == [("wallet",)]
    assert_invariants(base_db)
    record("corpus_files")
