"""Agents: leaderboard with sorting, team comparison, per-agent drill-down."""

import streamlit as st

from dashboard.engine.kpi_breakdowns import team_summary
from dashboard.ui import blocks, charts, data, page, safe, tables
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
    st.caption(safe.t("agents.window", date_from=f.date_from, date_to=f.date_to))
    c1, c2 = st.columns([3, 1])
    metric = c1.selectbox(
        t("agents.sort_by"), SORTABLE, format_func=lambda c: t(f"col.{c}"), key="agents_sort"
    )
    best_first = c2.toggle(t("agents.best_first"), value=True, key="agents_order")
    board = blocks.ranked(agents, metric, agents.num_rows, best=best_first)
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
    ids = agents.column("agent_id").to_pylist()
    if not ids:
        st.info(t("agents.none"))
        st.stop()
    default = f.agents[0] if len(f.agents) == 1 and f.agents[0] in ids else ids[0]
    names = dict(zip(ids, agents.column("agent_name").to_pylist(), strict=True))
    agent = st.selectbox(
        t("agents.pick"),
        ids,
        index=ids.index(default),
        format_func=lambda a: f"{a} {names.get(a) or ''}",
        key="agent_pick",
    )
    row = tables.where(agents, agent_id=agent).to_pylist()[0]
    trend = data.report(
        "collections", date_to=f.date_to, by=("month",), credited=True, agents=[agent]
    )
    mix = data.report("contact_mix", **f.window(), agents=[agent])
    c1, c2, c3 = st.columns(3)
    trend_title = t("agents.trend", agent=safe.svg(agent))  # a Plotly title: HTML-escaped
    c1.plotly_chart(charts.collections_trend(trend, trend_title), key="at")
    c2.plotly_chart(charts.funnel(blocks.funnel_stages(row), t("agents.funnel")), key="af")
    c3.plotly_chart(
        charts.share_pie(mix, "channel", "contacts", t("agents.channels"), "channel"), key="ac"
    )
