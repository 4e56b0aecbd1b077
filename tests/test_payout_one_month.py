"""One month computed alone is that month as a range of months computes it.

A month's payouts read only what its rules need (the derived rpt_payout_months and
rpt_payout_days, filtered on month), yet a deficit carries from month to month and a reversal
claws back in the month it is dated, so a month alone must come out exactly as the same month
taken from a multi-month computation (``whatif.compare`` over the range, with the plan in
force on both sides), and its basis and money lines must be the payments of that month alone.

Expected values are independent of the engine: on the hand-built world of
tests/payout_fixtures.py they are worked by hand (below); on the sample they are a pandas
group-by of the credited payments (payments_credited, orphans excluded) read as plain rows.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pandas as pd
import pytest

from dashboard import db
from dashboard.paths import SAMPLE_DATA
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.report import payout_lines, payout_report
from dashboard.payouts.values import Period
from dashboard.payouts.whatif import compare, months
from tests.payout_fixtures import SCENARIO_PLANS, build_scenario

# The hand-built world: A1's September payment P1 (1,000.00) is reversed in October (P2), so
# October claws it back there (-1,000.00 + P7 1,500.00 = 500.00); A5 collects 1,000.00 in
# September (20.00), both payments are reversed in October (-1,000.00 x 2% = -20.00: pays 0,
# carries -20.00), November's 250.00 (5.00) leaves -15.00 to carry, December has nothing
# (-15.00 carried again) and January's 1,000.00 (20.00) pays 20.00 - 15.00 = 5.00.
# agent -> month -> (basis, carried_in, payout, carry_out)
BY_HAND = {
    "A1": {
        "2026-08": (D("100.00"), D("0"), D("2.00"), D("0")),
        "2026-09": (D("1000.00"), D("0"), D("20.00"), D("0")),
        "2026-10": (D("500.00"), D("0"), D("15.00"), D("0")),
        "2026-11": (D("0"), D("0"), D("0"), D("0")),
    },
    "A5": {
        "2026-09": (D("1000.00"), D("0"), D("20.00"), D("0")),
        "2026-10": (D("-1000.00"), D("0"), D("0"), D("-20.00")),
        "2026-11": (D("250.00"), D("-20.00"), D("0"), D("-15.00")),
        "2026-12": (D("0"), D("-15.00"), D("0"), D("-15.00")),
        "2027-01": (D("1000.00"), D("-15.00"), D("5.00"), D("0")),
    },
}
RANGE = months(Period(2026, 8), Period(2027, 1))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scenario(tmp_path_factory.mktemp("one_month"))


def _alone(con: object, period: Period, book: object) -> dict[str, dict]:
    table = payout_report(con, period, book).table  # type: ignore[arg-type]
    return {r["agent_id"]: r for r in table.to_pylist()}


def _from_range(con: object, book: object) -> dict[tuple[str, str], D]:
    """(month, agent_id) -> payout, from one what-if over the whole range."""
    table = compare(con, RANGE, book, book)  # type: ignore[arg-type]
    return {
        (r["period"], r["agent_id"]): r["payout_current"]
        for r in table.to_pylist()
        if r["agent_id"] is not None
    }


def test_a_month_alone_is_the_month_of_the_range_with_a_clawback(scenario: Path) -> None:
    book = load_plans(SCENARIO_PLANS)
    with db.connect(scenario, read_only=True) as con:
        ranged = _from_range(con, book)
        for period in RANGE:
            alone = _alone(con, period, book)
            assert {a: r["payout"] for a, r in alone.items()} == {
                a: v for (m, a), v in ranged.items() if m == str(period)
            }, period
            for agent, by_month in BY_HAND.items():
                if str(period) in by_month:
                    r = alone[agent]
                    got = (r["basis"], r["carried_in"], r["payout"], r["carry_out"])
                    assert got == by_month[str(period)], (agent, period)


def test_a_month_alone_lists_its_own_payments_and_reversals(scenario: Path) -> None:
    # October by hand: A1 P2 (-1,000.00, reversing September's P1) and P7; A2 P3, P4, P5;
    # A3 P6, P9; A5 P11, P12; P8 (account in no snapshot) in no basis.
    book = load_plans(SCENARIO_PLANS)
    with db.connect(scenario, read_only=True) as con:
        lines = payout_lines(con, Period(2026, 10), book)[0].to_pylist()
    money = sorted(
        (r["agent_id"], r["payment_id"], r["amount"])
        for r in lines
        if r["kind"] in ("payment", "reversal")
    )
    assert money == [
        ("A1", "P2", D("-1000.00")),
        ("A1", "P7", D("1500.00")),
        ("A2", "P3", D("600.00")),
        ("A2", "P4", D("300.00")),
        ("A2", "P5", D("200.00")),
        ("A3", "P6", D("500.00")),
        ("A3", "P9", D("100.00")),
        ("A5", "P11", D("-500.00")),
        ("A5", "P12", D("-500.00")),
    ]


def _credited(con: object) -> pd.DataFrame:
    """The credited payments in some agent's basis, as plain rows (pandas does the rest)."""
    columns = ["payment_id", "account_id", "payment_date", "amount", "credited_agent_id"]
    rows = con.execute(  # type: ignore[attr-defined]
        f"select {', '.join(columns)} from payments_credited"  # fixed column names
    ).fetchall()
    known = {
        r[0]
        for r in con.execute("select distinct account_id from stg_accounts").fetchall()  # type: ignore[attr-defined]
    }
    df = pd.DataFrame(rows, columns=columns)
    df = df[df["credited_agent_id"].notna() & df["account_id"].isin(known)]
    return df.assign(month=[f"{d:%Y-%m}" for d in df["payment_date"]])


SAMPLE_RANGE = months(Period(2026, 6), Period(2026, 10))


def test_on_the_sample_a_month_alone_is_the_month_of_the_range(sample_db: Path) -> None:
    book = load_plans(SAMPLE_DATA / "plans.yaml")
    with db.connect(sample_db, read_only=True) as con:
        credited = _credited(con)
        table = compare(con, SAMPLE_RANGE, book, book)
        ranged = {
            (r["period"], r["agent_id"]): r["payout_current"]
            for r in table.to_pylist()
            if r["agent_id"] is not None
        }
        for period in SAMPLE_RANGE:
            alone = _alone(con, period, book)
            assert {a: r["payout"] for a, r in alone.items()} == {
                a: v for (m, a), v in ranged.items() if m == str(period)
            }, period
            month = credited[credited["month"] == str(period)]
            per_account = month.groupby(["credited_agent_id", "account_id"])["amount"].sum()
            basis = per_account.groupby(level=0).sum()
            tasks = (per_account > 0).groupby(level=0).sum()
            for agent, r in alone.items():
                assert r["basis"] == basis.get(agent, D("0")), (period, agent)
                assert r["tasks"] == int(tasks.get(agent, 0)), (period, agent)
            assert set(basis.index) <= set(alone)
            lines = payout_lines(con, period, book)[0].to_pylist()
            got = sorted(
                (r["agent_id"], r["payment_id"], r["amount"])
                for r in lines
                if r["kind"] in ("payment", "reversal")
            )
            want = sorted(
                zip(month["credited_agent_id"], month["payment_id"], month["amount"], strict=True)
            )
            assert got == want, period
