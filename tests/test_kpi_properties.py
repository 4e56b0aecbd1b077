"""Every report on seeded random portfolios against an independent computation in pandas.

The reference functions below are written from domain.md's definitions only (not from the
SQL): plain pandas and Python over the same rows the importer was given. The portfolios come
from ``tests.kpi_fixtures.random_world``: boundary DPDs, zero balances, closed statuses,
accounts missing from a snapshot, portfolio changes, agents off the roster, blank-agent
payments, reversals, orphans, contacts at boundary times and bursts of calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

import pandas as pd
import pytest

from dashboard import db
from dashboard.engine import compliance, kpis
from dashboard.engine.kpi_common import Filters
from tests.kpi_fixtures import (
    ACCOUNT_COLUMNS,
    CONTACT_COLUMNS,
    PAYMENT_COLUMNS,
    build_db,
    random_world,
)

SEEDS = (1, 2, 3)
NAMES = ["Current", "M1", "M2", "M3", "M4", "M5", "M6", "M7+"]
MINS = [0, 1, 31, 61, 91, 121, 151, 181]
ORDER = [*NAMES, "Closed", "Missing"]
CLOSED = {"settled", "paid_in_full", "recalled"}
CURED_CLOSED = {"paid_in_full", "settled"}
RPC = {"right_party", "promise_to_pay", "refused", "dispute", "complaint"}
FILTERS: list[dict[str, list[str]]] = [
    {},
    {"portfolios": ["P2"]},
    {"teams": ["T1"]},
    {"agents": ["G3", "G5"]},
    {"portfolios": ["P1", "P3"], "teams": ["T2", "T3"]},
]


def rate(n: Any, d: Any) -> Decimal | None:
    if d == 0:
        return None
    return (Decimal(str(n)) / Decimal(str(d))).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def dsum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def bucket(dpd: int) -> str:
    return NAMES[max(i for i, m in enumerate(MINS) if m <= dpd)]


def frame(rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows as an object frame: None stays None (pandas would make blank text NaN)."""
    padded = [list(r) + [None] * (len(columns) - len(r)) for r in rows]
    return pd.DataFrame(padded, columns=list(columns), dtype=object)


