"""Plotly figures for the pages, from the engine's Arrow tables, in the one house style.

Every builder takes exact tables, converts money to float for drawing only, translates the
labels (titles, axes, legends, known values) and applies ``style.layout``. Pages pass the
result to ``st.plotly_chart``; they never set colours or formats themselves. Plotly reads
``<a href>``, ``<b>``, ``<span style>`` in every text it draws: category, legend and hover names
from the data go through ``safe.svg`` (shown as typed), and so do data values in titles.

Numbers in hovers and on bars are ``dashboard.ui.fmt`` texts (``hovertext``), axis ticks too
(``style.number_axis``): a chart says what the cards and tables say. Charts that drill down
carry the code of what was clicked in ``customdata`` (``picked`` reads it back), and show the
current choice themselves (an outline), since a chart's own selection cannot be set in code.
Honest by construction (issue 10): a capped payout is drawn as the paid part and a hatched cut,
contacts as stage rates (each stage over the one before), a few highlighted cohorts among grey
ones, the chosen window shaded on trends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
import pyarrow as pa

from dashboard import vocab
from dashboard.ui import fmt, safe, style
from dashboard.ui.i18n import label, t

TREND_MEASURES = ("month", "collected", "payments")
HOVER = "%{hovertext}<extra></extra>"


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


data_name = _name  # for the other figure modules (``lookahead_charts``)
empty = _empty


def _number(value: Any, kind: str) -> str:
    if kind == "money":
        return fmt.money(value)
    if kind == "rate":
        return fmt.rate(value)
    return fmt.count(value)


def _kind(field: pa.Field) -> str:
    if pa.types.is_decimal(field.type) and field.type.scale == 2:
        return "money"
    if pa.types.is_decimal(field.type) and field.type.scale >= 4:
        return "rate"
    return "count"


def picked(state: Any) -> list[Any] | None:
    """The ``customdata`` of the point a click selected in a chart drawn with
    ``on_select`` (None when nothing is selected)."""
    try:
        points = state["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        data = point.get("customdata")
        if data is not None:
            return data if isinstance(data, list) else [data]
    return None


def collections_trend(
    table: pa.Table, title: str, window: tuple[date, date] | None = None
) -> go.Figure:
    """Monthly net collected (kpi_breakdowns.collections by month, and at most one group):
    one bar per month, stacked by the group when there is one; the months of the chosen
    ``window`` shaded."""
    if table.num_rows == 0:
        return _empty(title)
    group = next((c for c in table.column_names if c not in TREND_MEASURES), None)
    rows = table.to_pylist()
    months = sorted({fmt.month(r["month"]) for r in rows})
    groups = list(dict.fromkeys(r[group] for r in rows)) if group else [None]
    fig = go.Figure()
    for i, g in enumerate(groups):
        part = [r for r in rows if not group or r[group] == g]
        name = _name(group, g) if group else t("col.collected")
        fig.add_bar(
            x=[fmt.month(r["month"]) for r in part],
            y=[float(r["collected"]) for r in part],
            name=name if len(groups) > 1 else t("col.collected"),
            marker_color=style.PALETTE[i % len(style.PALETTE)],
            hovertext=[
                f"{fmt.month(r['month'])}<br>{name}: {fmt.money(r['collected'])}" for r in part
            ],
            hovertemplate=HOVER,
        )
    fig.update_layout(barmode="stack", showlegend=len(groups) > 1)
    fig.update_xaxes(
        title=t("axis.month"), type="category", categoryorder="array", categoryarray=months
    )
    fig.update_yaxes(title=t("col.collected"))
    if window is not None:
        inside = [
            i for i, m in enumerate(months) if fmt.month(window[0]) <= m <= fmt.month(window[1])
        ]
        style.shade_categories(fig, inside, style.WINDOW_FILL, t("chart.window"))
    return style.layout(fig, title=title, money_axis="y")


def bucket_bars(table: pa.Table, buckets: Sequence[str], measure: str, title: str) -> go.Figure:
    """One snapshot's accounts or balance per delinquency state, coloured by state."""
    if table.num_rows == 0:
        return _empty(title)
    colours = style.bucket_colour_map(list(buckets))
    rows = {r["bucket"]: r for r in table.to_pylist()}
    order = [b for b in vocab.bucket_states(buckets) if b in rows]
    share = "share_balance" if measure == "balance" else "share_accounts"
    kind = "money" if measure == "balance" else "count"
    fig = go.Figure(
        go.Bar(
            x=[_name("bucket", b) for b in order],
            y=[float(rows[b][measure]) for b in order],
            marker_color=[colours[b] for b in order],
            text=[fmt.rate(rows[b][share]) for b in order],
            textposition="outside",
            cliponaxis=False,
            customdata=[[b] for b in order],
            hovertext=[
                f"{_name('bucket', b)}: {_number(rows[b][measure], kind)}"
                f" ({fmt.rate(rows[b][share])})"
                for b in order
            ],
            hovertemplate=HOVER,
        )
    )
    fig.update_xaxes(title=t("col.bucket"))
    fig.update_yaxes(title=t(f"col.{measure}"))
    return style.layout(fig, title=title, money_axis="y" if kind == "money" else None)


