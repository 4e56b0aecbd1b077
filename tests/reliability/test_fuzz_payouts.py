"""Fuzzing the payout engine: generated plan files, teams and months of activity.

Pure functions: a generated plan file (fixed or tiered rates, either metric and mode, early
bonus, cap, compliance factor, team pools; written as YAML and read by ``parse_plans``) and a
generated roster with three consecutive months of facts, chained by the deficit carried from
month to month. In every month: no payout is negative, a deficit only comes from a negative
total, every component is whole cents, the cap holds, and each team's shares add up to its
pool exactly (or there is no pool). Computing twice gives the same payouts.

Through the database: a generated month of payments is imported, computed, prepared and
approved (two names), and read back (report and audit lines, in a new connection): the approved
figures are the computed ones, unchanged; reopening, preparing and approving again gives the
same figures.
(tests/test_payout_properties.py fuzzes one fixed plan file; these add generated plan files,
the month-to-month chain and the approval round trip.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import db
from dashboard.ingest.importer import FileSpec, import_files
from dashboard.payouts.approvals import approved_lines, current_approval, reopen
from dashboard.payouts.facts import money_lines
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.plan_file import parse_plans
from dashboard.payouts.report import payout_lines, payout_report
from dashboard.payouts.rules import compute_period
from dashboard.payouts.run import compute_run
from dashboard.payouts.service import approve_period, prepare_period
from dashboard.payouts.tables import PAYOUT_SCHEMA, lines_table, payouts_table
from dashboard.payouts.values import Agent, AgentFacts, Period
from tests.reliability.conftest import SOAK, soak_or
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants

CENT = Decimal("0.01")
MONTHS = (Period(2026, 10), Period(2026, 11), Period(2026, 12))
TEAMS = ("T1", "T2", "T3")  # T3 never has a pool

rates = st.integers(0, 100_000).map(lambda n: f"{Decimal(n).scaleb(-6):f}")
money = st.integers(0, 50_000_000).map(lambda c: f"{Decimal(c).scaleb(-2):f}")


@st.composite
def tiers(draw: st.DrawFn) -> str:
    metric = draw(st.sampled_from(["tasks", "collected"]))
    mode = (
        draw(st.sampled_from(["retroactive", "marginal"]))
        if metric == "collected"
        else ("retroactive")
    )
    steps = draw(st.lists(st.integers(1, 30 if metric == "tasks" else 5_000_000), max_size=3))
    mins, total = [0], 0
    for s in steps:
        total += s
        mins.append(total)
    shown = [str(m) if metric == "tasks" else f"{Decimal(m).scaleb(-2):f}" for m in mins]
    levels = ", ".join(f"{{min: {m}, rate: {draw(rates)}}}" for m in shown)
    return f"tiers: {{metric: {metric}, mode: {mode}, levels: [{levels}]}}"


@st.composite
def plan(draw: st.DrawFn) -> str:
    parts = [draw(tiers()) if draw(st.booleans()) else f"rate: {draw(rates)}"]
    if draw(st.booleans()):
        parts.append(
            f"early_bonus: {{target: {draw(money)}, days_before_end: {draw(st.integers(0, 27))}, "
            f"amount: {draw(money)}}}"
        )
    if draw(st.booleans()):
        parts.append(f"cap: {draw(money)}")
    if draw(st.booleans()):
        parts.append(
            f"compliance: {{per_violation: {draw(rates)}, per_complaint: {draw(rates)}, "
            f"floor: {draw(rates)}}}"
        )
    return "{" + ", ".join(parts) + "}"


@st.composite
def plan_files(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 3))
    plans = "\n".join(f"  p{i}: {draw(plan())}" for i in range(n))
    pools = [
        f"  {t}: {{pool_rate: {draw(rates)}, target: {draw(money)}}}"
        for t in TEAMS[:2]
        if draw(st.booleans())
    ]
    teams = "teams:\n" + "\n".join(pools) if pools else ""
    return f"default_plan: p0\nplans:\n{plans}\n{teams}\n"


@dataclass(frozen=True)
class Member:
    agent: Agent
    facts: tuple[AgentFacts, ...]  # one per month


def facts(draw: st.DrawFn, period: Period) -> AgentFacts:
    days = draw(
        st.lists(
            st.tuples(
                st.integers(1, period.last_day.day),
                st.integers(-3_000_000, 10_000_000).map(lambda c: Decimal(c) * CENT),
            ),
            max_size=4,
        )
    )
    daily = tuple(sorted((date(period.year, period.month, d), a) for d, a in days))
    basis = sum((a for _, a in daily), Decimal("0.00"))
    return AgentFacts(
        basis=basis,
        tasks=draw(st.integers(0, 60)),
        daily=daily,
        contacts=draw(st.integers(0, 300)),
        violations=draw(st.integers(0, 30)),
        complaints=draw(st.integers(0, 10)),
    )


@st.composite
def rosters(draw: st.DrawFn, plans: list[str]) -> list[Member]:
    n = draw(st.integers(1, 10))
    out = []
    for i in range(n):
        agent = Agent(
            f"G{i:02d}",
            team=draw(st.sampled_from([*TEAMS, None])),
            plan=draw(st.sampled_from([*plans, None])),
        )
        out.append(Member(agent, tuple(facts(draw, p) for p in MONTHS)))
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[PlanBook, list[Member]]:
    book = parse_plans(draw(plan_files()), "<fuzz>")
    return book, draw(rosters(sorted(book.plans)))


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.mark.timeout(soak_or(600, 7200))
@settings(max_examples=soak_or(300, 5000), deadline=None, derandomize=not SOAK)
@given(scenarios())
def test_generated_plans_and_months_keep_the_payout_rules(
    scenario: tuple[PlanBook, list[Member]],
) -> None:
    book, members = scenario
    agents = [m.agent for m in members]
    carry: dict[str, Decimal] = {}
    for k, period in enumerate(MONTHS):
        month = {m.agent.agent_id: m.facts[k] for m in members}
        payouts = compute_period(book, period, agents, month, carry)
        assert payouts == compute_period(book, period, agents, month, carry)  # pure
        by_id = {p.agent_id: p for p in payouts}
        for p in payouts:
            assert p.payout >= 0 and p.carry_out <= 0
            for v in (p.base_commission, p.base_after_compliance, p.team_bonus, p.early_bonus,
                      p.total, p.payout, p.carry_out):  # fmt: skip
                assert v == v.quantize(CENT)
            assert p.total == (
                p.base_after_compliance + p.team_bonus + p.early_bonus + p.carried_in
            )
            assert p.carried_in == carry.get(p.agent_id, Decimal(0))
            if p.total < 0:
                assert (p.payout, p.carry_out) == (0, p.total)
            else:
                assert p.carry_out == 0
                assert p.payout == (min(p.total, p.cap) if p.cap is not None else p.total)
        for team in TEAMS:
            ids = [a.agent_id for a in agents if a.team == team]
            pool = book.teams.get(team)
            shares = sum((by_id[i].team_bonus for i in ids), Decimal(0))
            net = sum((month[i].basis for i in ids), Decimal(0))
            if pool is not None and ids and net >= pool.target:
                assert shares == half_up(pool.pool_rate * net)
            else:
                assert shares == 0
        for a in agents:
            if a.team is None or a.team not in book.teams:
                assert by_id[a.agent_id].team_bonus == 0
        carry = {p.agent_id: p.carry_out for p in payouts if p.carry_out}
    record("fuzz_payout_scenarios")


# --- approve, then read back ------------------------------------------------------------


@st.composite
def months_of_payments(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(plans YAML, agents CSV, accounts CSV, payments CSV) for October 2026."""
    plans_yaml = draw(plan_files())
    book = parse_plans(plans_yaml)
    n_agents = draw(st.integers(1, 6))
    agent_rows = [
        f"G{i},Agent {i},{draw(st.sampled_from(TEAMS))},{draw(st.sampled_from(['', *book.plans]))}"
        for i in range(n_agents)
    ]
    n_accounts = draw(st.integers(1, 12))
    owners = [draw(st.integers(0, n_agents - 1)) for _ in range(n_accounts)]
    # Two snapshots with the same owners: 09-30 credits October's payments, 10-31 ends October
    # in the data (a period is prepared only once it has ended).
    account_rows = [
        f"C{j},{as_of},BANK_A,2026-01-10,9000.00,8000.00,40,G{owners[j]}"
        for as_of in ("2026-09-30", "2026-10-31")
        for j in range(n_accounts)
    ]
    payment_rows: list[str] = []
    for k in range(draw(st.integers(0, 25))):
        j = draw(st.integers(0, n_accounts - 1))
        day = draw(st.integers(1, 31))
        cents = draw(st.integers(1, 5_000_000))
        agent = draw(st.sampled_from(["", f"G{owners[j]}"]))
        payment_rows.append(f"P{k},C{j},2026-10-{day:02d},{Decimal(cents) * CENT},{agent},,")
        if draw(st.integers(0, 5)) == 0:  # a reversal of it, later in the month
            payment_rows.append(f"R{k},C{j},2026-10-{max(day, 20)},-{Decimal(cents) * CENT},,,P{k}")
    return (
        plans_yaml,
        "agent_id,agent_name,team,plan\n" + "\n".join(agent_rows) + "\n",
        "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,"
        "days_past_due,agent_id\n" + "\n".join(account_rows) + "\n",
        "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
        + "".join(r + "\n" for r in payment_rows),
    )