class World:
    """The random portfolio as pandas frames, with the domain's derived facts."""

    def __init__(self, raw: dict[str, list[tuple[Any, ...]]]) -> None:
        acc = frame(raw["accounts"], ACCOUNT_COLUMNS)
        acc["as_of_date"] = acc["as_of_date"].map(date.fromisoformat)
        acc["placement_date"] = acc["placement_date"].map(date.fromisoformat)
        acc["placed_balance"] = acc["placed_balance"].map(Decimal)
        acc["current_balance"] = acc["current_balance"].map(Decimal)
        acc["closed"] = acc["status"].isin(CLOSED) | (acc["current_balance"] == 0)
        acc["state"] = [
            "Closed" if c else bucket(d)
            for c, d in zip(acc["closed"], acc["days_past_due"], strict=True)
        ]
        self.acc = acc
        self.dates = sorted(acc["as_of_date"].unique())
        latest = acc.loc[acc.groupby("account_id")["as_of_date"].idxmax()]
        self.static = latest.set_index("account_id")[
            ["portfolio", "placement_date", "placed_balance", "agent_id"]
        ]
        self.team = {a: t for a, _, t in raw["agents"]}
        self.names = {a: n for a, n, _ in raw["agents"]}
        pay = frame(raw["payments"], PAYMENT_COLUMNS)
        pay["payment_date"] = pay["payment_date"].map(date.fromisoformat)
        pay["amount"] = pay["amount"].map(Decimal)
        pay["credited"] = pd.Series(self._credit(pay), index=pay.index, dtype=object)
        self.pay = pay[pay["account_id"].isin(self.static.index)].copy()  # orphans count nowhere
        con = frame(raw["contacts"], CONTACT_COLUMNS)
        con["at"] = con["contacted_at"].map(datetime.fromisoformat)
        con["day"] = con["at"].map(lambda t: t.date())
        con["promise_date"] = con["promise_date"].map(
            lambda d: date.fromisoformat(d) if d else None
        )
        self.contacts = con

    def _credit(self, pay: pd.DataFrame) -> list[str | None]:
        """domain.md: the given agent; blank: a reversal gets the reversed payment's agent,
        otherwise the account's agent in the latest snapshot on or before the payment date,
        else in its earliest snapshot."""
        rows = pay.set_index("payment_id").to_dict("index")
        snaps: dict[str, list[tuple[date, str | None]]] = {}
        for r in self.acc.sort_values("as_of_date").itertuples():
            snaps.setdefault(r.account_id, []).append((r.as_of_date, r.agent_id))

        def credit(pid: str) -> str | None:
            p = rows[pid]
            if p["agent_id"]:
                return str(p["agent_id"])
            if p["reverses_payment_id"] and p["reverses_payment_id"] in rows:
                return credit(p["reverses_payment_id"])
            history = snaps.get(p["account_id"], [])
            before = [a for d, a in history if d <= p["payment_date"]]
            if before:
                return before[-1]
            return history[0][1] if history else None

        return [credit(pid) for pid in pay["payment_id"]]

    # -- filters -------------------------------------------------------------------------
    def agent_ok(self, agent: str | None, f: dict[str, list[str]]) -> bool:
        if f.get("agents") and agent not in f["agents"]:
            return False
        return not (f.get("teams") and self.team.get(agent) not in f["teams"])  # type: ignore[arg-type]

    def account_ok(self, account: str, f: dict[str, list[str]]) -> bool:
        if account not in self.static.index:
            return not f.get("portfolios")
        return not (
            f.get("portfolios") and self.static.at[account, "portfolio"] not in f["portfolios"]
        )

    def snapshot_rows(self, f: dict[str, list[str]]) -> pd.DataFrame:
        keep = [
            self.account_ok(a, f) and self.agent_ok(g, f)
            for a, g in zip(self.acc["account_id"], self.acc["agent_id"], strict=True)
        ]
        return self.acc[keep]

    def static_rows(self, f: dict[str, list[str]]) -> pd.DataFrame:
        keep = [
            self.account_ok(a, f) and self.agent_ok(g, f)
            for a, g in zip(self.static.index, self.static["agent_id"], strict=True)
        ]
        return self.static[keep]

    def kept(self, c: Any) -> bool:
        end = c.promise_date + timedelta(days=3)
        paid = self.pay[
            (self.pay["account_id"] == c.account_id)
            & (self.pay["payment_date"] >= c.day)
            & (self.pay["payment_date"] <= end)
        ]["amount"]
        return dsum(paid) >= Decimal(c.promise_amount)


def ref_buckets(w: World, f: dict[str, list[str]]) -> list[tuple[Any, ...]]:
    df = w.snapshot_rows(f)
    out = []
    for as_of, snap in sorted(df.groupby("as_of_date"), key=lambda g: g[0]):
        total_n, total_b = len(snap), dsum(snap["current_balance"])
        for state in ORDER:
            rows = snap[snap["state"] == state]
            if len(rows):
                b = dsum(rows["current_balance"])
                out.append((as_of, state, len(rows), b, rate(len(rows), total_n), rate(b, total_b)))
    return out


def ref_roll_rates(w: World, f: dict[str, list[str]]) -> list[tuple[Any, ...]]:
    df = w.snapshot_rows(f)
    out = []
    for s0, s1 in pairwise(w.dates):
        start = df[(df["as_of_date"] == s0) & ~df["closed"]]
        nxt = w.acc[w.acc["as_of_date"] == s1].set_index("account_id")["state"].to_dict()
        status = w.acc[w.acc["as_of_date"] == s1].set_index("account_id")["status"].to_dict()
        start = start.assign(
            to_state=[nxt.get(a, "Missing") for a in start["account_id"]],
            to_status=[status.get(a) for a in start["account_id"]],
        )
        for b0 in NAMES:
            rows = start[start["state"] == b0]
            n0, bal0 = len(rows), dsum(rows["current_balance"])
            for to in ORDER:
                sel = rows[rows["to_state"] == to]
                if not len(sel):
                    continue
                b = dsum(sel["current_balance"])
                direction = {"Closed": "closed", "Missing": "missing"}.get(to) or (
                    "worse" if ORDER.index(to) > ORDER.index(b0)
                    else "better" if ORDER.index(to) < ORDER.index(b0) else "same"
                )  # fmt: skip
                cured = (
                    0
                    if b0 == "Current"
                    else sum(
                        t == "Current" or (t == "Closed" and st in CURED_CLOSED)
                        for t, st in zip(sel["to_state"], sel["to_status"], strict=True)
                    )
                )
                out.append((s0, s1, b0, to, len(sel), b, rate(len(sel), n0), rate(b, bal0),
                            direction, cured))  # fmt: skip
    return out


