"""Plan what-if (issue 12): a candidate plan file against the plan in force, per month and
agent, approving and writing nothing.

The scenario is tests/payout_fixtures.py's, its plan in force tests/data/plans/scenario.yaml.
Its payouts by hand (the fixture's docstring and tests/test_payout_db.py): August A1 2.00 (2 %
of P17's 100.00); September A1 20.00 (2 % of P1's 1,000.00) and A5 20.00 (2 % of P10 + P15);
October A1 15.00 (2 % of 500.00 + a 5.00 pool share), A2 84.10, A3 12.00, A4 0.00, A5 0.00
(its -1,000.00 basis carries -20.00); November all 0.00 (A5 earns 5.00 against the -20.00).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from dashboard import db
from dashboard.payouts import service
from dashboard.payouts.plan_file import PlanFileError, load_plans
from dashboard.payouts.run import PayoutInputError
from dashboard.payouts.values import Period
from tests.conftest import CliResult
from tests.payout_fixtures import SCENARIO_PLANS, build_scenario

Cli = Callable[..., CliResult]
ZERO_RATE = """\
default_plan: standard
plans:
  standard: {rate: 0}
  ladder: {rate: 0}
"""
# standard at 3 % instead of 2 %, ladder unchanged, no team pool.
THREE_PERCENT = """\
default_plan: standard
plans:
  standard: {rate: 0.03}
  ladder:
    tiers:
      metric: tasks
      mode: retroactive
      levels: [{min: 0, rate: 0.015}, {min: 2, rate: 0.02}, {min: 3, rate: 0.03}]
    early_bonus: {target: 1000, days_before_end: 7, amount: 50}
    cap: 100
    compliance: {per_violation: 0.1, per_complaint: 0.2, floor: 0.5}
