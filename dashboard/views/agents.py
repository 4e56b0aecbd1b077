"""Agents: leaderboard with sorting, team comparison, per-agent drill-down (``blocks.one_agent``:
its trend and channel mix use the leaderboard's filters). Sort, order and agent are in the URL."""

import streamlit as st

from dashboard.engine.kpi_breakdowns import team_summary
from dashboard.ui import blocks, charts, choices, data, page, tables
from dashboard.ui.i18n import t

SORTABLE = (
    "collected",
    "paying_accounts",
    "contacts",
    "rpc_rate",
    "promises",
    "kept_rate",
    "accounts_assigned",
)

f = page.begin("agents")
with page.guard():
    agents = data.report("agents", **f.window(), **f.dims())
    c1, c2 = st.columns([3, 1])
    metric = choices.select(
        "agents_sort",
        t("agents.sort_by"),
        SORTABLE,
        format_func=lambda c: t(f"col.{c}"),
        spellings=choices.catalogue_spellings("col"),
        container=c1,
    )
    with c2:
        order = choices.segmented(
            "agents_order",
            t("agents.order"),
            ("best", "worst"),
            format_func=lambda o: t(f"order.{o}"),
            spellings=choices.catalogue_spellings("order"),
        )
    metric = metric or SORTABLE[0]
    board = blocks.ranked(agents, metric, agents.num_rows, best=order == "best")
    left, right = st.columns([2, 3])
    with left:
        title = t("agents.leaderboard_chart", metric=t(f"col.{metric}"))
        st.plotly_chart(charts.metric_bars(board, "agent_id", metric, title), key="board")
    with right:
        tables.show(board, name="agents_leaderboard", height=420)

    st.subheader(t("agents.teams"))
    teams = team_summary(agents)
    left, right = st.columns(2)
    left.plotly_chart(
        charts.money_bars(teams, "team", "collected", t("agents.team_collected")), key="tc"
    )
    right.plotly_chart(
        charts.grouped_bars(
            teams, "team", ("rpc_rate", "kept_rate"), t("agents.team_rates"), by="collected"
        ),
        key="tr",
    )
    tables.show(teams, name="teams")

    st.subheader(t("agents.drill"))
    blocks.one_agent(agents, f)
