"""The KPI breakdowns on seeded random portfolios against an independent computation in pandas.

The references reuse tests/test_kpi_properties.py's ``World`` (the portfolio as pandas frames
with domain.md's derived facts: buckets, the crediting rule, the filters) and its reference
reports, never the engine's SQL. Random worlds carry no channel and no region: those are
checked by hand in tests/test_kpi_breakdowns.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from dashboard import db
from dashboard.engine import kpi_breakdowns, kpis
from dashboard.engine.kpi_common import Filters
from tests.kpi_fixtures import build_db, random_world
from tests.test_kpi_properties import (
    FILTERS,
    NAMES,
    SEEDS,
    World,
    dsum,
    rate,
    ref_agents,
    ref_recovery,
    ref_roll_rates,
    tuples,
)

WINDOWS = [(None, None), (date(2026, 2, 1), date(2026, 3, 31))]
# The summaries only add up rows whose filters test_kpi_properties checks with every FILTERS.
FEW_FILTERS = [FILTERS[0], FILTERS[-1]]


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    raw = random_world(request.param)
    path = build_db(tmp_path_factory.mktemp(f"breakdowns{request.param}"), **raw)
    return path, World(raw)


def _order(values: Iterable[Any]) -> tuple[Any, ...]:
    """SQL's ascending order with nulls last."""
    return tuple((v is None, v if v is not None else "") for v in values)


def ref_collections(
    w: World,
    f: dict[str, list[str]],
    window: tuple[date | None, date | None],
    by: tuple[str, ...],
    credited: bool,
) -> list[tuple[Any, ...]]:
    start, end = window
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for p in w.pay.itertuples():
        if (start and p.payment_date < start) or (end and p.payment_date > end):
            continue
        agent = p.credited if credited else w.static.at[p.account_id, "agent_id"]
        if not (w.account_ok(p.account_id, f) and w.agent_ok(agent, f)):
            continue
        dims = {
            "month": p.payment_date.replace(day=1),
            "portfolio": w.static.at[p.account_id, "portfolio"],
            "channel": None,  # random worlds give no channel
            "agent": agent,
            "team": w.team.get(agent),  # type: ignore[arg-type]
        }
        key = tuple(dims[d] for d in kpi_breakdowns.DIMENSIONS if d in by)
        groups.setdefault(key, []).append(p.amount)
    return [(*k, dsum(v), len(v)) for k, v in sorted(groups.items(), key=lambda g: _order(g[0]))]


BYS = [
    (("month",), False),
    (("month", "portfolio"), False),
    (("agent", "team"), False),
    (("agent", "team"), True),
    (("month", "team"), True),
    (("channel",), False),
    ((), False),
]


@pytest.mark.parametrize("f", FILTERS)
def test_collections(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    with db.connect(path) as con:
        for window in WINDOWS:
            for by, credited in BYS:
                got = kpi_breakdowns.collections(
                    con,
                    Filters(date_from=window[0], date_to=window[1], **f),
                    by=by,
                    credited=credited,
                )
                expected = ref_collections(w, f, window, by, credited)
                assert tuples(got) == expected, (window, by, credited)


@pytest.mark.parametrize("f", FEW_FILTERS)
def test_collections_add_up_to_the_headline_and_the_agents_report(
    world: tuple, f: dict[str, list[str]]
) -> None:
    path, _ = world
    window = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
    with db.connect(path) as con:
        head = kpis.headline(con, Filters(**window, **f)).to_pylist()[0]["collected"]
        total = kpi_breakdowns.collections(con, Filters(**window, **f), by=()).to_pylist()
        agents = kpis.agents(con, Filters(**window, **f)).to_pylist()
        per_agent = kpi_breakdowns.collections(
            con, Filters(**window, **f), by=("agent",), credited=True
        )
    assert (total[0]["collected"] if total else 0) == head
    expected = {r["agent_id"]: r["collected"] for r in agents if r["collected"]}
    got = {r["agent_id"]: r["collected"] for r in per_agent.to_pylist() if r["collected"]}
    assert got == {k: v for k, v in expected.items() if k is not None}


def ref_contact_mix(w: World, f: dict[str, list[str]], start: date, end: date) -> list[tuple]:
    c = w.contacts[(w.contacts["day"] >= start) & (w.contacts["day"] <= end)]
    keep = [
        w.account_ok(a, f) and w.agent_ok(g, f)
        for a, g in zip(c["account_id"], c["agent_id"], strict=True)
    ]
    counts = c[keep].groupby(["channel", "outcome"]).size()
    return [(ch, out, int(n)) for (ch, out), n in sorted(counts.items())]


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize(
    "window", [(date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 4, 30))]
)
def test_contact_mix(world: tuple, f: dict[str, list[str]], window: tuple[date, date]) -> None:
    path, w = world
    with db.connect(path) as con:
        got = kpi_breakdowns.contact_mix(con, Filters(date_from=window[0], date_to=window[1], **f))
    assert tuples(got) == ref_contact_mix(w, f, *window)


