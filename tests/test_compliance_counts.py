"""The per-agent compliance counts (counted in the database) against an independent pandas count.

``compliance.violation_counts`` and the payouts' conduct facts count in SQL
(compliance/agent_counts.sql over the listing of compliance/violations.sql); here the same
counts are computed in pandas straight from the rules as domain.md and the module docstring
state them, on a seeded random contact log of two months with edge cases written in: contacts
at the limits of the allowed hours, ties on the timestamp (contact_id decides), one call that
breaks three US rules at once (it counts once), rules switched off in a preset, an agent on no
roster, and complaints of the complaints extract upheld, rejected and undecided.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import db
from dashboard.engine import compliance
from dashboard.engine.kpi_common import Filters
from dashboard.engine.settings import CompliancePreset, default_settings
from dashboard.payouts import facts
from dashboard.payouts.values import Period
from tests.kpi_fixtures import build_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
AGENTS = [("G1", "Gao", "T1"), ("G2", "Hu", "T1"), ("G3", "Li", "T2")]  # G9: on no roster
ACCOUNT_AGENT = {f"A{i:02d}": ("G1", "G2", "G3")[i % 3] for i in range(1, 13)}
RPC = set(default_settings().right_party_outcomes)
OUTCOMES = ["no_answer"] * 5 + ["right_party", "promise_to_pay", "refused", "complaint", "dispute"]


def _contacts() -> list[tuple[str, ...]]:
    rng = random.Random(42)
    rows: list[tuple[str, str, str, datetime, str, str]] = []
    accounts = sorted(ACCOUNT_AGENT)
    for i in range(900):
        account = rng.choice(accounts[:4]) if rng.random() < 0.5 else rng.choice(accounts)
        day = date(2026, 2, 20) + timedelta(days=rng.randrange(40))  # Feb 20 .. Mar 31
        # Mostly daytime, some at night; whole seconds; a few at the hours' limits.
        at = datetime.combine(day, time(rng.choice([6, 7, 8, 9, 10, 14, 20, 21, 22, 23])))
        at += timedelta(seconds=rng.choice([0, 0, 1, 59, rng.randrange(3600)]))
        channel = rng.choice(["call"] * 6 + ["sms", "visit", "email"])
        agent = rng.choice(["G1", "G2", "G3", "G3", "G9"])
        rows.append((f"C{i:04d}", account, agent, at, channel, rng.choice(OUTCOMES)))
    # Ties: two calls of one account in the same second, by different agents.
    tie = datetime(2026, 3, 10, 9, 0, 0)
    rows += [("T0001", "A01", "G1", tie, "call", "no_answer")]
    rows += [("T0002", "A01", "G2", tie, "call", "no_answer")]
    # One call that breaks three US rules: at 21:30, the 8th+ of A05's calls in 7 days, the day
    # after a right-party call.
    for k in range(8):
        rows.append((f"M{k:04d}", "A05", "G2", datetime(2026, 3, 20, 9, k), "call", "no_answer"))
    rows.append(("M0100", "A05", "G1", datetime(2026, 3, 20, 12), "call", "right_party"))
    rows.append(("M0101", "A05", "G3", datetime(2026, 3, 21, 21, 30), "call", "no_answer"))
    return [
        (c, a, g, f"{t:%Y-%m-%d %H:%M:%S}", ch, o, *_promise(o, t)) for c, a, g, t, ch, o in rows
    ]


def _promise(outcome: str, at: datetime) -> tuple[str | None, str | None]:
    if outcome != "promise_to_pay":
        return None, None
    return "100.00", f"{at + timedelta(days=5):%Y-%m-%d}"


def _complaints() -> list[tuple[str, ...]]:
    return [
        ("Q1", "A01", "G1", "2026-03-03 10:00:00", "harassment", "2026-03-05 10:00:00", "true"),
        ("Q2", "A02", "G2", "2026-03-04 10:00:00", "contact_time", "2026-03-06 10:00:00", "false"),
        ("Q3", "A03", "G3", "2026-03-05 10:00:00", "privacy", None, None),  # undecided
        ("Q4", "A02", None, "2026-03-06 10:00:00", "service", "2026-03-08 10:00:00", "true"),
        ("Q5", "A01", "G1", "2026-02-27 10:00:00", "other", "2026-02-28 10:00:00", "true"),
        ("Q6", "A02", "G1", "2026-03-31 23:00:00", "harassment", "2026-04-01 10:00:00", "true"),
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    accounts = [
        (a, "2026-03-31", "P1", "2026-01-01", "500.00", "400.00", 40, g)
        for a, g in sorted(ACCOUNT_AGENT.items())
    ]
    return build_db(
        tmp_path_factory.mktemp("compliance_counts"),
        accounts=accounts,
        agents=AGENTS,
        contacts=_contacts(),
        complaints=_complaints(),
    )


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        [c[:6] for c in _contacts()],
        columns=["contact_id", "account_id", "agent_id", "at", "channel", "outcome"],
    )
    frame["at"] = pd.to_datetime(frame["at"])
    frame["day"] = frame["at"].dt.normalize()
    return frame.sort_values(["account_id", "at", "contact_id"]).reset_index(drop=True)


def _breaking(frame: pd.DataFrame, p: CompliancePreset) -> set[str]:
    """The contacts (of any date) that break at least one rule of ``p``, from the rules' words."""
    bad: set[str] = set()
    if p.hours_channels:
        clock = frame["at"].dt.time
        late = (clock > p.hours_until) | ((clock == p.hours_until) & (not p.hours_until_inclusive))
        out = (clock < p.hours_from) | late
        bad |= set(frame.loc[out & frame["channel"].isin(p.hours_channels), "contact_id"])
    calls = frame[frame["channel"] == "call"]
    for _, acc in calls.groupby("account_id"):
        rows = list(acc.itertuples())  # by contacted_at, then contact_id
        for n, c in enumerate(rows):
            if p.max_unanswered_calls_per_day is not None and c.outcome == "no_answer":
                same_day = [r for r in rows[: n + 1] if r.day == c.day and r.outcome == "no_answer"]
                if len(same_day) > p.max_unanswered_calls_per_day:
                    bad.add(c.contact_id)
            if p.max_calls_per_window is not None:
                since = c.day - pd.Timedelta(days=p.call_window_days - 1)
                in_window = [r for r in rows[: n + 1] if r.day >= since]
                if len(in_window) > p.max_calls_per_window:
                    bad.add(c.contact_id)
            if p.call_after_conversation_days is not None:
                since = c.day - pd.Timedelta(days=p.call_after_conversation_days - 1)
                if any(r.outcome in RPC and r.day >= since for r in rows[:n]):
                    bad.add(c.contact_id)
    return bad


