"""Recovery: vintage curves, recovery by portfolio / region / channel, collections over time,
what the cohorts are expected to pay (chain ladder, with its backtest error), outside
agencies beside in-house work."""

import streamlit as st

from dashboard.engine import forecasts
from dashboard.ui import charts, fmt, page, reads, safe, tables
from dashboard.ui.i18n import t

f = page.begin("recovery")
with page.guard():
    vintage = reads.report("vintage", f.dims(as_of=f.date_to))
    title = t("recovery.vintage", as_of=f.date_to)
    st.plotly_chart(charts.vintage_curves(vintage, title), key="vintage")
    with st.expander(t("recovery.vintage_table")):
        tables.show(vintage, name=f"vintage_{f.date_to}", height=300)

    portfolio = reads.report("recovery", f.dims(date_to=f.date_to))
    region = reads.report("recovery", f.dims(date_to=f.date_to), by="region")
    channel = reads.report("collections", f.window(), by=("channel",))
    left, right = st.columns(2)
    with left:
        title = t("recovery.by_portfolio", date_to=f.date_to)
        st.plotly_chart(charts.rate_bars(portfolio, "portfolio", "recovery_rate", title), key="rp")
        key = ("recovery_rate", "collected", "placed_balance")
        tables.show(portfolio, name="recovery_by_portfolio", key=("portfolio", *key))
    with right:
        title = t("recovery.by_channel", date_from=f.date_from, date_to=f.date_to)
        pie = charts.share_pie(channel, "channel", "collected", title, "channel")
        st.plotly_chart(pie, key="rc")
        tables.show(channel, name="collected_by_channel", key=("channel", "collected"))
    title = t("recovery.by_region", date_to=f.date_to)
    st.plotly_chart(charts.rate_bars(region, "region", "recovery_rate", title, "region"), key="rr")
    tables.show(region, name="recovery_by_region", key=("region", *key), height=250)

    monthly = reads.report("collections", f.dims(date_to=f.date_to), by=("month", "portfolio"))
    fig = charts.collections_trend(monthly, t("recovery.over_time"), (f.date_from, f.date_to))
    st.plotly_chart(fig, key="over_time")
    tables.show(monthly, name="collections_by_month", height=300)

    st.subheader(t("recovery.forecast_title"))
    forecast = reads.report("forecast-recovery", f.dims(as_of=f.date_to))
    expected = forecasts.expected_by_month(forecast)
    total = sum((r["expected"] for r in expected.to_pylist()), start=0)
    st.caption(safe.t("recovery.forecast_caption", as_of=f.date_to, total=fmt.money(total)))
    error = forecasts.backtest_error(
        reads.report("forecast-backtest", f.dims(as_of=f.date_to)), forecasts.METHOD
    )
    if error is not None and error["abs_pct_error"] is not None:
        months, off, cut = error["horizon"], fmt.rate(error["abs_pct_error"]), error["cut_off"]
        st.caption(safe.t("recovery.backtest", months=months, off=off, cut=cut))
    title = t("recovery.expected_chart", as_of=f.date_to)
    st.plotly_chart(charts.expected_bars(expected, title), key="expected")

    st.subheader(t("recovery.agencies_title"))
    agencies = reads.report("agencies", f.window())
    tables.show(
        agencies,
        name=f"agencies_{f.date_from}_{f.date_to}",
        key=("holder", "agency_name", "net_recovery_rate", "recovery_rate", "cost_to_collect"),
        height=250,
    )
