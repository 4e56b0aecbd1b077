"""Composite page blocks: headline metrics with definitions, rankings, funnels, summaries.

Small pieces of layout that several pages (or one page, more than once) need; each takes the
engine's exact tables and draws Streamlit elements with the house formats and translations.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from dashboard.ui import charts, choices, data, safe, style, tables
from dashboard.ui.filters import ViewFilters
from dashboard.ui.i18n import label, t

# (column of kpi/kpis, kind of number, delta colour: normal | inverse | off)
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("collected", "money", "normal"),
    ("recovery_rate", "rate", "normal"),
    ("cure_rate", "rate", "normal"),
    ("kept_rate", "rate", "normal"),
    ("open_balance", "money", "off"),
    ("delinquent_share", "rate", "inverse"),
    ("placed_balance", "money", "off"),
    ("promises", "count", "off"),
)
AGENT_COLUMNS = ("agent_id", "agent_name", "team", "collected", "paying_accounts", "kept_rate")


def fmt(value: Any, kind: str) -> str:
    """A number as shown in a metric."""
    if kind == "money":
        return style.money(value)
    if kind == "rate":
        return style.percent(value)
    return style.count(value)


def fmt_delta(now: Any, before: Any, kind: str) -> str | None:
    """The signed change from ``before`` to ``now`` (percentage points for rates)."""
    if now is None or before is None:
        return None
    diff = Decimal(str(now)) - Decimal(str(before))
    if kind == "money":
        return style.money(diff, sign=True)
    if kind == "rate":
        return style.points(diff, t("unit.pp"))
    return style.count(diff, sign=True)


def headline_metrics(table: pa.Table) -> None:
    """The headline KPIs of the window, each with its change and its definition (the ⓘ)."""
    rows = {r["period"]: r for r in table.to_pylist()}
    cur, prev = rows["current"], rows.get("previous", {})
    st.caption(
        safe.t(
            "kpi.window",
            date_from=cur["date_from"],
            date_to=cur["date_to"],
            prev_from=prev.get("date_from"),
            prev_to=prev.get("date_to"),
            snapshot=cur["snapshot_date"],
        )
    )
    cols = st.columns(4)
    for i, (key, kind, colour) in enumerate(HEADLINE):
        cols[i % 4].metric(
            t(f"kpi.{key}"),
            fmt(cur[key], kind),
            delta=fmt_delta(cur[key], prev.get(key), kind),
            delta_color=colour,  # type: ignore[arg-type]
            help=t(f"def.{key}"),
            border=True,
        )


def definitions() -> None:
    """Every headline KPI's exact definition, in one expander."""
    with st.expander(t("kpi.definitions"), icon=":material/menu_book:"):
        for key, _kind, _colour in HEADLINE:
            st.markdown(f"**{t(f'kpi.{key}')}**: {t(f'def.{key}')}")


def ranked(table: pa.Table, column: str, n: int, *, best: bool) -> pa.Table:
    """The n best (or worst) rows by a column; ties by agent_id, missing values last."""
    order = "descending" if best else "ascending"
    valid = table.filter(pc.is_valid(table.column(column)))
    return valid.sort_by([(column, order), ("agent_id", "ascending")]).slice(0, n)


def top_bottom_agents(agents: pa.Table, n: int = 5) -> None:
    """The n best and n worst agents by net collected in the window."""
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{safe.t('overview.top_agents', n=n)}**")
        tables.show(
            ranked(agents, "collected", n, best=True), name="top_agents", columns=AGENT_COLUMNS
        )
    with c2:
        st.markdown(f"**{safe.t('overview.bottom_agents', n=n)}**")
        tables.show(
            ranked(agents, "collected", n, best=False), name="bottom_agents", columns=AGENT_COLUMNS
        )


def funnel_stages(row: dict[str, Any]) -> list[tuple[str, int]]:
    """Contacts -> right-party -> promises -> kept -> paying accounts, from an agents row."""
    keys = ("contacts", "right_party_contacts", "promises", "promises_kept", "paying_accounts")
    return [(t(f"funnel.{k}"), int(row.get(k) or 0)) for k in keys]


