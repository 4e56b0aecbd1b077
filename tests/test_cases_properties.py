"""The repayment-plan reports (plans, plan-installments, plan-summary, broken-plans) on seeded
random portfolios against an independent computation in plain pandas and Python.

The reference functions are written from README.md's report sections and domain.md's
"repayment_plans" (not from the SQL). The portfolios come from
``tests.case_fixtures.random_case_world``: plans of 1-12 installments, second and third plans on
an account (supersession; two on one day), due dates around the snapshots, payments on the last
grace day and the day after, partial and reversed payments, plans agreed before the account's
first snapshot, blank agents in snapshots. The agencies and complaints reports are checked the
same way in ``tests/test_cases_properties_agencies.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from dashboard import db
from dashboard.engine import cases
from dashboard.engine.kpi_common import Filters
from dashboard.engine.settings import default_settings
from tests.case_fixtures import CASE_ACCOUNT_COLUMNS, GRACE, random_case_world
from tests.kpi_fixtures import ACCOUNT_COLUMNS, COMPLAINT_COLUMNS, PLAN_COLUMNS, build_db
from tests.test_kpi_properties import FILTERS, NAMES, SEEDS, World, dsum, rate, tuples

m = Decimal
BASE = len(ACCOUNT_COLUMNS)
AS_OFS = (None, date(2026, 2, 28), date(2026, 3, 15))  # None: the latest snapshot, 2026-04-30
# The filters act on a plan whatever the report: every combination in test_plans_and_broken_plans,
# two beside the due windows.
SOME_FILTERS = (FILTERS[0], FILTERS[-1])
DUE_WINDOWS = ((None, None), (date(2026, 3, 1), date(2026, 3, 31)), (None, date(2026, 2, 20)),
               (date(2026, 4, 10), None))  # fmt: skip


def mask_name(name: str | None) -> str | None:
    """README (Importing, Personal data): a name keeps its first character; at least half of
    it, and never fewer than 4 characters, hidden (all of a value of 4 or fewer)."""
    if not name:
        return None
    return "*" * len(name) if len(name) <= 4 else name[0] + "*" * (len(name) - 1)


class CaseWorld(World):
    """``World`` with the case extracts: agency and name per snapshot, plans, complaints."""

    def __init__(self, raw: dict[str, Any]) -> None:
        super().__init__({**raw, "accounts": [r[:BASE] for r in raw["accounts"]]})
        extra = {c: [r[i] for r in raw["accounts"]] for i, c in enumerate(CASE_ACCOUNT_COLUMNS)}
        self.acc["agency_id"] = pd.Series(extra["agency_id"], index=self.acc.index, dtype=object)
        self.acc["customer_name"] = pd.Series(
            extra["customer_name"], index=self.acc.index, dtype=object
        )
        self.history: dict[str, list[Any]] = {}
        for r in self.acc.sort_values("as_of_date").itertuples():
            self.history.setdefault(r.account_id, []).append(r)
        plans = pd.DataFrame(raw["repayment_plans"], columns=list(PLAN_COLUMNS), dtype=object)
        plans["created_date"] = plans["created_date"].map(date.fromisoformat)
        plans["due_date"] = plans["due_date"].map(date.fromisoformat)
        plans["amount"] = plans["amount"].map(Decimal)
        self.plans = plans
        self.agencies = raw["agencies"]
        com = pd.DataFrame(raw["complaints"], columns=list(COMPLAINT_COLUMNS), dtype=object)
        for to, column in (("received", "received_at"), ("resolved", "resolved_at")):
            stamps = [datetime.fromisoformat(t) if t else None for t in com[column]]
            com[to] = pd.Series(stamps, index=com.index, dtype=object)  # None, not NaT
        self.complaints = com
        self.payments_of: dict[str, list[tuple[date, Decimal]]] = {}
        for a, d, amount in zip(self.pay["account_id"], self.pay["payment_date"],
                                self.pay["amount"], strict=True):  # fmt: skip
            self.payments_of.setdefault(a, []).append((d, amount))
        self.evaluated: dict[tuple[date, int], list[dict[str, Any]]] = {}

    def on_or_before(self, account: str, day: date) -> Any:
        """The account's latest snapshot on or before ``day``, or None."""
        before = [r for r in self.history.get(account, []) if r.as_of_date <= day]
        return before[-1] if before else None

    def snapshot_for(self, account: str, day: date) -> Any:
        """domain.md's rule for payments: the latest snapshot on or before ``day``, else the
        earliest (None for an account in no snapshot)."""
        history = self.history.get(account, [])
        return self.on_or_before(account, day) or (history[0] if history else None)

    def agent_on(self, given: str | None, account: str, day: date) -> str | None:
        """The agent given, else the agent of ``snapshot_for`` (a blank one gives none)."""
        if given:
            return given
        snap = self.snapshot_for(account, day)
        return snap.agent_id if snap is not None and snap.agent_id else None

    def paid(self, account: str, first: date, last: date) -> Decimal:
        """Net payments on the account dated ``first`` .. ``last`` (orphans count nowhere)."""
        return dsum(a for d, a in self.payments_of.get(account, []) if first <= d <= last)