def bucket_mix_over_time(
    table: pa.Table, buckets: Sequence[str], share: str, title: str
) -> go.Figure:
    """Share of each delinquency state per snapshot, stacked to 100%."""
    if table.num_rows == 0:
        return _empty(title)
    rows = table.to_pylist()
    colours = style.bucket_colour_map(list(buckets))
    fig = go.Figure()
    for b in vocab.bucket_states(buckets):
        part = [r for r in rows if r["bucket"] == b]
        if not part:
            continue
        name = _name("bucket", b)
        fig.add_bar(
            x=[fmt.day(r["as_of_date"]) for r in part],
            y=[float(r[share]) for r in part],
            name=name,
            marker_color=colours[b],
            hovertext=[f"{fmt.day(r['as_of_date'])}<br>{name}: {fmt.rate(r[share])}" for r in part],
            hovertemplate=HOVER,
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("col.as_of_date"), type="category", nticks=6)
    fig.update_yaxes(title=t(f"col.{share}"))
    return style.layout(fig, title=title, rate_axis="y")


def bucket_donut(table: pa.Table, buckets: Sequence[str], title: str) -> go.Figure:
    """One snapshot's balance by delinquency state, as a donut."""
    if table.num_rows == 0:
        return _empty(title)
    colours = style.bucket_colour_map(list(buckets))
    rows = {r["bucket"]: r for r in table.to_pylist()}
    order = [b for b in vocab.bucket_states(buckets) if b in rows]
    fig = go.Figure(
        go.Pie(
            labels=[_name("bucket", b) for b in order],
            values=[float(rows[b]["balance"]) for b in order],
            marker={"colors": [colours[b] for b in order]},
            hole=0.5,
            insidetextorientation="horizontal",  # a rotated label reads badly
            sort=False,
            text=[fmt.rate(rows[b]["share_balance"]) for b in order],
            textinfo="text",
            textposition="inside",
            hovertext=[
                f"{_name('bucket', b)}: {fmt.money(rows[b]['balance'])}"
                f" ({fmt.rate(rows[b]['share_balance'])})"
                for b in order
            ],
            hovertemplate=HOVER,
        )
    )
    fig = style.layout(fig, title=title)
    fig.update_layout(legend={"orientation": "v", "y": 0.5, "yanchor": "middle", "x": 1.02})
    return fig


