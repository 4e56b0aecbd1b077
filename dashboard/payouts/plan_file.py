"""The plan file: its YAML read into a ``PlanBook`` (plan_book.py), or refused whole; and
where plan files are found.

Finance signs payouts computed from this file, so a file with a single mistake computes
nothing: every problem is collected (plan, key, what is wrong) and the whole list is raised
at once, so the person fixing the file sees all of it in one go. Numbers are read as exact
decimals straight from the YAML text (never through binary floats), so ``rate: 0.015`` is
exactly 0.015.

The format is domain.md's "Commission payouts" file; see README.md, "Commission payouts".
The plan file in use is ``$DASHBOARD_PLANS`` or the sample's (``default_plans_path``); the
files a person may choose from are that one and the plan files shipped in sample_data/ and
config/ (``plan_files``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from dashboard.paths import CONFIG, SAMPLE_DATA
from dashboard.payouts.plan_book import (
    ComplianceRule,
    EarlyBonus,
    Level,
    Plan,
    PlanBook,
    TeamPool,
    Tiers,
)
from dashboard.payouts.plan_yaml import CENT, Checker, PlanFileError, Problem, number, parse_yaml

__all__ = [
    "PlanFileError",
    "Problem",
    "check_agent_plans",
    "default_plans_path",
    "load_plans",
    "parse_plans",
    "plan_files",
]

PLANS_ENV = "DASHBOARD_PLANS"
PLAN_KEYS = ("rate", "tiers", "early_bonus", "cap", "compliance", "description")
TOP_KEYS = ("default_plan", "plans", "teams")


def default_plans_path() -> Path:
    """The plan file in use: ``$DASHBOARD_PLANS`` or ``sample_data/plans.yaml``."""
    env = os.environ.get(PLANS_ENV, "").strip()
    return Path(env) if env else SAMPLE_DATA / "plans.yaml"


def plan_files() -> list[Path]:
    """Plan files to choose from: the one in use first, then the other plan files we ship
    (YAML files of sample_data/ and config/ with a top-level ``plans:`` key)."""
    default = default_plans_path()
    found = [default]
    for folder in (SAMPLE_DATA, CONFIG):
        for p in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            if p.resolve() != default.resolve() and _looks_like_plans(p):
                found.append(p)
    return found


def _looks_like_plans(path: Path) -> bool:
    try:
        return "\nplans:" in "\n" + path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _levels(c: Checker, value: Any, metric: str | None) -> tuple[Level, ...]:
    key = "tiers.levels"
    if not isinstance(value, list) or not value:
        c.bad(key, "expected a non-empty list like [{min: 0, rate: 0.01}, {min: 10, rate: 0.02}]")
        return ()
    levels: list[Level] = []
    mins: list[Decimal | None] = []
    for i, item in enumerate(value):
        at = f"{key}[{i}]"
        data = c.mapping(item, at, ("min", "rate"))
        if data is None:
            mins.append(None)
            continue
        low = c.required(data, "min", f"{at}.")
        rate = c.required(data, "rate", f"{at}.")
        low_n = number(low) if low is not None else None
        if low is not None and (low_n is None or low_n < 0):
            c.bad(f"{at}.min", f"{low!r} is not a number >= 0")
            low_n = None
        if low_n is not None and metric == "tasks" and low_n != low_n.to_integral_value():
            c.bad(f"{at}.min", f"{low_n} is not a whole number of tasks")
        if low_n is not None and metric == "collected" and low_n != low_n.quantize(CENT):
            c.bad(f"{at}.min", f"amount {low_n} has more than two decimal places")
        rate_n = c.rate(rate, f"{at}.rate") if rate is not None else None
        mins.append(low_n)
        if low_n is not None and rate_n is not None:
            levels.append(Level(low_n, rate_n))
    for i in range(1, len(mins)):
        prev, cur = mins[i - 1], mins[i]
        if prev is None or cur is None:
            continue
        if cur == prev:
            c.bad(f"{key}[{i}].min", f"levels overlap: min {cur} is given twice")
        elif cur < prev:
            c.bad(f"{key}[{i}].min", f"levels are not sorted: min {cur} comes after {prev}")
    if mins[0] is not None and mins[0] != 0:
        c.bad(
            f"{key}[0].min",
            f"the first level must start at 0, not {mins[0]} "
            "(write {min: 0, rate: 0} to pay nothing below the next level)",
        )
    return tuple(levels) if len(levels) == len(value) else ()


def _tiers(c: Checker, value: Any) -> Tiers | None:
    data = c.mapping(value, "tiers", ("metric", "mode", "levels"))
    if data is None:
        return None
    metric = c.required(data, "metric", "tiers.")
    mode = c.required(data, "mode", "tiers.")
    if metric is not None and metric not in ("tasks", "collected"):
        c.bad("tiers.metric", f"'{metric}' is not a metric (tasks or collected)")
        metric = None
    if mode is not None and mode not in ("retroactive", "marginal"):
        c.bad("tiers.mode", f"'{mode}' is not a mode (retroactive or marginal)")
        mode = None
    if mode == "marginal" and metric == "tasks":
        c.bad(
            "tiers.mode", "marginal tiers need metric collected (a task cannot be split in bands)"
        )
    raw_levels = c.required(data, "levels", "tiers.")
    levels = _levels(c, raw_levels, metric) if raw_levels is not None else ()
    return Tiers(metric, mode, levels) if metric and mode and levels else None


def _early_bonus(c: Checker, value: Any) -> EarlyBonus | None:
    data = c.mapping(value, "early_bonus", ("target", "days_before_end", "amount"))
    if data is None:
        return None
    target = c.required(data, "target", "early_bonus.")
    days = c.required(data, "days_before_end", "early_bonus.")
    amount = c.required(data, "amount", "early_bonus.")
    t = c.money(target, "early_bonus.target") if target is not None else None
    d = c.whole(days, "early_bonus.days_before_end") if days is not None else None
    a = c.money(amount, "early_bonus.amount") if amount is not None else None
    if d is not None and d > 27:
        c.bad("early_bonus.days_before_end", f"{d} days leaves no day of a month to qualify")
        d = None
    return EarlyBonus(t, d, a) if t is not None and d is not None and a is not None else None


def _compliance(c: Checker, value: Any) -> ComplianceRule | None:
    keys = ("per_violation", "per_complaint", "floor")
    optional = ("per_upheld_complaint",)  # upheld complaints of the complaints extract
    data = c.mapping(value, "compliance", keys + optional)
    if data is None:
        return None
    got = [c.required(data, k, "compliance.") for k in keys]
    nums = [
        c.rate(v, f"compliance.{k}") if v is not None else None
        for k, v in zip(keys, got, strict=True)
    ]
    upheld = data.get("per_upheld_complaint")
    per_upheld = Decimal(0)
    if upheld is not None:
        per_upheld = c.rate(upheld, "compliance.per_upheld_complaint")  # type: ignore[assignment]
        if per_upheld is None:
            return None
    if any(n is None for n in nums):
        return None
    return ComplianceRule(*nums, per_upheld_complaint=per_upheld)  # type: ignore[arg-type, misc]


def _plan(name: str, value: Any, problems: list[Problem]) -> Plan | None:
    c = Checker(f"plan '{name}'", problems)
    before = len(problems)
    data = c.mapping(value, "", PLAN_KEYS)
    if data is None:
        return None
    rate = tiers = bonus = cap = rule = None
    if "rate" in data and "tiers" in data:
        c.bad("rate", "give either rate or tiers, not both")
    elif "rate" not in data and "tiers" not in data:
        c.bad("rate", "a plan needs a rate or tiers (rate: 0 pays no commission)")
    if "rate" in data:
        rate = c.rate(data["rate"], "rate")
    if "tiers" in data:
        tiers = _tiers(c, data["tiers"])
    if data.get("early_bonus") is not None:
        bonus = _early_bonus(c, data["early_bonus"])
    if data.get("cap") is not None:
        cap = c.money(data["cap"], "cap")
    if data.get("compliance") is not None:
        rule = _compliance(c, data["compliance"])
    desc = data.get("description")
    if desc is not None and not isinstance(desc, str):
        c.bad("description", "expected text")
    if len(problems) != before:
        return None
    return Plan(name, rate, tiers, bonus, cap, rule, desc)


def _team(name: str, value: Any, problems: list[Problem]) -> TeamPool | None:
    c = Checker(f"team '{name}'", problems)
    data = c.mapping(value, "", ("pool_rate", "target"))
    if data is None:
        return None
    rate = c.required(data, "pool_rate", "")
    target = c.required(data, "target", "")
    r = c.rate(rate, "pool_rate") if rate is not None else None
    t = c.money(target, "target") if target is not None else None
    return TeamPool(name, r, t) if r is not None and t is not None else None


def parse_plans(text: str, source: str = "<memory>") -> PlanBook:
    """Read plan-file text into a ``PlanBook``.

    Args:
        text: the YAML text.
        source: the file name, used in messages.

    Raises:
        PlanFileError: the file has one or more mistakes; all are listed.
    """
    data = parse_yaml(text, source)
    problems: list[Problem] = []
    top = Checker("file", problems).mapping(data, "", TOP_KEYS)
    if top is None:
        raise PlanFileError(source, problems)
    plans: dict[str, Plan] = {}
    raw_plans = top.get("plans")
    if not isinstance(raw_plans, dict) or not raw_plans:
        problems.append(Problem("file", "plans", "expected a mapping of plan name -> plan"))
        raw_plans = {}
    for name, value in raw_plans.items():
        plan = _plan(str(name), value, problems)
        if plan is not None:
            plans[str(name)] = plan
    default = top.get("default_plan")
    if default is None:
        problems.append(Problem("file", "default_plan", "is required (the plan for blank rows)"))
    elif str(default) not in raw_plans:
        problems.append(
            Problem("file", "default_plan", f"plan '{default}' does not exist in plans")
        )
    teams: dict[str, TeamPool] = {}
    raw_teams = top.get("teams") or {}
    if not isinstance(raw_teams, dict):
        problems.append(Problem("file", "teams", "expected a mapping of team name -> pool"))
        raw_teams = {}
    for name, value in raw_teams.items():
        pool = _team(str(name), value, problems)
        if pool is not None:
            teams[str(name)] = pool
    if problems:
        raise PlanFileError(source, problems)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return PlanBook(str(default), plans, teams, source, sha)


def load_plans(path: str | Path | None = None) -> PlanBook:
    """Read and check a plan file (default: ``default_plans_path()``).

    Raises:
        PlanFileError: the file is missing, unreadable or has mistakes; nothing is usable.
    """
    p = Path(path) if path else default_plans_path()
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PlanFileError(str(p), [Problem("file", "path", f"cannot read: {exc}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError(str(p), [Problem("file", "encoding", "not UTF-8 text")]) from exc
    book = parse_plans(text, str(p))
    sha = hashlib.sha256(raw).hexdigest()
    return PlanBook(book.default_plan, book.plans, book.teams, book.source, sha)


def check_agent_plans(book: PlanBook, agents: Mapping[str, str | None]) -> list[Problem]:
    """Agents (agent_id -> plan name) whose plan does not exist in the book."""
    known = ", ".join(sorted(book.plans))
    return [
        Problem(
            f"agent '{agent_id}'",
            "plan",
            f"plan '{plan}' does not exist in {Path(book.source).name} (plans: {known})",
        )
        for agent_id, plan in sorted(agents.items())
        if (plan or "").strip() and (plan or "").strip() not in book.plans
    ]
