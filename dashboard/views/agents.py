"""Agents: leaderboard, teams, one agent (``blocks.one_agent``), when calls reach people (weekday x
hour). Sort, order and agent are in the URL; a click on a leaderboard bar or row picks the agent."""

import streamlit as st

from dashboard.engine.kpi_breakdowns import team_summary
from dashboard.ui import blocks, charts, choices, lookahead, page, reads, tables
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
KEY = ("collected", "paying_accounts", "contacts", "rpc_rate", "promises", "kept_rate")

f = page.begin("agents")
with page.guard():
    agents = reads.report("agents", f.window())
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
    leaderboard = st.container()  # drawn once the agent is known (the selector below)

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
    tables.show(teams, name="teams", key=("team", "collected", "rpc_rate", "kept_rate"))

    st.subheader(t("agents.drill"))
    agent = blocks.pick_agent(agents)
    blocks.one_agent(agents, f, agent)
    with leaderboard:
        st.caption(t("chart.click_agent"))
        title = t("agents.leaderboard_chart", metric=t(f"col.{metric}"))
        fig = charts.metric_bars(board, "agent_id", metric, title, chosen=agent)
        blocks.chart_pick(fig, "board", ("agents_pick",), agent)
        tables.show(
            board,
            name="agents_leaderboard",
            key=(metric, *KEY),
            height=420,
            pick=blocks.setter(agents_pick="agent_id"),
            picked=blocks.row_of(board, agent_id=agent),
        )

    lookahead.contact_timing(f)
