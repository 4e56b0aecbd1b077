"""The forecasts on the pages (issue 15), through Streamlit's AppTest: the vintage chart
continued dashed by the chain ladder, the open balance rolled forward on Delinquency with the
write-off candidates and the backtest error, the hours the contact rules forbid greyed on the
timing heatmap, and a forecast from too little history said once, in the page's language.

Expected values come from the command line's reports (``python -m dashboard report ...`` in a
child process, CSV), with the arithmetic (recovery rates, sums, rates per hour, percentages)
done here in plain Python; the forbidden hours are written by hand from config/kpi.yaml.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.engine.compliance import hours_outside
from dashboard.engine.settings import default_settings
from tests.test_app_screen import cli
from tests.test_app_selection import chart, numbers, open_page

OCT = "2026-10-31"
PROJECTED_KEY = "projected_key"


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def traces(spec: dict[str, Any], meta: str) -> list[dict[str, Any]]:
    return [d for d in spec["data"] if d.get("meta") == meta]


def cohort_of(trace: dict[str, Any]) -> str:
    return str(trace["hovertext"][0].split(" +")[0])


def expected_segments(rows: list[dict[str, str]]) -> dict[str, list[tuple[int, Decimal]]]:
    """Per cohort of forecast-recovery's CSV rows: its last actual (month, rate), then its
    projected ones up to the oldest cohort's age; rate = collected_cum / placed_balance."""
    oldest = max(int(r["months_since_placement"]) for r in rows if r["is_projection"] == "false")
    last: dict[str, tuple[int, Decimal]] = {}
    ahead: dict[str, list[tuple[int, Decimal]]] = {}
    for r in rows:
        k = int(r["months_since_placement"])
        point = (k, Decimal(r["collected_cum"]) / Decimal(r["placed_balance"]))
        if r["is_projection"] == "false":
            last[r["placement_month"]] = point
        elif k <= oldest:
            ahead.setdefault(r["placement_month"], []).append(point)
    return {c: [last[c], *sorted(points)] for c, points in ahead.items()}


def test_the_vintage_chart_continues_each_cohort_dashed_as_forecast(on_sample: Path) -> None:
    rows = cli(on_sample, "forecast-recovery", "--as-of", OCT)
    want = expected_segments(rows)
    cohorts = {r["placement_month"] for r in rows}
    assert len(want) == len(cohorts) - 1  # the oldest cohort has nothing drawn past its age
    at = open_page("recovery")
    clean(at)
    spec = chart(at, "Vintage curves")
    projected = traces(spec, "projection")
    got = {cohort_of(d): d for d in projected}
    assert set(got) == set(want)
    actual = {cohort_of(d): d for d in spec["data"] if d.get("meta") in (None, "other")}
    for cohort, points in want.items():
        d = got[cohort]
        assert numbers(d["x"]) == [k for k, _ in points], cohort
        ys = numbers(d["y"])
        assert ys == pytest.approx([float(v) for _, v in points], abs=1e-6), cohort
        # drawn on from the cohort's last actual point, dashed, in the cohort's colour
        line = actual[cohort]
        assert (numbers(line["x"])[-1], numbers(line["y"])[-1]) == (numbers(d["x"])[0], ys[0])
        assert d["line"]["dash"] == "dash" and d["line"]["color"] == line["line"]["color"]
        assert all("(projected)" in h for h in d["hovertext"][1:]), cohort
        assert d["showlegend"] is False
    key = traces(spec, PROJECTED_KEY)
    assert [k["name"] for k in key] == ["projected (dashed)"] and key[0]["line"]["dash"] == "dash"
    oldest = max(int(r["months_since_placement"]) for r in rows if r["is_projection"] == "false")
    assert any(f"up to {oldest} months since placement" in c.value for c in at.caption)
    # the y axis reaches the highest projected rate
    top = max(float(v) for points in want.values() for _, v in points)
    assert spec["layout"]["yaxis"]["range"][1] >= top


def test_the_projection_says_projected_in_chinese(on_sample: Path) -> None:
    at = open_page("recovery", {"lang": "中文"})
    clean(at)
    spec = chart(at, "各委案月份的回收曲线")
    assert [k["name"] for k in traces(spec, PROJECTED_KEY)] == ["预测（虚线）"]
    assert all("(预测)" in h for d in traces(spec, "projection") for h in d["hovertext"][1:])


WINDOW_JUNE_2025 = {"range": "Custom", "from": "2025-06-01", "to": "2025-06-30"}


