"""config/kpi.yaml: the documented defaults load, and a malformed file names its mistake."""

from __future__ import annotations

import copy
from datetime import time
from typing import Any

import pytest
import yaml

from dashboard.engine.settings import KPI_CONFIG, SettingsError, parse


def raw() -> dict[str, Any]:
    return yaml.safe_load(KPI_CONFIG.read_text(encoding="utf-8"))


def test_defaults_are_domain_md() -> None:
    s = parse(raw())
    assert [(b.name, b.min_dpd, b.max_dpd) for b in s.buckets] == [
        ("Current", 0, 0), ("M1", 1, 30), ("M2", 31, 60), ("M3", 61, 90), ("M4", 91, 120),
        ("M5", 121, 150), ("M6", 151, 180), ("M7+", 181, None),
    ]  # fmt: skip
    assert set(s.closed_statuses) == {"settled", "paid_in_full", "recalled"}
    cn, us = s.preset("cn"), s.preset("us")
    assert (cn.hours_from, cn.hours_until, cn.hours_until_inclusive) == (time(8), time(22), False)
    assert (us.hours_from, us.hours_until, us.hours_until_inclusive) == (time(8), time(21), True)
    assert us.hours_channels == ("call",) and len(cn.hours_channels) == 5
    assert s.preset() == cn


def _broken(path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw())
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["buckets", 0, "min_dpd"], 5, "must start at min_dpd 0"),
        (["buckets", 2, "min_dpd"], 1, "must increase"),
        (["buckets", 1, "name"], "Closed", "not Closed or Missing"),
        (["buckets", 1, "min_dpd"], -1, "whole number"),
        (["closed_statuses"], ["settled", "gone"], "unknown gone"),
        (["compliance", "presets", "cn", "contact_hours", "from"], "8 am", "not a time"),
        (["compliance", "presets", "cn", "contact_hours", "until"], "07:00:00", "earlier"),
        (["compliance", "presets", "us", "contact_hours", "channels"], ["fax"], "unknown fax"),
        (["compliance", "presets", "cn", "max_unanswered_calls_per_day"], "six", "whole number"),
        (["compliance", "default_preset"], "eu", "no preset 'eu'"),
        (["compliance", "presets", "us", "contact_hours"], KeyError, "missing 'contact_hours'"),
    ],
)
def test_a_malformed_file_names_its_mistake(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        parse(_broken(path, value))


def test_unknown_preset() -> None:
    with pytest.raises(SettingsError, match="unknown compliance preset 'eu'"):
        parse(raw()).preset("eu")
