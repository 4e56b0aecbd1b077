"""The refused rows to fix (``refused.refused_rows``) from the cells the check already split,
instead of reading the file again up to its last refused line: the same table either way.

Expected cells are read off the hand-written file (CSV quoting: a doubled quote is one quote; a
quote inside an unquoted field is a character; an empty field is blank).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.ingest import refused as refused_module
from dashboard.ingest import stage
from dashboard.ingest.importer import FileSpec, import_files

CONTACTS = (
    "contact_id,account_id,agent_id,contacted_at,channel,outcome,notes\n"
    'C1,A1,G1,2026-10-01 10:00:00,call,promise_to_pay,"said ""soon"", maybe"\n'  # 2: no amount
    'C2,A1,G1,2026-10-01 10:00:00,call,no_answer,"two\nlines"\n'  # 3 (two lines): fine
    'C3,A1,G1,soon,call,no_answer,  b"c\n'  # 4: not a time
    "C4,,G1,2026-10-01 10:00:00,call,no_answer,\n"  # 5: no account
    "C5,A1\n"  # 6: too few fields (read from the file in both cases)
    "C6,A1,G1,2026-10-01 10:00:00,call,no_answer,fine\n"  # 7
)


def refused(path: Path, db: Path) -> list[dict]:
    result = import_files([FileSpec(path)], db_path=db, user="t")
    fr = result.files[0]
    assert fr.refused_rows is not None
    return fr.refused_rows.to_pylist()


def test_refused_rows_from_the_split_cells_are_those_read_from_the_file(
    tmp_path: Path, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    f = write_csv("contacts.csv", CONTACTS)
    read: list[set[int]] = []
    real = refused_module._read_rows

    def reading(path: Path, delimiter: str, lines: set[int], header_line: int = 1) -> dict:
        read.append(set(lines))
        return real(path, delimiter, lines, header_line)

    monkeypatch.setattr(refused_module, "_read_rows", reading)
    fast = refused(f, tmp_path / "a.duckdb")
    assert read == [{6}]  # only the row the reader could not split
    assert [r["line"] for r in fast] == [2, 4, 5, 6]
    # Hand: line 2's note is said "soon", maybe (no personal number inside: as written); line
    # 4 keeps its quote (a note goes through the masking, which trims it: 'b"c'); line 5's
    # blank account is blank, its blank note none.
    assert fast[0]["notes"] == 'said "soon", maybe' and fast[0]["outcome"] == "promise_to_pay"
    assert fast[1]["contacted_at"] == "soon" and fast[1]["notes"] == 'b"c'
    assert fast[2]["account_id"] == "" and fast[2]["notes"] is None
    monkeypatch.setattr(stage, "_refused_cells", lambda *_a: {})
    assert refused(f, tmp_path / "b.duckdb") == fast
    assert read[1] == {2, 4, 5, 6}