"""
# period -> agent -> payout with the plan in force, by hand (the module docstring).
CURRENT = {
    "2026-08": {"A1": "2.00", "A2": "0.00", "A3": "0.00", "A4": "0.00", "A5": "0.00"},
    "2026-09": {"A1": "20.00", "A2": "0.00", "A3": "0.00", "A4": "0.00", "A5": "20.00"},
    "2026-10": {"A1": "15.00", "A2": "84.10", "A3": "12.00", "A4": "0.00", "A5": "0.00"},
    "2026-11": {"A1": "0.00", "A2": "0.00", "A3": "0.00", "A4": "0.00", "A5": "0.00"},
}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build_scenario(tmp_path_factory.mktemp("whatif"))


def plans_file(tmp_path: Path, text: str, name: str = "candidate.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def whatif(db_path: Path, candidate: Path, start: str, end: str) -> list[dict]:
    with db.connect(db_path, read_only=True) as con:
        table = service.whatif(
            con,
            Period.parse(start),
            Period.parse(end),
            load_plans(SCENARIO_PLANS),
            load_plans(candidate),
        )
    return table.to_pylist()


def by_period(rows: list[dict]) -> dict[str, tuple[dict[str, dict], dict]]:
    """period -> (agent_id -> its row, the total row)."""
    out: dict[str, tuple[dict[str, dict], dict]] = {}
    for r in rows:
        agents, _ = out.setdefault(r["period"], ({}, {}))
        if r["row_kind"] == "agent":
            agents[r["agent_id"]] = r
        else:
            out[r["period"]] = (agents, r)
    return out


def test_a_candidate_identical_to_the_plan_in_force_changes_nothing(
    scenario: Path, tmp_path: Path
) -> None:
    same = plans_file(tmp_path, SCENARIO_PLANS.read_text(encoding="utf-8"))
    got = by_period(whatif(scenario, same, "2026-08", "2026-11"))
    assert list(got) == list(CURRENT)
    for period, (agents, total) in got.items():
        current = {a: str(r["payout_current"]) for a, r in agents.items()}
        assert current == CURRENT[period], period
        for r in agents.values():
            assert r["payout_candidate"] == r["payout_current"]
            assert r["difference"] == D("0.00")
        assert total["difference"] == D("0.00") and total["agents"] == 5


def test_a_zero_rate_candidate_pays_nothing_and_the_difference_is_minus_the_current(
    scenario: Path, tmp_path: Path
) -> None:
    zero = plans_file(tmp_path, ZERO_RATE)
    got = by_period(whatif(scenario, zero, "2026-08", "2026-11"))
    totals = {"2026-08": "2.00", "2026-09": "40.00", "2026-10": "111.10", "2026-11": "0.00"}
    for period, (agents, total) in got.items():
        for agent, r in agents.items():
            assert r["payout_candidate"] == D("0.00"), (period, agent)
            assert r["difference"] == -D(CURRENT[period][agent]), (period, agent)
        # The total row is the sum of the rows, and the hand-computed month's cost.
        for key in ("payout_current", "payout_candidate", "difference"):
            assert total[key] == sum((r[key] for r in agents.values()), D("0.00")), key
        assert total["payout_current"] == D(totals[period])
        assert total["difference"] == -D(totals[period])
    october = got["2026-10"][0]
    assert october["A2"]["difference"] == D("-84.10") and october["A3"]["difference"] == D("-12.00")


def test_who_gains_and_who_loses(scenario: Path, tmp_path: Path) -> None:
    # October with standard at 3 % and no pool, by hand: A1 3 % x 500.00 = 15.00 (was 10.00 +
    # 5.00 pool: 0.00); A2 84.10 - its 11.00 pool share = 73.10 (-11.00); A3 3 % x 600.00 =
    # 18.00 (+6.00); A5 pays 0 either way. September: A1 and A5 3 % x 1,000.00 = 30.00 (+10.00).
    three = plans_file(tmp_path, THREE_PERCENT)
    rows = whatif(scenario, three, "2026-09", "2026-10")
    october, total = by_period(rows)["2026-10"]
    assert {a: str(r["difference"]) for a, r in october.items()} == {
        "A1": "0.00", "A2": "-11.00", "A3": "6.00", "A4": "0.00", "A5": "0.00"
    }  # fmt: skip
    assert total["difference"] == D("-5.00")
    with db.connect(scenario, read_only=True) as con:
        table = service.whatif(
            con,
            Period.parse("2026-09"),
            Period.parse("2026-10"),
            load_plans(SCENARIO_PLANS),
            load_plans(three),
        )
    agents = service.whatif_agents(table).to_pylist()
    assert [(a["agent_id"], str(a["difference"])) for a in agents] == [
        ("A1", "10.00"), ("A5", "10.00"), ("A3", "6.00"), ("A4", "0.00"), ("A2", "-11.00")
    ]  # fmt: skip


def _fingerprint(path: Path) -> tuple[str, int, int]:
    data = path.read_bytes()
    stat = path.stat()
    return hashlib.sha256(data).hexdigest(), stat.st_mtime_ns, stat.st_size


def _row_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main'"
            ).fetchall()
        ]
        return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}  # type: ignore[index]
    finally:
        con.close()


def test_the_cli_writes_nothing(scenario: Path, tmp_path: Path, cli: Cli) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(scenario, copy)
    counts = _row_counts(copy)
    before = _fingerprint(copy)
    zero = plans_file(tmp_path, ZERO_RATE)
    args = ("--db", copy, "--plans", SCENARIO_PLANS, "--candidate", zero)
    r = cli("report", "payout-whatif", *args, "--period", "2026-09", "--to", "2026-10")
    assert r.code == 0, r.err
    assert _fingerprint(copy) == before  # not a byte, not even the modification time
    assert _row_counts(copy) == counts and counts["payout_approvals"] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["candidate.yaml", "copy.duckdb"]
    lines = r.out.splitlines()
    assert lines[0].split() == [
        "period", "agent_id", "agent_name", "team", "plan", "payout_current", "payout_candidate",
        "difference",
    ]  # fmt: skip
    assert lines[-1].split() == ["2026-10", "Total", "111.10", "0.00", "-111.10"]


def test_cli_csv_and_json(scenario: Path, tmp_path: Path, cli: Cli) -> None:
    zero = plans_file(tmp_path, ZERO_RATE)
    args = ("--db", scenario, "--plans", SCENARIO_PLANS, "--candidate", zero, "--period", "2026-10")
    r = cli("report", "payout-whatif", *args, "--format", "json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert [row["agent_id"] for row in rows] == ["A1", "A2", "A3", "A4", "A5", None]
    assert rows[-1]["row_kind"] == "total" and rows[-1]["difference"] == "-111.10"
    out = tmp_path / "whatif.csv"
    r = cli("report", "payout-whatif", *args, "--out", out, "--lang", "zh")
    assert r.code == 0, r.err
    head = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert head[:3] == ["期间", "行类型", "催收员编号"]
    assert {"现行方案佣金", "候选方案佣金", "差额（候选 − 现行）"} <= set(head)


@pytest.mark.parametrize(
    ("candidate", "extra", "expected"),
    [
        (None, (), "--candidate: plan file"),  # a file that is not there
        ("default_plan: standard\nplans:\n  standard: {rate: 2}\n", (), "rate 2 is outside"),
        ("default_plan: standard\nplans:\n  standard: {rate: 0.02}\n", (), "plan 'ladder'"),
        (ZERO_RATE, ("--to", "2026-09"), "the range ends (2026-09) before it starts (2026-10)"),
        (ZERO_RATE, ("--to", "2030-01"), "more than 36 months"),
    ],
)
def test_cli_refuses_with_a_message_and_exit_2(
    scenario: Path,
    tmp_path: Path,
    cli: Cli,
    candidate: str | None,
    extra: tuple[str, ...],
    expected: str,
) -> None:
    path = plans_file(tmp_path, candidate) if candidate else tmp_path / "missing.yaml"
    args = ("--db", scenario, "--plans", SCENARIO_PLANS, "--candidate", path, "--period", "2026-10")
    r = cli("report", "payout-whatif", *args, *extra)
    assert r.code == 2, (r.out, r.err)
    assert expected in r.err and "Traceback" not in r.err, r.err
    assert r.out == ""


def test_an_uploaded_candidate_is_checked_like_a_plan_file() -> None:
    book = service.candidate_book(ZERO_RATE.encode("utf-8-sig"), "mine.yaml")
    assert book.source == "mine.yaml" and set(book.plans) == {"standard", "ladder"}
    with pytest.raises(PlanFileError, match="not UTF-8"):
        service.candidate_book("default_plan: x".encode("utf-16"), "mine.yaml")
    with pytest.raises(PlanFileError, match=r"mine.yaml refused \(2 problem"):
        service.candidate_book(b"default_plan: x\nplans:\n  s: {rate: 7}\n", "mine.yaml")
    with pytest.raises(PayoutInputError, match="before it starts"):
        service.whatif(None, Period(2026, 10), Period(2026, 9), book, book)  # type: ignore[arg-type]