def ref_roll_accounts(w: World, f: dict[str, list[str]], s0: date, s1: date) -> list[tuple]:
    start = w.snapshot_rows(f)
    start = start[(start["as_of_date"] == s0) & ~start["closed"]]
    nxt = w.acc[w.acc["as_of_date"] == s1].set_index("account_id")
    out = []
    for r in start.sort_values("account_id").itertuples():
        n = nxt.loc[r.account_id] if r.account_id in nxt.index else None
        out.append((
            s0, s1, r.account_id, w.static.at[r.account_id, "portfolio"], r.agent_id,
            w.team.get(r.agent_id), r.state, "Missing" if n is None else n["state"],
            r.days_past_due, None if n is None else n["days_past_due"], r.current_balance,
            None if n is None else n["current_balance"], None if n is None else n["status"],
            None, None,  # random worlds give no personal data
        ))  # fmt: skip
    return out


@pytest.mark.parametrize("f", FILTERS)
def test_roll_accounts(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    with db.connect(path) as con:
        for s0, s1 in pairwise(w.dates):
            got = kpi_breakdowns.roll_accounts(con, Filters(as_of=s1, **f))
            assert tuples(got) == ref_roll_accounts(w, f, s0, s1)
            expected = [r for r in ref_roll_accounts(w, f, s0, s1) if r[6:8] == ("M2", "M3")]
            cell = kpi_breakdowns.roll_accounts(
                con, Filters(as_of=s1, **f), from_bucket="M2", to_state="M3"
            )
            assert tuples(cell) == expected


@pytest.mark.parametrize("f", FEW_FILTERS)
def test_roll_summary(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    per: dict[tuple[date, date, str], list[int]] = {}
    for s0, s1, b0, _to, n, _bal, _share, _sb, direction, cured in ref_roll_rates(w, f):
        counts = per.setdefault((s0, s1, b0), [0, 0, 0])
        counts[0] += n
        counts[1] += n if direction == "worse" else 0
        counts[2] += cured
    expected = [
        (s0, s1, b0, n, worse, rate(worse, n), cured, None if b0 == NAMES[0] else rate(cured, n))
        for (s0, s1, b0), (n, worse, cured) in sorted(
            per.items(), key=lambda kv: (kv[0][0], NAMES.index(kv[0][2]))
        )
    ]
    with db.connect(path) as con:
        assert tuples(kpi_breakdowns.roll_summary(con, Filters(**f))) == expected


@pytest.mark.parametrize("f", FEW_FILTERS)
def test_teams(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    start, end = date(2026, 2, 1), date(2026, 3, 31)
    per: dict[str | None, list[Any]] = {}
    for (
        _a,
        _name,
        team,
        assigned,
        collected,
        paying,
        contacts,
        rpc,
        _r,
        prom,
        kept,
        _k,
    ) in ref_agents(w, f, start, end):
        t = per.setdefault(team, [0, None, dsum([]), 0, 0, 0, 0, 0])
        t[0] += 1
        t[1] = assigned if t[1] is None else t[1] + (assigned or 0)
        for i, v in enumerate((collected, paying, contacts, rpc, prom, kept), start=2):
            t[i] += v
    expected = [
        (team, n, assigned, got, paying, contacts, rpc, rate(rpc, contacts), prom, kept,
         rate(kept, prom))
        for team, (n, assigned, got, paying, contacts, rpc, prom, kept) in sorted(
            per.items(), key=lambda kv: _order([kv[0]])
        )
    ]  # fmt: skip
    with db.connect(path) as con:
        assert (
            tuples(kpi_breakdowns.teams(con, Filters(date_from=start, date_to=end, **f)))
            == expected
        )


@pytest.mark.parametrize("f", FEW_FILTERS)
def test_recovery_by_region_without_regions_is_one_row(world: tuple, f: dict[str, list[str]]):
    path, w = world
    by_portfolio = ref_recovery(w, f, None)
    with db.connect(path) as con:
        got = tuples(kpis.recovery(con, Filters(**f), by="region"))
    if not by_portfolio:
        assert got == []
        return
    n = sum(r[1] for r in by_portfolio)
    placed = dsum(r[2] for r in by_portfolio)
    collected = dsum(r[3] for r in by_portfolio)
    assert got == [(None, n, placed, collected, rate(collected, placed))]