def ref_recovery(w: World, f: dict[str, list[str]], to: date | None) -> list[tuple[Any, ...]]:
    st = w.static_rows(f)
    if to is not None:
        st = st[st["placement_date"] <= to]
    pay = w.pay[w.pay["account_id"].isin(st.index)]
    if to is not None:
        pay = pay[pay["payment_date"] <= to]
    out = []
    for portfolio, rows in sorted(st.groupby("portfolio"), key=lambda g: g[0]):
        placed = dsum(rows["placed_balance"])
        got = dsum(pay[pay["account_id"].isin(rows.index)]["amount"])
        out.append((portfolio, len(rows), placed, got, rate(got, placed)))
    return out


def _month(d: date) -> date:
    return d.replace(day=1)


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def ref_vintage(w: World, f: dict[str, list[str]], as_of: date) -> list[tuple[Any, ...]]:
    st = w.static_rows(f)
    st = st.assign(cohort=st["placement_date"].map(_month))
    st = st[st["cohort"] <= _month(as_of)]
    out = []
    for cohort, rows in sorted(st.groupby("cohort"), key=lambda g: g[0]):
        placed = dsum(rows["placed_balance"])
        pay = w.pay[w.pay["account_id"].isin(rows.index) & (w.pay["payment_date"] <= as_of)]
        for k in range(_months_between(cohort, as_of) + 1):
            got = dsum(
                a for a, d in zip(pay["amount"], pay["payment_date"], strict=True)
                if _months_between(cohort, d) <= k
            )  # fmt: skip
            out.append((cohort.strftime("%Y-%m"), k, len(rows), placed, got, rate(got, placed)))
    return out


def ref_agents(w: World, f: dict[str, list[str]], start: date, end: date) -> list[tuple[Any, ...]]:
    port = {"portfolios": f["portfolios"]} if f.get("portfolios") else {}
    pay = w.pay[(w.pay["payment_date"] >= start) & (w.pay["payment_date"] <= end)]
    pay = pay[[w.account_ok(a, port) and g is not None
               for a, g in zip(pay["account_id"], pay["credited"], strict=True)]]  # fmt: skip
    per_account = pay.groupby(["credited", "account_id"])["amount"].agg(dsum)
    in_window = [d for d in w.dates if start <= d <= end]
    assigned: dict[str, int] = {}
    if in_window:
        snap = w.acc[(w.acc["as_of_date"] == in_window[-1]) & w.acc["agent_id"].notna()]
        for a, g in zip(snap["account_id"], snap["agent_id"], strict=True):
            if w.account_ok(a, port):
                assigned[g] = assigned.get(g, 0) + 1
    c = w.contacts[(w.contacts["day"] >= start) & (w.contacts["day"] <= end)]
    c = c[[w.account_ok(a, port) for a in c["account_id"]]]
    agents = set(per_account.index.get_level_values(0)) | set(assigned) | set(c["agent_id"])
    out = []
    for g in sorted(a for a in agents if w.agent_ok(a, f)):
        mine = per_account[per_account.index.get_level_values(0) == g] if len(per_account) else []
        cg = c[c["agent_id"] == g]
        promises = cg[cg["outcome"] == "promise_to_pay"]
        kept = sum(w.kept(p) for p in promises.itertuples())
        rpc = int(cg["outcome"].isin(RPC).sum())
        out.append((
            g, w.names.get(g), w.team.get(g), assigned.get(g, 0) if in_window else None,
            dsum(mine), int(sum(1 for v in mine if v > 0)), len(cg), rpc, rate(rpc, len(cg)),
            len(promises), kept, rate(kept, len(promises)),
        ))  # fmt: skip
    return out


