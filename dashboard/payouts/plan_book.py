"""The plan book: commission plans and team pools as typed, frozen objects the rules read.

What a valid plan file says, and nothing about how it is read (``plan_file.py`` reads and
checks the file; ``rules.py`` applies these objects). Numbers are exact decimals. The format
is domain.md's "Commission payouts" file; see README.md, "Commission payouts".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Metric = Literal["tasks", "collected"]
Mode = Literal["retroactive", "marginal"]


@dataclass(frozen=True)
class Level:
    """A tier level: from ``min`` (tasks or money) upwards, ``rate`` applies."""

    min: Decimal
    rate: Decimal


@dataclass(frozen=True)
class Tiers:
    """Tiered rates by a metric; ``levels`` sorted by ``min``, the first at 0."""

    metric: Metric
    mode: Mode
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class EarlyBonus:
    """``amount`` if the target is reached ``days_before_end`` days before the month's end."""

    target: Decimal
    days_before_end: int
    amount: Decimal


@dataclass(frozen=True)
class ComplianceRule:
    """Base commission x max(floor, 1 - per_violation x violations - per_complaint x complaints
    - per_upheld_complaint x upheld complaints of the complaints extract)."""

    per_violation: Decimal
    per_complaint: Decimal
    floor: Decimal
    per_upheld_complaint: Decimal = Decimal(0)


@dataclass(frozen=True)
class Plan:
    """One commission plan: a fixed ``rate`` or ``tiers``, plus optional bonus, cap, compliance."""

    name: str
    rate: Decimal | None = None
    tiers: Tiers | None = None
    early_bonus: EarlyBonus | None = None
    cap: Decimal | None = None
    compliance: ComplianceRule | None = None
    description: str | None = None


@dataclass(frozen=True)
class TeamPool:
    """A team pool: ``pool_rate`` x the team's net collected, when it reaches ``target``."""

    team: str
    pool_rate: Decimal
    target: Decimal


@dataclass(frozen=True)
class PlanBook:
    """A valid plan file: its plans, its team pools, and the file's identity for approvals.

    The agent-to-plan mapping is here, once: ``plan_for`` (the plan an agent row names, blank:
    the default plan) and ``plan_or_default`` (the same, and the default plan for a name the
    book lacks: an approved row shown against today's file); ``plan_file.check_agent_plans``
    lists the agents whose plan the book lacks.
    """

    default_plan: str
    plans: Mapping[str, Plan]
    teams: Mapping[str, TeamPool]
    source: str = "<memory>"
    sha256: str = ""

    def plan_for(self, plan_name: str | None) -> Plan:
        """The plan named on an agent row (blank: the default plan)."""
        return self.plans[(plan_name or "").strip() or self.default_plan]

    def plan_or_default(self, plan_name: str | None) -> Plan:
        """The plan of that name if the book has it, else the default plan."""
        plan = self.plans.get(plan_name) if plan_name else None
        return plan or self.plan_for(None)

    def metrics(self) -> dict[str, str]:
        """plan name -> the metric of its tiers (``tasks`` or ``collected``; "" without tiers)."""
        return {name: (p.tiers.metric if p.tiers else "") for name, p in self.plans.items()}
