"""Payouts (finance): a period's commission per agent with every component, statements with
their audit lines, approval, approved vs recomputed, downloads."""

from pathlib import Path

import streamlit as st

from dashboard.engine.payout_run import PayoutInputError
from dashboard.engine.plans import PlanFileError
from dashboard.ui import charts, data, page, payouts, payouts_page, safe, tables
from dashboard.ui.i18n import t

f = page.begin("payouts")
with page.guard():
    months = data.report("activity_months")[::-1]
    if not months:
        st.info(t("pay.no_activity"))
        st.stop()
    wanted = f"{f.date_to:%Y-%m}"
    c1, c2 = st.columns(2)
    period = c1.selectbox(
        t("pay.period"),
        months,
        index=months.index(wanted) if wanted in months else 0,
        key="pay_period",
    )
    plans = c2.selectbox(
        t("pay.plans"),
        payouts_page.plan_choices(),
        format_func=payouts_page.plan_label,
        key="pay_plans",
    )
    try:
        view = payouts.view(period, Path(plans))
    except (PlanFileError, PayoutInputError) as exc:
        st.error(safe.t("pay.cannot", detail=str(exc)))
        st.stop()
    payouts_page.summary(view)
    st.plotly_chart(charts.payout_bars(view.table, t("pay.chart", period=period)), key="chart")
    tables.show(view.table, name=f"payouts_{period}", height=360, download=False)
    payouts_page.downloads(view)
    st.subheader(t("pay.statement"))
    payouts_page.statement(view)
    st.subheader(t("pay.approval"))
    payouts_page.approval(view, Path(plans))
