"""Delinquency: buckets of a snapshot, bucket mix over time, where the balance is heading (the
roll-rate forecast with its write-off candidates and backtest error), roll rates with
drill-down.

The snapshot is the sidebar's (the window's end unless pinned); the measure and the drill-down
cell are page-level choices kept in the URL (``ui.choices``): a click on a cell of the matrix
or on a row of the roll-rate table sets them, the two selectors below are the keyboard way."""

import streamlit as st

from dashboard.engine.kpi_breakdowns import roll_summary_of
from dashboard.engine.settings import default_settings
from dashboard.ui import blocks, charts, choices, lookahead, page, reads, safe, tables
from dashboard.ui.i18n import t

f = page.begin("delinquency")
buckets = default_settings().bucket_names
with page.guard():
    measure = choices.segmented(
        "delinq_measure",
        t("delinq.measure"),
        ["accounts", "balance"],
        format_func=lambda m: t(f"col.{m}"),
        spellings=choices.catalogue_spellings("col"),
    )
    snap = reads.report("buckets", f.dims(as_of=f.snapshot))
    history = reads.report("buckets", f.dims())
    share = "share_balance" if measure == "balance" else "share_accounts"
    left, right = st.columns(2)
    title = t("delinq.distribution", snapshot=f.snapshot)
    left.plotly_chart(charts.bucket_bars(snap, buckets, measure, title), key="dist")
    title = t("delinq.mix_over_time")
    right.plotly_chart(charts.bucket_mix_over_time(history, buckets, share, title), key="mix")
    tables.show(snap, name=f"buckets_{f.snapshot}", key=("bucket", measure, share))
    lookahead.balance_forecast(f, buckets)

    st.subheader(t("delinq.roll_title"))
    earlier = [d for d in reads.get("snapshot_dates") if d < f.snapshot]
    if not earlier:
        st.info(safe.t("delinq.no_pair", snapshot=f.snapshot))
        st.stop()
    start = earlier[-1]
    roll = reads.report("roll-rates", f.dims(date_from=f.snapshot, date_to=f.snapshot))
    matrix = st.container()  # drawn once the cell is known (the selectors below)
    summary = roll_summary_of(roll)
    tables.show(summary, name=f"roll_summary_{f.snapshot}", key=("from_bucket",))
    cells = st.container()

    st.subheader(t("delinq.drill_title"))
    from_bucket, to_state = blocks.roll_cell(roll, buckets)
    with matrix:
        title = t("delinq.roll_matrix", start=start, end=f.snapshot)
        roll_share = "share_balance" if measure == "balance" else "share"
        fig = charts.roll_heatmap(roll, buckets, roll_share, title, (from_bucket, to_state))
        blocks.chart_pick(fig, "roll", ("drill_from", "drill_to"), f"{from_bucket}_{to_state}")
        st.caption(f"{t('delinq.roll_caption')} {t('delinq.click_hint')}")
    with cells:
        tables.show(
            roll,
            name=f"roll_rates_{f.snapshot}",
            key=("from_bucket", "to_state", "accounts", "share", "balance", "share_balance"),
            height=240,
            pick=blocks.setter(drill_from="from_bucket", drill_to="to_state"),
            picked=blocks.row_of(roll, from_bucket=from_bucket, to_state=to_state),
        )
    cell = reads.report(
        "roll-accounts", f.dims(as_of=f.snapshot), from_bucket=from_bucket, to_state=to_state
    )
    blocks.cell_accounts(cell, f"roll_accounts_{start}_{from_bucket}_{to_state}")