def evaluate(w: CaseWorld, as_of: date, grace: int = GRACE) -> list[dict[str, Any]]:
    """Every plan created on or before ``as_of`` with its installments' states (README, plans:
    Rules), in created_date, plan_id order (computed once per world, date and grace)."""
    if (as_of, grace) not in w.evaluated:
        w.evaluated[as_of, grace] = _evaluate(w, as_of, grace)
    return w.evaluated[as_of, grace]


def _evaluate(w: CaseWorld, as_of: date, grace: int) -> list[dict[str, Any]]:
    heads = w.plans.groupby("plan_id").first().reset_index()
    heads = heads[heads["created_date"] <= as_of]
    out = []
    for h in heads.sort_values(["created_date", "plan_id"]).itertuples():
        later = heads[
            (heads["account_id"] == h.account_id) & (heads["created_date"] > h.created_date)
        ]
        ended = min(later["created_date"]) - timedelta(days=1) if len(later) else None
        until = ended or as_of  # the plan's own evaluation date
        rows = w.plans[w.plans["plan_id"] == h.plan_id].sort_values("installment_no")
        cumulative, inst = m(0), []
        for r in rows.itertuples():
            cumulative += r.amount
            last_day = r.due_date + timedelta(days=grace)
            paid = w.paid(h.account_id, h.created_date, min(last_day, until))
            kept = paid >= cumulative
            state = ("kept" if kept else "missed" if last_day < until
                     else "superseded" if ended else "pending")  # fmt: skip
            inst.append({"no": r.installment_no, "due": r.due_date, "amount": r.amount,
                         "cumulative": cumulative, "paid_by_due": paid, "state": state,
                         "overdue": last_day < until})  # fmt: skip
        missed = [i for i in inst if i["state"] == "missed"]
        status = ("broken" if missed else "completed" if inst[-1]["state"] == "kept"
                  else "superseded" if ended else "active")  # fmt: skip
        total = dsum(i["amount"] for i in inst)
        snap = w.on_or_before(h.account_id, h.created_date)
        relief = None
        if h.plan_type == "settlement" and snap is not None:
            relief = snap.current_balance - total
        out.append({
            "plan_id": h.plan_id, "account_id": h.account_id,
            "agent_id": w.agent_on(h.agent_id, h.account_id, h.created_date),
            "plan_type": h.plan_type, "created_date": h.created_date, "installments": len(inst),
            "scheduled_total": total, "paid_towards": w.paid(h.account_id, h.created_date, until),
            "status": status,
            "broken_date": missed[0]["due"] + timedelta(days=grace + 1) if missed else None,
            "relief": relief,
            # README: the snapshot's bucket, Closed when it is closed (World.state)
            "bucket_at_creation": snap.state if snap is not None else None,
            "inst": inst,
        })  # fmt: skip
    return out