def roll_heatmap(
    table: pa.Table,
    buckets: Sequence[str],
    measure: str,
    title: str,
    chosen: tuple[str | None, str | None] = (None, None),
) -> go.Figure:
    """Roll-rate matrix: from-bucket (rows) x state in the next snapshot (columns), shares.

    A click on a cell is a drill-down: Plotly reports no clicks on a heatmap to Streamlit, so
    an invisible marker sits on every cell, carrying (from bucket, to state) as ``customdata``.
    The ``chosen`` cell is outlined."""
    if table.num_rows == 0:
        return _empty(title)
    rows = [b for b in buckets if b in set(table.column("from_bucket").to_pylist())]
    present = set(table.column("to_state").to_pylist())
    cols = [s for s in vocab.bucket_states(buckets) if s in present]
    cell = {(r["from_bucket"], r["to_state"]): r for r in table.to_pylist()}
    z = [[float(cell[(a, b)][measure]) if (a, b) in cell else 0.0 for b in cols] for a in rows]
    text = [[fmt.rate(cell[(a, b)][measure]) if (a, b) in cell else "" for b in cols] for a in rows]
    xs, ys = [_name("bucket", b) for b in cols], [_name("bucket", a) for a in rows]
    _, tick_text = fmt.ticks(0, 1, "rate")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=xs,
            y=ys,
            text=text,
            texttemplate="%{text}",
            colorscale=[list(p) for p in style.HEATMAP_SCALE],
            zmin=0,
            zmax=1,
            colorbar={
                "tickmode": "array",
                "tickvals": fmt.ticks(0, 1, "rate")[0],
                "ticktext": tick_text,
            },
            hoverinfo="skip",
        )
    )
    cells = [(a, b) for a in rows for b in cols if (a, b) in cell]
    fig.add_scatter(
        x=[_name("bucket", b) for _, b in cells],
        y=[_name("bucket", a) for a, _ in cells],
        mode="markers",
        marker={"symbol": "square", "size": 30, "opacity": 0},
        customdata=[[a, b] for a, b in cells],
        hovertext=[
            f"{t('col.from_bucket')}: {_name('bucket', a)}<br>{t('col.to_state')}: "
            f"{_name('bucket', b)}<br>{t('col.share')}: {fmt.rate(cell[(a, b)][measure])}<br>"
            f"{t('col.accounts')}: {fmt.count(cell[(a, b)]['accounts'])}<br>{t('chart.click_cell')}"
            for a, b in cells
        ],
        hovertemplate=HOVER,
        showlegend=False,
        meta="cells",
    )
    if chosen[0] in rows and chosen[1] in cols:
        i, j = rows.index(chosen[0]), cols.index(chosen[1])
        fig.add_shape(
            type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5,
            line={"color": style.BAD, "width": 3},
        )  # fmt: skip
    fig.update_yaxes(title=t("col.from_bucket"), autorange="reversed")
    fig.update_xaxes(title=t("col.to_state"), side="top")
    fig = style.layout(fig, title=title)
    fig.update_layout(
        height=max(style.CHART_HEIGHT, 60 + 38 * len(rows)),
        margin={"t": 90},
        clickmode="event+select",
        dragmode=False,
    )
    return fig


def _vintage_highlights(rows: list[dict[str, Any]]) -> list[str]:
    """The cohorts worth a colour: the latest 3, and the best and the worst at the age that
    at least half of the cohorts have reached (a fair comparison: same months since placement)."""
    cohorts = sorted({r["placement_month"] for r in rows})
    latest = cohorts[-3:]
    ages: dict[int, list[tuple[Decimal, str]]] = {}
    for r in rows:
        if r["recovery_rate"] is not None:
            ages.setdefault(r["months_since_placement"], []).append(
                (r["recovery_rate"], r["placement_month"])
            )
    half = (len(cohorts) + 1) // 2
    reached = [k for k, v in ages.items() if len(v) >= half]
    extremes = []
    if reached:
        at = ages[max(reached)]
        extremes = [max(at)[1], min(at)[1]]
    return sorted(set(latest) | set(extremes))


VINTAGE_ALONE_PX = 10  # the marker of a cohort with one point (it has no line)


