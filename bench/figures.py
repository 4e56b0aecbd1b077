"""A measured figure against its baseline and its goal (issue 14), as the table shows it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

GIB_MB = 1024.0  # 2 GiB = 2048 MB (MiB) of peak RSS


@dataclass(frozen=True)
class Figure:
    """One row of the results table.

    ``ratio`` is the project against the baseline in the direction the goal is stated in:
    for an import, the importer's speed as a share of the bare reader's (bare seconds / our
    seconds: 1 = as fast, higher = faster); for everything else, our seconds / the
    baseline's (lower is better). ``met`` is None where there is no goal.
    """

    section: str
    name: str
    project: float | None
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def at_least(section: str, name: str, ours: float, bare: float, goal: float, **kw: Any) -> Figure:
    """A speed against a baseline: met when bare/ours >= goal."""
    ratio = bare / ours if ours else None
    met = ratio is not None and ratio >= goal
    return Figure(section, name, ours, "s", bare, ratio, f">= {goal:g}x", met, **kw)


def at_most(section: str, name: str, ours: float, base: float, goal: float, **kw: Any) -> Figure:
    """A time against a baseline: met when ours/base <= goal."""
    ratio = ours / base if base else None
    met = ratio is not None and ratio <= goal
    return Figure(section, name, ours, "s", base, ratio, f"<= {goal:g}x", met, **kw)


def memory(section: str, name: str, peak_mb: float, base_mb: float | None, **kw: Any) -> Figure:
    """A peak RSS against the 2 GiB goal (the baseline's peak beside it, for scale)."""
    limit = 2 * GIB_MB
    ratio = peak_mb / base_mb if base_mb else None
    return Figure(section, name, peak_mb, "MB", base_mb, ratio, "<= 2 GiB", peak_mb <= limit, **kw)
