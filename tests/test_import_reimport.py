"""A file imported again (ingest/reimport.py): not checked again when the database shows that it
would add nothing, and checked in full whenever that cannot be shown.

Each case counts the checks run (``stage`` calls) and compares the report with the one a full
check gives. The expected counts are read off the hand-written files: which rows are new, which
already loaded, which refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dashboard.ingest import importer
from dashboard.ingest.importer import FileReport, FileSpec, import_files, undo_import
from tests.conftest import query

PAYMENTS = (
    "payment_id,account_id,payment_date,amount\n"
    "P1,A1,2026-10-01,10.00\n"
    "P2,A2,2026-10-02,20.00\n"
    "P3,A3,2026-02-30,30.00\n"  # line 4: no such date
)
ACCOUNTS = (
    "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,days_past_due\n"
    "A1,2026-10-31,X,2026-01-01,100.00,90.00,5\n"
    "A2,2026-10-31,X,2026-01-01,200.00,150.00,0\n"
)
AGENTS = "agent_id,team\nG1,T1\n"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files checked (``stage`` run), in order."""
    seen: list[str] = []
    real = importer.stage

    def counted(con: Any, source: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(source.name)
        return real(con, source, *args, **kwargs)

    monkeypatch.setattr(importer, "stage", counted)
    return seen


def one(path: Path, db: Path, kind: str | None = None, **options: Any) -> FileReport:
    result = import_files([FileSpec(path, kind)], db_path=db, user="t", **options)
    assert result.committed, result.message
    return result.files[0]


def summary(fr: FileReport) -> tuple[Any, ...]:
    problems = None if fr.problems is None else fr.problems.to_pylist()
    refused = None if fr.refused_rows is None else fr.refused_rows.to_pylist()
    same = None if fr.same_as is None else fr.same_as.import_id
    return (fr.import_id, same, fr.already_imported_as, fr.rows_in_file, fr.rows_accepted,
            fr.rows_duplicate, fr.rows_refused, fr.orphans, fr.snapshot_dates, problems, refused,
            fr.ignored_columns)  # fmt: skip


def test_same_payments_file_again_is_not_checked_and_reports_as_a_full_import(
    db_path: Path, write_csv: Callable[..., Path], checks: list[str], monkeypatch
) -> None:
    f = write_csv("payments.csv", PAYMENTS)
    first = one(f, db_path)
    assert (first.import_id, first.rows_accepted, first.rows_refused) == (1, 2, 1)
    again = one(f, db_path)
    assert checks == ["payments.csv"]  # the first import only
    # Hand: the 2 valid rows are already loaded (present), line 4 is refused again, nothing
    # recorded, "already imported as #1".
    assert again.nothing_new and again.import_id is None and again.same_as is not None
    assert again.same_as.import_id == 1 and again.already_imported_as == [1]
    assert (again.rows_in_file, again.rows_accepted, again.rows_duplicate) == (3, 0, 2)
    assert again.rows_refused == 1 and again.orphans == 0  # orphans: of rows it wrote (none)
    assert [p["line"] for p in again.problems.to_pylist()] == [4]
    assert again.refused_rows is not None and again.refused_rows.num_rows == 1
    assert query(db_path, "select count(*) from imports") == [(1,)]
    # The full check of the same file gives the same report.
    monkeypatch.setattr(importer, "known_outcome", lambda *_a: None)
    full = one(f, db_path)
    assert checks == ["payments.csv", "payments.csv"]
    assert summary(full) == summary(again)


def test_same_snapshot_again_is_not_checked_until_a_later_import_replaces_it(
    db_path: Path, write_csv: Callable[..., Path], checks: list[str]
) -> None:
    f1 = write_csv("a1.csv", ACCOUNTS)
    f2 = write_csv("a2.csv", ACCOUNTS.replace("90.00", "80.00"))  # A1's balance changed
    assert one(f1, db_path).import_id == 1
    again = one(f1, db_path)
    assert checks == ["a1.csv"]
    assert again.same_as is not None and again.same_as.import_id == 1
    assert (again.rows_in_file, again.rows_duplicate, again.rows_refused) == (2, 2, 0)
    assert again.snapshot_dates == [date(2026, 10, 31)]
    assert one(f2, db_path).import_id == 2  # replaces the snapshot
    # a1.csv again: its rows are no longer in force; importing it brings them back.
    back = one(f1, db_path)
    assert checks == ["a1.csv", "a2.csv", "a1.csv"]
    assert (back.import_id, back.rows_accepted, back.already_imported_as) == (3, 2, [1])
    balance = "select current_balance from stg_accounts where account_id = 'A1'"
    assert [float(r[0]) for r in query(db_path, balance)] == [90.0]
    # Now in force again (as #3): the next copy is not checked, and names the latest, #3.
    latest = one(f1, db_path)
    assert checks == ["a1.csv", "a2.csv", "a1.csv"]
    assert latest.same_as is not None and latest.same_as.import_id == 3
    assert latest.already_imported_as == [1, 3]


def test_an_undone_import_does_not_stand_for_the_file(
    db_path: Path, write_csv: Callable[..., Path], checks: list[str]
) -> None:
    f = write_csv("payments.csv", PAYMENTS)
    one(f, db_path)
    undo_import(1, db_path=db_path, user="t")
    again = one(f, db_path)
    assert checks == ["payments.csv", "payments.csv"]
    # Hand: both valid rows come back as new rows of a new import, line 4 refused.
    assert (again.import_id, again.rows_accepted, again.rows_duplicate, again.rows_refused) == (
        2, 2, 0, 1)  # fmt: skip
    assert again.already_imported_as == []


def test_a_target_refused_for_an_unknown_agent_is_checked_again_once_the_agent_is_loaded(
    db_path: Path, write_csv: Callable[..., Path], checks: list[str]
) -> None:
    one(write_csv("agents.csv", AGENTS), db_path)
    targets = write_csv("targets.csv", "period,level,id,target\n2026-10,agent,G1,100\n"
                        "2026-10,agent,G2,200\n")  # fmt: skip
    first = one(targets, db_path)
    assert (first.rows_accepted, first.rows_refused) == (1, 1)  # G2 is unknown
    one(write_csv("agents2.csv", "agent_id,team\nG2,T1\n"), db_path)
    again = one(targets, db_path)
    assert checks == ["agents.csv", "targets.csv", "agents2.csv", "targets.csv"]
    # Hand: G2's target is now valid (new), G1's is already loaded.
    assert (again.import_id, again.rows_accepted, again.rows_duplicate, again.rows_refused) == (
        4, 1, 1, 0)  # fmt: skip


def test_a_payment_refused_as_a_conflict_is_checked_again_after_the_other_is_undone(
    db_path: Path, write_csv: Callable[..., Path], checks: list[str]
) -> None:
    one(write_csv("p1.csv", "payment_id,account_id,payment_date,amount\nP1,A1,2026-10-01,10\n"),
        db_path)  # fmt: skip
    f2 = write_csv("p2.csv", "payment_id,account_id,payment_date,amount\n"
                   "P1,A1,2026-10-01,20\nP2,A1,2026-10-02,5\n")  # fmt: skip
    first = one(f2, db_path)
    assert (first.import_id, first.rows_accepted, first.rows_refused) == (2, 1, 1)
    same = one(f2, db_path)  # P1 still conflicts: checked (its refusal is the database's)
    assert checks == ["p1.csv", "p2.csv", "p2.csv"]
    assert same.nothing_new and (same.rows_duplicate, same.rows_refused) == (1, 1)
    undo_import(1, db_path=db_path, user="t")
    again = one(f2, db_path)
    assert checks == ["p1.csv", "p2.csv", "p2.csv", "p2.csv"]
    # Hand: P1 (20.00) is new now that #1's P1 (10.00) is gone; P2 already loaded. The id is
    # #4: the second import, which added nothing and was not recorded, took #3.
    assert (again.import_id, again.rows_accepted, again.rows_duplicate, again.rows_refused) == (
        4, 1, 1, 0)  # fmt: skip


def test_other_snapshot_date_or_mapping_is_another_check(
    db_path: Path, write_csv: Callable[..., Path], checks: list[str]
) -> None:
    no_date = write_csv("acc.csv", "\n".join(
        ",".join(c for i, c in enumerate(row.split(",")) if i != 1)
        for row in ACCOUNTS.splitlines()) + "\n")  # fmt: skip
    one(no_date, db_path, as_of=date(2026, 9, 30))
    other = one(no_date, db_path, as_of=date(2026, 10, 31))
    assert checks == ["acc.csv", "acc.csv"]
    assert (other.import_id, other.rows_accepted, other.snapshot_dates) == (
        2, 2, [date(2026, 10, 31)])  # fmt: skip
    one(no_date, db_path, as_of=date(2026, 10, 31))  # the same as #2: not checked
    assert checks == ["acc.csv", "acc.csv"]
    extra = write_csv("agents.csv", "agent_id,team,office\nG1,T1,Shanghai\n")
    first = one(extra, db_path)
    assert first.ignored_columns == ["office"]
    mapped = import_files([FileSpec(extra)], db_path=db_path, user="t",
                          user_map={"office": "cost_center"})  # fmt: skip
    assert checks == ["acc.csv", "acc.csv", "agents.csv", "agents.csv"]
    # #1, #2 the snapshots, the same one again not recorded, #3 the agents: this is #4.
    assert mapped.files[0].import_id == 4 and mapped.files[0].ignored_columns == []


def test_an_agent_updated_later_comes_back_with_its_first_file(
    db_path: Path, write_csv: Callable[..., Path], checks: list[str]
) -> None:
    f1 = write_csv("agents.csv", AGENTS)
    one(f1, db_path)
    one(write_csv("agents2.csv", "agent_id,team\nG1,T2\n"), db_path)
    back = one(f1, db_path)
    assert checks == ["agents.csv", "agents2.csv", "agents.csv"]
    assert (back.import_id, back.rows_accepted) == (3, 1)
    assert query(db_path, "select team from stg_agents") == [("T1",)]


def test_a_change_between_the_look_and_the_write_checks_the_file_after_all(
    db_path: Path, write_csv: Callable[..., Path], checks: list[str], monkeypatch
) -> None:
    f = write_csv("payments.csv", PAYMENTS)
    one(f, db_path)
    real = importer._known_before

    def then_undone(*args: Any) -> None:
        real(*args)
        undo_import(1, db_path=db_path, user="t")  # another user, meanwhile

    monkeypatch.setattr(importer, "_known_before", then_undone)
    again = one(f, db_path)
    assert checks == ["payments.csv", "payments.csv"]
    assert (again.import_id, again.rows_accepted, again.rows_refused) == (2, 2, 1)
    assert again.same_as is None and again.already_imported_as == []
