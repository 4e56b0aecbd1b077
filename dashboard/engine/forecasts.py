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
from decimal import ROUND_HALF_UP, Decimal, localcontext

import duckdb
import pyarrow as pa

from dashboard.engine import kpis
from dashboard.engine.kpi_common import (
    ALL,
    Filters,
    ReportError,
    check_as_of,
    latest_snapshot,
    prepare,
    ratio,
    snapshot_dates,
)
from dashboard.engine.settings import KpiSettings, default_settings
from dashboard.messages import Message

FACTOR_PLACES = Decimal("0.000001")
CENT = Decimal("0.01")
ONE = Decimal(1)
MONEY = pa.decimal128(38, 2)
RATE = pa.decimal128(38, 6)
METHOD = "chain_ladder"  # the recovery forecast's
ROLL_METHOD = "roll_rate"  # the balance forecast's
TOTAL = "total"
PRECISION = 60  # digits of intermediate decimals (factors, products; rounded where shown)
MONEY_LIMIT = Decimal(10) ** 36  # DECIMAL(38,2), the money type, holds less
# The least history a forecast projects from (issue 15, "Bad input"): fewer placement months
# give development factors of one or two cohorts; fewer snapshot pairs, a roll matrix of one.
MIN_COHORTS = 3
MIN_PAIRS = 2
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
BALANCE_SCHEMA = pa.schema(
    [
        ("as_of_date", pa.date32()),
        ("bucket", pa.string()),
        ("balance", MONEY),
        ("is_projection", pa.bool_()),
        ("inflow", MONEY),
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
    with localcontext() as ctx:
        ctx.prec = PRECISION  # a factor from a near-zero month can have many digits
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
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for j in range(months):
            current = (current * factors.get(last + j, ONE)).quantize(CENT, ROUND_HALF_UP)
            if abs(current) >= MONEY_LIMIT:
                raise ReportError(
                    f"the chain ladder projects more than DECIMAL(38,2) holds for cohort "
                    f"{cohort.month} (a development factor of {factors.get(last + j)} at month "
                    f"{last + j}): the triangle has a month of almost nothing collected"
                )
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

    Raises:
        ReportError: fewer than MIN_COHORTS placement months up to the as-of month.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    as_of = filters.as_of or latest_snapshot(con)
    triangle = cohorts(kpis.vintage(con, Filters(**{**_dims(filters), "as_of": as_of})))
    if len(triangle) < MIN_COHORTS:
        raise ReportError(
            Message(
                "report.forecast_few_cohorts",
                cohorts=len(triangle),
                as_of=f"{as_of:%Y-%m-%d}",
                minimum=MIN_COHORTS,
            )
        )
    with localcontext() as ctx:
        ctx.prec = PRECISION  # rates of projections beyond DECIMAL(18,2)
        return _recovery_rows(triangle, cfg.forecast_months)


def _recovery_rows(triangle: list[Cohort], months: int) -> pa.Table:
    factors = development_factors(triangle)
    rows: list[dict] = []
    for c in triangle:
        for k, value in enumerate(c.cum):
            rows.append(_row(c, k, value, False, factors.get(k - 1) if k else None))
        before = c.cum[-1]
        for j, value in enumerate(project(c, factors, months), start=1):
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
    """Both forecasts run on the data as it stood ``backtest_months`` months before the as-of
    date, against what then happened, for each month ahead (horizon 1 .. backtest_months):
    the chain ladder's collections since the cut-off per cohort and in total, then the roll
    rates' balance per bucket and in total (``balance_backtest``).

    Raises:
        ReportError: no cohort was placed by the cut-off month, or too few snapshots.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    as_of = filters.as_of or latest_snapshot(con)
    check_as_of(con, filters.as_of)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        rows = _recovery_backtest(con, filters, as_of, cfg)
        rows += balance_backtest(con, filters, as_of, cfg)
    return pa.Table.from_pylist(rows, schema=BACKTEST_SCHEMA)


def _recovery_backtest(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date, cfg: KpiSettings
) -> list[dict]:
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
            rows.append(_backtest_row(METHOD, cut, h, c.month, forecast, paid))
    for h, (forecast, paid) in totals.items():
        rows.append(_backtest_row(METHOD, cut, h, TOTAL, forecast, paid))
    rows.sort(key=lambda r: (r["horizon"], r["segment"] == TOTAL, r["segment"]))
    return rows


def _backtest_row(
    method: str, cut: date, h: int, segment: str, forecast: Decimal, paid: Decimal
) -> dict:
    return {
        "method": method,
        "cut_off": f"{cut:%Y-%m}",
        "horizon": h,
        "segment": segment,
        "forecast": forecast,
        "actual": paid,
        "abs_pct_error": ratio(abs(forecast - paid), abs(paid)) if paid else None,
    }


# -- the balance forecast (roll-rate chain) ------------------------------------------------------


def roll_matrix(
    roll: pa.Table, to_dates: Sequence[date], buckets: Sequence[str]
) -> dict[str, dict[str, Decimal]]:
    """The roll-rate matrix by share of balance, pooled over the pairs whose later snapshot is
    in ``to_dates``: P(b -> s) = the balance moving from bucket b to state s in those pairs
    over b's balance in them (each pair's balance weighs in: a balance-weighted average of
    the pairs' matrices). A bucket no pair has stays where it is (P(b -> b) = 1)."""
    moved: dict[str, dict[str, Decimal]] = {b: {} for b in buckets}
    for r in roll.to_pylist():
        if r["to_date"] in to_dates:
            row = moved[r["from_bucket"]]
            row[r["to_state"]] = row.get(r["to_state"], Decimal(0)) + Decimal(r["balance"])
    out: dict[str, dict[str, Decimal]] = {}
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for b in buckets:
            total = sum(moved[b].values(), Decimal(0))
            out[b] = {s: v / total for s, v in moved[b].items()} if total else {b: ONE}
    return out


def roll_forward(
    start: Mapping[str, Decimal], matrix: Mapping[str, Mapping[str, Decimal]], steps: int
) -> list[tuple[dict[str, Decimal], dict[str, Decimal]]]:
    """The balance per state after each of ``steps`` snapshots, and what flowed into each
    state from another one in that step; Closed and Missing absorb (what reaches them stays).
    Intermediate values keep PRECISION digits; the caller rounds what it shows."""
    out = []
    vec = dict(start)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for _ in range(steps):
            nxt: dict[str, Decimal] = {}
            inflow: dict[str, Decimal] = {}
            for state, value in vec.items():
                targets = matrix.get(state, {state: ONE})  # Closed, Missing: absorbing
                for to, share in targets.items():
                    part = value * share
                    nxt[to] = nxt.get(to, Decimal(0)) + part
                    if to != state:
                        inflow[to] = inflow.get(to, Decimal(0)) + part
            vec = nxt
            out.append((dict(vec), inflow))
    return out


def _cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _open_balances(con: duckdb.DuckDBPyConnection, filters: Filters, cfg: KpiSettings) -> dict:
    """as_of_date -> bucket -> balance of the open accounts, every snapshot up to as_of."""
    out: dict[date, dict[str, Decimal]] = {}
    for r in kpis.buckets(con, filters, settings=cfg).to_pylist():
        if r["bucket"] in cfg.bucket_names:
            out.setdefault(r["as_of_date"], {})[r["bucket"]] = Decimal(r["balance"])
    return out


def _month_ends_after(d: date, n: int) -> list[date]:
    return [_month_end(d, -j) for j in range(1, n + 1)]


def balance_forecast(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The open balance per bucket in every snapshot up to ``as_of``, then projected over the
    next ``forecast_months`` month ends by the roll-rate matrix of the last ``roll_window``
    pairs (``roll_matrix``, ``roll_forward``).

    Returns:
        as_of_date, bucket, balance, is_projection, inflow (BALANCE_SCHEMA).

    Raises:
        ReportError: fewer than MIN_PAIRS snapshot pairs up to as_of.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    check_as_of(con, filters.as_of)
    dates = [d for d in snapshot_dates(con) if filters.as_of is None or d <= filters.as_of]
    if len(dates) - 1 < MIN_PAIRS:
        raise ReportError(
            Message(
                "report.forecast_few_pairs",
                pairs=len(dates) - 1,
                as_of=f"{dates[-1]:%Y-%m-%d}",
                minimum=MIN_PAIRS,
            )
        )
    latest = dates[-1]
    dims = _dims(filters)
    actual = _open_balances(con, Filters(**dims, date_to=None), cfg)
    roll = kpis.roll_rates(con, Filters(**dims, date_to=latest), settings=cfg)
    matrix = roll_matrix(roll, dates[1:][-cfg.roll_window :], cfg.bucket_names)
    rows = [
        {"as_of_date": d, "bucket": b, "balance": actual.get(d, {}).get(b, Decimal(0)),
         "is_projection": False, "inflow": None}
        for d in dates for b in cfg.bucket_names
    ]  # fmt: skip
    start = actual.get(latest, {})
    steps = roll_forward(start, matrix, cfg.forecast_months)
    for when, (vec, inflow) in zip(_month_ends_after(latest, len(steps)), steps, strict=True):
        for b in cfg.bucket_names:
            rows.append({
                "as_of_date": when, "bucket": b, "balance": _cent(vec.get(b, Decimal(0))),
                "is_projection": True, "inflow": _cent(inflow.get(b, Decimal(0))),
            })  # fmt: skip
    return pa.Table.from_pylist(rows, schema=BALANCE_SCHEMA)


def balance_backtest(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date, cfg: KpiSettings
) -> list[dict]:
    """The balance forecast run from the snapshot ``backtest_months`` snapshots before the
    latest one up to as_of (the pairs up to it only), against the open balance per bucket of
    the later snapshots: per bucket and in total (new placements and payments, which the roll
    rates do not model, are part of the error). No rows with too few snapshots."""
    dates = [d for d in snapshot_dates(con) if d <= as_of]
    months = cfg.backtest_months
    if len(dates) < months + 2:
        return []
    cut = dates[-1 - months]
    dims = _dims(filters)
    actual = _open_balances(con, Filters(**dims), cfg)
    roll = kpis.roll_rates(con, Filters(**dims, date_to=cut), settings=cfg)
    pairs = [d for d in dates[1:] if d <= cut][-cfg.roll_window :]
    matrix = roll_matrix(roll, pairs, cfg.bucket_names)
    steps = roll_forward(actual.get(cut, {}), matrix, months)
    rows = []
    for h, (vec, _inflow) in enumerate(steps, start=1):
        later = actual.get(dates[-1 - months + h], {})
        total_f, total_a = Decimal(0), Decimal(0)
        for b in cfg.bucket_names:
            forecast, paid = _cent(vec.get(b, Decimal(0))), later.get(b, Decimal(0))
            total_f, total_a = total_f + forecast, total_a + paid
            rows.append(_backtest_row(ROLL_METHOD, cut, h, b, forecast, paid))
        rows.append(_backtest_row(ROLL_METHOD, cut, h, TOTAL, total_f, total_a))
    return rows


# -- summaries the pages show ----------------------------------------------------------------------


def expected_by_month(forecast: pa.Table) -> pa.Table:
    """From a ``forecast-recovery`` table: the collections expected per calendar month (the
    sum of expected_in_month over the cohorts), month (YYYY-MM) and expected, in order."""
    per: dict[str, Decimal] = {}
    for r in forecast.to_pylist():
        if r["is_projection"]:
            per[r["month"]] = per.get(r["month"], Decimal(0)) + r["expected_in_month"]
    rows = [{"month": k, "expected": v} for k, v in sorted(per.items())]
    schema = pa.schema([("month", pa.string()), ("expected", MONEY)])
    return pa.Table.from_pylist(rows, schema=schema)


def backtest_error(backtest: pa.Table, method: str) -> dict | None:
    """The total row of the longest horizon of ``method`` in a ``forecast-backtest`` table
    (what "a forecast N months ahead was off by X % last time" says), or None."""
    totals = [r for r in backtest.to_pylist() if r["method"] == method and r["segment"] == TOTAL]
    return max(totals, key=lambda r: r["horizon"]) if totals else None