def ref_violations(w: World, preset: str, start: date, end: date) -> set[tuple[str, str, str]]:
    c = w.contacts.sort_values(["at", "contact_id"]).reset_index(drop=True)
    calls = c[c["channel"] == "call"]
    out = set()
    for r in c.itertuples():
        if not start <= r.day <= end:
            continue
        t = r.at.time()
        key = (r.at, r.contact_id)
        same = calls[calls["account_id"] == r.account_id]
        earlier = same[[(a, i) <= key for a, i in zip(same["at"], same["contact_id"], strict=True)]]
        if preset == "cn":
            if (
                t < datetime.strptime("08:00", "%H:%M").time()
                or t >= datetime.strptime("22:00", "%H:%M").time()
            ):
                out.add((r.contact_id, r.agent_id, "contact_hours"))
            if r.channel == "call" and r.outcome == "no_answer":
                today = earlier[(earlier["day"] == r.day) & (earlier["outcome"] == "no_answer")]
                if len(today) > 6:
                    out.add((r.contact_id, r.agent_id, "unanswered_calls_per_day"))
        else:
            if r.channel != "call":
                continue
            if (
                t < datetime.strptime("08:00", "%H:%M").time()
                or t > datetime.strptime("21:00", "%H:%M").time()
            ):
                out.add((r.contact_id, r.agent_id, "contact_hours"))
            week = earlier[earlier["day"] >= r.day - timedelta(days=6)]
            if len(week) > 7:
                out.add((r.contact_id, r.agent_id, "calls_per_window"))
            talks = earlier[earlier["outcome"].isin(RPC) & (earlier["contact_id"] != r.contact_id)]
            if any((r.day - d).days <= 6 for d in talks["day"]):
                out.add((r.contact_id, r.agent_id, "call_after_conversation"))
    return out


def ref_headline(w: World, f: dict[str, list[str]], start: date, end: date) -> dict[str, Any]:
    st = w.static_rows(f)
    placed = st[(st["placement_date"] >= start) & (st["placement_date"] <= end)]
    pay = w.pay[w.pay["account_id"].isin(st.index)]
    got = dsum(pay[(pay["payment_date"] >= start) & (pay["payment_date"] <= end)]["amount"])
    st_to = st[st["placement_date"] <= end]
    pay_to = pay[pay["account_id"].isin(st_to.index) & (pay["payment_date"] <= end)]
    snaps = w.snapshot_rows(f)
    before = [d for d in w.dates if d <= end]
    row: dict[str, Any] = {
        "placed_accounts": len(placed),
        "placed_balance": dsum(placed["placed_balance"]),
        "collected": got,
        "placed_balance_to_date": dsum(st_to["placed_balance"]),
        "collected_to_date": dsum(pay_to["amount"]),
        "recovery_rate": rate(dsum(pay_to["amount"]), dsum(st_to["placed_balance"])),
        "snapshot_date": before[-1] if before else None,
        "open_accounts": None,
        "open_balance": None,
        "delinquent_accounts": None,
        "delinquent_share": None,
    }
    if before:
        snap = snaps[(snaps["as_of_date"] == before[-1]) & ~snaps["closed"]]
        late = int((snap["state"] != "Current").sum())
        row.update(open_accounts=len(snap), open_balance=dsum(snap["current_balance"]),
                   delinquent_accounts=late, delinquent_share=rate(late, len(snap)))  # fmt: skip
    start_n = cured = 0
    for s0, s1 in pairwise(w.dates):
        if not start <= s1 <= end:
            continue
        nxt = w.acc[w.acc["as_of_date"] == s1].set_index("account_id")
        first = snaps[
            (snaps["as_of_date"] == s0) & ~snaps["closed"] & (snaps["state"] != "Current")
        ]
        for a in first["account_id"]:
            start_n += 1
            if a in nxt.index:
                n = nxt.loc[a]
                cured += bool(
                    n["state"] == "Current" or (n["closed"] and n["status"] in CURED_CLOSED)
                )
    c = w.contacts[(w.contacts["day"] >= start) & (w.contacts["day"] <= end)]
    c = c[(c["outcome"] == "promise_to_pay")]
    c = c[[w.account_ok(a, f) and w.agent_ok(g, f)
           for a, g in zip(c["account_id"], c["agent_id"], strict=True)]]  # fmt: skip
    kept = sum(w.kept(p) for p in c.itertuples())
    row.update(delinquent_accounts_start=start_n, cured_accounts=cured,
               cure_rate=rate(cured, start_n), promises=len(c), promises_kept=kept,
               kept_rate=rate(kept, len(c)))  # fmt: skip
    return row


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    raw = random_world(request.param)
    path = build_db(tmp_path_factory.mktemp(f"random{request.param}"), **raw)
    return path, World(raw)


