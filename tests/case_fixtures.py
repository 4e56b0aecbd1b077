"""A seeded random portfolio with case extracts: repayment plans, agencies and complaints.

``random_case_world(seed)`` starts from ``tests.kpi_fixtures.random_world(seed)`` (which it
does not change: the KPI tests get the same worlds as before) and adds, from a generator of its
own, what the case reports read: agency_id on part of the accounts' late snapshots (agencies
that change between snapshots), more snapshots with a blank agent (the first one of an account
too), repayment plans with payments around their due dates, agencies and complaints.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.kpi_fixtures import ACCOUNT_COLUMNS, RANDOM_SNAPSHOTS, random_world

CASE_ACCOUNT_COLUMNS = (*ACCOUNT_COLUMNS, "agency_id", "customer_name")
# Names change between snapshots (broken-plans shows the latest); masked at import.
NAMES = ("Anna Li", "Bert Wang", "Chen Jing", "Dora Zhou", "张小明", None)
GRACE = 3  # plan_grace_days of config/kpi.yaml
SLA_DAYS = 15  # complaint_sla_days of config/kpi.yaml
# AG4 is in the extract but holds no account; 0.125 and 0.5 make half-cent fees.
AGENCIES = [
    ("AG1", "North Co", "0.15"),
    ("AG2", "南方催收", "0.333333"),
    ("AG3", "East 3", "0.125"),
    ("AG4", "Idle", "0.5"),
]
HOLDING = ("AG1", "AG2", "AG3")
PLAN_TYPES = ("installment", "installment", "extension", "settlement")
CATEGORIES = ("harassment", "contact_time", "third_party", "privacy", "amount_dispute",
              "service", "other")  # fmt: skip
AGENT_IDS = ("G1", "G2", "G3", "G4", "G5")  # G5 is on no roster (kpi_fixtures)


def random_case_world(seed: int) -> dict[str, Any]:
    """``random_world(seed)`` with the case extracts: the keyword arguments of ``build_db``
    (accounts with an agency_id column, ``account_columns`` saying so)."""
    raw = random_world(seed)
    rnd = random.Random(f"cases-{seed}")
    accounts = _with_agencies(rnd, raw["accounts"])
    known = sorted({r[0] for r in accounts})
    plans, plan_payments = _plans(rnd, accounts, known)
    accounts = _blank_plan_agents(rnd, accounts, plans)
    return {
        **raw,
        "accounts": accounts,
        "account_columns": CASE_ACCOUNT_COLUMNS,
        "payments": [*raw["payments"], *plan_payments],
        "repayment_plans": plans,
        "agencies": AGENCIES,
        "complaints": _complaints(rnd, known),
    }


def _with_agencies(rnd: random.Random, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """An agency on part of the late snapshots (sticky per account, sometimes another one or
    back in house in the next snapshot), blank agents in some more snapshots, and a name."""
    out = []
    usual: dict[str, str] = {}
    for row in rows:
        acct, dpd = row[0], int(row[6])
        usual.setdefault(acct, rnd.choice(HOLDING))
        chance = 0.6 if dpd >= 91 else 0.2 if dpd >= 31 else 0.03
        agency = None
        if rnd.random() < chance:
            agency = usual[acct] if rnd.random() < 0.8 else rnd.choice(HOLDING)
        agent = None if rnd.random() < 0.08 else row[7]
        out.append((*row[:7], agent, row[8], agency, rnd.choice(NAMES)))
    return out


def _blank_plan_agents(
    rnd: random.Random, accounts: list[tuple[Any, ...]], plans: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """For about a fifth of the plans given without an agent, a blank agent in the snapshot
    their agent comes from (the latest on or before created_date, else the earliest), so
    that the plan has none even where an older snapshot names one."""
    blank = set()
    for plan_id, acct, agent, _, created, *_ in plans:
        if agent or rnd.random() > 0.2 or plan_id in blank:
            continue
        dates = sorted(r[1] for r in accounts if r[0] == acct)
        before = [d for d in dates if d <= created]
        blank.add((acct, before[-1] if before else dates[0]))
        blank.add(plan_id)
    return [(*r[:7], None, *r[8:]) if (r[0], r[1]) in blank else r for r in accounts]


def _plans(
    rnd: random.Random, accounts: list[tuple[Any, ...]], known: list[str]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """About 45 plans on 32 accounts (a second, and now and then a third, plan on some: a
    later one supersedes; once in a while two on the same day), and payments around their
    due dates: on time, on the last grace day, the day after, partly, early, reversed."""
    first_seen = {}
    for r in accounts:
        first_seen.setdefault(r[0], r[1])
    plans: list[tuple[Any, ...]] = []
    payments: list[tuple[Any, ...]] = []
    n_plan = 0
    for acct in rnd.sample(known, 32):
        created = date(2025, 12, 20) + timedelta(days=rnd.randrange(0, 120))
        count = 1 + (rnd.random() < 0.4) + (rnd.random() < 0.1)
        for _ in range(count):
            n_plan += 1
            plan_id = f"PL{n_plan:03d}"
            rows = _one_plan(rnd, plan_id, acct, created)
            plans.extend(rows)
            payments.extend(_pay_towards(rnd, plan_id, rows))
            created += timedelta(days=0 if rnd.random() < 0.1 else rnd.randrange(1, 70))
    return plans, payments


def _one_plan(rnd: random.Random, plan_id: str, acct: str, created: date) -> list[tuple[Any, ...]]:
    agent = rnd.choice(AGENT_IDS) if rnd.random() < 0.4 else None
    plan_type = rnd.choice(PLAN_TYPES)
    due = created + timedelta(days=rnd.randrange(0, 35))
    rows = []
    for k in range(1, rnd.randrange(1, 13) + 1):
        amount = f"{rnd.randrange(1_000, 200_000) / 100:.2f}"
        rows.append((plan_id, acct, agent, plan_type, created.isoformat(), k, due.isoformat(),
                     amount))  # fmt: skip
        due += timedelta(days=rnd.choice((1, 7, 14, 28, 30, 31)))
    return rows


def _pay_towards(
    rnd: random.Random, plan_id: str, rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for n, row in enumerate(rows):
        acct, due, amount = row[1], date.fromisoformat(row[6]), Decimal(row[7])
        roll = rnd.random()
        if roll < 0.15:
            continue  # not paid
        offset = rnd.choice((-6, -1, 0, 1, GRACE, GRACE, GRACE + 1, GRACE + 1, 9))
        paid = amount if roll < 0.85 else (amount / 2).quantize(Decimal("0.01"))
        pid = f"Z{plan_id[2:]}{n:02d}"
        day = due + timedelta(days=offset)
        out.append((pid, acct, day.isoformat(), f"{paid:.2f}", None, None))
        if rnd.random() < 0.05:  # reversed a few days later
            back = day + timedelta(days=rnd.randrange(0, 5))
            out.append((f"{pid}R", acct, back.isoformat(), f"-{paid:.2f}", None, pid))
    return out


def _complaints(rnd: random.Random, known: list[str]) -> list[tuple[Any, ...]]:
    """About 70 complaints from 2026-01 to 2026-04, with and without an agent, resolved or
    not (some after a window's end), upheld, not upheld or undecided; and some planted on the
    SLA edge of the windows ending 2026-03-31 and 2026-04-30 (exactly 15 days before the end
    of the window is not more than 15 days: not overdue; a second earlier is)."""
    out: list[tuple[Any, ...]] = []
    start = datetime(2026, 1, 1)
    for n in range(70):
        received = start + timedelta(minutes=rnd.randrange(0, 120 * 24 * 60))
        resolved = None
        if rnd.random() < 0.6:
            unit = timedelta(minutes=1) if rnd.random() < 0.8 else timedelta(seconds=1)
            resolved = received + unit * rnd.randrange(0, 40 * 24 * 60)
        out.append(_complaint(rnd, f"Q{n:03d}", rnd.choice(known), received, resolved))
    ends = [datetime.fromisoformat(d) + timedelta(days=1) for d in RANDOM_SNAPSHOTS[2:]]
    for n, end in enumerate(ends):
        edge = end - timedelta(days=SLA_DAYS)
        for m, (received, resolved) in enumerate([
            (edge, None),
            (edge - timedelta(seconds=1), None),
            (edge - timedelta(hours=5), end - timedelta(seconds=1)),  # resolved by the end
            (edge - timedelta(hours=7), end + timedelta(seconds=1)),  # resolved after it
        ]):  # fmt: skip
            out.append(_complaint(rnd, f"QE{n}{m}", rnd.choice(known), received, resolved))
    return out


def _complaint(
    rnd: random.Random, cid: str, acct: str, received: datetime, resolved: datetime | None
) -> tuple[Any, ...]:
    agent = rnd.choice(AGENT_IDS) if rnd.random() < 0.5 else None
    upheld = rnd.choice(("true", "false", None)) if resolved else rnd.choice(("true", None))
    return (cid, acct, agent, received.isoformat(), rnd.choice(CATEGORIES),
            resolved.isoformat() if resolved else None, upheld)  # fmt: skip
