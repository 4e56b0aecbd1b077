"""Recovery: vintage curves continued by the chain-ladder forecast, recovery by portfolio /
region / channel, collections over time, what the cohorts are expected to pay (with the
backtest error), outside agencies beside in-house work."""

import streamlit as st

from dashboard.ui import charts, lookahead, page, reads, tables
from dashboard.ui.i18n import t

f = page.begin("recovery")
with page.guard():
    vintage = reads.report("vintage", f.dims(as_of=f.date_to))
    forecast = lookahead.vintage_with_forecast(vintage, f)
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

    lookahead.expected_collections(forecast, f)

    st.subheader(t("recovery.agencies_title"))
    agencies = reads.report("agencies", f.window())
    tables.show(
        agencies,
        name=f"agencies_{f.date_from}_{f.date_to}",
        key=("holder", "agency_name", "net_recovery_rate", "recovery_rate", "cost_to_collect"),
        height=250,
    )
