"""The agencies and complaints reports on seeded random portfolios against an independent
computation in plain pandas and Python.

The reference functions are written from README.md's report sections ("agencies",
"complaints") and domain.md ("agencies and placements", "complaints"), not from the SQL. The
portfolios are ``tests.case_fixtures.random_case_world``'s (see
``tests/test_cases_properties.py``): agencies on part of the late snapshots, changing between
snapshots, an agency that holds nothing, fee rates that make half cents; complaints with and
without an agent, resolved, unresolved, resolved after the window, upheld or not, and some on
the SLA's edge.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
import pytest

from dashboard import db, reports
from dashboard.engine.kpi_common import Filters
from tests.case_fixtures import SLA_DAYS, random_case_world
from tests.kpi_fixtures import build_db
from tests.test_cases_properties import CaseWorld
from tests.test_kpi_properties import FILTERS, SEEDS, dsum, rate, tuples

m = Decimal
CENT, TENTH = m("0.01"), m("0.1")
WINDOWS = (
    (date(2026, 3, 1), date(2026, 3, 31)),
    (date(2026, 1, 15), date(2026, 4, 30)),  # four calendar months, two of them in part
    (date(2026, 2, 10), date(2026, 3, 20)),  # --to between snapshots
)


def ref_agencies(
    w: CaseWorld, f: dict[str, list[str]], start: date, end: date
) -> list[tuple[Any, ...]]:
    """README, agencies: held in the latest snapshot on or before --to; a payment belongs to
    the holder in the payment's snapshot (the agents' rule); in house only on the buckets some
    agency holds an open account in, in that latest snapshot; the fee per calendar month."""
    latest = max(d for d in w.dates if d <= end)
    snap = w.acc[(w.acc["as_of_date"] == latest) & ~w.acc["closed"]]
    snap = snap[[w.account_ok(a, f) and w.agent_ok(g, f)
                 for a, g in zip(snap["account_id"], snap["agent_id"], strict=True)]]  # fmt: skip
    compared = set(snap[snap["agency_id"].notna()]["state"])
    pay = w.pay[(w.pay["payment_date"] >= start) & (w.pay["payment_date"] <= end)]
    per_month: dict[str | None, dict[tuple[int, int], Decimal]] = {}
    for p in pay.itertuples():
        s = w.snapshot_for(p.account_id, p.payment_date)
        if not (w.account_ok(p.account_id, f) and w.agent_ok(s.agent_id, f)):
            continue
        if s.agency_id is None and s.state not in compared:
            continue
        months = per_month.setdefault(s.agency_id, {})
        key = (p.payment_date.year, p.payment_date.month)
        months[key] = months.get(key, m(0)) + p.amount

    def row(holder: str | None, fee_rate: Decimal) -> tuple[Any, ...]:
        held = snap[snap["agency_id"].isna() & snap["state"].isin(compared)] if holder is None \
            else snap[snap["agency_id"] == holder]  # fmt: skip
        placed = dsum(w.static.at[a, "placed_balance"] for a in held["account_id"])
        months = per_month.get(holder, {})
        got = dsum(months.values())
        fee = dsum((fee_rate * v).quantize(CENT, ROUND_HALF_UP) for v in months.values())
        return (len(held), dsum(held["current_balance"]), placed, got, fee, got - fee,
                rate(got, placed), rate(got - fee, placed), rate(fee, got))  # fmt: skip

    out = [("agency", a, name, m(r), *row(a, m(r))) for a, name, r in sorted(w.agencies)]
    return [*out, ("in_house", None, None, m(0), *row(None, m(0)))]


def ref_complaints(
    w: CaseWorld, f: dict[str, list[str]], start: date, end: date, sla: int = SLA_DAYS
) -> list[tuple[Any, ...]]:
    """README, complaints: per agent (the complaint's, else its account's in the latest
    snapshot on or before the day received, else the earliest), per team, in total."""
    stop = datetime.combine(end + timedelta(days=1), datetime.min.time())  # the window's end
    agent = [w.agent_on(g, a, t.date()) for g, a, t in zip(
        w.complaints["agent_id"], w.complaints["account_id"], w.complaints["received"], strict=True
    )]  # fmt: skip
    com = w.complaints.assign(agent=pd.Series(agent, index=w.complaints.index, dtype=object))
    com = com[[w.account_ok(a, f) and w.agent_ok(g, f)
               for a, g in zip(com["account_id"], com["agent"], strict=True)]]  # fmt: skip
    day = com["received"].map(lambda t: t.date())
    inside = com[(day >= start) & (day <= end)]
    late = com[[r < stop - timedelta(days=sla) and (s is None or s > stop)
                for r, s in zip(com["received"], com["resolved"], strict=True)]]  # fmt: skip
    con = w.contacts[(w.contacts["day"] >= start) & (w.contacts["day"] <= end)]
    con = con[[w.account_ok(a, f) and w.agent_ok(g, f)
               for a, g in zip(con["account_id"], con["agent_id"], strict=True)]]  # fmt: skip

    def of(rows: Any, column: str, agents: set[str | None] | None) -> Any:
        return rows if agents is None else rows[[g in agents for g in rows[column]]]

    def figures(agents: set[str | None] | None) -> tuple[Any, ...]:
        """Of these agents' complaints and contacts (None: everyone's)."""
        mine, calls, over = (
            of(inside, "agent", agents),
            of(con, "agent_id", agents),
            of(late, "agent", agents),
        )
        hours = sorted(
            m(int((s - r).total_seconds())) / 3600
            for r, s in zip(mine["received"], mine["resolved"], strict=True) if s is not None
        )  # fmt: skip
        median = hours[(len(hours) - 1) // 2].quantize(TENTH, ROUND_HALF_UP) if hours else None
        n = len(calls)
        per_1000 = (m(len(mine)) * 1000 / n).quantize(TENTH, ROUND_HALF_UP) if n else None
        upheld = sum(u == "true" for u in mine["upheld"])
        return (len(mine), n, per_1000, upheld, median, len(over))

    def by_id(values: set[Any]) -> list[Any]:
        return sorted(values, key=lambda v: (v is None, v or ""))

    agents = set(inside["agent"]) | set(late["agent"])
    out = [("agent", g, *figures({g})) for g in by_id(agents)]
    everyone = set(w.contacts["agent_id"]) | set(com["agent"])
    teams = {w.team.get(g) for g in agents}  # type: ignore[arg-type]
    for t in by_id(teams):
        members = {g for g in everyone if w.team.get(g) == t}  # type: ignore[arg-type]
        out.append(("team", t, *figures(members)))
    return [*out, ("total", None, *figures(None))]


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    raw = random_case_world(request.param)
    path = build_db(tmp_path_factory.mktemp(f"agencies{request.param}"), **raw)
    return path, CaseWorld(raw)


def run(path: Any, name: str, f: dict[str, list[str]], window: tuple | None) -> list[tuple]:
    dates = {"date_from": window[0], "date_to": window[1]} if window else {}
    with db.connect(path) as con:
        return tuples(reports.run(con, name, Filters(**dates, **f)))


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("window", [None, *WINDOWS])
def test_agencies(world: tuple, f: dict[str, list[str]], window: tuple | None) -> None:
    path, w = world
    start, end = window or (date(2026, 4, 1), date(2026, 4, 30))  # the latest snapshot's month
    assert run(path, "agencies", f, window) == ref_agencies(w, f, start, end)


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("window", [None, *WINDOWS])
def test_complaints(world: tuple, f: dict[str, list[str]], window: tuple | None) -> None:
    path, w = world
    start, end = window or (date(2026, 4, 1), date(2026, 4, 30))
    assert run(path, "complaints", f, window) == ref_complaints(w, f, start, end)


def test_the_worlds_hold_every_case(world: tuple) -> None:
    """What the comparisons above are about is in every seed's world."""
    _, w = world
    held = w.acc[w.acc["agency_id"].notna()]
    assert set(held["agency_id"]) == {"AG1", "AG2", "AG3"}  # AG4 holds nothing
    moves = (
        w.acc.sort_values("as_of_date")
        .groupby("account_id")["agency_id"]
        .agg(lambda a: len({x for x in a if x}) > 1 or (None in set(a) and len(set(a)) > 1))
    )
    assert moves.sum() > 3  # accounts that change agency, or go to one or back in house
    # a fee of a whole month that is a half cent (so its rounding shows)
    rates = {a: m(r) for a, _, r in w.agencies}
    months: dict[tuple[str, int], Decimal] = {}
    for p in w.pay[w.pay["payment_date"] >= date(2026, 1, 1)].itertuples():
        agency = w.snapshot_for(p.account_id, p.payment_date).agency_id
        if agency and p.payment_date <= date(2026, 4, 30):
            key = (agency, p.payment_date.month)
            months[key] = months.get(key, m(0)) + p.amount
    assert any((rates[a] * v * 200) % 2 == 1 for (a, _), v in months.items())
    com = w.complaints
    assert com["agent_id"].isna().any() and com["resolved"].isna().any()
    assert (com["upheld"] == "true").any() and (com["upheld"] == "false").any()
    ends = [datetime(2026, 4, 1), datetime(2026, 5, 1)]
    for stop in ends:  # received exactly 15 days before the end, and a second earlier
        edge = stop - timedelta(days=SLA_DAYS)
        assert {edge, edge - timedelta(seconds=1)} <= set(com["received"])
