"""Forecasts (domain.md, "Targets, pacing and forecasts"): how much the placed cohorts will still
pay back, by the volume-weighted chain ladder on the vintage triangle, and how far the same
method was off when it was run on the data cut a few months earlier (its backtest).

The triangle is the ``vintage`` report (SQL: cumulative net collected per cohort and month
since placement, exact). The chain ladder on it is a few hundred cells at most (cohorts x
months), computed here with ``Decimal``: each development factor to 6 places and each projected
month to the cent, half up, so every figure can be recomputed by hand from the report's rows.
README.md (Reports, forecast-recovery and forecast-backtest) defines every column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pyarrow as pa

from dashboard.engine import kpis
from dashboard.engine.kpi_common import (
    ALL,
    Filters,
    ReportError,
    latest_snapshot,
    prepare,
    ratio,
)
from dashboard.engine.settings import KpiSettings, default_settings

FACTOR_PLACES = Decimal("0.000001")
CENT = Decimal("0.01")
ONE = Decimal(1)
MONEY = pa.decimal128(38, 2)
RATE = pa.decimal128(38, 6)
METHOD = "chain_ladder"
TOTAL = "total"
RECOVERY_SCHEMA = pa.schema(
    [
        ("placement_month", pa.string()),
        ("months_since_placement", pa.int64()),
        ("month", pa.string()),
        ("accounts", pa.int64()),
        ("placed_balance", MONEY),
        ("collected_cum", MONEY),
        ("recovery_rate", RATE),
        ("is_projection", pa.bool_()),
        ("development_factor", RATE),
        ("expected_in_month", MONEY),
        ("expected_future", MONEY),
    ]
)
BACKTEST_SCHEMA = pa.schema(
    [
        ("method", pa.string()),
        ("cut_off", pa.string()),
        ("horizon", pa.int64()),
        ("segment", pa.string()),
        ("forecast", MONEY),
        ("actual", MONEY),
        ("abs_pct_error", RATE),
    ]
)


@dataclass(frozen=True)
class Cohort:
    """One placement month of the vintage triangle: collected_cum by months since placement
    (index k = 0 .. the as-of month)."""

    month: str  # YYYY-MM
    accounts: int
    placed: Decimal
    cum: tuple[Decimal, ...]


def cohorts(vintage: pa.Table) -> list[Cohort]:
    """The triangle of a ``vintage`` report, one Cohort per placement month, oldest first."""
    by: dict[str, list[dict]] = {}
    for r in vintage.to_pylist():
        by.setdefault(r["placement_month"], []).append(r)
    out = []
    for month in sorted(by):
        rows = sorted(by[month], key=lambda r: r["months_since_placement"])
        first = rows[0]
        cum = tuple(Decimal(r["collected_cum"]) for r in rows)
        out.append(Cohort(month, first["accounts"], Decimal(first["placed_balance"]), cum))
    return out


def development_factors(triangle: Sequence[Cohort]) -> dict[int, Decimal]:
    """f(k) = the sum of C(c, k+1) over the cohorts that have months k and k+1, over the sum of
    their C(c, k), to 6 places half up; 1 where that sum is 0 (no evidence of development)."""
    longest = max((len(c.cum) for c in triangle), default=0)
    out: dict[int, Decimal] = {}
    for k in range(longest - 1):
        both = [c for c in triangle if len(c.cum) > k + 1]
        den = sum((c.cum[k] for c in both), Decimal(0))
        num = sum((c.cum[k + 1] for c in both), Decimal(0))
        out[k] = (num / den).quantize(FACTOR_PLACES, ROUND_HALF_UP) if den else ONE
    return out


def project(cohort: Cohort, factors: Mapping[int, Decimal], months: int) -> list[Decimal]:
    """The cohort's collected_cum for the ``months`` months after its last observed one:
    C(k+1) = C(k) x f(k), to the cent half up; f(k) = 1 past the last factor known (no
    cohort is that old yet: the tail is assumed flat)."""
    out = []
    current = cohort.cum[-1]
    last = len(cohort.cum) - 1
    for j in range(months):
        current = (current * factors.get(last + j, ONE)).quantize(CENT, ROUND_HALF_UP)
        out.append(current)
    return out


def _month_text(month: str, plus: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    n = year * 12 + mon - 1 + plus
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _month_end(d: date, minus: int) -> date:
    """The last day of the month ``minus`` months before d's month."""
    n = d.year * 12 + d.month - 1 - minus + 1  # the month after, then one day back
    return date(n // 12, n % 12 + 1, 1) - timedelta(days=1)


def recovery_forecast(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The vintage triangle with each cohort projected ``forecast_months`` months beyond the
    as-of month by the volume-weighted chain ladder.

    Args:
        filters: ``as_of`` and the dimensions, as for ``vintage``.
        settings: the KPI settings (``forecast_months``; default: config/kpi.yaml).

    Returns:
        placement_month, months_since_placement, month, accounts, placed_balance,
        collected_cum, recovery_rate, is_projection, development_factor, expected_in_month,
        expected_future (RECOVERY_SCHEMA).
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    as_of = filters.as_of or latest_snapshot(con)
    triangle = cohorts(kpis.vintage(con, Filters(**{**_dims(filters), "as_of": as_of})))
    factors = development_factors(triangle)
    rows: list[dict] = []
    for c in triangle:
        for k, value in enumerate(c.cum):
            rows.append(_row(c, k, value, False, factors.get(k - 1) if k else None))
        before = c.cum[-1]
        for j, value in enumerate(project(c, factors, cfg.forecast_months), start=1):
            k = len(c.cum) - 1 + j
            row = _row(c, k, value, True, factors.get(k - 1, ONE))
            row["expected_in_month"] = value - before
            row["expected_future"] = value - c.cum[-1]
            before = value
            rows.append(row)
    return pa.Table.from_pylist(rows, schema=RECOVERY_SCHEMA)


def _row(c: Cohort, k: int, value: Decimal, projected: bool, factor: Decimal | None) -> dict:
    return {
        "placement_month": c.month,
        "months_since_placement": k,
        "month": _month_text(c.month, k),
        "accounts": c.accounts,
        "placed_balance": c.placed,
        "collected_cum": value,
        "recovery_rate": ratio(value, c.placed) if c.placed else None,
        "is_projection": projected,
        "development_factor": factor,
        "expected_in_month": None,
        "expected_future": None,
    }


def _dims(filters: Filters) -> dict:
    return {"portfolios": filters.portfolios, "teams": filters.teams, "agents": filters.agents}


def recovery_backtest(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The chain ladder run on the triangle as it stood ``backtest_months`` months before the
    as-of month, against what the cohorts then paid: per cohort and in total, for each month
    ahead (horizon 1 .. backtest_months), collections since the cut-off forecast and actual.

    Raises:
        ReportError: no cohort was placed by the cut-off month.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    as_of = filters.as_of or latest_snapshot(con)
    months = cfg.backtest_months
    cut = _month_end(as_of, months)
    dims = _dims(filters)
    known = cohorts(kpis.vintage(con, Filters(**dims, as_of=cut)))
    if not known:
        raise ReportError(
            f"no cohort was placed by {cut:%Y-%m}, {months} months before {as_of:%Y-%m}: "
            "not enough history for a backtest"
        )
    actual = {c.month: c for c in cohorts(kpis.vintage(con, Filters(**dims, as_of=as_of)))}
    factors = development_factors(known)
    rows: list[dict] = []
    totals = {h: [Decimal(0), Decimal(0)] for h in range(1, months + 1)}
    for c in known:
        seen = len(c.cum) - 1
        later = actual[c.month].cum
        for h, value in enumerate(project(c, factors, months), start=1):
            forecast = value - c.cum[-1]
            paid = later[seen + h] - later[seen]
            totals[h][0] += forecast
            totals[h][1] += paid
            rows.append(_backtest_row(cut, h, c.month, forecast, paid))
    for h, (forecast, paid) in totals.items():
        rows.append(_backtest_row(cut, h, TOTAL, forecast, paid))
    rows.sort(key=lambda r: (r["horizon"], r["segment"] == TOTAL, r["segment"]))
    return pa.Table.from_pylist(rows, schema=BACKTEST_SCHEMA)


def _backtest_row(cut: date, h: int, segment: str, forecast: Decimal, paid: Decimal) -> dict:
    return {
        "method": METHOD,
        "cut_off": f"{cut:%Y-%m}",
        "horizon": h,
        "segment": segment,
        "forecast": forecast,
        "actual": paid,
        "abs_pct_error": ratio(abs(forecast - paid), abs(paid)) if paid else None,
    }
