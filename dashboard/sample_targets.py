"""The sample's monthly targets (``targets.csv``, domain.md "targets extract"): one per working
agent and per team for every snapshot month, set as a manager sets them, from the month before.

An agent's target for month t is what the payments naming the agent came to in month t - 1,
times a stretch drawn between 0.95 and 1.30, rounded to the thousand, and never below 20,000.00
(a new hire has no history): some agents reach it, some early, some never. A team's target is
the sum of its members' targets, rounded to ten thousand. The stretches come from a random
stream of their own, and the payments are only read, so every other file stays as it was.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa

from dashboard.sample_world import Agents, Calendar

TARGET_COLUMNS = ("period", "level", "id", "target")
MIN_TARGET_CENTS = 2_000_000  # 20,000.00
AGENT_STEP_CENTS = 100_000  # agents' targets in whole thousands
TEAM_STEP_CENTS = 1_000_000  # teams' in ten thousands
STRETCH = (0.95, 1.30)


class Named:
    """Net cents of the payments naming each agent, per month (t = -back .. months - 1)."""

    def __init__(self, cal: Calendar, n_agents: int) -> None:
        self.cal = cal
        self.cents = np.zeros((cal.back + cal.months, n_agents), dtype=np.int64)

    def add(self, payments: dict[str, np.ndarray]) -> None:
        """Count one month's payment rows (``sample_model.step``'s): those naming an agent."""
        named = payments["agent"] >= 0
        t = self.cal.month_of(payments["day"][named]) + self.cal.back
        inside = (t >= 0) & (t < len(self.cents))
        np.add.at(
            self.cents,
            (t[inside], payments["agent"][named][inside]),
            payments["cents"][named][inside],
        )


def _round(cents: np.ndarray, step: int) -> np.ndarray:
    return (cents + step // 2) // step * step


def targets_table(
    seed: int, cal: Calendar, agents: Agents, named: Named, ids: pa.Array
) -> pa.Table:
    """Every target of the snapshot months: per month the working agents, then the teams."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, 11)))
    rows: dict[str, list] = {c: [] for c in TARGET_COLUMNS}
    for t in range(cal.months):
        period = str(np.datetime64(cal.start(t), "D").astype("datetime64[M]"))
        working = np.flatnonzero(agents.eligible(t))
        stretch = rng.uniform(*STRETCH, len(agents.team))
        before = named.cents[t + cal.back - 1]
        own = _round((np.maximum(before, 0) * stretch).astype(np.int64), AGENT_STEP_CENTS)
        own = np.maximum(own, MIN_TARGET_CENTS)
        for a in working:
            rows["period"].append(period)
            rows["level"].append("agent")
            rows["id"].append(ids[a].as_py())
            rows["target"].append(int(own[a]))
        for team in range(agents.n_teams):
            members = working[agents.team[working] == team]
            if len(members):
                rows["period"].append(period)
                rows["level"].append("team")
                rows["id"].append(f"T{team + 1}")
                rows["target"].append(int(_round(own[members].sum(), TEAM_STEP_CENTS)))
    money = [Decimal(c).scaleb(-2) for c in rows.pop("target")]
    table = pa.table({c: pa.array(v, pa.string()) for c, v in rows.items()})
    return table.append_column("target", pa.array(money, pa.decimal128(18, 2)))
