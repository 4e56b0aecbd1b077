"""Closing the books: four eyes, the approval rules and adjustments booked into the next period.

The scenario is tests/payout_fixtures.py (worked by hand in tests/test_payout_db.py), plus a
snapshot of 2026-10-31 (the same owners as 09-30: no crediting changes) so that October has
ended in the data. Months with payouts: August (A1 2.00), September (A1 20.00, A5 20.00),
October (A1 15.00, A2 84.10, A3 12.00, A4 0.00, A5 0.00 carrying -20.00), November (A5 5.00
- 20.00 = -15.00: pays 0.00, carries -15.00).

Hand-computed figures used below (plan file tests/data/plans/scenario.yaml):

R1, a reversal of P4 (300.00 on C4, agent A2) dated 2026-10-28, after October is approved:
    A2 October: basis 1,100 - 300 = 800.00 on 2 accounts (C4 nets 0): level 2 tasks = 2% ->
        16.00; factor 0.7 -> 11.20; T1 net 500 + 800 = 1,300 < 1,600: no pool; the cumulative
        reached 1,000 on Oct 24 but falls to 800 on Oct 28: no bonus. 11.20 (approved 84.10:
        adjustment -72.90, the figures of the issue).
    A1 October: loses its pool share: 10.00 (approved 15.00: adjustment -5.00).
November payments for A2 (credited by the 10-31 snapshot): N2 C3 11-03, N3 C4 11-04, N4 C5
11-05, 1,000.00 each:
    A2 November: basis 3,000.00, 3 tasks -> 3% = 90.00; no contacts: factor 1 -> 90.00; T1 net
        3,000 >= 1,600: pool 30.00, all A2's (A1 and A4 collected nothing); 1,000 reached on
        Nov 3, 27 days before Nov 30: bonus 50.00; total 170.00, capped at 100.00; then the
        adjustment for October -72.90 (after the cap): pays 27.10.
        (Before the cap it would be 170.00 - 72.90 = 97.10, capped 97.10.)
    A1 November: 0.00 + adjustment -5.00 = -5.00: pays 0.00, carries -5.00.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import pytest

from dashboard.cli import main
from tests.conftest import CliResult, query
from tests.payout_fixtures import (
    OWNERS_SEP,
    SCENARIO_PLANS,
    accounts,
    build_scenario,
    import_texts,
)
from tests.reliability.invariants import content

Cli = Callable[..., CliResult]
PAY = "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
MAKER, CHECKER = "Li Na", "Wang Wei"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("close")
    db_path = build_scenario(folder)
    snapshot = {"acc_1031.csv": ("accounts", accounts("2026-10-31", OWNERS_SEP))}
    import_texts(db_path, folder / "oct", snapshot)
    return db_path


@pytest.fixture
def scenario(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "close.duckdb"
    shutil.copyfile(template, copy)
    return copy


@pytest.fixture(scope="module")
def closed_template(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario with August, September and October closed as ``close`` closes them (built
    once: several tests start there)."""
    path = tmp_path_factory.mktemp("closed") / "closed.duckdb"
    shutil.copyfile(template, path)
    for period in ("2026-08", "2026-09", "2026-10"):
        for command, by in (("prepare", MAKER), ("approve", CHECKER)):
            args = [command, "--db", path, "--period", period, "--plans", SCENARIO_PLANS]
            assert main([str(a) for a in args] + ["--by", by]) == 0, (command, period)
    return path


@pytest.fixture
def closed(closed_template: Path, tmp_path: Path) -> Path:
    """A private copy of the scenario closed through October."""
    copy = tmp_path / "closed.duckdb"
    shutil.copyfile(closed_template, copy)
    return copy


def step(cli: Cli, db_path: Path, command: str, period: str, by: str, *extra: str) -> CliResult:
    return cli(command, "--db", db_path, "--period", period, "--plans", SCENARIO_PLANS,
               "--by", by, *extra)  # fmt: skip


def close(cli: Cli, db_path: Path, *periods: str) -> None:
    """Prepare (Li Na) and approve (Wang Wei) each period, in order."""
    for period in periods:
        for command, by in (("prepare", MAKER), ("approve", CHECKER)):
            r = step(cli, db_path, command, period, by)
            assert r.code == 0, (command, period, r.err)


