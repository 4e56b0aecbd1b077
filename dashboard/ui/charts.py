"""Plotly figures for the pages, from the engine's Arrow tables, in the one house style.

Every builder takes exact tables, converts money to float for drawing only, translates the
labels (titles, axes, legends, known values) and applies ``style.layout``. Pages pass the
result to ``st.plotly_chart``; they never set colours or formats themselves. Plotly reads
``<a href>``, ``<b>``, ``<span style>`` in every text it draws: category, legend and hover names
from the data go through ``safe.svg`` (shown as typed), and so do data values in titles.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import pyarrow as pa

from dashboard.ui import safe, style
from dashboard.ui.i18n import label, t
from dashboard.ui.tables import display_frame

TREND_MEASURES = ("month", "collected", "payments")


def _name(prefix: str, value: object) -> str:
    """A category, legend or hover name from the data: translated if known, as text."""
    return safe.svg(label(prefix, value) if prefix else value)


def _top(rows: list[dict], n: int, title: str) -> tuple[list[dict], str]:
    """The first n rows, and the title saying so when rows were left out."""
    if len(rows) <= n:
        return rows, title
    return rows[:n], f"{title} {t('chart.top', n=n, total=f'{len(rows):,}')}"


def _empty(title: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t("chart.no_data"), showarrow=False, font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style.layout(fig, title=title)


def collections_trend(table: pa.Table, title: str) -> go.Figure:
    """Monthly net collected (kpi_breakdowns.collections by month, and at most one group):
    one bar per month, stacked by the group when there is one."""
    if table.num_rows == 0:
        return _empty(title)
    group = next((c for c in table.column_names if c not in TREND_MEASURES), None)
    raw = table.column(group).to_pylist() if group else [None] * table.num_rows
    groups = list(dict.fromkeys(raw))
    df = display_frame(table)
    fig = go.Figure()
    for i, g in enumerate(groups):
        part = df[[r == g for r in raw]]
        name = _name(group, g) if group else t("col.collected")
        fig.add_bar(
            x=part["month"],
            y=part["collected"],
            name=name if len(groups) > 1 else t("col.collected"),
            marker_color=style.PALETTE[i % len(style.PALETTE)],
            hovertemplate=f"%{{x|%Y-%m}}<br>{name}: {style.hover_money()}<extra></extra>",
        )
    fig.update_layout(barmode="stack", showlegend=len(groups) > 1)
    fig.update_xaxes(title=t("axis.month"), tickformat="%Y-%m", dtick="M1")
    fig.update_yaxes(title=t("col.collected"))
    return style.layout(fig, title=title, money_axis="y")


def bucket_bars(table: pa.Table, buckets: Sequence[str], measure: str, title: str) -> go.Figure:
    """One snapshot's accounts or balance per delinquency state, coloured by state."""
    if table.num_rows == 0:
        return _empty(title)
    colours = style.bucket_colour_map(list(buckets))
    rows = {r["bucket"]: r for r in table.to_pylist()}
    order = [b for b in [*buckets, "Closed"] if b in rows]
    share = "share_balance" if measure == "balance" else "share_accounts"
    values = [float(rows[b][measure]) for b in order]
    text = [style.percent(rows[b][share]) for b in order]
    fig = go.Figure(
        go.Bar(
            x=[_name("bucket", b) for b in order],
            y=values,
            marker_color=[colours[b] for b in order],
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=(style.hover_money() if measure == "balance" else "%{y:,d}")
            + "<extra></extra>",
        )
    )
    fig.update_xaxes(title=t("col.bucket"))
    fig.update_yaxes(title=t(f"col.{measure}"))
    return style.layout(fig, title=title, money_axis="y" if measure == "balance" else None)


