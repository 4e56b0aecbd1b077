"""Overview (managers): headline KPIs against the previous window, this month's pacing against
target, collections trend, delinquency mix, top and bottom agents."""

import streamlit as st

from dashboard.engine.settings import default_settings
from dashboard.ui import blocks, charts, pacing_view, page, reads
from dashboard.ui.i18n import t

f = page.begin("overview")
with page.guard():
    blocks.headline_metrics(reads.report("kpis", f.window()))
    blocks.definitions()
    pacing_view.section(f)
    left, right = st.columns([3, 2])
    trend = reads.report("collections", f.dims(date_to=f.date_to), by=("month",))
    window = (f.date_from, f.date_to)
    fig = charts.collections_trend(trend, t("overview.trend"), window)
    left.plotly_chart(fig, key="trend")
    mix = reads.report("buckets", f.dims(as_of=f.snapshot))
    buckets = default_settings().bucket_names
    right.plotly_chart(
        charts.bucket_donut(mix, buckets, t("overview.mix", snapshot=f.snapshot)), key="mix"
    )
    blocks.top_bottom_agents(reads.report("agents", f.window()))
