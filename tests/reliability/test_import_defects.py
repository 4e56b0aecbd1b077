"""Issue 9, the importer's half: eight defects an outside tester found, each pinned by a real file.

Every test imports real CSV files through the real importer (``import_files``), the real command
line in a child process (``run_cli``) or the app's Data page (AppTest), on a private copy of the
base database (tests/reliability/base.py), then checks what is in force and every invariant of
queries/checks/. Expected values come from the data contract (domain.md) and from hand counts of
the files written here, never from the importer's own output.

1. header mappings: per kind, never over a built-in synonym, never personal data in clear;
2. the masking rule (at least half, at least 4 characters hidden), a property over every length;
3. undo keeps rows a later, still-active import delivered again;
4. a snapshot replacement that removes more than 10 % of its accounts needs a confirmation;
7. no value, not even the work folder's path, is pasted into SQL;
8. money values above 999,999,999,999.99 are refused;
16. reversals of another account's payment or of a reversal are refused; one whose payment is
    not loaded yet is kept out of every agent's basis;
18. a --map onto a column the file already has is refused like two synonyms.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import db
from dashboard.ingest.importer import FileSpec, ImportResult, import_files, undo_import
from dashboard.ingest.kinds import KINDS, normalize_header
from dashboard.ingest.stage import scratch_connection
from tests.reliability import hostile
from tests.reliability.base import ACC_HEADER, LEAK_MARKERS, PAY_HEADER, PERSONAL
from tests.reliability.conftest import ROOT, child_env, run_cli, soak_or
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants, content, table_texts

CONTACT_HEADER = (
    "contact_id,account_id,agent_id,contacted_at,channel,outcome,promise_amount,promise_date\n"
)
NAME, PHONE, ID_NO = PERSONAL["names"][0], PERSONAL["phones"][0], PERSONAL["ids"][0]


def rows(db_path: Path, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def imported(result: ImportResult) -> ImportResult:
    assert result.committed, (
        result.message,
        [(f.refused_whole, f.problems.to_pylist() if f.problems else None) for f in result.files],
    )
    return result


def leaks(texts: dict[str, str]) -> dict[str, list[str]]:
    found = {where: [m for m in LEAK_MARKERS if m in text] for where, text in texts.items()}
    return {where: m for where, m in found.items() if m}


# --- 1. header mappings -------------------------------------------------------------------

NOV_ACCOUNT_BY_NAME = (
    "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,"
    "days_past_due,name,phone\n"
    f"A1,2026-11-30,BANK_A,2026-01-15,5000.00,3900.00,46,{NAME},{PHONE}\n"
)


@pytest.fixture
def app_db(base_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DASHBOARD_DB", str(base_db))
    return base_db


def _data_page() -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.run()
    return at.switch_page("views/data.py").run()


def _upload_and_import(at: Any, *files: tuple[str, str]) -> Any:
    at.file_uploader[0].set_value([(n, t.encode(), "text/csv") for n, t in files]).run()
    return next(b for b in at.button if b.label == "Import").click().run()


def test_a_mapping_remembered_for_contacts_is_not_applied_to_accounts(app_db: Path) -> None:
    # The tester's steps: a contacts file's `name` mapped to agent_id (remembered; written
    # directly, as an earlier version stored it), then an accounts file whose debtor column
    # is `name` uploaded on the Data page.
    con = duckdb.connect(str(app_db))
    try:
        con.execute(
            "insert into header_mappings values ('contacts', 'name', 'agent_id', now()::timestamp)"
        )
    finally:
        con.close()
    at = _upload_and_import(_data_page(), ("accounts_2026-11-30.csv", NOV_ACCOUNT_BY_NAME))
    assert not at.exception
    stored = rows(
        app_db,
        "select agent_id, customer_name, phone from raw_accounts where as_of_date = '2026-11-30'",
    )
    # `name` is a built-in synonym of customer_name: masked there; agent_id stays blank.
    assert stored == [(None, "***", "1******5678")], stored
    assert leaks(table_texts(app_db)) == {}
    agents = run_cli("report", "agents", "--db", app_db, "--format", "csv")
    assert agents.returncode == 0, agents.stderr
    assert NAME not in agents.stdout
    assert_invariants(app_db)


def test_a_mapping_cannot_override_a_built_in_synonym(base_db: Path, tmp_path: Path) -> None:
    f = write(tmp_path, "accounts_nov.csv", NOV_ACCOUNT_BY_NAME)
    before = content(base_db)
    r = run_cli("import", "--db", base_db, "--map", "name=agent_id", "--accounts", f)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "'name' already means customer_name" in r.stdout, r.stdout
    assert "Traceback" not in r.stderr
    assert content(base_db) == before
    assert_invariants(base_db)


def _personal_headers() -> list[str]:
    """Every header the importer knows as personal data (canonical names and synonyms)."""
    return sorted(
        {
            normalize_header(h)
            for kind in KINDS.values()
            for col in kind.columns
            if col.personal
            for h in (col.name, *col.synonyms)
        }
    )


def _non_personal_targets() -> list[tuple[str, str]]:
    return [
        (kind.name, col.name) for kind in KINDS.values() for col in kind.columns if not col.personal
    ]


MINIMAL = {
    "accounts": {
        "account_id": "A9",
        "as_of_date": "2026-11-30",
        "portfolio": "BANK_A",
        "placement_date": "2026-01-15",
        "placed_balance": "10.00",
        "current_balance": "10.00",
        "days_past_due": "3",
    },
    "payments": {
        "payment_id": "Z9",
        "account_id": "A1",
        "payment_date": "2026-11-02",
        "amount": "10.00",
    },
    "agents": {"agent_id": "G9", "team": "T9"},
    "contacts": {
        "contact_id": "KZ9",
        "account_id": "A1",
        "agent_id": "G1",
        "contacted_at": "2026-11-02 10:00:00",
        "channel": "call",
        "outcome": "no_answer",
    },
    "repayment_plans": {
        "plan_id": "RZ9",
        "account_id": "A1",
        "plan_type": "installment",
        "created_date": "2026-11-01",
        "installment_no": "1",
        "due_date": "2026-11-30",
        "amount": "10.00",
    },
    "agencies": {"agency_id": "Y9", "fee_rate": "0.15"},
    "complaints": {"complaint_id": "QZ9", "account_id": "A1", "received_at": "2026-11-02 10:00:00"},
    "targets": {"period": "2026-11", "level": "agent", "id": "G1", "target": "10.00"},
}


@pytest.mark.parametrize(("kind", "target"), _non_personal_targets())
def test_no_mapping_puts_personal_data_in_clear_into_any_column(
    base_db: Path, tmp_path: Path, kind: str, target: str
) -> None:
    # The class: whatever the kind and the target column, a header that names personal data,
    # mapped there, never stores the value in clear. Headers rotate over every personal
    # synonym, each holding a clear phone, name or id number.
    n = _non_personal_targets().index((kind, target))
    builtin = {normalize_header(h) for h in (target, *KINDS[kind].column(target).synonyms)}
    headers = [h for h in _personal_headers() if h not in builtin]  # a mapping, not a no-op
    header, value = headers[n % len(headers)], (PHONE, NAME, ID_NO)[n % 3]
    cells = {c: v for c, v in MINIMAL[kind].items() if c != target}
    text = ",".join([*cells, header]) + "\n" + ",".join([*cells.values(), value]) + "\n"
    f = write(tmp_path, f"{kind}.csv", text)
    result = import_files([FileSpec(f, kind)], db_path=base_db, user_map={header: target})
    texts = table_texts(base_db)
    texts["report"] = str([(x.refused_whole, x.problems) for x in result.files])
    record("pii_sources", len(texts))
    assert leaks(texts) == {}, (header, target, result.message)
    assert value not in "\n".join(texts.values())
    assert_invariants(base_db)


def test_save_mapping_refuses_personal_data_onto_another_column(base_db: Path) -> None:
    from dashboard.ingest.mappings import MappingRefused, save_mapping

    with db.connect(base_db) as con:
        with pytest.raises(MappingRefused, match="personal data"):
            save_mapping(con, "contacts", "name", "agent_id")
        with pytest.raises(MappingRefused, match="already means"):
            save_mapping(con, "accounts", "name", "agent_id")
        save_mapping(con, "accounts", "Kundenname", "customer_name")  # a personal target: fine
        assert con.execute("select kind, header, column_name from header_mappings").fetchall() == [
            ("accounts", "kundenname", "customer_name")
        ]


# --- 2. the masking rule ------------------------------------------------------------------


def hidden_at_least(n: int) -> int:
    """The rule (issue 9): at least half, and never fewer than 4, hidden; all when short."""
    return n if n <= 4 else max(math.ceil(n / 2), 4)


def satisfies_rule(original: str, masked: str, *, prefix: int, suffix: int) -> bool:
    """``masked`` hides at least ``hidden_at_least`` characters of ``original`` and shows only
    a prefix of at most ``prefix`` and a suffix of at most ``suffix`` of it, in place."""
    n = len(original)
    if len(masked) != n or masked.count("*") < hidden_at_least(n):
        return False
    shown = [i for i, ch in enumerate(masked) if ch != "*"]
    in_place = all(masked[i] == original[i] for i in shown)
    return in_place and all(i < prefix or i >= n - suffix for i in shown)


CHARS = "0123456789ABCDEFXabcxyz张王李欧阳娜明 "


@pytest.fixture(scope="module")
def macros(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = scratch_connection(tmp_path_factory.mktemp("mask"))
    yield con
    con.close()


@settings(
    max_examples=soak_or(300, 3000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.integers(1, 40).flatmap(lambda n: st.text(CHARS, min_size=n, max_size=n)))
def test_the_mask_hides_half_and_at_least_four_characters(
    macros: duckdb.DuckDBPyConnection, value: str
) -> None:
    value = value.strip() or "7"  # the importer trims before it masks
    number, name = macros.execute("select mask_number($v), mask_name($v)", {"v": value}).fetchall()[
        0
    ]
    assert satisfies_rule(value, number, prefix=3, suffix=4), (value, number)
    assert satisfies_rule(value, name, prefix=1, suffix=0), (value, name)


def test_the_mask_for_every_length_and_the_documented_forms(
    macros: duckdb.DuckDBPyConnection,
) -> None:
    for n in range(1, 41):
        value = "".join(str((i * 7 + 3) % 10) for i in range(n))
        number, name = macros.execute(
            "select mask_number($v), mask_name($v)", {"v": value}
        ).fetchall()[0]
        assert satisfies_rule(value, number, prefix=3, suffix=4), (n, number)
        assert satisfies_rule(value, name, prefix=1, suffix=0), (n, name)
    # The documented forms: 18 digits keep theirs; 11 digits (138****1234 hid 4 of 11, less
    # than half) now hide 6.
    assert macros.execute("select mask_number('110101199001011234')").fetchall() == [
        ("110***********1234",)
    ]
    assert macros.execute("select mask_number('13812341234')").fetchall() == [("1******1234",)]


def test_eight_and_nine_character_numbers_are_masked_by_the_rule(
    base_db: Path, tmp_path: Path
) -> None:
    f = write(
        tmp_path,
        "accounts_nov.csv",
        ACC_HEADER + "A1,2026-11-30,BANK_A,2026-01-15,5000.00,3900.00,46,G1,open,上海,"
        "Zhang Sanfeng,62345678,E12345678\n",
    )
    r = run_cli("import", "--db", base_db, "--accounts", f)
    assert r.returncode == 0, r.stdout + r.stderr
    stored = rows(
        base_db,
        "select customer_name, phone, id_number from raw_accounts where as_of_date = '2026-11-30'",
    )
    assert stored == [("Z************", "****5678", "*****5678")], stored
    for original, masked in zip(("62345678", "E12345678"), stored[0][1:], strict=True):
        assert satisfies_rule(original, masked, prefix=3, suffix=4)
    assert_invariants(base_db)


# --- 3. undo keeps what a later import delivered -------------------------------------------


def _payments(n: int) -> list[str]:
    return [
        f"U{i:03d},A{i % 4 + 1},2026-10-{i % 28 + 1:02d},{10 + i}.00,,card,"
        for i in range(1, n + 1)
    ]


def _contacts(n: int) -> list[str]:
    return [
        f"KC{i:03d},A{i % 4 + 1},G1,2026-10-{i % 28 + 1:02d} 10:00:00,call,no_answer,,"
        for i in range(1, n + 1)
    ]


@pytest.mark.parametrize("kind", ["payments", "contacts"])
def test_undo_keeps_rows_a_later_active_import_delivered(
    base_db: Path, tmp_path: Path, kind: str
) -> None:
    lines = _payments(50) if kind == "payments" else _contacts(50)
    header = PAY_HEADER if kind == "payments" else CONTACT_HEADER
    table, key = (
        ("raw_payments", "payment_id") if kind == "payments" else ("raw_contacts", "contact_id")
    )
    a = write(tmp_path, "a.csv", header + "\n".join(lines) + "\n")
    b = write(tmp_path, "b.csv", header + "\n".join(reversed(lines)) + "\n")  # other lines
    ra = imported(import_files([FileSpec(a, kind)], db_path=base_db)).files[0]
    rb = imported(import_files([FileSpec(b, kind)], db_path=base_db)).files[0]
    assert (ra.rows_accepted, rb.rows_accepted, rb.rows_duplicate) == (50, 0, 50)
    assert_invariants(base_db)
    ours = (
        f"select {key}, import_id, line from {table} where ({key} like 'U%' or {key} like 'KC%')"
        " and import_id in (select import_id from stg_imports)"
    )

    undo_import(int(ra.import_id or 0), db_path=base_db)
    in_force = sorted(rows(base_db, ours))
    # b's copies take over: every id in force, with b's import id and b's line (reversed).
    ids = [ln.split(",")[0] for ln in lines]
    expected = sorted((i, rb.import_id, 2 + (49 - n)) for n, i in enumerate(ids))
    assert in_force == expected, f"{len(in_force)} of 50 in force after undoing a"
    assert_invariants(base_db)

    undo_import(int(rb.import_id or 0), db_path=base_db)
    assert rows(base_db, ours) == []
    assert_invariants(base_db)


def test_undo_of_the_later_import_leaves_the_first_in_force(base_db: Path, tmp_path: Path) -> None:
    lines = _payments(5)
    a = write(tmp_path, "a.csv", PAY_HEADER + "\n".join(lines) + "\n")
    # Other lines, same rows: the very same file again is not recorded at all (issue 10).
    b = write(tmp_path, "b.csv", PAY_HEADER + "\n".join(reversed(lines)) + "\n")
    ra = imported(import_files([FileSpec(a, "payments")], db_path=base_db)).files[0]
    rb = imported(import_files([FileSpec(b, "payments")], db_path=base_db)).files[0]
    undo_import(int(rb.import_id or 0), db_path=base_db)
    got = rows(base_db, "select import_id, count(*) from stg_payments where payment_id like 'U%' "
               "group by all")  # fmt: skip
    assert got == [(ra.import_id, 5)]
    assert_invariants(base_db)


# --- 4. a snapshot replacement that removes more than 10 % -----------------------------------


def _accounts(as_of: str, ids: list[str]) -> str:
    return ACC_HEADER + "".join(
        f"{a},{as_of},BANK_A,2026-01-15,100.00,90.00,5,G1,open,北京,,,\n" for a in ids
    )


NOV_WITH_A_MISTYPED_ROW = (
    ACC_HEADER
    + "".join(
        f"{a},2026-11-30,BANK_A,2026-01-15,100.00,90.00,5,G1,open,北京,,,\n"
        for a in ("A1", "A2", "A3", "A4")
    )
    + "A1,2026-09-30,BANK_A,2026-01-15,100.00,90.00,5,G1,open,北京,,,\n"  # should be 11-30
)


def test_a_mistyped_as_of_date_does_not_wipe_a_snapshot(base_db: Path, tmp_path: Path) -> None:
    f = write(tmp_path, "accounts_2026-11-30.csv", NOV_WITH_A_MISTYPED_ROW)
    before = content(base_db)
    r = run_cli("import", "--db", base_db, "--accounts", f)
    assert r.returncode == 2, r.stdout + r.stderr
    out = r.stdout + r.stderr
    # The base snapshot of 2026-09-30 holds A1-A4: the file keeps 1 of the 4.
    assert "2026-09-30" in out and "remove 3 of its 4 accounts" in out, out
    assert "--replace" in out and "Traceback" not in out
    assert content(base_db) == before
    assert_invariants(base_db)

    r = run_cli("import", "--db", base_db, "--accounts", f, "--replace")
    assert r.returncode == 0, r.stdout + r.stderr
    got = rows(base_db, "select as_of_date, count(*) from stg_accounts group by 1 order by 1")
    assert got == [(date(2026, 9, 30), 1), (date(2026, 10, 31), 4), (date(2026, 11, 30), 4)]
    assert_invariants(base_db)


def test_the_shrink_api_and_the_ten_percent_boundary(base_db: Path, tmp_path: Path) -> None:
    from dashboard.ingest.importer import SnapshotShrink

    f = write(tmp_path, "nov.csv", NOV_WITH_A_MISTYPED_ROW)
    result = import_files([FileSpec(f, "accounts")], db_path=base_db)
    assert (result.committed, result.exit_code) == (False, 2)
    assert result.files[0].shrinks == [SnapshotShrink(date(2026, 9, 30), 4, 1, 1)]
    assert result.files[0].import_id is None

    twenty = [f"S{i:02d}" for i in range(1, 21)]
    imported(import_files([FileSpec(write(tmp_path, "d0.csv", _accounts("2026-12-31", twenty)),
                                    "accounts")], db_path=base_db))  # fmt: skip
    # 18 of 20 kept: 2 removed is 10 %, not more: replaced without asking.
    r18 = import_files(
        [FileSpec(write(tmp_path, "d1.csv", _accounts("2026-12-31", twenty[:18])), "accounts")],
        db_path=base_db,
    )
    assert imported(r18).files[0].shrinks == []
    # 16 of those 18 kept (two new ones besides): 2 of 18 removed is 11 %: refused.
    ids = [*twenty[:16], "S98", "S99"]
    spec = FileSpec(write(tmp_path, "d2.csv", _accounts("2026-12-31", ids)), "accounts")
    r16 = import_files([spec], db_path=base_db)
    assert not r16.committed
    assert r16.files[0].shrinks == [SnapshotShrink(date(2026, 12, 31), 18, 16, 18)]
    assert imported(import_files([spec], db_path=base_db, replace=True)).files[0].shrinks == [
        SnapshotShrink(date(2026, 12, 31), 18, 16, 18)
    ]
    assert rows(base_db, "select count(*) from stg_accounts where as_of_date = '2026-12-31'") == [
        (18,)
    ]
    assert_invariants(base_db)


def test_the_app_asks_before_it_replaces_a_snapshot(app_db: Path) -> None:
    at = _upload_and_import(_data_page(), ("accounts_2026-11-30.csv", NOV_WITH_A_MISTYPED_ROW))
    assert not at.exception
    shown = " ".join(e.value for e in at.error) + " ".join(w.value for w in at.warning)
    assert "2026-09-30" in shown and "3 of its 4" in shown, shown
    assert rows(app_db, "select count(*) from stg_accounts where as_of_date = '2026-09-30'") == [
        (4,)
    ]
    replace = next(b for b in at.button if b.label == "Replace anyway")
    at = replace.click().run()
    assert not at.exception
    assert rows(app_db, "select count(*) from stg_accounts where as_of_date = '2026-09-30'") == [
        (1,)
    ]
    assert_invariants(app_db)


# --- 7. no value pasted into SQL --------------------------------------------------------------


def _hostile_tmpdir(root: Path) -> tuple[Path, Path]:
    """A temp folder whose path closes the quote and runs a COPY of its own."""
    target = root / "PWNED.csv"
    folder = Path(f"{root}/x'; copy (select 42) to '{target}'; --")
    folder.mkdir(parents=True)
    return folder, target


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


HOSTILE_NAME = "pay'; copy (select 1) to 'PWNED2.csv'; --.csv"


def test_a_hostile_temp_folder_and_file_name_run_no_sql(base_db: Path, tmp_path: Path) -> None:
    root = tmp_path / "tmp"
    folder, target = _hostile_tmpdir(root)
    f = write(tmp_path, HOSTILE_NAME, PAY_HEADER + "Z1,A1,2026-11-02,10.00,G1,card,\n")
    before = _files_under(tmp_path)
    r = run_cli("import", "--db", base_db, "--payments", f, env=child_env(TMPDIR=str(folder)))
    record("injection_inputs", 2)
    assert not target.exists(), "the temp folder's path ran a COPY"
    assert not (ROOT / "PWNED2.csv").exists(), "the file name ran a COPY"
    assert r.returncode == 0, r.stdout + r.stderr
    # Nothing written outside the work folder (removed after the import) but the database.
    new = _files_under(tmp_path) - before
    assert {p for p in new if p.parent != base_db.parent} == set(), new
    assert rows(base_db, "select count(*) from stg_payments where payment_id = 'Z1'") == [(1,)]
    assert_invariants(base_db)


def test_no_value_enters_the_sql_text_of_an_import(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    folder, target = _hostile_tmpdir(tmp_path / "tmp")
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    files = [
        write(tmp_path, HOSTILE_NAME, PAY_HEADER + "Z1,A1,2026-11-02,10.00,G1,card,\n"),
        write(
            tmp_path,
            "acc'; drop table imports; --.csv",
            "account_id,portfolio,placement_date,placed_balance,current_balance,days_past_due,"
            "status\nA9,BANK_A,2026-01-15,10.00,10.00,3,bogus\n"
            'A8,BANK_A,2026-01-15,10.00,10.00,3,"x"y"\n',  # a structural reject
        ),
    ]
    with hostile.recording() as log:
        result = import_files(
            [FileSpec(files[0], "payments"), FileSpec(files[1], "accounts")],
            db_path=base_db,
            as_of=date(2027, 3, 17),
        )
    assert result.committed, result.message
    assert not target.exists()
    assert log, "nothing was recorded"
    problems = [p for f in result.files if f.problems for p in f.problems.to_pylist()]
    assert {p["line"] for p in problems} == {2, 3}, problems  # both rows refused, with reasons
    pieces = [
        str(folder),
        "x'; copy",
        "pay'; copy",
        "drop table imports",
        "2027-03-17",  # --as-of
        "payment_plan, legal",  # the enumerations' spellings, in their reasons
        "还款计划",  # and in their lookup lists
        "fewer fields than the header",  # the structural reasons
        "never closed",
    ]
    found = [(p, sql[:200]) for sql in log for p in pieces if p in sql]
    assert found == [], found
    record("injection_inputs", len(pieces))
    assert_invariants(base_db)


# --- 8. money above the maximum -------------------------------------------------------------


def test_money_above_the_maximum_is_refused_and_reports_still_run(
    base_db: Path, tmp_path: Path
) -> None:
    huge = [f'H{i:02d},A1,2026-10-15,"999,999,999,999,999.99",G1,card,' for i in range(30)]
    edge = [
        "E1,A2,2026-10-16,999999999999.99,G1,card,",  # the maximum: accepted
        "E2,A2,2026-10-16,1000000000000.00,G1,card,",
        "E3,A2,2026-10-17,-999999999999.99,G1,card,",  # its negative: accepted
        "E4,A2,2026-10-17,-1000000000000.00,G1,card,",
    ]
    f = write(tmp_path, "huge.csv", PAY_HEADER + "\n".join(huge + edge) + "\n")
    r = run_cli("import", "--db", base_db, "--payments", f)
    assert r.returncode == 1, r.stdout + r.stderr
    for n in range(30):
        assert (
            f"huge.csv:{n + 2}: amount: amount '999,999,999,999,999.99' is above the maximum "
            "999,999,999,999.99"
        ) in r.stdout
    assert (
        "huge.csv:33: amount: amount '1000000000000.00' is above the maximum 999,999,999,999.99"
        in r.stdout
    )
    assert (
        "huge.csv:35: amount: amount '-1000000000000.00' is below the minimum "
        "-999,999,999,999.99" in r.stdout
    )
    got = rows(base_db, "select payment_id, amount from stg_payments where payment_id like 'E%'")
    assert sorted(got) == [("E1", Decimal("999999999999.99")), ("E3", Decimal("-999999999999.99"))]
    for args in (("kpis",), ("agents",), ("recovery",), ("collections",)):
        rep = run_cli("report", *args, "--db", base_db, "--format", "json")
        assert rep.returncode == 0, rep.stderr
    assert_invariants(base_db)


def test_balances_above_the_maximum_are_refused(base_db: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "acc.csv",
        ACC_HEADER + "A1,2026-11-30,BANK_A,2026-01-15,1000000000000.00,90.00,5,G1,open,,,,\n"
        "A2,2026-11-30,BANK_A,2026-01-15,999999999999.99,999999999999.99,5,G1,open,,,,\n",
    )
    result = import_files([FileSpec(f, "accounts")], db_path=base_db)
    problems = imported(result).files[0].problems
    assert problems is not None
    assert [(p["line"], p["reason"]) for p in problems.to_pylist()] == [
        (2, "placed_balance '1000000000000.00' is above the maximum 999,999,999,999.99")
    ]
    assert_invariants(base_db)


# --- 16. reversals that match nothing ------------------------------------------------------


def _basis(db_path: Path, agent: str) -> Decimal:
    r = run_cli(
        "report", "agents", "--db", db_path, "--from", "2026-10-01", "--to", "2026-10-31",
        "--format", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    found = [a for a in json.loads(r.stdout) if a["agent_id"] == agent]
    return Decimal(str(found[0]["collected"])) if found else Decimal("0")


def test_reversals_that_match_nothing(base_db: Path, tmp_path: Path) -> None:
    # Base: B1 (A1, 500), B2 (A2, 200), B3 (A3, 1000), B6 (A2, -200, reverses B2). A1, A2 are
    # G1's, A3 is G2's. In October G1 was credited B4 500 and B6 -200 = 300; G2 B3 1000.
    assert (_basis(base_db, "G1"), _basis(base_db, "G2")) == (Decimal("300.00"), Decimal("1000.00"))
    f = write(
        tmp_path,
        "reversals.csv",
        PAY_HEADER + "N1,A3,2026-10-21,300.00,,card,\n"  # 2: a payment
        "X1,A4,2026-10-22,-300.00,,card,N1\n"  # 3: of another account's payment, same file
        "X2,A1,2026-10-22,-1000.00,G1,card,B3\n"  # 4: of another account's, loaded
        "X3,A2,2026-10-22,-200.00,,card,B6\n"  # 5: of a loaded reversal
        "N2,A3,2026-10-23,-20.00,,card,N1\n"  # 6: a good reversal
        "X4,A3,2026-10-24,-20.00,,card,N2\n"  # 7: of a reversal in the same file
        "C1,A1,2026-10-25,-5.00,,card,C2\n"  # 8: a cycle
        "C2,A1,2026-10-25,-5.00,,card,C1\n"  # 9
        "M1,A3,2026-10-26,-40.00,,card,NOPE\n"  # 10: payment not loaded yet: kept
        "M2,A3,2026-10-26,-30.00,G2,card,NOPE2\n"  # 11: the same, with an agent given
        "M3,A3,2026-10-27,-10.00,,card,LATE\n",  # 12: LATE will arrive on another account
    )
    r = run_cli("import", "--db", base_db, "--payments", f)
    assert r.returncode == 1, r.stdout + r.stderr
    refused = {
        3: "N1 is a payment of account A3, not A4",
        4: "B3 is a payment of account A3, not A1",
        5: "B6 is itself a reversal",
        7: "N2 is itself a reversal",
        8: "C2 is itself a reversal",
        9: "C1 is itself a reversal",
    }
    out = r.stdout
    for line, reason in refused.items():
        assert f"reversals.csv:{line}: reverses_payment_id: reverses_payment_id {reason}" in out
    assert out.count("reversals.csv:") == 1 + len(refused), out  # the summary and the refusals
    assert "3 reversals of payments not loaded yet" in out, out
    kept = rows(
        base_db,
        "select payment_id, credited_agent_id, credit_rule from payments_credited "
        "where payment_id in ('N1', 'N2', 'M1', 'M2', 'M3') order by 1",
    )
    assert kept == [
        ("M1", None, "unmatched_reversal"),
        ("M2", None, "unmatched_reversal"),
        ("M3", None, "unmatched_reversal"),
        ("N1", "G2", "account_snapshot"),
        ("N2", "G2", "reversed_payment_agent"),
    ]
    # Nobody's basis lost money to the refused rows or the unmatched ones: G1 keeps 300;
    # G2 gains N1 - N2 = 280.
    assert (_basis(base_db, "G1"), _basis(base_db, "G2")) == (Decimal("300.00"), Decimal("1280.00"))
    unmatched = rows(base_db, "select payment_id, problem from (" + (
        (ROOT / "queries" / "checks" / "unmatched_reversals.sql").read_text("utf-8")
    ) + ") order by 1")  # fmt: skip
    assert [u for u in unmatched if u[0].startswith("M")] == [
        ("M1", "reversed payment is not loaded"),
        ("M2", "reversed payment is not loaded"),
        ("M3", "reversed payment is not loaded"),
    ]
    assert_invariants(base_db)

    # The payments arrive: M1, M2 now reverse them and count against G2; LATE is on A1, so M3
    # still matches nothing and stays out.
    g = write(tmp_path, "late.csv", PAY_HEADER + "NOPE,A3,2026-10-20,40.00,,card,\n"
              "NOPE2,A3,2026-10-20,30.00,,card,\nLATE,A1,2026-10-20,10.00,G1,card,\n")  # fmt: skip
    assert run_cli("import", "--db", base_db, "--payments", g).returncode == 0
    kept = rows(
        base_db,
        "select payment_id, credited_agent_id from payments_credited "
        "where payment_id like 'M%' order by 1",
    )
    assert kept == [("M1", "G2"), ("M2", "G2"), ("M3", None)]
    # G2: 1280 + 40 + 30 - 40 - 30 = 1280; G1: 300 + LATE 10 = 310.
    assert (_basis(base_db, "G1"), _basis(base_db, "G2")) == (Decimal("310.00"), Decimal("1280.00"))
    assert_invariants(base_db)


# --- 18. a --map onto a column the file already has -----------------------------------------


def test_a_map_onto_a_column_the_file_has_is_refused(base_db: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "pay.csv",
        "payment_id,account_id,payment_date,amt,amount\nZ1,A1,2026-11-02,10.00,20.00\n",
    )
    before = content(base_db)
    r = run_cli("import", "--db", base_db, "--map", "amt=amount", "--payments", f)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "columns 'amt' and 'amount' both mean amount: keep one of them" in r.stdout
    assert content(base_db) == before
    assert_invariants(base_db)