def _expected(p: CompliancePreset, agents: set[str] | None = None) -> list[tuple]:
    frame = _frame()
    bad = _breaking(frame, p)
    march = frame[(frame["day"] >= "2026-03-01") & (frame["day"] <= "2026-03-31")]
    if agents is not None:
        march = march[march["agent_id"].isin(agents)]
    march = march.assign(violating=march["contact_id"].isin(bad))
    grouped = march.groupby("agent_id").agg(
        contacts=("contact_id", "size"),
        violations=("violating", "sum"),
        complaints=("outcome", lambda s: int((s == "complaint").sum())),
        disputes=("outcome", lambda s: int((s == "dispute").sum())),
    )
    return [(str(a), *(int(v) for v in r)) for a, r in grouped.sort_index().iterrows()]


def _presets() -> dict[str, CompliancePreset]:
    cfg = default_settings()
    us = cfg.preset("us")
    return {
        "cn": cfg.preset("cn"),
        "us": us,
        # Rules off: no contact-hours rule, no rule after a conversation; the window rule only.
        "us_window_only": dataclasses.replace(
            us, name="w", hours_channels=(), call_after_conversation_days=None
        ),
    }


def _rows(table) -> list[tuple]:  # type: ignore[no-untyped-def]
    names = ["agent_id", "contacts", "violations", "complaints", "disputes"]
    return [tuple(r[n] for n in names) for r in table.to_pylist()]


@pytest.mark.parametrize("name", ["cn", "us", "us_window_only"])
def test_counts_equal_an_independent_pandas_count(world: Path, name: str) -> None:
    preset = _presets()[name]
    with db.connect(world, read_only=True) as con:
        got = compliance.violation_counts(con, *MARCH, preset)
    want = _expected(preset)
    assert _rows(got) == want
    assert sum(r[2] for r in want) > 10  # the fixture does break the rules
    assert {r[0] for r in want} == {"G1", "G2", "G3", "G9"}


def test_a_contact_breaking_three_rules_counts_once(world: Path) -> None:
    us = _presets()["us"]
    with db.connect(world, read_only=True) as con:
        listed = compliance.violations(con, *MARCH, us)
        counts = compliance.violation_counts(con, *MARCH, us)
    rules = sorted(r["rule"] for r in listed.to_pylist() if r["contact_id"] == "M0101")
    assert rules == ["call_after_conversation", "calls_per_window", "contact_hours"]
    g3 = {r["contact_id"] for r in listed.to_pylist() if r["agent_id"] == "G3"}
    assert next(r for r in _rows(counts) if r[0] == "G3")[2] == len(g3)


def test_team_filter_counts_only_its_agents(world: Path) -> None:
    cn = _presets()["cn"]
    with db.connect(world, read_only=True) as con:
        got = compliance.violation_counts(con, *MARCH, cn, filters=Filters(teams=["T1"]))
    assert _rows(got) == _expected(cn, {"G1", "G2"})


def test_payout_conduct_and_upheld_complaints(world: Path) -> None:
    march = Period(2026, 3)
    with db.connect(world, read_only=True) as con:
        conduct = facts.conduct(con, march, "us")
        upheld = facts.upheld_complaints(con, march)
    want = {a: (c, v, q) for a, c, v, q, _ in _expected(_presets()["us"])}
    assert {a: (r["contacts"], r["violations"], r["complaints"]) for a, r in conduct.items()} == (
        want
    )
    # Upheld and received in March: Q1 (G1), Q4 (no agent given: the account's agent, A02 is
    # G3's), Q6 (23:00 on the 31st). Q2 was rejected, Q3 is undecided, Q5 is February's.
    assert upheld == {"G1": 2, "G3": 1}
