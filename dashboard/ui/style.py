"""One look for every page: palette, number and currency formats, Plotly layout defaults.

Pages never hold colours or format strings; they ask this module. Money is formatted from
exact ``Decimal`` values (no float rounding in what a person reads); charts get floats, which is
fine for drawing. The currency symbol is configurable with ``DASHBOARD_CURRENCY`` (default ¥).
Colours are mid-tone so that they read on both the light and the dark Streamlit theme; charts
are drawn with ``theme="streamlit"`` so backgrounds and text follow the active theme.
"""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

CURRENCY_ENV = "DASHBOARD_CURRENCY"
DEFAULT_CURRENCY = "¥"

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
COHORT_SCALE = "Plasma"
CHART_HEIGHT = 360
TOP_N = 25  # bar charts show at most this many categories (the tables hold every row)


def currency() -> str:
    """The currency symbol shown with money (``$DASHBOARD_CURRENCY``, default ¥)."""
    return os.environ.get(CURRENCY_ENV, "").strip() or DEFAULT_CURRENCY


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value: Any, *, sign: bool = False) -> str:
    """Money with the currency symbol and thousands separators: ¥1,234.50 (exact)."""
    if value is None:
        return "–"
    d = _dec(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    prefix = "-" if d < 0 else ("+" if sign and d > 0 else "")
    return f"{prefix}{currency()}{abs(d):,.2f}"


def count(value: Any, *, sign: bool = False) -> str:
    """A whole number with thousands separators."""
    if value is None:
        return "–"
    n = int(value)
    return f"{n:+,d}" if sign else f"{n:,d}"


def percent(value: Any, *, places: int = 1) -> str:
    """A rate (0.2466) as a percentage (24.7%)."""
    if value is None:
        return "–"
    d = (_dec(value) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{d:,.{places}f}%"


def points(value: Any, unit: str, *, places: int = 1) -> str:
    """A change of a rate in percentage points, signed: +0.9 pp."""
    if value is None:
        return ""
    d = (_dec(value) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{d:+.{places}f} {unit}"


def money_format() -> str:
    """printf format for money columns in st.dataframe / st.column_config."""
    return f"{currency()}%,.2f"


COUNT_FORMAT = "%,d"
RATE_FORMAT = "percent"
FACTOR_FORMAT = "%.4f"


def cohort_colours(n: int) -> list[str]:
    """n colours along a sequential scale that reads on light and dark backgrounds."""
    if n <= 1:
        return [PALETTE[0]]
    return sample_colorscale(COHORT_SCALE, [0.1 + 0.78 * i / (n - 1) for i in range(n)])


def bucket_colour_map(buckets: list[str]) -> dict[str, str]:
    """Colour per delinquency state: configured buckets in order, then Closed and Missing."""
    colours = {b: BUCKET_COLOURS[min(i, len(BUCKET_COLOURS) - 1)] for i, b in enumerate(buckets)}
    return colours | {"Closed": CLOSED_COLOUR, "Missing": MISSING_COLOUR}


def _has_top_legend(fig: go.Figure) -> bool:
    if fig.layout.showlegend is False or not fig.data:
        return False
    return len(fig.data) > 1 and not isinstance(fig.data[0], go.Pie)


def layout(fig: go.Figure, *, title: str, money_axis: str | None = None) -> go.Figure:
    """Common layout: title, legend above the plot, margins, money/percent axis formats.

    Args:
        fig: the figure.
        title: chart title (already translated).
        money_axis: "x" or "y" when that axis carries money.
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
        margin={"l": 10, "r": 10, "t": 96 if _has_top_legend(fig) else 56, "b": 10},
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
    if money_axis == "y":
        fig.update_yaxes(tickprefix=currency(), tickformat=",.0f")
    elif money_axis == "x":
        fig.update_xaxes(tickprefix=currency(), tickformat=",.0f")
    return fig


# Metric values: a little smaller than Streamlit's default so that money with cents
# (¥34,775,943.57) fits a quarter of the page.
CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 1.75rem; }
/* A sidebar filter the page does not use (ui.filters): greyed and not clickable. Not
   disabled=True: a disabled bound widget loses its URL parameter on a page switch. */
[class*="st-key-filter_"]:has([class*="st-key-unused_"]) { opacity: 0.45; }
[class*="st-key-filter_"]:has([class*="st-key-unused_"]) * { pointer-events: none; }
</style>
"""


def hover_money() -> str:
    """A Plotly hover number format for money (d3)."""
    return currency() + "%{y:,.2f}"
