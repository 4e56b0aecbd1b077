"""Page blocks of what lies ahead (issue 15): the recovery forecast on the vintage chart and in
expected collections per month, the balance forecast with its write-off candidates, each with
its backtest error beside it, and when calls reach people within the contact hours.

A forecast the engine refuses (too little history: ``forecasts.MIN_COHORTS``,
``forecasts.MIN_PAIRS``) is said once, in the user's language, where the projection would be;
the rest of the page goes on (``page.guard`` would stop it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyarrow as pa
import streamlit as st

from dashboard.engine import forecasts
from dashboard.engine.compliance import hours_outside
from dashboard.engine.kpi_breakdowns import TIMING_MEASURES, timing_grid
from dashboard.engine.kpi_common import Filters, ReportError
from dashboard.engine.settings import default_settings
from dashboard.messages import localise
from dashboard.ui import choices, fmt, lookahead_charts, reads, safe
from dashboard.ui.filters import ViewFilters
from dashboard.ui.i18n import label, lang, t

INFO = ":material/info:"


def report_or_reason(name: str, filters: Filters, **options: Any) -> tuple[pa.Table | None, str]:
    """A report's table, or None and why the engine refused it (in the session's language)."""
    try:
        return reads.report(name, filters, **options), ""
    except ReportError as exc:
        return None, localise(exc.args[0], lang()) if exc.args else str(exc)


def vintage_with_forecast(vintage: pa.Table, f: ViewFilters) -> pa.Table | None:
    """The vintage chart with the cohorts' projections dashed and a caption saying so; when
    the forecast is refused, the curves alone and the reason. Returns the forecast."""
    forecast, why = report_or_reason("forecast-recovery", f.dims(as_of=f.date_to))
    title = t("recovery.vintage", as_of=f.date_to)
    fig = lookahead_charts.vintage_projected(vintage, forecast, title)
    st.plotly_chart(fig, key="vintage")
    if forecast is None:
        st.info(safe.t("recovery.no_forecast", detail=why), icon=INFO)
    elif vintage.num_rows:
        st.caption(safe.t("recovery.projected_caption", age=lookahead_charts.oldest_age(forecast)))
    return forecast


def backtest_line(filters: Filters, method: str, key: str) -> None:
    """How far ``method`` was off last time (``forecast-backtest``, its longest horizon), as
    the caption ``key``; or why there is no backtest."""
    backtest, why = report_or_reason("forecast-backtest", filters)
    error = forecasts.backtest_error(backtest, method) if backtest is not None else None
    if backtest is not None and error is None:  # too few snapshots for this method
        months = default_settings().backtest_months
        why = t("forecast.backtest_few_snapshots", snapshot=filters.as_of, months=months)
    if error is None:
        st.caption(safe.t("forecast.no_backtest", detail=why))
    elif error["abs_pct_error"] is not None:  # none when nothing was actually there
        months, off, cut = error["horizon"], fmt.rate(error["abs_pct_error"]), error["cut_off"]
        st.caption(safe.t(key, months=months, off=off, cut=cut))


def expected_collections(forecast: pa.Table | None, f: ViewFilters) -> None:
    """What the cohorts will still pay, by calendar month, with the backtest error (nothing
    when the forecast was refused: ``vintage_with_forecast`` said why)."""
    if forecast is None:
        return
    st.subheader(t("recovery.forecast_title"))
    expected = forecasts.expected_by_month(forecast)
    total = sum((r["expected"] for r in expected.to_pylist()), start=Decimal(0))
    st.caption(safe.t("recovery.forecast_caption", as_of=f.date_to, total=fmt.money(total)))
    backtest_line(f.dims(as_of=f.date_to), forecasts.METHOD, "recovery.backtest")
    title = t("recovery.expected_chart", as_of=f.date_to)
    st.plotly_chart(lookahead_charts.expected_bars(expected, title), key="expected")


def write_off_total(forecast: pa.Table, last_bucket: str) -> Decimal:
    """The balance a ``forecast-balance`` table projects to roll into ``last_bucket`` over its
    projected months (the sum of that bucket's inflow)."""
    return sum(
        (r["inflow"] for r in forecast.to_pylist()
         if r["is_projection"] and r["bucket"] == last_bucket),
        start=Decimal(0),
    )  # fmt: skip


def balance_forecast(f: ViewFilters, buckets: list[str]) -> None:
    """Where the open balance is heading from the sidebar's snapshot: per bucket, actual then
    projected, the write-off candidates beside it, the method and the backtest error below."""
    st.subheader(t("delinq.forecast_title"))
    forecast, why = report_or_reason("forecast-balance", f.dims(as_of=f.snapshot))
    if forecast is None:
        st.info(safe.t("delinq.no_forecast", detail=why), icon=INFO)
        return
    last = buckets[-1]
    left, right = st.columns([2, 1])
    title = t("delinq.forecast_chart", snapshot=f.snapshot)
    chart = lookahead_charts.balance_projected(forecast, buckets, title)
    left.plotly_chart(chart, key="balance_forecast")
    title = t("delinq.write_off_chart", bucket=label("bucket", last))
    right.plotly_chart(lookahead_charts.write_off_bars(forecast, buckets, title), key="write_off")
    cfg = default_settings()
    st.caption(
        safe.t(
            "delinq.forecast_caption",
            snapshot=f.snapshot,
            window=cfg.roll_window,
            months=cfg.forecast_months,
            total=fmt.money(write_off_total(forecast, last)),
            bucket=label("bucket", last),
        )
    )
    backtest_line(f.dims(as_of=f.snapshot), forecasts.ROLL_METHOD, "delinq.backtest")


def contact_timing(f: ViewFilters) -> None:
    """The right-party rate (or the promise rate: a choice in the URL) by weekday and hour of
    the window, the hours the default compliance preset's contact-hours rule forbids greyed,
    and a caption naming the rule."""
    st.subheader(t("agents.timing_title"))
    measure = choices.segmented(
        "agents_timing",
        t("agents.timing_measure"),
        TIMING_MEASURES,
        format_func=lambda m: t(f"col.{m}"),
        spellings=choices.catalogue_spellings("col"),
    )
    grid = timing_grid(reads.report("contact-timing", f.window()))
    preset = default_settings().preset()
    allowed = f"{preset.hours_from:%H:%M}–{preset.hours_until:%H:%M}"
    chart_title = "agents.timing_chart" if measure == "rpc_rate" else "agents.timing_chart_promise"
    title = t(chart_title, date_from=f.date_from, date_to=f.date_to)
    fig = lookahead_charts.timing_heatmap(grid, title, hours_outside(preset), allowed, measure)
    st.plotly_chart(fig, key="timing")
    if preset.hours_channels:
        channels = t("list.sep").join(label("channel", c) for c in preset.hours_channels)
        name = label("preset", preset.name)
        st.caption(safe.t("agents.timing_caption", preset=name, allowed=allowed, channels=channels))
