"""The world the sample portfolio is drawn in: its portfolios, its calendar (month boundaries
as day numbers) and its collectors (teams, plans, who works when, how well, how correctly).

Both halves of the sample read them: the model (``sample_model``: what happens to each account
each month) and the writer (``sample``: the CSV extracts). They live here, below both, so the
two never import each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

PORTFOLIOS = ("BANK_A_CARD", "BANK_B_CARD", "BANK_C_CONSUMER")
BACK_BOOK_MONTHS = 6  # the book held when the first snapshot is taken was placed this far back
PLAN_NAMES = ("", "standard", "ladder", "bigticket")
PLAN_P = np.array([0.35, 0.15, 0.35, 0.15])
ACCOUNTS_PER_AGENT = 150
AGENTS_PER_TEAM = 6
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗", ("Wang", "Li", "Zhang", "Liu", "Chen",
            "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He",
            "Lin", "Gao", "Luo"))  # fmt: skip


def _shares(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """n category indices in proportions p (largest remainder), shuffled: every share shows."""
    counts = np.floor(p * n).astype(np.int64)
    counts[np.argsort(-(p * n - counts), kind="stable")[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(p)), counts))


@dataclass(frozen=True)
class Calendar:
    """Month boundaries as day numbers (days since 1970-01-01), indexed by month t.

    Month 0 is the first snapshot month, ``months - 1`` the last (its end is ``end`` itself);
    negative months are the back book's history, simulated for payments only.
    """

    starts: np.ndarray
    ends: np.ndarray
    back: int
    months: int
    first_month: int  # month number (months since 1970-01) of month 0

    @classmethod
    def build(cls, end: date, months: int, back: int = BACK_BOOK_MONTHS) -> Calendar:
        last = np.datetime64(end, "M").astype(np.int64)
        month_nos = np.arange(last - months + 1 - back, last + 1)
        starts = month_nos.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        ends = (month_nos + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        ends = ends - 1
        ends[-1] = np.datetime64(end, "D").astype(np.int64)
        return cls(starts, ends, back, months, int(last - months + 1))

    def start(self, t: int) -> int:
        return int(self.starts[t + self.back])

    def end(self, t: int) -> int:
        return int(self.ends[t + self.back])

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Month index t of each day number."""
        month_nos = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        return month_nos - self.first_month


@dataclass(frozen=True)
class Agents:
    """The collectors: who they are, and how well, how hard and how correctly they work."""

    team: np.ndarray  # team index: team name is f"T{team + 1}"
    plan: np.ndarray  # index into PLAN_NAMES
    name: list[str]
    hire_day: np.ndarray
    hire_month: np.ndarray
    leave_month: np.ndarray  # first month no longer working; huge for active agents
    skill: np.ndarray  # multiplies the odds that a debtor pays
    intensity: np.ndarray  # multiplies the number of contacts
    careless: np.ndarray  # bool: breaks conduct rules far more often
    n_teams: int

    @property
    def active(self) -> np.ndarray:
        return self.leave_month > 10**6

    @classmethod
    def draw(cls, rng: np.random.Generator, accounts: int, cal: Calendar) -> Agents:
        n = max(6, round(accounts / ACCOUNTS_PER_AGENT))
        n_teams = max(2, n // AGENTS_PER_TEAM)
        team = np.arange(n) % n_teams
        core = np.arange(n) < 2 * n_teams  # two per team, always there: no team is ever empty
        start = cal.start(0)
        hired_in_window = ~core & (rng.random(n) < 0.3) & (cal.months > 1)
        hire_day = np.where(
            hired_in_window,
            rng.integers(cal.start(min(1, cal.months - 1)), cal.end(cal.months - 1) + 1, n),
            start - rng.integers(60, 2_000, n) - np.where(core, 200, 0),
        )
        hire_month = cal.month_of(hire_day - 1) + 1  # first full month on the job
        first_leave = np.maximum(hire_month + 2, 1)
        can_leave = np.flatnonzero(~core & (first_leave <= cal.months - 1))
        leaves = np.isin(np.arange(n), rng.permutation(can_leave)[: -(-len(can_leave) // 4)])
        left = rng.integers(np.minimum(first_leave, cal.months - 1), max(cal.months, 1))
        leave_month = np.where(leaves, left, 10**9)
        surname = rng.integers(0, len(SURNAMES[1]), n)
        initial = rng.integers(0, 26, n)
        names = [f"{SURNAMES[1][s]} {chr(65 + i)}." for s, i in zip(surname, initial, strict=True)]
        return cls(
            team=team,
            plan=_shares(rng, PLAN_P, n),
            name=names,
            hire_day=hire_day,
            hire_month=hire_month,
            leave_month=leave_month,
            skill=np.exp(rng.normal(0.0, 0.22, n)).clip(0.6, 1.5),
            intensity=rng.uniform(0.8, 1.25, n),
            careless=(rng.random(n) < 0.12) | (np.arange(n) == n - 1),
            n_teams=n_teams,
        )

    def eligible(self, t: int) -> np.ndarray:
        """Mask of agents working in month t."""
        return (self.hire_month <= t) & (t < self.leave_month)

    def assign(self, rng: np.random.Generator, t: int, portfolio: np.ndarray) -> np.ndarray:
        """An agent for each account: mostly from a team specialised in its portfolio."""
        n = len(portfolio)
        elig = self.eligible(t)
        order = np.lexsort((np.arange(len(self.team)), self.team))
        order = order[elig[order]]
        cnt = np.bincount(self.team[order], minlength=self.n_teams)
        off = np.concatenate(([0], np.cumsum(cnt)[:-1]))
        q = min(len(PORTFOLIOS), self.n_teams)
        r = portfolio % q
        team = r + q * (rng.random(n) * ((self.n_teams - r + q - 1) // q)).astype(np.int64)
        team = np.where(rng.random(n) < 0.15, rng.integers(0, self.n_teams, n), team)
        return order[off[team] + (rng.random(n) * cnt[team]).astype(np.int64)]