def vintage_colours(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The colour of each highlighted cohort of ``vintage`` rows (``_vintage_highlights``); a
    cohort not in it is drawn ``style.OTHER``."""
    shown = _vintage_highlights(rows)
    return dict(zip(shown, style.highlight_colours(len(shown)), strict=True))


def vintage_curves(table: pa.Table, title: str) -> go.Figure:
    """Cumulative recovery rate per placement month by months since placement: the latest 3
    cohorts and the best and worst highlighted, the others grey (one legend entry). A cohort
    with one point (placed in the last month) is a marker, large enough to see, never an
    invisible line of one point; the axis leaves room so that a point on month 0 is whole."""
    if table.num_rows == 0:
        return _empty(title)
    rows = table.to_pylist()
    cohorts = sorted({r["placement_month"] for r in rows})
    shown = _vintage_highlights(rows)
    colours = vintage_colours(rows)
    fig = go.Figure()
    first_other = True
    for cohort in [c for c in cohorts if c not in colours] + shown:  # highlights on top
        part = [r for r in rows if r["placement_month"] == cohort]
        name = _name("", cohort)
        highlighted = cohort in colours
        alone = len(part) == 1  # a cohort one month old: a point, no line to draw
        fig.add_scatter(
            x=[r["months_since_placement"] for r in part],
            y=[float(r["recovery_rate"] or 0) for r in part],
            mode="lines+markers" if highlighted or alone else "lines",
            name=name if highlighted else t("chart.other_cohorts"),
            legendgroup=None if highlighted else "other",
            showlegend=highlighted or first_other,
            line={"color": colours.get(cohort, style.OTHER), "width": 2.5 if highlighted else 1.2},
            marker={"size": VINTAGE_ALONE_PX if alone else 5},
            meta=None if highlighted else "other",
            hovertext=[
                f"{name} +{r['months_since_placement']}: {fmt.rate(r['recovery_rate'])}"
                for r in part
            ],
            hovertemplate=HOVER,
        )
        first_other = first_other and highlighted
    last = max(r["months_since_placement"] for r in rows)
    fig.update_xaxes(  # half a month of room each side: a point on month 0 is drawn whole
        title=t("col.months_since_placement"), dtick=1, range=[-0.5, last + 0.5]
    )
    fig.update_yaxes(title=t("col.recovery_rate"))
    fig = style.layout(fig, title=title, rate_axis="y")
    fig.update_layout(
        legend={
            "orientation": "v",
            "y": 1,
            "x": 1.02,
            "yanchor": "top",
            "title": {"text": t("col.placement_month")},
        },
        margin={"t": 56},
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
            text=[fmt.rate(r[rate]) for r in rows],
            textposition="outside",
            cliponaxis=False,
            marker_color=style.PALETTE[0],
            hovertext=[f"{_name(prefix, r[category])}: {fmt.rate(r[rate])}" for r in rows],
            hovertemplate=HOVER,
        )
    )
    fig.update_xaxes(title=t(f"col.{category}"))
    fig.update_yaxes(title=t(f"col.{rate}"))
    return style.layout(fig, title=title, rate_axis="y")


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
            hovertext=[f"{_name(prefix, r[category])}: {fmt.money(r[value])}" for r in rows],
            hovertemplate=HOVER,
        )
    )
    fig.update_xaxes(title=t(f"col.{value}"))
    fig.update_yaxes(title=None, type="category")
    fig = style.layout(fig, title=title, money_axis="x")
    fig.update_layout(height=max(style.CHART_HEIGHT, 80 + 24 * len(rows)))
    return fig


def metric_bars(
    table: pa.Table, category: str, metric: str, title: str, chosen: str | None = None
) -> go.Figure:
    """Any metric (money, rate or count) per category as horizontal bars, in table order; a
    click on a bar picks its category (``customdata``), the ``chosen`` one is outlined."""
    if table.num_rows == 0:
        return _empty(title)
    kind = _kind(table.schema.field(metric))
    rows, title = _top(table.to_pylist(), style.TOP_N, title)
    rows.reverse()  # the first row at the top of a horizontal bar chart
    fig = go.Figure(
        go.Bar(
            y=[_name("", r[category]) for r in rows],
            x=[float(r[metric] or 0) for r in rows],
            orientation="h",
            marker={
                "color": style.PALETTE[0],
                "line": {
                    "color": [
                        style.BAD if r[category] == chosen else style.PALETTE[0] for r in rows
                    ],
                    "width": [3 if r[category] == chosen else 0 for r in rows],
                },
            },
            customdata=[[r[category]] for r in rows],
            hovertext=[f"{_name('', r[category])}: {_number(r[metric], kind)}" for r in rows],
            hovertemplate=HOVER,
        )
    )
    fig.update_xaxes(title=t(f"col.{metric}"))
    fig.update_yaxes(title=None, type="category")
    fig = style.layout(
        fig,
        title=title,
        money_axis="x" if kind == "money" else None,
        rate_axis="x" if kind == "rate" else None,
    )
    fig.update_layout(
        height=max(style.CHART_HEIGHT, 80 + 22 * len(rows)),
        clickmode="event+select",
        dragmode=False,
    )
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
            text=[fmt.rate(r[m]) for r in rows],
            textposition="outside",
            cliponaxis=False,
            hovertext=[f"{_name('', r[category])}: {t(f'col.{m}')} {fmt.rate(r[m])}" for r in rows],
            hovertemplate=HOVER,
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=t(f"col.{category}"))
    return style.layout(fig, title=title, rate_axis="y")


STAGES = (  # (numerator, denominator) of each stage rate of the contact path
    ("right_party_contacts", "contacts"),
    ("promises", "right_party_contacts"),
    ("promises_kept", "promises"),
)


def stage_rates(row: dict[str, Any], title: str) -> go.Figure:
    """The contact path as stage rates, each stage over the one before (right-party /
    contacts, promises / right-party, kept / promises), with the counts. Paying accounts are
    no stage (an account can pay without a promise): the page says them beside the chart,
    never as a narrower funnel step."""
    if not row.get("contacts"):
        return _empty(title)
    names, values, texts, hovers = [], [], [], []
    for top, base in STAGES:
        n, d = int(row.get(top) or 0), int(row.get(base) or 0)
        value = n / d if d else 0.0
        exact = Decimal(n) / Decimal(d) if d else None
        names.append(t(f"stage.{top}"))
        values.append(value)
        texts.append(f"{fmt.rate(exact)}  ({fmt.count(n)} / {fmt.count(d)})")
        hovers.append(f"{t(f'stage.{top}')}: {fmt.count(n)} / {fmt.count(d)} = {fmt.rate(exact)}")
    fig = go.Figure(
        go.Bar(
            y=names,
            x=values,
            orientation="h",
            text=texts,
            textposition="auto",
            marker_color=[style.PALETTE[i] for i in range(len(values))],
            hovertext=hovers,
            hovertemplate=HOVER,
            meta="stages",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig = style.layout(fig, title=title)
    values, texts = fmt.ticks(0, 1, "rate", target=4)
    fig.update_xaxes(tickmode="array", tickvals=values, ticktext=texts, range=[0, 1])
    return fig


def share_pie(
    table: pa.Table, category: str, value: str, title: str, prefix: str = ""
) -> go.Figure:
    """Shares of a total per category (e.g. contacts per channel), as a donut."""
    if table.num_rows == 0:
        return _empty(title)
    kind = _kind(table.schema.field(value))
    totals: dict[str, Any] = {}
    for r in table.to_pylist():
        totals[r[category]] = totals.get(r[category], 0) + (r[value] or 0)
    keys = sorted(totals, key=lambda k: -totals[k])
    whole = sum(totals.values())
    shares = [Decimal(totals[k]) / Decimal(whole) if whole else None for k in keys]
    fig = go.Figure(
        go.Pie(
            labels=[_name(prefix, k) for k in keys],
            values=[float(totals[k]) for k in keys],
            hole=0.5,
            insidetextorientation="horizontal",  # a rotated label reads badly
            sort=False,
            marker={"colors": [style.PALETTE[i % len(style.PALETTE)] for i in range(len(keys))]},
            text=[
                f"{_name(prefix, k)}<br>{fmt.rate(s)}" for k, s in zip(keys, shares, strict=True)
            ],
            textinfo="text",
            hovertext=[
                f"{_name(prefix, k)}: {_number(totals[k], kind)} ({fmt.rate(s)})"
                for k, s in zip(keys, shares, strict=True)
            ],
            hovertemplate=HOVER,
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
            hovertext=[
                f"{_name('', a)} · {_name('rule', rule)}: {fmt.count(counts.get(a, 0))}"
                for a in agents
            ],
            hovertemplate=HOVER,
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("col.agent_id"), type="category")
    fig.update_yaxes(title=t("col.violations"))
    return style.layout(fig, title=title)


def _hatched_bar(
    fig: go.Figure,
    agents: list[str],
    rows: list[dict[str, Any]],
    amount: Callable[[dict[str, Any]], Decimal],
    key: str,
    colour: str,
    shape: str,
    fill: str,
    meta: str,
) -> None:
    """A hatched bar per agent of ``amount`` (what is not paid: above the cap, a deficit)."""
    fig.add_bar(
        x=agents,
        y=[float(amount(r)) for r in rows],
        name=t(key),
        marker={
            "color": fill,
            "line": {"color": colour, "width": 1},
            "pattern": {"shape": shape, "fgcolor": colour, "size": 6},
        },
        hovertext=[f"{_name('', r['agent_id'])}: {t(key)} {fmt.money(amount(r))}" for r in rows],
        hovertemplate=HOVER,
        meta=meta,
    )


def payout_bars(table: pa.Table, title: str) -> go.Figure:
    """What each agent is paid, and what the plan did not pay: the paid amount solid, the
    part of the total above the cap hatched on top of it (cut, not paid), a negative total
    hatched below zero (nothing paid, the deficit carried into the next month), the cap a
    tick. The components are in the hover. The largest payouts first when there are more
    agents than ``style.TOP_N``."""
    if table.num_rows == 0:
        return _empty(title)
    rows = table.to_pylist()
    if len(rows) > style.TOP_N:
        rows = sorted(rows, key=lambda r: r["payout"] or 0, reverse=True)
    rows, title = _top(rows, style.TOP_N, title)
    agents = [_name("", r["agent_id"]) for r in rows]
    zero = Decimal("0.00")

    def cut(r: dict[str, Any]) -> Decimal:
        return (r["total"] or zero) - (r["payout"] or zero) if r["cap_applied"] else zero

    def deficit(r: dict[str, Any]) -> Decimal:
        return min(r["total"] or zero, zero)

    parts = ("base_after_compliance", "team_bonus", "early_bonus", "carried_in")
    hover = [
        "<br>".join(
            [f"<b>{_name('', r['agent_id'])}</b>"]
            + [f"{t(f'col.{p}')}: {fmt.money(r[p])}" for p in parts]
            + [f"{t('col.total')}: {fmt.money(r['total'])}"]
            + ([f"{t('col.cap')}: {fmt.money(r['cap'])}"] if r["cap"] is not None else [])
            + [f"<b>{t('col.payout')}: {fmt.money(r['payout'])}</b>"]
        )
        for r in rows
    ]
    fig = go.Figure()
    fig.add_bar(
        x=agents,
        y=[float(r["payout"] or 0) for r in rows],
        name=t("pay.paid"),
        marker_color=style.PALETTE[0],
        hovertext=hover,
        hovertemplate=HOVER,
        meta="paid",
    )
    above, grey = "rgba(199, 62, 29, 0.15)", "rgba(127, 140, 141, 0.15)"
    _hatched_bar(fig, agents, rows, cut, "pay.above_cap", style.BAD, "/", above, "cut")
    closed = style.CLOSED_COLOUR
    _hatched_bar(fig, agents, rows, deficit, "pay.deficit", closed, "x", grey, "deficit")
    capped = [r for r in rows if r["cap"] is not None]
    fig.add_scatter(
        x=[_name("", r["agent_id"]) for r in capped],
        y=[float(r["cap"]) for r in capped],
        mode="markers",
        name=t("col.cap"),
        marker={"symbol": "line-ew-open", "size": 22, "color": style.BAD, "line": {"width": 2}},
        hovertext=[
            f"{_name('', r['agent_id'])}: {t('col.cap')} {fmt.money(r['cap'])}" for r in capped
        ],
        hovertemplate=HOVER,
        meta="cap",
    )
    fig.update_layout(barmode="relative")
    fig.update_xaxes(title=t("col.agent_id"), type="category")
    return style.layout(fig, title=title, money_axis="y")


def gain_loss_bars(table: pa.Table, title: str) -> go.Figure:
    """Who gains and who loses under a candidate plan (a what-if's agents, ``difference`` =
    candidate - current): one horizontal bar per agent whose payout changes, gains and losses
    in two colours, sorted from the largest gain (top) to the largest loss (bottom); the two
    payouts in the hover. The largest changes when more than ``style.TOP_N`` agents change."""
    rows = [r for r in table.to_pylist() if r["difference"]]
    if not rows:
        fig = _empty(title)
        fig.update_annotations(text=t("pay.whatif_no_change"))
        return fig
    if len(rows) > style.TOP_N:
        rows = sorted(rows, key=lambda r: abs(r["difference"]), reverse=True)
    rows, title = _top(rows, style.TOP_N, title)
    rows.sort(
        key=lambda r: (r["difference"], r["agent_id"])
    )  # Plotly draws the first at the bottom
    fig = go.Figure()
    for sign, key, colour in (
        (1, "pay.whatif_gains", style.GOOD),
        (-1, "pay.whatif_losses", style.BAD),
    ):
        part = [r for r in rows if (r["difference"] > 0) == (sign > 0)]
        fig.add_bar(
            y=[_name("", f"{r['agent_id']} {r['agent_name'] or ''}".strip()) for r in part],
            x=[float(r["difference"]) for r in part],
            orientation="h",
            name=t(key),
            marker_color=colour,
            text=[fmt.money(r["difference"], sign=True) for r in part],
            textposition="auto",
            hovertext=[
                "<br>".join(
                    [
                        f"<b>{_name('', r['agent_id'])}</b> {_name('', r['agent_name'] or '')}",
                        f"{t('col.payout_current')}: {fmt.money(r['payout_current'])}",
                        f"{t('col.payout_candidate')}: {fmt.money(r['payout_candidate'])}",
                        f"<b>{t('col.difference')}: {fmt.money(r['difference'], sign=True)}</b>",
                    ]
                )
                for r in part
            ],
            hovertemplate=HOVER,
            meta="gains" if sign > 0 else "losses",
        )
    fig.update_layout(barmode="relative")  # one bar per agent: it is in one trace only
    order = [_name("", f"{r['agent_id']} {r['agent_name'] or ''}".strip()) for r in rows]
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order)
    fig.update_xaxes(title=t("col.difference"), zeroline=True)
    return style.layout(fig, title=title, money_axis="x")


def kept_by_installment(table: pa.Table, title: str) -> go.Figure:
    """The kept rate of plan installments by installment number (1st, 2nd, ...), or by the
    account's bucket when the plan was agreed, one line per plan type (``plan-summary`` with
    either ``by``): where plans start to break."""
    if table.num_rows == 0:
        return _empty(title)
    by_bucket = "bucket_at_creation" in table.column_names
    group = "bucket_at_creation" if by_bucket else "installment_no"
    fig = go.Figure()
    rows = table.to_pylist()
    types = [p for p in vocab.PLAN_TYPES if any(r["plan_type"] == p for r in rows)]
    for i, plan_type in enumerate(types):
        mine = [r for r in rows if r["plan_type"] == plan_type and r["kept_rate"] is not None]
        name = safe.svg(label("plan_type", plan_type))
        where = [_plan_group(r[group], by_bucket) for r in mine]
        fig.add_scatter(
            x=where,
            y=[float(r["kept_rate"]) for r in mine],
            mode="lines+markers",
            name=name,
            line={"color": style.PALETTE[i % len(style.PALETTE)]},
            hovertext=[
                f"{name} {w}: {fmt.rate(r['kept_rate'])} "
                f"({fmt.count(r['kept'])} / {fmt.count(r['decided'])})"
                for w, r in zip(where, mine, strict=True)
            ],
            hovertemplate=HOVER,
        )
    if by_bucket:
        fig.update_xaxes(title=t("col.bucket_at_creation"), type="category")
    else:
        fig.update_xaxes(title=t("col.installment_no"), dtick=1)
    fig.update_yaxes(title=t("cases.kept_rate"))
    return style.layout(fig, title=title, rate_axis="y")


def _plan_group(value: object, by_bucket: bool) -> object:
    """A plan-summary group as an axis shows it: an installment number, or a bucket's name
    (the plans with no snapshot before they were agreed under a name of their own)."""
    if not by_bucket:
        return value
    return safe.svg(str(value)) if value is not None else t("cases.no_bucket")