FEW_EN = (
    "only 2 placement month(s) up to 2025-06-30: the recovery forecast needs at least 3 to "
    "project from"
)
FEW_ZH = "截至 2025-06-30 只有 2 个委案月份：回收预测至少需要 3 个才能推算"
ONE_PAIR = (
    "No projection of the balance: only 1 pair(s) of consecutive snapshots up to 2025-12-31: "
    "the balance forecast needs at least 2 to project from."
)


@pytest.mark.parametrize(("lang", "reason"), [("English", FEW_EN), ("中文", FEW_ZH)])
def test_too_few_cohorts_draw_no_projection_and_say_why_once(
    on_sample: Path, lang: str, reason: str
) -> None:
    # By 2025-06-30 two cohorts were placed (2025-05, 2025-06): fewer than 3.
    at = open_page("recovery", {**WINDOW_JUNE_2025, "lang": lang})
    clean(at)
    said = [i.value for i in at.info if reason in i.value.replace("\\", "")]
    assert len(said) == 1, [i.value for i in at.info]
    assert len(at.info) == 1
    title = "Vintage curves" if lang == "English" else "各委案月份的回收曲线"
    spec = chart(at, title)
    assert {cohort_of(d) for d in spec["data"]} == {"2025-05", "2025-06"}
    assert not traces(spec, "projection") and not traces(spec, PROJECTED_KEY)
    # the page goes on past the forecast (the agencies table is the last section)
    agencies = "Outside agencies" if lang == "English" else "委外机构"
    assert any(s.value.startswith(agencies) for s in at.subheader)


def test_the_balance_forecast_draws_actual_then_projected_balance(on_sample: Path) -> None:
    rows = cli(on_sample, "forecast-balance", "--as-of", OCT)
    at = open_page("delinquency")
    clean(at)
    spec = chart(at, "Open balance by bucket")
    buckets = default_settings().bucket_names
    drawn = {d["meta"]: d for d in spec["data"]}
    assert list(drawn) == buckets
    for b in buckets:
        mine = sorted((r for r in rows if r["bucket"] == b), key=lambda r: r["as_of_date"])
        d = drawn[b]
        assert d["x"] == [r["as_of_date"] for r in mine]
        assert numbers(d["y"]) == [float(Decimal(r["balance"])) for r in mine]
        projected = [r["is_projection"] == "true" for r in mine]
        assert sum(projected) == default_settings().forecast_months
        assert d["marker"]["pattern"]["shape"] == ["/" if p else "" for p in projected]
        assert [o < 1 for o in d["marker"]["opacity"]] == projected  # lighter
    # the write-off candidates: what rolls into the last bucket in each projected month
    last = buckets[-1]
    inflow = [Decimal(r["inflow"]) for r in rows if r["bucket"] == last and r["is_projection"]
              == "true"]  # fmt: skip
    write_off = chart(at, f"Write-off candidates: projected to roll into {last}")["data"][0]
    assert numbers(write_off["y"]) == [float(v) for v in inflow]
    assert write_off["marker"]["color"] == drawn[last]["marker"]["color"]  # the bucket's colour
    total = f"¥{sum(inflow):,.2f}"
    assert any(f"{total} is expected to roll into {last}" in c.value for c in at.caption)
    # the backtest error beside it: the roll_rate total at the longest horizon
    backtest = cli(on_sample, "forecast-backtest", "--as-of", OCT)
    totals = [r for r in backtest if r["method"] == "roll_rate" and r["segment"] == "total"]
    worst = max(totals, key=lambda r: int(r["horizon"]))
    off = f"{Decimal(worst['abs_pct_error']) * 100:.1f}%"
    line = (f"Run from the snapshot of {worst['cut_off']}, the forecast of the open balance "
            f"{worst['horizon']} snapshots ahead was off by {off}")  # fmt: skip
    assert any(line in c.value.replace("\\", "") for c in at.caption), [c.value for c in at.caption]


def test_one_snapshot_pair_is_too_little_history_for_the_balance_forecast(
    on_sample: Path,
) -> None:
    # Snapshots 2025-11-30 and 2025-12-31: one pair, fewer than 2.
    at = open_page("delinquency", {"snapshot": "2025-12-31"})
    clean(at)
    said = [i.value.replace("\\", "") for i in at.info]
    assert said == [ONE_PAIR]
    titles = [c["layout"]["title"]["text"] for c in map(spec_of, at.get("plotly_chart"))]
    assert not any(t.startswith(("Open balance by bucket", "Write-off")) for t in titles)
    assert any(s.value == "Roll rates" for s in at.subheader)  # the page goes on