PLAN_FIELDS = ("plan_id", "account_id", "agent_id", "plan_type", "created_date", "installments",
               "scheduled_total", "paid_towards", "status", "broken_date", "relief",
               "bucket_at_creation")  # fmt: skip


def chosen(w: CaseWorld, plans: list[dict[str, Any]], f: dict[str, list[str]]) -> list[dict]:
    return [p for p in plans if w.account_ok(p["account_id"], f) and w.agent_ok(p["agent_id"], f)]


def ref_plans(w: CaseWorld, plans: list[dict[str, Any]], f: dict[str, list[str]]) -> list[tuple]:
    return [tuple(p[k] for k in PLAN_FIELDS) for p in chosen(w, plans, f)]


def due_in(i: dict[str, Any], window: tuple[date | None, date | None]) -> bool:
    return (window[0] is None or i["due"] >= window[0]) and (
        window[1] is None or i["due"] <= window[1]
    )


def ref_installments(
    w: CaseWorld, plans: list[dict[str, Any]], f: dict[str, list[str]], window: tuple
) -> list[tuple[Any, ...]]:
    rows = [
        (p["plan_id"], p["account_id"], p["agent_id"], p["plan_type"], i["no"], i["due"],
         i["amount"], i["cumulative"], i["paid_by_due"], i["state"])
        for p in chosen(w, plans, f) for i in p["inst"] if due_in(i, window)
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (r[0], r[4]))


def ref_summary(
    w: CaseWorld, plans: list[dict[str, Any]], f: dict[str, list[str]], window: tuple, by: str
) -> list[tuple[Any, ...]]:
    groups: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for p in chosen(w, plans, f):
        for i in p["inst"]:
            if due_in(i, window):
                key = i["no"] if by == "installment" else p["bucket_at_creation"]
                groups.setdefault((p["plan_type"], key), []).append(i)

    def order(key: tuple[str, Any]) -> tuple[Any, ...]:
        if by == "installment":
            return key
        # README: the buckets' order, Closed after them, the plans with no bucket last.
        place = [*NAMES, "Closed"]
        return (key[0], place.index(key[1]) if key[1] is not None else len(place))

    out = []
    for key in sorted(groups, key=order):
        inst = groups[key]
        kept = [i for i in inst if i["state"] == "kept"]
        missed = sum(i["state"] == "missed" for i in inst)
        decided = len(kept) + missed
        out.append((*key, len(inst), decided, len(kept), missed, len(inst) - decided,
                    rate(len(kept), decided), dsum(i["amount"] for i in inst),
                    dsum(i["amount"] for i in kept)))  # fmt: skip
    return out


def ref_broken(w: CaseWorld, plans: list[dict[str, Any]], f: dict[str, list[str]]) -> list[tuple]:
    out = []
    for p in chosen(w, plans, f):
        if p["status"] != "broken":
            continue
        due = dsum(i["amount"] for i in p["inst"] if i["overdue"])
        latest = w.history[p["account_id"]][-1]
        out.append(
            (
                p["plan_id"],
                p["account_id"],
                mask_name(latest.customer_name),
                None,
                p["agent_id"],
                p["plan_type"],
                p["created_date"],
                p["broken_date"],
                p["scheduled_total"],
                p["paid_towards"],
                max(due - p["paid_towards"], m(0)),
            )
        )
    return sorted(out, key=lambda r: (r[7], r[0]))


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    raw = random_case_world(request.param)
    path = build_db(tmp_path_factory.mktemp(f"cases{request.param}"), **raw)
    return path, CaseWorld(raw)


def evaluated(w: CaseWorld, as_of: date | None) -> list[dict[str, Any]]:
    return evaluate(w, as_of or w.dates[-1])