def report(cli: Cli, db_path: Path, period: str) -> dict[str, dict]:
    r = cli("report", "payouts", "--db", db_path, "--period", period, "--plans", SCENARIO_PLANS,
            "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    return {x["agent_id"]: x for x in json.loads(r.out)}


def adjustment_lines(cli: Cli, db_path: Path, period: str) -> list[tuple]:
    r = cli("report", "payout-lines", "--db", db_path, "--period", period, "--plans",
            SCENARIO_PLANS, "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    return sorted(
        (x["agent_id"], x["corrects_period"], x["amount"])
        for x in json.loads(r.out)
        if x["kind"] == "adjustment"
    )


def figures(row: dict, *names: str) -> tuple:
    return tuple(row[n] for n in names)


def late(db_path: Path, folder: Path, rows: str) -> None:
    import_texts(db_path, folder, {"late.csv": ("payments", PAY + rows)})


R1 = "R1,C4,2026-10-28,-300.00,,card,P4\n"
NOVEMBER = (
    "N2,C3,2026-11-03,1000.00,,card,\nN3,C4,2026-11-04,1000.00,,card,\n"
    "N4,C5,2026-11-05,1000.00,,card,\n"
)
PAID = ("total", "cap_applied", "adjustment_in", "payout", "carry_out")


# --- adjustments booked -----------------------------------------------------------------


def test_adjustment_is_booked_once_into_the_next_period_and_replaced_on_reapproval(
    closed: Path, cli: Cli, tmp_path: Path
) -> None:
    late(closed, tmp_path / "r1", R1 + NOVEMBER)

    october = report(cli, closed, "2026-10")
    a2 = october["A2"]
    assert figures(a2, "payout", "recomputed_payout", "adjustment") == ("84.10", "11.20", "-72.90")
    assert figures(october["A1"], "payout", "recomputed_payout", "adjustment") == (
        "15.00",
        "10.00",
        "-5.00",
    )

    november = report(cli, closed, "2026-11")
    assert figures(november["A2"], *PAID) == ("170.00", True, "-72.90", "27.10", "0.00")
    assert figures(november["A1"], *PAID) == ("0.00", False, "-5.00", "0.00", "-5.00")
    # A5 had no October difference: only its own deficit chain (5.00 - 20.00).
    assert figures(november["A5"], *PAID) == ("-15.00", False, "0.00", "0.00", "-15.00")
    assert adjustment_lines(cli, closed, "2026-11") == [
        ("A1", "2026-10", "-5.00"),
        ("A2", "2026-10", "-72.90"),
    ]
    # Reading it again books nothing more (the adjustment is derived, never added up).
    assert report(cli, closed, "2026-11")["A2"]["adjustment_in"] == "-72.90"

    # Reopened and approved again, October's approval holds the new figures: the difference
    # (and so the booked adjustment) is gone, not doubled.
    r = step(cli, closed, "approve", "2026-10", MAKER, "--reopen", "--reason", "late reversal")
    assert r.code == 0, r.err
    close(cli, closed, "2026-10")
    october = report(cli, closed, "2026-10")
    assert figures(october["A2"], "payout", "adjustment") == ("11.20", "0.00")
    november = report(cli, closed, "2026-11")
    assert figures(november["A2"], *PAID) == ("170.00", True, "0.00", "100.00", "0.00")
    assert figures(november["A1"], *PAID) == ("0.00", False, "0.00", "0.00", "0.00")
    assert adjustment_lines(cli, closed, "2026-11") == []


def test_a_booked_adjustment_is_frozen_with_the_next_period_and_only_new_differences_follow(
    closed: Path, cli: Cli, tmp_path: Path
) -> None:
    late(closed, tmp_path / "r1", R1 + NOVEMBER)
    november_end = {"acc_1130.csv": ("accounts", accounts("2026-11-30", OWNERS_SEP))}
    import_texts(closed, tmp_path / "nov", november_end)
    close(cli, closed, "2026-11")
    frozen = query(
        closed,
        "select agent_id, adjustment_in, payout, carry_out from payout_approved "
        "where period = '2026-11' order by agent_id",
    )
    assert [r for r in frozen if r[0] in ("A1", "A2")] == [
        ("A1", D("-5.00"), D("0.00"), D("-5.00")),
        ("A2", D("-72.90"), D("27.10"), D("0.00")),
    ]

    # Later: a late October payment for A3 (N1, 400.00 on C6: 1,000.00 -> 20.00, approved
    # 12.00: +8.00) and two November reversals of A2's N3 and N4 (Nov 20): A2's November is
    # then 1,000.00 on 1 account -> 1.5% = 15.00; T1 1,000 < 1,600: no pool; the 1,000.00
    # reached on Nov 3 still holds: bonus 50.00; 65.00 within the cap; - 72.90 (the frozen
    # adjustment for October) = -7.90: pays 0.00 and carries -7.90. Approved: 27.10 paid,
    # nothing carried; the difference -7.90 - 27.10 = -35.00 goes to December.
    late(
        closed,
        tmp_path / "more",
        "N1,C6,2026-10-29,400.00,,card,\nX3,C4,2026-11-20,-1000.00,,card,N3\n"
        "X4,C5,2026-11-20,-1000.00,,card,N4\n",
    )
    november = report(cli, closed, "2026-11")
    assert figures(november["A2"], "payout", "recomputed_payout", "adjustment") == (
        "27.10",
        "0.00",
        "-35.00",
    )
    december = report(cli, closed, "2026-12")
    # A2's October difference was booked into November: nothing more for October, only
    # November's own difference. A1 carries November's frozen -5.00; A5 its -15.00.
    assert adjustment_lines(cli, closed, "2026-12") == [
        ("A2", "2026-11", "-35.00"),
        ("A3", "2026-10", "8.00"),
    ]
    assert figures(december["A2"], "carried_in", *PAID) == (
        "0.00",
        "0.00",
        False,
        "-35.00",
        "0.00",
        "-35.00",
    )
    assert figures(december["A3"], *PAID) == ("0.00", False, "8.00", "8.00", "0.00")
    assert figures(december["A1"], "carried_in", "payout", "carry_out") == (
        "-5.00",
        "0.00",
        "-5.00",
    )
    assert figures(december["A5"], "carried_in", "payout", "carry_out") == (
        "-15.00",
        "0.00",
        "-15.00",
    )


def test_booked_lines_are_on_the_statement_and_in_the_exports(
    closed: Path, cli: Cli, tmp_path: Path
) -> None:
    late(closed, tmp_path / "r1", R1)
    common = ("--db", closed, "--period", "2026-11", "--plans", SCENARIO_PLANS)
    r = cli("statements", *common, "--agent", "A2", "--out", tmp_path / "st", "--format", "html")
    assert r.code == 0, r.err
    html = (tmp_path / "st" / "statement_2026-11_A2.html").read_text(encoding="utf-8")
    assert "adjustment for 2026-10" in html and "-72.90" in html
    r = cli("report", "payouts", *common, "--format", "csv", "--out", tmp_path / "p.csv")
    assert r.code == 0, r.err
    head, *rows = (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "adjustment_in" in head.split(",")
    row = next(x for x in rows if x.startswith("2026-11,A2,"))
    a2 = dict(zip(head.split(","), row.split(","), strict=True))
    assert (a2["adjustment_in"], a2["payout"], a2["carry_out"]) == ("-72.90", "0.00", "-72.90")
    r = cli("report", "payout-lines", *common, "--agent", "A2", "--out", tmp_path / "l.csv")
    assert r.code == 0, r.err
    lines = (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    assert "adjustment,,,,-72.90" in lines and "2026-10" in lines
    r = cli("report", "payout-lines", *common, "--agent", "A2", "--lang", "zh", "--format", "json")
    assert "2026-10 调整" in r.out


# --- four eyes --------------------------------------------------------------------------


def test_four_eyes_refusals_name_the_mistake_and_change_nothing(scenario: Path, cli: Cli) -> None:
    def refused(command: str, by: str, words: str, *extra: str) -> None:
        before = content(scenario)
        r = step(cli, scenario, command, "2026-08", by, *extra)
        assert r.code == 2, (command, by, r.out, r.err)
        assert "Traceback" not in r.err and words in r.err, r.err
        assert content(scenario) == before

    refused("approve", CHECKER, "2026-08 is not prepared")
    assert step(cli, scenario, "prepare", "2026-08", MAKER).code == 0
    refused("prepare", CHECKER, "2026-08 was already prepared by Li Na")
    refused("approve", MAKER, "Li Na prepared 2026-08: another person must approve it")
    refused("approve", "  li  NA ", "prepared 2026-08: another person must approve it")
    refused("approve", "   ", "say who approves")
    r = step(cli, scenario, "approve", "2026-08", CHECKER)
    assert r.code == 0, r.err
    assert "2026-08 approved by Wang Wei" in r.out and "prepared by Li Na" in r.out
    refused("approve", "Zhao Lei", "2026-08 was already approved by Wang Wei")
    refused("prepare", "Zhao Lei", "2026-08 was already approved by Wang Wei")
    log = cli("report", "payout-log", "--db", scenario, "--format", "json")
    events = [(e["event"], e["by_user"]) for e in json.loads(log.out)]
    assert events == [("approve", CHECKER), ("prepare", MAKER)]
    ((status, prepared_by, approved_by),) = query(
        scenario, "select status, prepared_by, approved_by from payout_approvals"
    )
    assert (status, prepared_by, approved_by) == ("approved", MAKER, CHECKER)
    assert report(cli, scenario, "2026-08")["A1"]["prepared_by"] == MAKER


def test_a_prepared_period_shows_its_frozen_figures_and_is_approved_as_prepared(
    scenario: Path, cli: Cli, tmp_path: Path
) -> None:
    close(cli, scenario, "2026-08", "2026-09")
    assert step(cli, scenario, "prepare", "2026-10", MAKER).code == 0
    late(scenario, tmp_path / "r1", R1)
    october = report(cli, scenario, "2026-10")
    assert october["A2"]["status"] == "prepared"
    assert figures(october["A2"], "payout", "recomputed_payout", "adjustment") == (
        "84.10",
        "11.20",
        "-72.90",
    )
    # The checker approves what was prepared, not a recomputation.
    assert step(cli, scenario, "approve", "2026-10", CHECKER).code == 0
    assert query(scenario, "select payout from payout_approved where agent_id = 'A2' "
                 "and period = '2026-10'") == [(D("84.10"),)]  # fmt: skip
    assert report(cli, scenario, "2026-11")["A2"]["adjustment_in"] == "-72.90"


# --- approval rules ---------------------------------------------------------------------


def test_an_unfinished_month_cannot_be_prepared(closed: Path, cli: Cli) -> None:
    before = content(closed)
    for period, last_day in (("2026-11", "2026-11-30"), ("2030-01", "2030-01-31")):
        r = step(cli, closed, "prepare", period, MAKER)
        assert r.code == 2, r.out
        words = (
            f"{period} has not ended in the data: its last day {last_day} is after the "
            "latest snapshot (2026-10-31)"
        )
        assert words in r.err, r.err
    assert content(closed) == before


def test_periods_are_approved_in_order(scenario: Path, cli: Cli) -> None:
    before = content(scenario)
    r = step(cli, scenario, "prepare", "2026-10", MAKER)
    assert r.code == 2
    assert "earlier periods with payouts are not approved: 2026-08; 2026-09" in r.err, r.err
    assert content(scenario) == before
    close(cli, scenario, "2026-08")
    assert step(cli, scenario, "prepare", "2026-09", MAKER).code == 0
    r = step(cli, scenario, "prepare", "2026-10", MAKER)
    assert r.code == 2 and "not approved: 2026-09 (prepared by Li Na)" in r.err, r.err
    assert step(cli, scenario, "approve", "2026-09", CHECKER).code == 0
    close(cli, scenario, "2026-10")
    # Reopening goes the other way: the latest first.
    before = content(scenario)
    r = step(cli, scenario, "approve", "2026-09", MAKER, "--reopen", "--reason", "x")
    assert r.code == 2 and "2026-10 is approved: reopen it first" in r.err, r.err
    assert content(scenario) == before


def test_months_without_payouts_need_no_approval(scenario: Path, cli: Cli) -> None:
    # The scenario's payments begin in August: July and earlier have none to approve.
    close(cli, scenario, "2026-08")
    assert query(scenario, "select period from payout_approvals") == [("2026-08",)]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--preset", "bogus"), "unknown compliance preset 'bogus'"),
        (("--plans", "no_such_plans.yaml"), "no_such_plans.yaml refused"),
    ],
)
def test_prepare_with_an_unknown_preset_or_plan_file(
    scenario: Path, cli: Cli, extra: tuple[str, ...], words: str
) -> None:
    before = content(scenario)
    r = cli("prepare", "--db", scenario, "--period", "2026-08", "--by", MAKER, *extra)
    assert r.code == 2 and words in r.err and "Traceback" not in r.err, r.err
    assert content(scenario) == before


def test_prepare_with_an_agent_on_an_unknown_plan(scenario: Path, cli: Cli, tmp_path: Path) -> None:
    agents = "agent_id,agent_name,team,plan\nA2,Bob,T1,gold\n"
    import_texts(scenario, tmp_path / "agents", {"agents.csv": ("agents", agents)})
    before = content(scenario)
    r = step(cli, scenario, "prepare", "2026-08", MAKER)
    assert r.code == 2 and "agent 'A2': plan: plan 'gold' does not exist" in r.err, r.err
    assert content(scenario) == before