def tuples(table: Any) -> list[tuple[Any, ...]]:
    return [tuple(r.values()) for r in table.to_pylist()]


@pytest.mark.parametrize("f", FILTERS)
def test_buckets_and_roll_rates(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    with db.connect(path) as con:
        assert tuples(kpis.buckets(con, Filters(**f))) == ref_buckets(w, f)
        assert tuples(kpis.roll_rates(con, Filters(**f))) == ref_roll_rates(w, f)


@pytest.mark.parametrize("f", FILTERS)
def test_recovery_and_vintage(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    with db.connect(path) as con:
        assert tuples(kpis.recovery(con, Filters(**f))) == ref_recovery(w, f, None)
        d = date(2026, 2, 20)
        assert tuples(kpis.recovery(con, Filters(date_to=d, **f))) == ref_recovery(w, f, d)
        assert tuples(kpis.vintage(con, Filters(**f))) == ref_vintage(w, f, w.dates[-1])
        d = date(2026, 3, 15)
        assert tuples(kpis.vintage(con, Filters(as_of=d, **f))) == ref_vintage(w, f, d)


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize(
    "window", [(date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 4, 30))]
)
def test_agents(world: tuple, f: dict[str, list[str]], window: tuple[date, date]) -> None:
    path, w = world
    with db.connect(path) as con:
        got = kpis.agents(con, Filters(date_from=window[0], date_to=window[1], **f))
    assert tuples(got) == ref_agents(w, f, *window)


@pytest.mark.parametrize("preset", ["cn", "us"])
@pytest.mark.parametrize(
    "window", [(date(2026, 3, 1), date(2026, 3, 8)), (date(2026, 2, 1), date(2026, 4, 30))]
)
def test_compliance(world: tuple, preset: str, window: tuple[date, date]) -> None:
    path, w = world
    expected = ref_violations(w, preset, *window)
    with db.connect(path) as con:
        listed = compliance.violations(con, *window, preset)
        counts = compliance.violation_counts(con, *window, preset)
    assert {(r["contact_id"], r["agent_id"], r["rule"]) for r in listed.to_pylist()} == expected
    c = w.contacts[(w.contacts["day"] >= window[0]) & (w.contacts["day"] <= window[1])]
    ref_counts = [
        (g, len(rows), len({cid for cid, a, _ in expected if a == g}),
         int((rows["outcome"] == "complaint").sum()), int((rows["outcome"] == "dispute").sum()))
        for g, rows in sorted(c.groupby("agent_id"), key=lambda x: x[0])
    ]  # fmt: skip
    assert tuples(counts) == ref_counts


@pytest.mark.parametrize("f", [{}, {"teams": ["T1"]}, {"portfolios": ["P3"]}])
@pytest.mark.parametrize(
    "window", [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 3, 10), date(2026, 3, 31))]
)
def test_headline(world: tuple, f: dict[str, list[str]], window: tuple[date, date]) -> None:
    path, w = world
    with db.connect(path) as con:
        got = kpis.headline(con, Filters(date_from=window[0], date_to=window[1], **f)).to_pylist()
    days = (window[1] - window[0]).days + 1
    prev = (
        (date(2026, 2, 1), date(2026, 2, 28))
        if window[0].day == 1
        else (window[0] - timedelta(days=days), window[0] - timedelta(days=1))
    )
    for row, (period, (a, b)) in zip(got, [("current", window), ("previous", prev)], strict=True):
        expected = {"period": period, "date_from": a, "date_to": b, **ref_headline(w, f, a, b)}
        assert row == expected