@pytest.mark.xdist_group("fuzz")
@pytest.mark.timeout(soak_or(600, 7200))
@settings(
    max_examples=soak_or(8, 200),
    deadline=None,
    derandomize=not SOAK,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(months_of_payments())
def test_approve_then_read_back_is_identical(
    tmp_path_factory: pytest.TempPathFactory, month: tuple[str, str, str, str]
) -> None:
    folder = tmp_path_factory.mktemp("approve")
    plans_yaml, agents_csv, accounts_csv, payments_csv = month
    files = []
    for name, kind, text in (
        ("agents.csv", "agents", agents_csv),
        ("accounts.csv", "accounts", accounts_csv),
        ("payments.csv", "payments", payments_csv),
    ):
        if text.count("\n") > 1:
            (folder / name).write_text(text, encoding="utf-8")
            files.append(FileSpec(folder / name, kind))
    db_path = folder / "a.duckdb"
    assert import_files(files, db_path=db_path, user="fuzz").exit_code == 0
    book = parse_plans(plans_yaml, str(folder / "plans.yaml"))
    period = MONTHS[0]
    with db.connect(db_path) as con:
        run = compute_run(con, period, book)
        computed = payouts_table(run.payouts)
        lines = lines_table(period, run.payouts, money_lines(con, period))
        prepare_period(con, period, book, "fuzz")  # as the CLI and the app prepare
        approve_period(con, period, "checker")  # and another person approves
    with db.connect(db_path) as con:  # a new connection, as the next reader
        report = payout_report(con, period, book)
        approval = current_approval(con, period)
        assert approval is not None
        assert report.table.select(PAYOUT_SCHEMA.names).equals(computed)
        assert set(report.table.column("status").to_pylist()) <= {"approved"}
        assert all(a == 0 for a in report.table.column("adjustment").to_pylist())
        assert approved_lines(con, approval).equals(lines)
        assert payout_lines(con, period, book)[0].equals(lines)
        assert all(p >= 0 for p in computed.column("payout").to_pylist())
        reopen(con, period, "fuzz", "fuzz round trip")
        prepare_period(con, period, book, "fuzz")
        approve_period(con, period, "checker")
        assert payout_report(con, period, book).table.select(PAYOUT_SCHEMA.names).equals(computed)
    assert_invariants(db_path)
    record("fuzz_approvals")