def spec_of(element: Any) -> dict[str, Any]:
    return dict(json.loads(element.proto.spec))


def test_hours_outside_the_contact_rules_by_hand() -> None:
    cfg = default_settings()
    china, us = cfg.preset("cn"), cfg.preset("us")
    # China 08:00-22:00, 22:00:00 already outside: the hours before 8 and from 22.
    assert hours_outside(china) == (0, 1, 2, 3, 4, 5, 6, 7, 22, 23)
    # US 08:00-21:00, 21:00:00 allowed but 21:00:01 not: hour 21 is partly outside.
    assert hours_outside(us) == (0, 1, 2, 3, 4, 5, 6, 7, 21, 22, 23)
    half = replace(china, hours_from=time(8, 30), hours_until=time(20, 15))
    assert hours_outside(half) == (0, 1, 2, 3, 4, 5, 6, 7, 8, 20, 21, 22, 23)
    assert hours_outside(replace(china, hours_channels=())) == ()  # the rule is off


def test_the_timing_heatmap_shows_the_promise_rate_when_asked(on_sample: Path) -> None:
    # Promises over right-party contacts of the CLI's contact-timing rows, summed over the
    # channels per weekday and hour; the forbidden hours (cn: before 08, from 22) stay grey.
    timing = cli(on_sample, "contact-timing", "--from", "2026-10-01", "--to", OCT)
    per: dict[tuple[int, int], list[int]] = {}
    for r in timing:
        acc = per.setdefault((int(r["weekday"]), int(r["hour"])), [0, 0])
        acc[0] += int(r["right_party_contacts"])
        acc[1] += int(r["promises"])
    at = open_page("agents", {"agents_timing": "promise_rate"})
    clean(at)
    spec = chart(at, "Promise rate (of conversations) by weekday and hour")
    base = next(d for d in spec["data"] if d.get("meta") is None)
    hours = [int(h) for h in base["x"]]
    drawn = 0
    for day, rates in enumerate(base["z"], start=1):
        for h, v in zip(hours, rates, strict=True):
            rpc, promises = per.get((day, h), [0, 0])
            if h < 8 or h >= 22 or rpc == 0:
                assert v is None, (day, h)
            else:
                assert v == pytest.approx(promises / rpc, abs=1e-6), (day, h)
                drawn += 1
    assert drawn > 20


def test_the_timing_heatmap_greys_the_hours_the_rules_forbid(on_sample: Path) -> None:
    timing = cli(on_sample, "contact-timing", "--from", "2026-10-01", "--to", OCT)
    per: dict[tuple[int, int], list[int]] = {}
    for r in timing:
        acc = per.setdefault((int(r["weekday"]), int(r["hour"])), [0, 0])
        acc[0] += int(r["contacts"])
        acc[1] += int(r["right_party_contacts"])
    assert any(h < 8 or h >= 22 for _, h in per), "the sample has contacts at forbidden hours"
    at = open_page("agents")
    clean(at)
    spec = chart(at, "Right-party rate by weekday and hour")
    base = next(d for d in spec["data"] if d.get("meta") is None)
    grey = traces(spec, "forbidden")
    assert len(grey) == 1 and not grey[0].get("showscale", True)
    hours = [int(h) for h in base["x"]]
    assert hours == list(range(24))
    forbidden = [0, 1, 2, 3, 4, 5, 6, 7, 22, 23]  # config/kpi.yaml, cn: 08:00-22:00
    for day, (rates, marks) in enumerate(zip(base["z"], grey[0]["z"], strict=True), start=1):
        assert [h for h, v in zip(hours, marks, strict=True) if v is not None] == forbidden
        for h, v in zip(hours, rates, strict=True):
            if h in forbidden or (day, h) not in per:
                assert v is None, (day, h)  # grey, or no contact: no colour
            else:
                n, rpc = per[(day, h)]
                assert v == pytest.approx(rpc / n, abs=1e-6), (day, h)
    outside = [t for row in grey[0]["hovertext"] for h, t in zip(hours, row, strict=True)
               if h in forbidden]  # fmt: skip
    assert all("outside the contact hours the rules allow (08:00–22:00)" in t for t in outside)
    caption = next(c.value for c in at.caption if c.value.startswith("Grey:"))
    assert "China (CBA 2026 guideline)" in caption and "08\\:00–22\\:00" in caption
