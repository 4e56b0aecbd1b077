"""Agents: leaderboard with sorting, team comparison, per-agent drill-down.

Every figure uses the page's filters: the one-agent trend and channel mix are the chosen
agent's within the window, portfolio and team, so they add up to the leaderboard's figures.
"""

import streamlit as st

from dashboard.engine.kpi_breakdowns import team_summary
from dashboard.ui import blocks, charts, choices, data, page, safe, tables
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
    ids = agents.column("agent_id").to_pylist()
    if not ids:
        st.info(t("agents.none"))
        st.stop()
    names = dict(zip(ids, agents.column("agent_name").to_pylist(), strict=True))
    agent = choices.select(
        "agents_pick",
        t("agents.pick"),
        ids,
        format_func=lambda a: f"{a} {names.get(a) or ''}".strip(),
        spellings=lambda a: [a],
    )
    agent = agent or ids[0]
    row = tables.where(agents, agent_id=agent).to_pylist()[0]
    # The leaderboard's filters, with the chosen agent: the bars add up to its figure.
    one = {**f.window(), "portfolios": f.portfolios, "teams": f.teams, "agents": [agent]}
    trend = data.report("collections", by=("month",), credited=True, **one)
    mix = data.report("contact_mix", **one)
    c1, c2, c3 = st.columns(3)
    trend_title = t("agents.trend", agent=safe.svg(agent))  # a Plotly title: HTML-escaped
    c1.plotly_chart(charts.collections_trend(trend, trend_title), key="at")
    c2.plotly_chart(charts.funnel(blocks.funnel_stages(row), t("agents.funnel")), key="af")
    c3.plotly_chart(
        charts.share_pie(mix, "channel", "contacts", t("agents.channels"), "channel"), key="ac"
    )