def sums(table: pa.Table, columns: tuple[str, ...]) -> dict[str, Any]:
    """Column totals (exact: Decimal for money, int for counts)."""
    out: dict[str, Any] = {}
    for c in columns:
        values = [v for v in table.column(c).to_pylist() if v is not None]
        out[c] = sum(values, Decimal("0.00") if values and isinstance(values[0], Decimal) else 0)
    return out


def metric_row(items: list[tuple[str, str]]) -> None:
    """A row of plain metrics: (translated label, formatted value)."""
    cols = st.columns(len(items))
    for col, (text, value) in zip(cols, items, strict=True):
        col.metric(safe.md(text), value, border=True)


FIGURES = (
    "basis",
    "tasks",
    "rate",
    "base_commission",
    "compliance_factor",
    "base_after_compliance",
    "team_bonus",
    "early_bonus",
    "carried_in",
    "total",
    "cap_applied",
    "payout",
    "carry_out",
    "recomputed_payout",
    "adjustment",
)


def statement_figures(row: dict[str, Any]) -> None:
    """An agent's payout figures, one per line, as on the statement."""
    lines = []
    for key in FIGURES:
        value = row.get(key)
        if key in ("recomputed_payout", "adjustment") and value is None:
            continue
        if isinstance(value, bool):
            shown = t("yes") if value else t("no")
        elif key == "tasks":
            shown = style.count(value)
        elif key == "rate":
            shown = style.percent(value, places=2)
        elif key == "compliance_factor":
            shown = f"{value:.4f}" if value is not None else "–"
        else:
            shown = style.money(value)
        lines.append((t(f"col.{key}"), shown))
    st.markdown(safe.table((t("pay.figure"), t("pay.value")), lines, ("---", "---:")))


def roll_cell(roll: pa.Table, buckets: list[str]) -> tuple[str | None, str | None]:
    """Pick a cell of the roll-rate matrix (from bucket, to state) among those it has; both
    are page-level choices in the URL (``choices``)."""
    order = [*buckets, "Closed", "Missing"]
    present_from = set(roll.column("from_bucket").to_pylist())
    present_to = set(roll.column("to_state").to_pylist())
    c1, c2 = st.columns(2)
    from_bucket = choices.select(
        "drill_from",
        t("col.from_bucket"),
        [b for b in buckets if b in present_from],
        format_func=lambda b: label("bucket", b),
        spellings=choices.catalogue_spellings("bucket"),
        container=c1,
    )
    to_state = choices.select(
        "drill_to",
        t("col.to_state"),
        [s for s in order if s in present_to],
        format_func=lambda s: label("bucket", s),
        spellings=choices.catalogue_spellings("bucket"),
        container=c2,
    )
    return from_bucket, to_state


def one_agent(agents: pa.Table, f: ViewFilters) -> None:
    """One agent of the leaderboard (a page-level choice in the URL): net collected per month,
    the contact funnel and the channel mix, with the leaderboard's own filters (window,
    portfolio, team), so that the trend adds up to the agent's figure on the leaderboard."""
    ids = agents.column("agent_id").to_pylist()
    if not ids:
        st.info(t("agents.none"))
        return
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
    one = {**f.window(), "portfolios": f.portfolios, "teams": f.teams, "agents": [agent]}
    trend = data.report("collections", by=("month",), credited=True, **one)
    mix = data.report("contact_mix", **one)
    c1, c2, c3 = st.columns(3)
    trend_title = t("agents.trend", agent=safe.svg(agent))  # a Plotly title: HTML-escaped
    c1.plotly_chart(charts.collections_trend(trend, trend_title), key="at")
    c2.plotly_chart(charts.funnel(funnel_stages(row), t("agents.funnel")), key="af")
    c3.plotly_chart(
        charts.share_pie(mix, "channel", "contacts", t("agents.channels"), "channel"), key="ac"
    )