def bucket_mix_over_time(
    table: pa.Table, buckets: Sequence[str], share: str, title: str
) -> go.Figure:
    """Share of each delinquency state per snapshot, stacked to 100%."""
    if table.num_rows == 0:
        return _empty(title)
    df = display_frame(table.select(["as_of_date", "bucket", share]))
    df["state"] = table.column("bucket").to_pylist()
    colours = style.bucket_colour_map(list(buckets))
    fig = go.Figure()
    for b in [*buckets, "Closed"]:
        part = df[df["state"] == b]
        if part.empty:
            continue
        name = _name("bucket", b)
        fig.add_bar(
            x=part["as_of_date"],
            y=part[share],
            name=name,
            marker_color=colours[b],
            hovertemplate=f"%{{x|%Y-%m-%d}}<br>{name}: %{{y:.1%}}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("col.as_of_date"), tickformat="%Y-%m")
    fig.update_yaxes(title=t(f"col.{share}"), tickformat=".0%", range=[0, 1])
    return style.layout(fig, title=title)


def bucket_donut(table: pa.Table, buckets: Sequence[str], title: str) -> go.Figure:
    """One snapshot's balance by delinquency state, as a donut."""
    if table.num_rows == 0:
        return _empty(title)
    colours = style.bucket_colour_map(list(buckets))
    rows = {r["bucket"]: r for r in table.to_pylist()}
    order = [b for b in [*buckets, "Closed"] if b in rows]
    fig = go.Figure(
        go.Pie(
            labels=[_name("bucket", b) for b in order],
            values=[float(rows[b]["balance"]) for b in order],
            marker={"colors": [colours[b] for b in order]},
            hole=0.5,
            sort=False,
            textinfo="percent",
            textposition="inside",
            hovertemplate="%{label}: " + style.currency() + "%{value:,.2f}<extra></extra>",
        )
    )
    fig = style.layout(fig, title=title)
    fig.update_layout(legend={"orientation": "v", "y": 0.5, "yanchor": "middle", "x": 1.02})
    return fig


def roll_heatmap(table: pa.Table, buckets: Sequence[str], measure: str, title: str) -> go.Figure:
    """Roll-rate matrix: from-bucket (rows) x state in the next snapshot (columns), shares."""
    if table.num_rows == 0:
        return _empty(title)
    rows = [b for b in buckets if b in set(table.column("from_bucket").to_pylist())]
    cols = [
        s for s in [*buckets, "Closed", "Missing"] if s in set(table.column("to_state").to_pylist())
    ]
    cell = {(r["from_bucket"], r["to_state"]): r for r in table.to_pylist()}
    z = [[float(cell[(a, b)][measure]) if (a, b) in cell else 0.0 for b in cols] for a in rows]
    counts = [[int(cell[(a, b)]["accounts"]) if (a, b) in cell else 0 for b in cols] for a in rows]
    text = [[f"{v:.0%}" if v else "" for v in line] for line in z]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_name("bucket", b) for b in cols],
            y=[_name("bucket", a) for a in rows],
            text=text,
            texttemplate="%{text}",
            customdata=counts,
            colorscale=[list(p) for p in style.HEATMAP_SCALE],
            zmin=0,
            zmax=1,
            colorbar={"tickformat": ".0%"},
            hovertemplate=(
                f"{t('col.from_bucket')}: %{{y}}<br>{t('col.to_state')}: %{{x}}<br>"
                f"{t('col.share')}: %{{z:.1%}}<br>{t('col.accounts')}: %{{customdata:,d}}"
                "<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(title=t("col.from_bucket"), autorange="reversed")
    fig.update_xaxes(title=t("col.to_state"), side="top")
    fig = style.layout(fig, title=title)
    fig.update_layout(height=max(style.CHART_HEIGHT, 60 + 38 * len(rows)), margin={"t": 90})
    return fig


def vintage_curves(table: pa.Table, title: str) -> go.Figure:
    """Cumulative recovery rate per placement month by months since placement."""
    if table.num_rows == 0:
        return _empty(title)
    df = display_frame(table)
    cohorts = sorted(set(df["placement_month"]))
    colours = style.cohort_colours(len(cohorts))
    fig = go.Figure()
    for colour, cohort in zip(colours, cohorts, strict=True):
        part = df[df["placement_month"] == cohort]
        name = _name("", cohort)
        fig.add_scatter(
            x=part["months_since_placement"],
            y=part["recovery_rate"],
            mode="lines+markers",
            name=name,
            line={"color": colour, "width": 2},
            marker={"size": 4},
            hovertemplate=f"{name} +%{{x}}: %{{y:.1%}}<extra></extra>",
        )
    fig.update_xaxes(title=t("col.months_since_placement"), dtick=1)
    fig.update_yaxes(title=t("col.recovery_rate"), tickformat=".0%")
    fig = style.layout(fig, title=title)
    fig.update_layout(
        legend={
            "orientation": "v",
            "y": 1,
            "x": 1.02,
            "yanchor": "top",
            "title": {"text": t("col.placement_month")},
        }
    )
    return fig


def rate_bars(table: pa.Table, category: str, rate: str, title: str, prefix: str = "") -> go.Figure:
    """A rate per category (portfolio, region, team ...), as bars with percentage labels."""
    if table.num_rows == 0:
        return _empty(title)
    rows = table.to_pylist()
    fig = go.Figure(
        go.Bar(
            x=[_name(prefix, r[category]) for r in rows],
            y=[float(r[rate] or 0) for r in rows],
            text=[style.percent(r[rate]) for r in rows],
            textposition="outside",
            cliponaxis=False,
            marker_color=style.PALETTE[0],
            hovertemplate="%{x}: %{y:.2%}<extra></extra>",
        )
    )
    fig.update_xaxes(title=t(f"col.{category}"))
    fig.update_yaxes(title=t(f"col.{rate}"), tickformat=".0%")
    return style.layout(fig, title=title)


def money_bars(
    table: pa.Table, category: str, value: str, title: str, prefix: str = ""
) -> go.Figure:
    """Money per category as horizontal bars, largest first (the first ``style.TOP_N``)."""
    if table.num_rows == 0:
        return _empty(title)
    rows = sorted(table.to_pylist(), key=lambda r: r[value] or 0, reverse=True)
    rows, title = _top(rows, style.TOP_N, title)
    rows.reverse()  # largest at the top of a horizontal bar chart
    fig = go.Figure(
        go.Bar(
            y=[_name(prefix, r[category]) for r in rows],
            x=[float(r[value] or 0) for r in rows],
            orientation="h",
            marker_color=style.PALETTE[0],
            hovertemplate="%{y}: " + style.currency() + "%{x:,.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(title=t(f"col.{value}"))
    fig.update_yaxes(title=None, type="category")
    fig = style.layout(fig, title=title, money_axis="x")
    fig.update_layout(height=max(style.CHART_HEIGHT, 80 + 24 * len(rows)))
    return fig


def metric_bars(table: pa.Table, category: str, metric: str, title: str) -> go.Figure:
    """Any metric (money, rate or count) per category as horizontal bars, in table order."""
    if table.num_rows == 0:
        return _empty(title)
    field = table.schema.field(metric)
    rows, title = _top(table.to_pylist(), style.TOP_N, title)
    rows.reverse()  # the first row at the top of a horizontal bar chart
    is_money = pa.types.is_decimal(field.type) and field.type.scale == 2
    is_rate = pa.types.is_decimal(field.type) and field.type.scale >= 4
    fmt = "%{x:.1%}" if is_rate else (style.currency() + "%{x:,.2f}" if is_money else "%{x:,d}")
    fig = go.Figure(
        go.Bar(
            y=[_name("", r[category]) for r in rows],
            x=[float(r[metric] or 0) for r in rows],
            orientation="h",
            marker_color=style.PALETTE[0],
            hovertemplate="%{y}: " + fmt + "<extra></extra>",
        )
    )
    fig.update_xaxes(title=t(f"col.{metric}"), tickformat=".0%" if is_rate else None)
    fig.update_yaxes(title=None, type="category")
    fig = style.layout(fig, title=title, money_axis="x" if is_money else None)
    fig.update_layout(height=max(style.CHART_HEIGHT, 80 + 22 * len(rows)))
    return fig


def grouped_bars(
    table: pa.Table, category: str, metrics: Sequence[str], title: str, by: str
) -> go.Figure:
    """Several rates per category side by side (e.g. RPC and kept rate per team); the
    categories with the largest ``by`` first (the first ``style.TOP_N``)."""
    if table.num_rows == 0:
        return _empty(title)
    rows = sorted(table.to_pylist(), key=lambda r: r[by] or 0, reverse=True)
    rows, title = _top(rows, style.TOP_N, title)
    fig = go.Figure()
    for i, m in enumerate(metrics):
        fig.add_bar(
            x=[_name("", r[category]) for r in rows],
            y=[float(r[m] or 0) for r in rows],
            name=t(f"col.{m}"),
            marker_color=style.PALETTE[i % len(style.PALETTE)],
            text=[style.percent(r[m]) for r in rows],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=t(f"col.{category}"))
    fig.update_yaxes(tickformat=".0%")
    return style.layout(fig, title=title)


def funnel(stages: Sequence[tuple[str, int]], title: str) -> go.Figure:
    """A contact funnel: (translated stage name, count) from widest to narrowest."""
    if not stages or not any(n for _, n in stages):
        return _empty(title)
    fig = go.Figure(
        go.Funnel(
            y=[s for s, _ in stages],
            x=[n for _, n in stages],
            textinfo="value+percent initial",
            marker={"color": [style.PALETTE[i % len(style.PALETTE)] for i in range(len(stages))]},
            hovertemplate="%{y}: %{x:,d}<extra></extra>",
        )
    )
    return style.layout(fig, title=title)


def share_pie(
    table: pa.Table, category: str, value: str, title: str, prefix: str = ""
) -> go.Figure:
    """Shares of a total per category (e.g. contacts per channel), as a donut."""
    if table.num_rows == 0:
        return _empty(title)
    totals: dict[str, float] = {}
    for r in table.to_pylist():
        totals[r[category]] = totals.get(r[category], 0.0) + float(r[value] or 0)
    keys = sorted(totals, key=lambda k: -totals[k])
    fig = go.Figure(
        go.Pie(
            labels=[_name(prefix, k) for k in keys],
            values=[totals[k] for k in keys],
            hole=0.5,
            sort=False,
            marker={"colors": [style.PALETTE[i % len(style.PALETTE)] for i in range(len(keys))]},
            textinfo="percent+label",
            hovertemplate="%{label}: %{value:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(showlegend=False)
    return style.layout(fig, title=title)


def stacked_by_rule(table: pa.Table, rules: Sequence[str], title: str) -> go.Figure:
    """Violations per agent, stacked by rule (compliance_by_rule rows)."""
    rows = [r for r in table.to_pylist() if r["violations"]]
    if not rows:
        return _empty(title)
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["agent_id"]] = totals.get(r["agent_id"], 0) + r["violations"]
    ranked = sorted(totals, key=lambda a: (-totals[a], a))
    shown, title = _top([{"agent_id": a} for a in ranked], style.TOP_N, title)
    agents = [r["agent_id"] for r in shown]
    fig = go.Figure()
    for i, rule in enumerate(rules):
        counts = {r["agent_id"]: r["violations"] for r in rows if r["rule"] == rule}
        if not counts:
            continue
        fig.add_bar(
            x=[_name("", a) for a in agents],
            y=[counts.get(a, 0) for a in agents],
            name=_name("rule", rule),
            marker_color=style.PALETTE[(i + 3) % len(style.PALETTE)],
            hovertemplate="%{x}: %{y:,d}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("col.agent_id"), type="category")
    fig.update_yaxes(title=t("col.violations"))
    return style.layout(fig, title=title)


def payout_bars(table: pa.Table, title: str) -> go.Figure:
    """Payout per agent, stacked by component (commission, team share, early bonus); the
    largest payouts first when there are more agents than ``style.TOP_N``."""
    if table.num_rows == 0:
        return _empty(title)
    rows = table.to_pylist()
    if len(rows) > style.TOP_N:
        rows = sorted(rows, key=lambda r: r["payout"] or 0, reverse=True)
    rows, title = _top(rows, style.TOP_N, title)
    agents = [_name("", r["agent_id"]) for r in rows]
    fig = go.Figure()
    parts = ("base_after_compliance", "team_bonus", "early_bonus", "carried_in")
    for i, part in enumerate(parts):
        fig.add_bar(
            x=agents,
            y=[float(r[part] or 0) for r in rows],
            name=t(f"col.{part}"),
            marker_color=style.PALETTE[i % len(style.PALETTE)],
            hovertemplate="%{x}: " + style.currency() + "%{y:,.2f}<extra></extra>",
        )
    fig.add_scatter(
        x=agents,
        y=[float(r["payout"] or 0) for r in rows],
        mode="markers",
        name=t("col.payout"),
        marker={"color": style.BAD, "symbol": "diamond", "size": 9},
        hovertemplate="%{x}: " + style.currency() + "%{y:,.2f}<extra></extra>",
    )
    fig.update_layout(barmode="relative")
    fig.update_xaxes(title=t("col.agent_id"), type="category")
    return style.layout(fig, title=title, money_axis="y")
