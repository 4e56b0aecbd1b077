"""SQL injection: every filter value, plan name, header, mapping and name is data, never SQL.

Injection strings go through every filter option of every report, the payout commands (plan
and team names from a plan file, agent, approver, reason, preset), the import options (--map,
--by) and the remembered header mappings, against a database whose own names (agent, team,
plan, portfolio, account) are injection strings. After each command: every table is intact
(exact digest), no file was written by an injected COPY or ATTACH, and, the proof that values
are bound: no SQL text sent to DuckDB during the command contains a piece of a hostile value.
(Hostile headers, values and file names of uploaded files are in the corpus:
tests/reliability/corpus.py, cases sql_in_values, sql_in_enum, sql_in_header,
hostile_file_name.)
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from dashboard import db
from dashboard.cli import build_parser, main
from dashboard.ingest.mappings import MappingRefused, forget_mapping, load_mappings, save_mapping
from tests.reliability import hostile
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants, content

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def hostile_template(
    base_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return hostile.build(base_template, folder / "hostile.duckdb", folder)


@pytest.fixture
def hostile_db(hostile_template: tuple[Path, Path], tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "hostile.duckdb"
    shutil.copyfile(hostile_template[0], copy)
    yield copy
    for path in hostile.PWNED:
        assert not path.exists(), f"an injected statement wrote {path}"


@pytest.fixture
def plans(hostile_template: tuple[Path, Path]) -> Path:
    return hostile_template[1]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """The CLI in-process with every SQL statement recorded; fails if a value was pasted."""

    def go(*args: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        with hostile.recording() as log:
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # argparse refusing a value
                code = int(exc.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        assert log or code == 2, "nothing was recorded: is the recorder installed?"
        assert hostile.pasted(log) == [], hostile.pasted(log)[:3]
        record("injection_inputs")
        return code, out, err

    return go


def report_filters() -> list[tuple[str, str]]:
    """(report, filter option) for every report of the CLI that takes a filter."""
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    reports = next(a for a in sub.choices["report"]._actions if a.dest == "report")  # type: ignore[union-attr]
    out = []
    for name, parser in reports.choices.items():  # type: ignore[union-attr]
        for option in ("--portfolio", "--team", "--agent"):
            if any(option in a.option_strings for a in parser._actions):
                out.append((name, option))
    return out


FILTERS = report_filters()
KNOWN = {"--portfolio": hostile.PORTFOLIO, "--team": hostile.TEAM, "--agent": hostile.AGENT}


def test_every_report_filter_is_covered() -> None:
    names = {r for r, _ in FILTERS}
    assert {"buckets", "recovery", "agents", "kpis"} <= names and len(FILTERS) >= 24


@pytest.mark.parametrize(("report", "option"), FILTERS, ids=[f"{r}{o}" for r, o in FILTERS])
def test_injection_through_report_filters(
    run: Run, hostile_db: Path, plans: Path, report: str, option: str
) -> None:
    before = content(hostile_db)
    extra = ["--period", "2026-10", "--plans", str(plans)] if report.startswith("payout") else []
    values = [x for inj in hostile.INJECTIONS for x in (option, inj)]
    code, _, err = run("report", report, "--db", hostile_db, *extra, *values)
    # Unknown values are named as unknown (they were compared as data) or match nothing.
    assert code in (0, 2), err
    if code == 2:
        assert "unknown" in err and hostile.INJECTIONS[0] in err, err
    # A value that exists although it looks like SQL selects its rows like any other name.
    code, _, err = run(
        "report", report, "--db", hostile_db, *extra, option, KNOWN[option], "--format", "json"
    )
    if report.startswith("forecast-") and code == 2:
        # The hostile book is two snapshots deep: a forecast refuses to project from that
        # little history (the reason names the data, not the value, which was accepted).
        assert "needs at least" in err and "unknown" not in err, err
    else:
        assert code == 0, err
    assert content(hostile_db) == before
    assert_invariants(hostile_db)


def test_hostile_names_in_the_plan_file_and_the_roster(
    run: Run, hostile_db: Path, plans: Path, tmp_path: Path
) -> None:
    common = ("--db", hostile_db, "--period", "2026-10", "--plans", plans)
    code, out, err = run("report", "payouts", *common, "--format", "json")
    assert code == 0, err
    rows = {r["agent_id"]: r for r in json.loads(out)}
    mallory = rows[hostile.AGENT]
    # The hostile plan and team are ordinary names: 3% of 320.00; the team's pool is 1% of
    # its net collected (320.00, above its target of 100.00) and goes to its only member.
    assert (mallory["plan"], mallory["team"]) == (hostile.PLAN, hostile.TEAM)
    assert (mallory["base_commission"], mallory["team_bonus"]) == ("9.60", "3.20")
    for inj in (*hostile.INJECTIONS, hostile.AGENT):
        code, out, err = run("report", "payout-lines", *common, "--agent", inj, "--format", "json")
        assert code == 0, err
        got = json.loads(out)
        assert all(r["agent_id"] == inj for r in got) and bool(got) == (inj == hostile.AGENT)
    code, out, err = run(
        "statements",
        *common,
        "--agent",
        hostile.INJECTIONS[0],
        "--out",
        tmp_path / "st",
        "--format",
        "html",
    )
    assert code == 2 and "no payout for agent" in err, err
    code, out, err = run(
        "statements",
        *common,
        "--agent",
        hostile.AGENT,
        "--out",
        tmp_path / "st",
        "--format",
        "html",
    )
    assert code == 0, err


def test_hostile_approver_and_reason_are_stored_as_written(
    run: Run, hostile_db: Path, plans: Path
) -> None:
    common = ("--db", hostile_db, "--period", "2026-09", "--plans", plans)
    maker, who, why = hostile.INJECTIONS[1], hostile.INJECTIONS[0], hostile.INJECTIONS[3]
    assert run("prepare", *common, "--by", maker)[0] == 0
    assert run("approve", *common, "--by", who)[0] == 0
    assert run("approve", *common, "--by", who, "--reopen", "--reason", why)[0] == 0
    code, out, err = run("report", "payout-log", "--db", hostile_db, "--format", "json")
    assert code == 0, err
    events = [(e["event"], e["by_user"], e["reason"]) for e in json.loads(out)]
    assert events == [("reopen", who, why), ("approve", who, None), ("prepare", maker, None)]
    assert_invariants(hostile_db)


def test_unknown_preset_is_a_message_not_a_traceback(
    run: Run, hostile_db: Path, plans: Path
) -> None:
    code, _, err = run(
        "report",
        "payouts",
        "--db",
        hostile_db,
        "--period",
        "2026-10",
        "--plans",
        plans,
        "--preset",
        hostile.INJECTIONS[0],
    )
    assert code == 2 and "unknown compliance preset" in err


def test_argument_types_refuse_hostile_text(run: Run, hostile_db: Path) -> None:
    before = content(hostile_db)
    for args in (
        ("report", "payouts", "--db", hostile_db, "--period", "2026-10'; DROP TABLE imports; --"),
        ("report", "buckets", "--db", hostile_db, "--as-of", hostile.INJECTIONS[0]),
        ("report", "compliance", "--db", hostile_db, "--rules", hostile.INJECTIONS[1]),
        ("undo", "--db", hostile_db, "1; DELETE FROM imports"),
        ("rejects", "--db", hostile_db, "1 OR 1=1"),
        ("import", "--db", hostile_db, "--as-of", hostile.INJECTIONS[0], "x.csv"),
    ):
        code, _, err = run(*args)
        assert code == 2, (args, err)
    assert content(hostile_db) == before


def test_import_options_are_data(run: Run, hostile_db: Path, tmp_path: Path) -> None:
    inj = hostile.INJECTIONS[0]
    f = tmp_path / "pay.csv"
    f.write_text(f'"{inj}",acct,when,amt\nZ1,A1,2026-11-01,5.00\n', encoding="utf-8")
    code, out, err = run(
        "import",
        "--db",
        hostile_db,
        "--payments",
        f,
        "--by",
        inj,
        "--map",
        f"{inj}=payment_id",
        "--map",
        "acct=account_id",
        "--map",
        "when=payment_date",
        "--map",
        "amt=amount",
    )
    assert code == 0, out + err
    con = duckdb.connect(str(hostile_db), read_only=True)
    try:
        assert con.execute(
            "select imported_by from imports order by import_id desc limit 1"
        ).fetchall() == [(inj,)]
        assert con.execute("select count(*) from raw_payments where payment_id = 'Z1'").fetchall()
    finally:
        con.close()
    # A mapping onto something that is not a column is refused, never used as a name.
    code, out, err = run(
        "import",
        "--db",
        hostile_db,
        "--payments",
        f,
        "--map",
        "acct=account_id'); DROP TABLE raw_payments; --",
    )
    assert code == 2, out + err
    assert_invariants(hostile_db)


def test_remembered_header_mappings_are_data(hostile_db: Path) -> None:
    with hostile.recording() as log, db.connect(hostile_db) as con:
        for inj in hostile.INJECTIONS:
            save_mapping(con, "payments", inj, "amount")
            with pytest.raises(MappingRefused):
                save_mapping(con, "payments", "x", inj)
            with pytest.raises(MappingRefused):
                save_mapping(con, inj, "x", "amount")
        remembered = load_mappings(con, "payments")
        for inj in hostile.INJECTIONS:
            forget_mapping(con, "payments", inj)
        assert load_mappings(con, "payments") == {}
    assert hostile.pasted(log) == []
    # Stored as the normalised header text (lower case, spaces joined by '_'), nothing else.
    assert len(remembered) == len(hostile.INJECTIONS)
    assert set(remembered.values()) == {"amount"}
    record("injection_inputs", 3 * len(hostile.INJECTIONS))
