"""One look for every page: palette, Plotly layout defaults, the page CSS.

Pages never hold colours or format strings; they ask this module, and numbers go through
``dashboard.ui.fmt`` (the one formatter: cards, tables, ticks and hovers). Colours are mid-tone
so that they read on both the light and the dark Streamlit theme; charts are drawn with
``theme="streamlit"`` so backgrounds and text follow the active theme.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard import vocab
from dashboard.ui import fmt
from dashboard.ui.fmt import count, currency, money

__all__ = ["count", "currency", "money"]  # kept for callers elsewhere; new code uses fmt

# Categorical palette (portfolios, teams, channels, rules ...): distinct in light and dark.
PALETTE = (
    "#2E86AB",
    "#F18F01",
    "#3BB273",
    "#C73E1D",
    "#7768AE",
    "#E15A97",
    "#1B998B",
    "#D4A017",
    "#5D8AA8",
    "#9C6644",
)
# Delinquency states, from good (green) to bad (dark red); Closed and Missing neutral.
BUCKET_COLOURS = (
    "#3BB273",
    "#A6C94F",
    "#E9C23B",
    "#F4A259",
    "#EE7B3A",
    "#E0502E",
    "#C0301F",
    "#8E1B10",
)
CLOSED_COLOUR = "#7F8C8D"
MISSING_COLOUR = "#B8C2CC"
GOOD = "#3BB273"
BAD = "#C73E1D"
HEATMAP_SCALE = ((0.0, "#EAF2FB"), (0.35, "#8DB7E0"), (1.0, "#1F4E8C"))
# The few highlighted series of a busy chart (vintage cohorts), and the grey of the rest.
HIGHLIGHT = ("#2E86AB", "#F18F01", "#3BB273", "#C73E1D", "#7768AE", "#E15A97")
OTHER = "rgba(127, 140, 141, 0.35)"
WINDOW_FILL = "rgba(46, 134, 171, 0.10)"  # the chosen date window, marked on trends
# What a forecast projects: dashed lines, lighter hatched bars, its months shaded; the hours
# the contact rules forbid, greyed on the timing heatmap.
PROJECTED_DASH = "dash"
PROJECTED_OPACITY = 0.6
PROJECTED_PATTERN = "/"
PROJECTED_HATCH = "rgba(255, 255, 255, 0.8)"  # the hatch lines over a projected bar's colour
PROJECTED_KEY = "#7F8C8D"  # the legend's "projected" line (the cohorts keep their colours)
PROJECTION_FILL = "rgba(127, 140, 141, 0.10)"
FORBIDDEN_FILL = "#9AA3A8"
CHART_HEIGHT = 360
TOP_N = 25  # bar charts show at most this many categories (the tables hold every row)


def highlight_colours(n: int) -> list[str]:
    """n distinct colours for the few series a chart highlights (the rest is ``OTHER``)."""
    return [HIGHLIGHT[i % len(HIGHLIGHT)] for i in range(n)]


def bucket_colour_map(buckets: list[str]) -> dict[str, str]:
    """Colour per delinquency state: configured buckets in order, then Closed and Missing."""
    colours = {b: BUCKET_COLOURS[min(i, len(BUCKET_COLOURS) - 1)] for i, b in enumerate(buckets)}
    return colours | {vocab.CLOSED: CLOSED_COLOUR, vocab.MISSING: MISSING_COLOUR}


def _has_top_legend(fig: go.Figure) -> bool:
    if fig.layout.showlegend is False or not fig.data:
        return False
    return len(fig.data) > 1 and not isinstance(fig.data[0], go.Pie)


def _extent(fig: go.Figure, axis: str) -> tuple[float, float]:
    """The data range drawn along an axis (stacked bars add up per category)."""
    stacked = fig.layout.barmode in ("stack", "relative")
    low, high = 0.0, 0.0
    pos: dict[Any, float] = {}
    neg: dict[Any, float] = {}
    for trace in fig.data:
        values = getattr(trace, axis, None)
        if values is None or isinstance(trace, go.Pie):
            continue
        other = getattr(trace, "y" if axis == "x" else "x", None) or [None] * len(values)
        for cat, v in zip(other, values, strict=False):
            if not isinstance(v, (int, float)):
                continue
            if stacked and isinstance(trace, go.Bar):
                side = pos if v >= 0 else neg
                side[cat] = side.get(cat, 0.0) + v
            else:
                low, high = min(low, v), max(high, v)
    # rounded: shares stacked to 100% add up to 1.0000000001 in floats, not to a new tick
    return round(min([low, *neg.values()]), 9), round(max([high, *pos.values()]), 9)


def number_axis(fig: go.Figure, axis: str, kind: str) -> None:
    """Ticks of a money or rate axis from ``fmt`` (the cards' and tables' rules)."""
    low, high = _extent(fig, axis)
    values, texts = fmt.ticks(low, high, kind)
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(tickmode="array", tickvals=values, ticktext=texts, range=[values[0], values[-1]])


def shade_categories(fig: go.Figure, inside: list[int], fill: str, text: str) -> None:
    """Shade the span of a category axis from the first to the last of the positions
    ``inside`` (nothing when empty), labelled ``text`` (already translated) at its top left."""
    if not inside:
        return
    fig.add_vrect(
        x0=inside[0] - 0.5,
        x1=inside[-1] + 0.5,
        fillcolor=fill,
        line_width=0,
        layer="below",
        annotation_text=text,
        annotation_position="top left",
        annotation_font_size=11,
    )


def layout(
    fig: go.Figure, *, title: str, money_axis: str | None = None, rate_axis: str | None = None
) -> go.Figure:
    """Common layout: title, legend above the plot, margins, money/rate axis ticks.

    Args:
        fig: the figure.
        title: chart title (already translated).
        money_axis: "x" or "y" when that axis carries money.
        rate_axis: "x" or "y" when that axis carries a rate.
    """
    fig.update_layout(
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 0.98,
            "yanchor": "top",
            "yref": "container",
            "pad": {"l": 4},
        },
        height=CHART_HEIGHT,
        margin={"l": 10, "r": 24, "t": 96 if _has_top_legend(fig) else 56, "b": 10},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "x": 0,
            "title": None,
            "traceorder": "normal",
        },
        hoverlabel={"namelength": -1},
        separators=".,",
    )
    if money_axis:
        number_axis(fig, money_axis, "money")
    if rate_axis:
        number_axis(fig, rate_axis, "rate")
    return fig


# Metric values: a little smaller than Streamlit's default (cards hold compact money,
# ``fmt.money_short``, so that a value fits a quarter of the page at 1280 px).
CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 1.75rem; }
/* A sidebar filter the page does not use (ui.filters): greyed and not clickable. Not
   disabled=True: a disabled bound widget loses its URL parameter on a page switch. */
[class*="st-key-filter_"]:has([class*="st-key-unused_"]) { opacity: 0.45; }
[class*="st-key-filter_"]:has([class*="st-key-unused_"]) * { pointer-events: none; }
</style>
"""
