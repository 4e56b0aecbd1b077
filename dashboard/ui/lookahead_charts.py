"""Plotly figures of what lies ahead (issue 15): the vintage curves continued by the chain
ladder, the open balance per bucket rolled forward by the roll rates, the balance heading for
write-off, the collections expected per month, and when calls reach people with the hours the
contact rules forbid greyed.

The house rules of ``charts`` hold here (exact tables in, money to float for drawing only,
labels translated, data values through ``safe.svg``, numbers through ``fmt``). A projection
never looks like a fact: a projected line is dashed, a projected bar lighter and hatched, and
every projected point says "projected" in its hover; the legend has one entry that says what
dashed (or hatched) means.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import pyarrow as pa

from dashboard.ui import charts, fmt, safe, style
from dashboard.ui.charts import HOVER, data_name, empty
from dashboard.ui.i18n import t

PROJECTION = "projection"  # meta of a cohort's projected segment
PROJECTED_KEY = "projected_key"  # meta of the legend entry that says what dashed means
FORBIDDEN = "forbidden"  # meta of the grey layer of the timing heatmap


def projected_segments(forecast: pa.Table, through: int) -> dict[str, list[dict[str, Any]]]:
    """Per cohort of a ``forecast-recovery`` table, the line to draw dashed: its last actual
    row, then its projected rows up to ``through`` months since placement (a cohort without
    a projected row there has none)."""
    last: dict[str, dict[str, Any]] = {}
    ahead: dict[str, list[dict[str, Any]]] = {}
    for r in forecast.to_pylist():
        cohort = r["placement_month"]
        if not r["is_projection"]:
            last[cohort] = r  # rows come in order of months since placement
        elif r["months_since_placement"] <= through:
            ahead.setdefault(cohort, []).append(r)
    return {c: [last[c], *rows] for c, rows in sorted(ahead.items()) if c in last}


def oldest_age(forecast: pa.Table) -> int:
    """The oldest cohort's age (months since placement) among the actual rows: past it no
    cohort shows how a curve develops, and the chain ladder keeps it flat."""
    return max(
        (r["months_since_placement"] for r in forecast.to_pylist() if not r["is_projection"]),
        default=0,
    )


def vintage_projected(vintage: pa.Table, forecast: pa.Table | None, title: str) -> go.Figure:
    """``charts.vintage_curves`` with each cohort's chain-ladder projection drawn on from its
    last actual point, dashed, in the cohort's colour (grey for the grey cohorts), up to the
    oldest cohort's age (``oldest_age``); one legend entry says what dashed means and hides
    or shows every projection. Without a forecast, the curves alone."""
    fig = charts.vintage_curves(vintage, title)
    if forecast is None or vintage.num_rows == 0 or forecast.num_rows == 0:
        return fig
    colours = charts.vintage_colours(vintage.to_pylist())
    projected = t("chart.projected")
    under: list[go.Scatter] = []
    over: list[go.Scatter] = []
    for cohort, part in projected_segments(forecast, oldest_age(forecast)).items():
        highlighted = cohort in colours
        name = data_name("", cohort)
        first = part[0]
        hover = [f"{name} +{first['months_since_placement']}: {fmt.rate(first['recovery_rate'])}"]
        hover += [
            f"{name} +{r['months_since_placement']}: {fmt.rate(r['recovery_rate'])} "
            f"({projected})<br>{t('col.expected_future')}: {fmt.money(r['expected_future'])}"
            for r in part[1:]
        ]
        trace = go.Scatter(
            x=[r["months_since_placement"] for r in part],
            y=[float(r["recovery_rate"] or 0) for r in part],
            mode="lines",
            name=f"{name} ({projected})",
            legendgroup=PROJECTION,
            showlegend=False,
            line={
                "color": colours.get(cohort, style.OTHER),
                "width": 2.5 if highlighted else 1.2,
                "dash": style.PROJECTED_DASH,
            },
            meta=PROJECTION,
            customdata=[cohort] * len(part),
            hovertext=hover,
            hovertemplate=HOVER,
        )
        (over if highlighted else under).append(trace)
    if not under and not over:
        return fig
    key = go.Scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=t("chart.projected_dashed"),
        legendgroup=PROJECTION,
        line={"color": style.PROJECTED_KEY, "width": 2, "dash": style.PROJECTED_DASH},
        meta=PROJECTED_KEY,
        hoverinfo="skip",
    )
    out = go.Figure(data=[*under, *fig.data, *over, key], layout=fig.layout)
    style.number_axis(out, "y", "rate")  # the projections reach higher
    return out


def _projected_look(projected: list[bool], colour: str) -> dict[str, Any]:
    """A bar marker whose projected points are lighter and hatched (light lines over the
    colour, so that a thin bar still shows its colour)."""
    return {
        "color": colour,
        "opacity": [style.PROJECTED_OPACITY if p else 1.0 for p in projected],
        "pattern": {
            "shape": [style.PROJECTED_PATTERN if p else "" for p in projected],
            "fgcolor": style.PROJECTED_HATCH,
            "fillmode": "overlay",
            "size": 6,
        },
    }


def _shade_projected(fig: go.Figure, projected: list[bool]) -> None:
    """The projected categories of a category axis shaded, labelled "projected"."""
    inside = [i for i, p in enumerate(projected) if p]
    style.shade_categories(fig, inside, style.PROJECTION_FILL, t("chart.projected"))


def balance_projected(table: pa.Table, buckets: Sequence[str], title: str) -> go.Figure:
    """A ``forecast-balance`` table: the open balance per bucket (stacked) at each snapshot,
    then at each projected month end, those lighter and hatched, in a shaded band."""
    if table.num_rows == 0:
        return empty(title)
    rows = table.to_pylist()
    dates = sorted({r["as_of_date"] for r in rows})
    is_projected = {r["as_of_date"]: r["is_projection"] for r in rows}
    colours = style.bucket_colour_map(list(buckets))
    projected = t("chart.projected")
    fig = go.Figure()
    for b in buckets:
        part = sorted((r for r in rows if r["bucket"] == b), key=lambda r: r["as_of_date"])
        if not part:
            continue
        name = data_name("bucket", b)
        flags = [r["is_projection"] for r in part]
        fig.add_bar(
            x=[fmt.day(r["as_of_date"]) for r in part],
            y=[float(r["balance"]) for r in part],
            name=name,
            marker=_projected_look(flags, colours[b]),
            customdata=[[b, r["is_projection"]] for r in part],
            hovertext=[
                f"{fmt.day(r['as_of_date'])}{f' ({projected})' if r['is_projection'] else ''}"
                f"<br>{name}: {fmt.money(r['balance'])}"
                for r in part
            ],
            hovertemplate=HOVER,
            meta=b,
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(
        title=t("col.as_of_date"),
        type="category",
        categoryorder="array",
        categoryarray=[fmt.day(d) for d in dates],
        nticks=12,
    )
    fig.update_yaxes(title=t("col.balance"))
    _shade_projected(fig, [is_projected[d] for d in dates])
    return style.layout(fig, title=title, money_axis="y")


def write_off_bars(table: pa.Table, buckets: Sequence[str], title: str) -> go.Figure:
    """The balance a ``forecast-balance`` table projects to roll into the last of ``buckets``
    in each projected month (that bucket's ``inflow``: the write-off candidates), hatched."""
    last_bucket = buckets[-1]
    rows = [r for r in table.to_pylist() if r["is_projection"] and r["bucket"] == last_bucket]
    if not rows:
        return empty(title)
    colour = style.bucket_colour_map(list(buckets))[last_bucket]
    name = data_name("bucket", last_bucket)
    fig = go.Figure(
        go.Bar(
            x=[fmt.month(r["as_of_date"]) for r in rows],
            y=[float(r["inflow"]) for r in rows],
            marker=_projected_look([True] * len(rows), colour),
            customdata=[[fmt.day(r["as_of_date"])] for r in rows],
            hovertext=[
                f"{fmt.month(r['as_of_date'])} ({t('chart.projected')})<br>"
                f"{t('delinq.write_off_hover', bucket=name)}: {fmt.money(r['inflow'])}"
                for r in rows
            ],
            hovertemplate=HOVER,
            meta="write_off",
        )
    )
    fig.update_xaxes(title=t("col.month"), type="category", nticks=8)
    fig.update_yaxes(title=t("col.inflow"))
    return style.layout(fig, title=title, money_axis="y")


def expected_bars(table: pa.Table, title: str) -> go.Figure:
    """The collections expected per calendar month (``forecasts.expected_by_month``)."""
    if table.num_rows == 0:
        return empty(title)
    rows = table.to_pylist()
    fig = go.Figure(
        go.Bar(
            x=[r["month"] for r in rows],
            y=[float(r["expected"]) for r in rows],
            marker=_projected_look([True] * len(rows), style.PALETTE[0]),
            hovertext=[
                f"{r['month']} ({t('chart.projected')}): {fmt.money(r['expected'])}" for r in rows
            ],
            hovertemplate=HOVER,
        )
    )
    fig.update_xaxes(title=t("col.month"), type="category")
    fig.update_yaxes(title=t("col.expected_in_month"))
    return style.layout(fig, title=title, money_axis="y")


HOURS = tuple(range(24))


def _rate_or_none(row: dict | None, measure: str) -> float | None:
    """A cell's rate for drawing, None (no colour) without contacts or without a rate."""
    if row is None or row[measure] is None:
        return None
    return float(row[measure])


def timing_heatmap(
    grid: pa.Table,
    title: str,
    outside: Sequence[int],
    allowed: str,
    measure: str = "rpc_rate",
) -> go.Figure:
    """The right-party rate (or, ``measure="promise_rate"``, the promise rate) by day of the
    week (rows, Monday first) and hour of the day (all 24 columns) of
    ``kpi_breakdowns.timing_grid``: when calling reaches people. The hours in ``outside``
    (``compliance.hours_outside``: a contact then can break the contact-hours rule) are grey,
    whatever their rate; their hover still gives it, and ``allowed``."""
    if grid.num_rows == 0:
        return empty(title)
    cell = {(r["weekday"], r["hour"]): r for r in grid.to_pylist()}
    days = list(range(1, 8))
    banned = set(outside)

    def hover(d: int, h: int, extra: str = "") -> str:
        head = f"{t(f'weekday.{d}')} {h:02d}:00{extra}"
        if (d, h) not in cell:
            return f"{head} · {t('col.contacts')} 0"
        r = cell[(d, h)]
        return (
            f"{head} · {t(f'col.{measure}')} {fmt.rate(r[measure])} · {t('col.contacts')} "
            f"{fmt.count(r['contacts'])}"
        )

    z = [
        [_rate_or_none(cell.get((d, h)), measure) if h not in banned else None for h in HOURS]
        for d in days
    ]  # fmt: skip
    xs, ys = [f"{h:02d}" for h in HOURS], [t(f"weekday.{d}") for d in days]
    tick_vals, tick_text = fmt.ticks(0, 1, "rate")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=xs,
            y=ys,
            hovertext=[[hover(d, h) for h in HOURS] for d in days],
            hovertemplate=HOVER,
            hoverongaps=False,
            colorscale=[list(p) for p in style.HEATMAP_SCALE],
            zmin=0,
            zmax=1,
            colorbar={"tickmode": "array", "tickvals": tick_vals, "ticktext": tick_text},
        )
    )
    if banned:
        note = f"<br>{t('agents.timing_outside', allowed=safe.svg(allowed))}"
        fig.add_heatmap(
            z=[[1 if h in banned else None for h in HOURS] for _ in days],
            x=xs,
            y=ys,
            hovertext=[[hover(d, h, note) for h in HOURS] for d in days],
            hovertemplate=HOVER,
            hoverongaps=False,
            colorscale=[[0, style.FORBIDDEN_FILL], [1, style.FORBIDDEN_FILL]],
            showscale=False,
            zmin=0,
            zmax=1,
            meta=FORBIDDEN,
        )
    fig.update_yaxes(title=t("col.weekday"), autorange="reversed")
    fig.update_xaxes(title=t("col.hour"), type="category")
    fig.update_layout(showlegend=False)  # the grey layer is no series: no room for a legend
    return style.layout(fig, title=title)