def test_the_worlds_hold_every_case(world: tuple) -> None:
    """The generator makes what the comparisons below are about, in every seed (so a
    comparison cannot pass for want of the case it checks)."""
    _, w = world
    plans = evaluate(w, w.dates[-1])
    pairs = [(p, i) for p in plans for i in p["inst"]]
    assert {i["state"] for _, i in pairs} == {"kept", "missed", "pending", "superseded"}
    assert {p["status"] for p in plans} == {"active", "broken", "completed", "superseded"}
    assert any(p["relief"] is not None for p in plans)
    assert any(p["bucket_at_creation"] is None for p in plans)
    assert sum(p["bucket_at_creation"] is not None for p in plans) > 10
    # kept by a payment on the last grace day; missed by one a day late
    assert any(i["state"] == "kept" and paid_by(w, p, i, GRACE - 1) < i["cumulative"]
               for p, i in pairs)  # fmt: skip
    assert any(i["state"] == "missed" and paid_by(w, p, i, GRACE + 1) >= i["cumulative"]
               for p, i in pairs)  # fmt: skip
    # no agent, where a snapshot older than the one the rule takes names one
    assert any(
        p["agent_id"] is None and any(
            r.agent_id and r.as_of_date < w.snapshot_for(p["account_id"], p["created_date"])
            .as_of_date for r in w.history[p["account_id"]]
        ) for p in plans
    )  # fmt: skip
    # a broken plan ended by a later one (its overdue amount is as of the day before)
    assert any(p["status"] == "broken" and i["state"] == "superseded" for p, i in pairs)


def paid_by(w: CaseWorld, p: dict[str, Any], i: dict[str, Any], days: int) -> Decimal:
    return w.paid(p["account_id"], p["created_date"], i["due"] + timedelta(days=days))


@pytest.mark.parametrize("as_of", AS_OFS)
@pytest.mark.parametrize("f", FILTERS)
def test_plans_and_broken_plans(world: tuple, f: dict[str, list[str]], as_of: date | None) -> None:
    path, w = world
    plans = evaluated(w, as_of)
    with db.connect(path) as con:
        assert tuples(cases.plans(con, Filters(as_of=as_of, **f))) == ref_plans(w, plans, f)
        assert tuples(cases.broken_plans(con, Filters(as_of=as_of, **f))) == ref_broken(w, plans, f)


@pytest.mark.parametrize("window", DUE_WINDOWS)
@pytest.mark.parametrize("as_of", AS_OFS)
def test_plan_installments(world: tuple, as_of: date | None, window: tuple) -> None:
    path, w = world
    plans = evaluated(w, as_of)
    with db.connect(path) as con:
        for f in SOME_FILTERS:
            got = cases.plan_installments(con, Filters(as_of=as_of, date_from=window[0],
                                                       date_to=window[1], **f))  # fmt: skip
            assert tuples(got) == ref_installments(w, plans, f, window)


@pytest.mark.parametrize("by", ["installment", "bucket"])
@pytest.mark.parametrize("window", DUE_WINDOWS)
def test_plan_summary(world: tuple, window: tuple, by: str) -> None:
    path, w = world
    with db.connect(path) as con:
        for as_of in AS_OFS:
            plans = evaluated(w, as_of)
            for f in SOME_FILTERS:
                dates = {"as_of": as_of, "date_from": window[0], "date_to": window[1]}
                got = cases.plan_summary(con, Filters(**dates, **f), by=by)
                assert tuples(got) == ref_summary(w, plans, f, window, by)


@pytest.mark.parametrize("grace", [0, 10])
def test_plans_with_another_grace(world: tuple, grace: int) -> None:
    path, w = world
    cfg = dataclasses.replace(default_settings(), plan_grace_days=grace)
    plans = evaluate(w, w.dates[-1], grace)
    with db.connect(path) as con:
        assert tuples(cases.plans(con, settings=cfg)) == ref_plans(w, plans, {})
        got = cases.plan_installments(con, settings=cfg)
        assert tuples(got) == ref_installments(w, plans, {}, (None, None))
