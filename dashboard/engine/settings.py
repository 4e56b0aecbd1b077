"""The KPI settings (config/kpi.yaml) as typed, frozen objects.

Bucket boundaries, what counts as closed and the compliance presets are business rules that
change without code changes, so they live in a file. This module reads and checks that file
once and hands the engine frozen dataclasses; the engine passes their numbers to SQL as bound
parameters, never as pasted text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from dashboard.paths import CONFIG
from dashboard.vocab import (
    BUCKET_STATES,
    CONTACT_CHANNELS,
    CURE_STATUSES,
    OUTCOMES,
    RIGHT_PARTY_OUTCOMES,
    STATUSES,
)

KPI_CONFIG = CONFIG / "kpi.yaml"


class SettingsError(ValueError):
    """The settings file is malformed; the message names the offending key."""


@dataclass(frozen=True)
class Bucket:
    """A delinquency bucket: days_past_due from ``min_dpd`` to ``max_dpd`` (None: no end)."""

    name: str
    min_dpd: int
    max_dpd: int | None


@dataclass(frozen=True)
class CompliancePreset:
    """One set of contact rules. A rule whose limit is None is off."""

    name: str
    label: str
    hours_from: time
    hours_until: time
    hours_until_inclusive: bool
    hours_channels: tuple[str, ...]  # channels the contact-hours rule applies to
    max_unanswered_calls_per_day: int | None
    max_calls_per_window: int | None
    call_window_days: int
    call_after_conversation_days: int | None


@dataclass(frozen=True)
class KpiSettings:
    """Everything configurable about the KPIs."""

    buckets: tuple[Bucket, ...]
    closed_statuses: tuple[str, ...]
    cure_statuses: tuple[str, ...]
    right_party_outcomes: tuple[str, ...]
    default_preset: str
    presets: tuple[CompliancePreset, ...]
    forecast_months: int = 24  # months a forecast projects beyond its as-of month
    backtest_months: int = 3  # how far before the as-of month a backtest cuts the data
    roll_window: int = 3  # snapshot pairs averaged into the balance forecast's roll matrix
    plan_grace_days: int = 3  # days after an installment's due date it may still be kept
    complaint_sla_days: int = 15  # days a complaint may stay open before it is overdue

    @property
    def bucket_names(self) -> list[str]:
        return [b.name for b in self.buckets]

    @property
    def bucket_min_dpd(self) -> list[int]:
        return [b.min_dpd for b in self.buckets]

    def preset(self, name: str | None = None) -> CompliancePreset:
        """The preset called ``name`` (default: the configured default).

        Raises:
            SettingsError: no such preset.
        """
        key = name or self.default_preset
        for p in self.presets:
            if p.name == key:
                return p
        known = ", ".join(p.name for p in self.presets)
        raise SettingsError(f"unknown compliance preset '{key}' (known: {known})")

    @property
    def preset_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.presets)

    def bucket_params(self) -> dict[str, Any]:
        """The bound parameters every bucketing query takes."""
        return {
            "bucket_names": self.bucket_names,
            "bucket_min_dpd": self.bucket_min_dpd,
            "closed_statuses": list(self.closed_statuses),
        }


def _need(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise SettingsError(f"{where}: missing '{key}'")
    return data[key]


def _int(value: Any, where: str, *, minimum: int = 0, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"{where}: expected a whole number >= {minimum}, got {value!r}")
    return value


def _choices(value: Any, allowed: tuple[str, ...], where: str) -> tuple[str, ...]:
    if value == "all":
        return allowed
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{where}: expected a list of names or 'all', got {value!r}")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise SettingsError(f"{where}: unknown {', '.join(unknown)} (known: {', '.join(allowed)})")
    return tuple(value)


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError as exc:
        raise SettingsError(f"{where}: '{value}' is not a time of day (HH:MM:SS)") from exc


def _buckets(raw: Any) -> tuple[Bucket, ...]:
    if not isinstance(raw, list) or not raw:
        raise SettingsError("buckets: expected a non-empty list")
    mins: list[int] = []
    names: list[str] = []
    for n, item in enumerate(raw):
        where = f"buckets[{n}]"
        if not isinstance(item, dict):
            raise SettingsError(f"{where}: expected {{name, min_dpd}}")
        names.append(str(_need(item, "name", where)))
        mins.append(int(_int(_need(item, "min_dpd", where), where) or 0))
    if mins[0] != 0:
        raise SettingsError("buckets: the first bucket must start at min_dpd 0")
    if any(b <= a for a, b in pairwise(mins)):
        raise SettingsError("buckets: min_dpd must increase from one bucket to the next")
    reserved = set(BUCKET_STATES) & set(names)
    if reserved or len(set(names)) != len(names):
        raise SettingsError(f"buckets: names must be unique and not {' or '.join(BUCKET_STATES)}")
    ends: list[int | None] = [m - 1 for m in mins[1:]] + [None]
    return tuple(Bucket(n, lo, hi) for n, lo, hi in zip(names, mins, ends, strict=True))


def _preset(name: str, raw: Any) -> CompliancePreset:
    where = f"compliance.presets.{name}"
    if not isinstance(raw, dict):
        raise SettingsError(f"{where}: expected a mapping")
    hours = _need(raw, "contact_hours", where)
    hw = f"{where}.contact_hours"
    if not isinstance(hours, dict):
        raise SettingsError(f"{hw}: expected a mapping with from and until")
    preset = CompliancePreset(
        name=name,
        label=str(raw.get("label", name)),
        hours_from=_time(_need(hours, "from", hw), f"{hw}.from"),
        hours_until=_time(_need(hours, "until", hw), f"{hw}.until"),
        hours_until_inclusive=bool(hours.get("until_inclusive", False)),
        hours_channels=_choices(hours.get("channels", "all"), CONTACT_CHANNELS, f"{hw}.channels"),
        max_unanswered_calls_per_day=_int(
            raw.get("max_unanswered_calls_per_day"),
            f"{where}.max_unanswered_calls_per_day",
            optional=True,
        ),
        max_calls_per_window=_int(
            raw.get("max_calls_per_window"), f"{where}.max_calls_per_window", optional=True
        ),
        call_window_days=int(
            _int(raw.get("call_window_days", 7), f"{where}.call_window_days", minimum=1) or 7
        ),
        call_after_conversation_days=_int(
            raw.get("call_after_conversation_days"),
            f"{where}.call_after_conversation_days",
            minimum=1,
            optional=True,
        ),
    )
    if preset.hours_from >= preset.hours_until:
        raise SettingsError(f"{hw}: from must be earlier than until")
    return preset


def parse(data: Any) -> KpiSettings:
    """Check a parsed kpi.yaml document and build the settings.

    Raises:
        SettingsError: a key is missing or a value is out of range.
    """
    if not isinstance(data, dict):
        raise SettingsError("the settings file must be a mapping")
    compliance = _need(data, "compliance", "settings")
    presets_raw = _need(compliance, "presets", "compliance")
    if not isinstance(presets_raw, dict) or not presets_raw:
        raise SettingsError("compliance.presets: expected at least one preset")
    presets = tuple(_preset(str(k), v) for k, v in presets_raw.items())
    default = str(compliance.get("default_preset", presets[0].name))
    if default not in {p.name for p in presets}:
        raise SettingsError(f"compliance.default_preset: no preset '{default}'")
    return KpiSettings(
        buckets=_buckets(_need(data, "buckets", "settings")),
        closed_statuses=_choices(
            _need(data, "closed_statuses", "settings"), STATUSES, "closed_statuses"
        ),
        cure_statuses=_choices(
            data.get("cure_statuses", list(CURE_STATUSES)), STATUSES, "cure_statuses"
        ),
        right_party_outcomes=_choices(
            data.get("right_party_outcomes", list(RIGHT_PARTY_OUTCOMES)),
            OUTCOMES,
            "right_party_outcomes",
        ),
        default_preset=default,
        presets=presets,
        forecast_months=_months(data, "forecast_months", 24),
        backtest_months=_months(data, "backtest_months", 3),
        roll_window=_months(data, "roll_window", 3),
        plan_grace_days=_days(data, "plan_grace_days", 3),
        complaint_sla_days=_days(data, "complaint_sla_days", 15),
    )


def _days(data: dict[str, Any], key: str, default: int) -> int:
    """A whole number of days, 0 .. 366."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:
        raise SettingsError(f"{key}: expected a whole number of days from 0 to 366, got {value!r}")
    return value


def _months(data: dict[str, Any], key: str, default: int) -> int:
    """A whole number of months, 1 .. 120."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
        raise SettingsError(
            f"{key}: expected a whole number of months from 1 to 120, got {value!r}"
        )
    return value


def load(path: str | Path | None = None) -> KpiSettings:
    """Read and check a settings file (default: config/kpi.yaml)."""
    p = Path(path) if path else KPI_CONFIG
    with p.open(encoding="utf-8") as fh:
        return parse(yaml.safe_load(fh))


@cache
def default_settings() -> KpiSettings:
    """The settings of config/kpi.yaml, read once per process."""
    return load()
