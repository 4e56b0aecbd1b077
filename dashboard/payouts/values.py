"""The value types of a payout run: a period, an agent, its facts, its payout, and money text.

Kept apart from the rules (``rules.py``) so the reports, approvals and exports can share the
types without importing the rules, and every module stays readable in one sitting.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 1900, 2999  # the months a period may be


def cents(value: Decimal) -> Decimal:
    """Round money half-up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """Money as finance reads it: 1,234.50."""
    return f"{value:,.2f}"


def pct(rate: Decimal) -> str:
    """A rate as a percentage without trailing zeros: 0.015 -> 1.5%."""
    text = f"{rate * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """``YYYY-MM`` (1900-01 to 2999-12) -> Period; ValueError with a readable message
        otherwise.

        The range keeps a period's deficit chain (every month from the first activity on)
        to a bounded number of months; a year like 9999 is a typing mistake.
        """
        m = _PERIOD.match(text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"period '{text}' is not a month (expected YYYY-MM, e.g. 2026-10)")
        if not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
            raise ValueError(
                f"period '{text}' is out of range: give a month from {FIRST_YEAR}-01 to "
                f"{LAST_YEAR}-12"
            )
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> Period:
        """The month a day falls in."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> Period:
        """The following month."""
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Agent:
    """An agent as the payout sees it: team and plan name (blank: the default plan)."""

    agent_id: str
    agent_name: str | None = None
    team: str | None = None
    plan: str | None = None


@dataclass(frozen=True)
class AgentFacts:
    """What an agent did in a period: basis, tasks, net per day, contacts and conduct."""

    basis: Decimal = ZERO
    tasks: int = 0
    daily: tuple[tuple[date, Decimal], ...] = ()
    contacts: int = 0
    violations: int = 0
    complaints: int = 0
    # upheld complaints of the complaints extract received in the period; left out of the repr
    # (run.py fingerprints them only when there are some, so approvals made before the
    # complaints extract existed keep their fingerprint)
    upheld_complaints: int = field(default=0, repr=False)
    # the agent's own target for the period (targets extract, level agent), None without one:
    # the early bonus then uses the plan's. Left out of the repr for the same reason (run.py
    # fingerprints a month's targets only when it has some).
    target: Decimal | None = field(default=None, repr=False)


# Every kind of line of the audit trail: a payment or reversal, then a decision of each rule.
KINDS = (
    "payment",
    "reversal",
    "commission",
    "band",
    "compliance",
    "team_pool",
    "early_bonus",
    "carry_in",
    "carry_out",
    "cap",
    "adjustment",
    "payout",
)


@dataclass(frozen=True)
class Decision:
    """One line of the audit trail that is not a payment: a rule applied, and why."""

    kind: str  # commission, band, compliance, team_pool, early_bonus, carry_in, carry_out,
    # cap, adjustment, payout
    amount: Decimal | None
    reason: str  # a dashboard.messages.Message: English, with its code for other languages
    corrects: str | None = None  # an adjustment: the period (YYYY-MM) it corrects


@dataclass(frozen=True)
class Booking:
    """A correction of an approved period booked into a later one (an ``adjustment`` line):
    what the agent's position at the end of ``corrects`` (payout + deficit carried out) is
    today, less what was approved and what earlier bookings already corrected."""

    corrects: Period
    amount: Decimal  # recomputed - approved - already booked
    approved: Decimal  # the approved payout + carry_out of ``corrects``
    recomputed: Decimal  # the same, recomputed today


@dataclass(frozen=True)
class AgentPayout:
    """One agent's payout for one period, every component in cents."""

    period: Period
    agent_id: str
    agent_name: str | None
    team: str | None
    plan: str
    basis: Decimal
    tasks: int
    level_min: Decimal | None
    rate: Decimal | None
    base_commission: Decimal
    contacts: int
    violations: int
    complaints: int
    compliance_factor: Decimal
    base_after_compliance: Decimal
    team_bonus: Decimal
    early_bonus: Decimal
    carried_in: Decimal
    total: Decimal
    cap: Decimal | None
    cap_applied: bool
    adjustment_in: Decimal  # corrections of approved periods booked here (after the cap)
    payout: Decimal
    carry_out: Decimal
    decisions: tuple[Decision, ...]
