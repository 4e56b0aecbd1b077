"""A plan book as JSON text, exactly: what a preparation freezes with its figures.

An approved period is recomputed later (new data arrives) to book the difference into the next
period. That recomputation must use the plan the period was approved with, not today's file: a
plan edit applies from the first period not yet prepared, it never books retroactive
adjustments into every approved month. So the preparation stores the plan book itself (not
the file name, which may change or go), and this module writes and reads it. Numbers are
decimal strings (never binary floating point), so the book read back is equal to the one
written.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from dashboard.payouts.plan_book import (
    ComplianceRule,
    EarlyBonus,
    Level,
    Plan,
    PlanBook,
    TeamPool,
    Tiers,
)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _num(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _plan(p: Plan) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "rate": _dec(p.rate), "cap": _dec(p.cap)}
    out["description"] = p.description
    if p.tiers is not None:
        out["tiers"] = {
            "metric": p.tiers.metric,
            "mode": p.tiers.mode,
            "levels": [[str(lv.min), str(lv.rate)] for lv in p.tiers.levels],
        }
    if p.early_bonus is not None:
        b = p.early_bonus
        out["early_bonus"] = [str(b.target), b.days_before_end, str(b.amount)]
    if p.compliance is not None:
        c = p.compliance
        out["compliance"] = [str(c.per_violation), str(c.per_complaint), str(c.floor)]
        if c.per_upheld_complaint:  # frozen plans written before it have three
            out["compliance"].append(str(c.per_upheld_complaint))
    return out


def book_json(book: PlanBook) -> str:
    """The plan book as JSON text (with its file name and SHA-256)."""
    return json.dumps(
        {
            "default_plan": book.default_plan,
            "plans": [_plan(p) for p in book.plans.values()],
            "teams": [[t.team, str(t.pool_rate), str(t.target)] for t in book.teams.values()],
            "source": book.source,
            "sha256": book.sha256,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _read_plan(d: dict[str, Any]) -> Plan:
    tiers = d.get("tiers")
    bonus = d.get("early_bonus")
    rule = d.get("compliance")
    return Plan(
        name=d["name"],
        rate=_num(d.get("rate")),
        tiers=Tiers(
            tiers["metric"],
            tiers["mode"],
            tuple(Level(Decimal(m), Decimal(r)) for m, r in tiers["levels"]),
        )
        if tiers
        else None,
        early_bonus=EarlyBonus(Decimal(bonus[0]), int(bonus[1]), Decimal(bonus[2]))
        if bonus
        else None,
        cap=_num(d.get("cap")),
        compliance=ComplianceRule(*(Decimal(v) for v in rule)) if rule else None,
        description=d.get("description"),
    )


def book_from_json(text: str) -> PlanBook:
    """The plan book ``book_json`` wrote.

    Raises:
        ValueError: the text is not such a book (a damaged row).
    """
    try:
        d = json.loads(text)
        plans = {p["name"]: _read_plan(p) for p in d["plans"]}
        teams = {t: TeamPool(t, Decimal(r), Decimal(g)) for t, r, g in d["teams"]}
        return PlanBook(d["default_plan"], plans, teams, d["source"], d["sha256"])
    except (KeyError, TypeError, IndexError, ArithmeticError, json.JSONDecodeError) as exc:
        raise ValueError(f"the plan frozen with this approval cannot be read: {exc}") from exc
