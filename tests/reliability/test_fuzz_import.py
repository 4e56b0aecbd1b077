"""Fuzzing the importer: generated extracts, valid and invalid rows mixed, in many shapes.

Each generated payments extract (any delimiter, LF or CRLF, UTF-8, UTF-8 with BOM or GBK,
free text with quotes, separators, line breaks and any Unicode) is imported into a copy of the
base database. Every generated value is drawn either from a pool of valid spellings (with
the value it must become) or from a pool of invalid ones, so the expected outcome is known
row by row, independently of the importer. Invariants: the import never raises; accepted +
duplicate + refused = rows written; exactly the valid rows are accepted and their amounts sum
to what was written; the database passes every check of queries/checks/.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest.importer import FileSpec, import_files
from tests.reliability.conftest import SOAK, soak_or
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants

HEADER = [
    "payment_id",
    "account_id",
    "payment_date",
    "amount",
    "agent_id",
    "channel",
    "reverses_payment_id",
]


@dataclass(frozen=True)
class Cell:
    text: str
    valid: bool
    value: object = None


def cells(valid: list[tuple[str, object]], invalid: list[str]) -> st.SearchStrategy[Cell]:
    return st.one_of(
        st.sampled_from([Cell(t, True, v) for t, v in valid]),
        st.sampled_from([Cell(t, False) for t in invalid]),
    )


accounts = cells(
    [("A1", "A1"), ("A2", "A2"), (" A3 ", "A3"), ("账户9", "账户9"), ("A'1", "A'1")],
    ["", "   ", "\u3000", "A\x07", "X" * 65],
)


@st.composite
def dates(draw: st.DrawFn) -> Cell:
    if draw(st.booleans()):
        d = draw(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
        form = draw(st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y%m%d}", "{:%Y.%m.%d}"]))
        return Cell(form.format(d), True, d)
    bad = ["2026-02-30", "0000-00-00", "9999-12-31", "1899-12-31", "44927", "10/31/2026",
           "31.10.2026", "2026-13-01", "", "yesterday", "2026-10-31 12:30"]  # fmt: skip
    return Cell(draw(st.sampled_from(bad)), False)


@st.composite
def amounts(draw: st.DrawFn) -> Cell:
    if draw(st.integers(0, 4)):
        # Cents within the maximum of 999,999,999,999.99 either way.
        c = draw(st.integers(-(10**14) + 1, 10**14 - 1).filter(lambda c: c != 0))
        value = Decimal(c).scaleb(-2)
        sign, units = ("-" if value < 0 else ""), abs(value)
        form = draw(st.sampled_from(["plain", "commas", "yuan", "one_decimal", "spaced"]))
        if form == "commas":
            text = f"{sign}{units:,.2f}"
        elif form == "yuan":
            text = f"{sign}¥{units:.2f}"
        elif form == "one_decimal" and units == units.quantize(Decimal("0.1")):
            text = f"{sign}{units:.1f}"
        elif form == "spaced":
            text = f"  {sign}{units:.2f}\t"
        else:
            text = f"{sign}{units:.2f}"
        return Cell(text, True, value)
    bad = ["0", "0.00", "-0", "1e3", "NaN", "inf", "1.234,56", "12.345", "", "abc", "１２",
           "10000000000000000.00", "(5.00)", "1 000.00", "$-", "1000000000000.00",
           "-1,000,000,000,000.00"]  # fmt: skip
    return Cell(draw(st.sampled_from(bad)), False)


# Any text but NUL (a NUL refuses the whole file, tested in the corpus) and a bare CR
# (csv.writer leaves it unquoted with LF line ends, and a bare CR is a line end).
free_text = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"), max_size=30
)


@dataclass(frozen=True)
class Row:
    cells: list[str]
    valid: bool
    amount: Decimal | None


@st.composite
def rows(draw: st.DrawFn, n: int) -> Row:
    pid = draw(cells([(f"F{n}", f"F{n}")], ["", "  ", "F\x1b", "F" * 65]))
    acc, day, amount = draw(accounts), draw(dates()), draw(amounts())
    agent = draw(st.sampled_from(["", "G1", "G2", " G3 "]))
    channel = draw(free_text)
    reverses = draw(st.sampled_from(["", "", "", "B1", f"F{n}"]))
    valid = pid.valid and acc.valid and day.valid and amount.valid
    if reverses and valid:
        # Negative, not itself; B1 (a base payment) is one of account A1: only A1 reverses it.
        valid = amount.value < 0 and reverses != f"F{n}"  # type: ignore[operator]
        valid = valid and (reverses != "B1" or acc.value == "A1")
    texts = [pid.text, acc.text, day.text, amount.text, agent, channel, reverses]
    return Row(texts, valid, amount.value if valid else None)  # type: ignore[arg-type]


@st.composite
def extracts(draw: st.DrawFn) -> tuple[bytes, list[Row]]:
    n = draw(st.integers(1, 40))
    body = [draw(rows(i)) for i in range(n)]
    delimiter = draw(st.sampled_from([",", "\t", ";", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(HEADER)
    for r in body:
        writer.writerow(r.cells)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return data, body


@pytest.mark.xdist_group("fuzz")
@pytest.mark.timeout(soak_or(600, 7200))
@settings(
    max_examples=soak_or(30, 500),
    deadline=None,
    derandomize=not SOAK,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(extracts())
def test_generated_extracts_are_accounted_for_row_by_row(
    base_template: Path, tmp_path: Path, extract: tuple[bytes, list[Row]]
) -> None:
    data, body = extract
    db_path = tmp_path / "fuzz.duckdb"
    shutil.copyfile(base_template, db_path)
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    result = import_files([FileSpec(path, "payments")], db_path=db_path, user="fuzz")
    (f,) = result.files
    problems = f.problems.to_pylist() if f.problems is not None else []
    why = f"{f.refused_whole or result.message}; {problems[:6]}"
    assert result.committed, why
    assert f.rows_in_file == len(body), why
    assert f.rows_accepted + f.rows_duplicate + f.rows_refused == f.rows_in_file, why
    valid = [r for r in body if r.valid]
    assert (f.rows_accepted, f.rows_duplicate) == (len(valid), 0), why
    # The refused lines are exactly the invalid rows (header = line 1, rows one per line:
    # csv.writer quotes a field with a line break, and a quoted break is not a new row).
    assert {p["line"] for p in problems} == {i + 2 for i, r in enumerate(body) if not r.valid}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        got = con.execute(
            "select count(*), coalesce(sum(amount), 0) from raw_payments where import_id = $i",
            {"i": f.import_id},
        ).fetchall()[0]
    finally:
        con.close()
    assert got == (len(valid), sum((r.amount for r in valid if r.amount), Decimal(0)))
    assert_invariants(db_path)
    record("fuzz_extracts")
    record("fuzz_rows", len(body))
