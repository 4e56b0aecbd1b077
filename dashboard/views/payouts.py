"""Payouts (finance): a period's commission per agent with every component, statements with
their audit lines, approval, approved vs recomputed, downloads.

The period and the statement's agent are page-level choices kept in the URL; a click on a
bar of the chart or a row of the table opens that agent's statement. The sidebar's team
and agent filters choose the agents shown (chart, table, statement); the downloads and the
approval always cover the whole period. The date window, snapshot and portfolio do not apply
(a payout is one calendar month over every portfolio) and are disabled on this page.
"""

from pathlib import Path

import streamlit as st

from dashboard.payouts.plan_file import PlanFileError
from dashboard.payouts.run import PayoutInputError
from dashboard.ui import choices, data, page, payout_view, safe
from dashboard.ui.i18n import t

f = page.begin("payouts")
with page.guard():
    months = data.report("activity_months")[::-1]
    if not months:
        st.info(t("pay.no_activity"))
        st.stop()
    c1, c2 = st.columns(2)
    period = choices.select("pay_period", t("pay.period"), months, container=c1) or months[0]
    plans = c2.selectbox(
        t("pay.plans"),
        payout_view.plan_choices(),
        format_func=payout_view.plan_label,
        key="pay_plans",
    )
    try:
        view = payout_view.view(period, Path(plans))
    except (PlanFileError, PayoutInputError) as exc:
        st.error(safe.t("pay.cannot", detail=payout_view.refusal(exc)))
        st.stop()
    shown = payout_view.rows_for(view.table, teams=f.teams, agents=f.agents)
    payout_view.summary(view, shown)
    top = st.container()  # drawn once the statement's agent is known (the selector below)
    payout_view.downloads(view)
    st.subheader(t("pay.statement"))
    agent = payout_view.pick_agent(shown)
    payout_view.statement(view, agent)
    with top:
        payout_view.payouts_chart_and_table(view, shown, agent)
    st.subheader(t("pay.approval"))
    payout_view.approval(view, Path(plans))
