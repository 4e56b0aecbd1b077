"""Every file of the malformed-input corpus gets its expected outcome, and loses nothing.

Each case (tests/reliability/corpus.py) is imported into a copy of the base database. Then:
the outcome is the one written by hand (imported / partial with the refused lines and their
reasons / refused whole with its reason); the rows that were there before are all there,
unchanged, to the byte; a refused file left nothing behind; the import log adds up; every
invariant of queries/checks/ holds and every staging view answers. A sample of the cases also
runs through the real command line in a child process: exit status 0, 1 or 2 as README.md
says, and never a traceback.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.importer import FileSpec, ImportResult, import_files
from tests.reliability.conftest import run_cli
from tests.reliability.corpus import CASES, Case, by_name
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants, import_ids, rows_digest, state

EXIT = {"imported": 0, "partial": 1, "refused": 2}


def materialise(case: Case, folder: Path) -> Path:
    path = folder / (case.file_name or f"{case.name}.csv")
    case.write(path)
    return path


def check_outcome(case: Case, result: ImportResult) -> None:
    (f,) = result.files
    where = f"{case.name}: {f.refused_whole or result.message}; problems: " + (
        str(f.problems.to_pylist()[:12]) if f.problems is not None else "none"
    )
    assert result.exit_code == EXIT[case.outcome], where
    if case.outcome == "refused":
        assert not result.committed and f.import_id is None, where
        assert re.search(case.reason, f.refused_whole or result.message), where
        return
    assert result.committed and f.import_id is not None, where
    assert (f.rows_accepted, f.rows_duplicate) == (case.accepted, case.duplicate), where
    total = case.refused_total if case.refused_total is not None else len(case.refused)
    assert f.rows_refused == total, where
    assert f.rows_in_file == f.rows_accepted + f.rows_duplicate + f.rows_refused, where
    problems = f.problems.to_pylist() if f.problems is not None else []
    lines = {p["line"] for p in problems}
    if case.refused_total is None:
        assert lines == set(case.refused), where
    for line, pattern in case.refused.items():
        reasons = [p["reason"] for p in problems if p["line"] == line]
        assert any(re.search(pattern, r) for r in reasons), f"line {line}: {reasons}; {where}"


def check_database(case: Case, db_path: Path, before: dict, new_ids: list[int]) -> None:
    """Nothing that was there is lost or changed; a refused file wrote nothing; invariants."""
    assert rows_digest(db_path, before["ids"]) == before["digest"], "pre-existing rows changed"
    if case.outcome == "refused":
        assert new_ids == [] and state(db_path) == before["state"], "a refused file wrote"
    else:
        assert len(new_ids) == 1
    assert_invariants(db_path)
    if case.stored is not None and new_ids:
        sql, expected = case.stored
        con = duckdb.connect(str(db_path), read_only=True)
        try:
            rows = con.execute(sql, {"import_id": new_ids[0]}).fetchall()
        finally:
            con.close()
        assert rows == expected, f"{case.name}: stored {rows}"


def snapshot(db_path: Path) -> dict:
    ids = import_ids(db_path)
    return {"ids": ids, "digest": rows_digest(db_path, ids), "state": state(db_path)}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_file(case: Case, base_db: Path, tmp_path: Path) -> None:
    path = materialise(case, tmp_path)
    try:
        before = snapshot(base_db)
        result = import_files(
            [FileSpec(path, case.kind)],
            db_path=base_db,
            as_of=date.fromisoformat(case.as_of) if case.as_of else None,
            strict=case.strict,
            user_map=case.user_map,
            user="corpus",
        )
        check_outcome(case, result)
        new_ids = [i for i in import_ids(base_db) if i not in before["ids"]]
        check_database(case, base_db, before, new_ids)
    finally:
        path.unlink(missing_ok=True)
    record("corpus_files")


CLI_SAMPLE = (  # one or two of each family: refused whole, encodings, structure, values
    "empty",
    "png_image",
    "nul_after_1mb",
    "duplicate_header",
    "cr_only",
    "mixed_gbk_with_a_utf8_row",
    "gbk_with_a_utf8_latin_row",
    "gbk_with_a_utf8_em_dash",
    "utf8_with_a_gbk_row_valid_as_utf8",
    "utf16_odd_last_byte",
    "utf16_lone_surrogate",
    "blank_crlf_line_after_lf",
    "stray_cr_after_lf",
    "gbk_with_mixed_line_ends",
    "stray_opening_quote",
    "money_forms",
    "whitespace_only_ids",
    "hostile_file_name",
    "strict_with_a_bad_row",
    "accounts_with_as_of",
    "map_to_a_column",
    "thousand_columns",
)


@pytest.mark.parametrize("name", CLI_SAMPLE)
def test_corpus_file_through_the_cli(name: str, base_db: Path, tmp_path: Path) -> None:
    case = by_name(name)
    path = materialise(case, tmp_path)
    args: list[str | Path] = ["import", "--db", base_db]
    args += [f"--{case.kind}", path] if case.kind else [path]
    if case.as_of:
        args += ["--as-of", case.as_of]
    if case.strict:
        args.append("--strict")
    for header, column in case.user_map.items():
        args += ["--map", f"{header}={column}"]
    before = snapshot(base_db)
    r = run_cli(*args)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr
    assert r.returncode == EXIT[case.outcome], r.stdout + r.stderr
    if case.outcome == "refused":
        assert re.search(case.reason, r.stdout + r.stderr), r.stdout + r.stderr
    for line in case.refused:
        assert f"{path.name}:{line}:" in r.stdout, r.stdout
    new_ids = [i for i in import_ids(base_db) if i not in before["ids"]]
    check_database(case, base_db, before, new_ids)
    record("corpus_cli_runs")


def test_the_corpus_is_big_enough() -> None:
    """The issue asks for at least 60 real files, each with a hand-written outcome."""
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.outcome for c in CASES} == {"imported", "partial", "refused"}
