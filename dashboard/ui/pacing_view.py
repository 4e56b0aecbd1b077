"""This month's pacing against target on the Overview page (domain.md, "pacing"): the total
as cards, and a bullet chart per team — collected to date and the month projected from the
previous months' pace, each as a share of the team's target, the target itself at 100 %.
Reads the ``pacing`` report through ``reads``; no rule here."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from dashboard.engine.kpi_common import Filters, ReportError
from dashboard.ui import blocks, fmt, page, reads, safe, style
from dashboard.ui.charts import HOVER
from dashboard.ui.filters import ViewFilters
from dashboard.ui.i18n import label, t


def _share(value: Any, target: Any) -> float | None:
    """``value`` as a share of ``target``, for drawing only (None when either is missing)."""
    if value is None or not target:
        return None
    return float(value / target)


def _projected_text(team: str, r: dict[str, Any]) -> str:
    if r["projected"] is None:
        why = label("no_projection", r["no_projection"])
        return t("pacing.hover_no_projection", team=team, why=why)
    return t(
        "pacing.hover_projected",
        team=team,
        projected=fmt.money(r["projected"]),
        share=fmt.rate(r["projected_attainment"]),
        target=fmt.money(r["target"]),
    )


def bullets(table: pa.Table, title: str) -> go.Figure:
    """One bullet per team with a target: collected to date (solid) over the projected month
    (hatched), as shares of the target, and the target's 100 % as a tick."""
    rows = [r for r in table.to_pylist() if r["level"] == "team" and r["target"]]
    fig = go.Figure()
    if not rows:
        fig.add_annotation(text=t("pacing.no_team_targets"), showarrow=False, font={"size": 14})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return style.layout(fig, title=title)
    teams = [safe.svg(r["id"] or t("pacing.no_team")) for r in rows]
    projected = [_share(r["projected"], r["target"]) for r in rows]
    collected = [_share(r["collected_to_date"], r["target"]) for r in rows]
    fig.add_bar(
        y=teams,
        x=projected,
        orientation="h",
        name=t("pacing.projected"),
        marker={"color": style.PALETTE[0], "opacity": 0.35, "pattern": {"shape": "/"}},
        width=0.7,
        hovertext=[_projected_text(team, r) for team, r in zip(teams, rows, strict=True)],
        hovertemplate=HOVER,
    )
    fig.add_bar(
        y=teams,
        x=collected,
        orientation="h",
        name=t("pacing.collected"),
        marker={"color": style.PALETTE[0]},
        width=0.35,
        hovertext=[
            t(
                "pacing.hover_collected",
                team=team,
                collected=fmt.money(r["collected_to_date"]),
                target=fmt.money(r["target"]),
            )
            for team, r in zip(teams, rows, strict=True)
        ],
        hovertemplate=HOVER,
    )
    fig.add_scatter(
        y=teams,
        x=[1.0] * len(rows),
        mode="markers",
        name=t("pacing.target"),
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": style.BAD}},
        hovertext=[
            t("pacing.hover_target", team=team, target=fmt.money(r["target"]))
            for team, r in zip(teams, rows, strict=True)
        ],
        hovertemplate=HOVER,
    )
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=t("pacing.of_target"), rangemode="tozero")
    return style.layout(fig, title=title, rate_axis="x")


def section(f: ViewFilters) -> None:
    """The pacing cards (total) and the per-team bullets of the month the window ends in, to
    its last day (the whole book: targets are the agents' and teams'), or why there are none."""
    try:
        table = reads.report("pacing", Filters(as_of=f.date_to))
    except ReportError as exc:
        page.report_refused(exc)
        return
    total = next((r for r in table.to_pylist() if r["level"] == "total"), None)
    if total is None:
        return
    st.subheader(safe.t("pacing.title", period=total["period"]))
    st.caption(safe.t("pacing.caption", day=fmt.day(total["date_to"])))
    blocks.metric_row(
        [
            (t("pacing.target"), total["target"], "money"),
            (t("pacing.collected"), total["collected_to_date"], "money"),
            (t("pacing.projected"), total["projected"], "money"),
            (t("pacing.attainment"), total["projected_attainment"], "rate"),
        ]
    )
    if total["no_projection"]:
        st.info(safe.label("no_projection", total["no_projection"]))
    st.plotly_chart(bullets(table, t("pacing.chart", period=total["period"])), key="pacing")
