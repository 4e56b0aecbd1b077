"""Composite page blocks: headline cards with definitions, rankings, stage rates, summaries,
and the drill-down plumbing of charts and tables (a click sets a page-level choice).

Small pieces of layout that several pages (or one page, more than once) need; each takes the
engine's exact tables and draws Streamlit elements with the house formats and translations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from dashboard import vocab
from dashboard.ui import charts, choices, fmt, reads, safe, tables
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
AGENT_KEY = ("collected", "paying_accounts", "kept_rate")


def card_value(value: Any, kind: str, *, sign: bool = False) -> str:
    """A number as a card shows it: compact money (exact on hover), rates, counts."""
    if kind == "money":
        return fmt.money_short(value, sign=sign)
    if kind == "rate":
        return fmt.rate(value)
    return fmt.count(value, sign=sign)


def _diff(now: Any, before: Any) -> Decimal | None:
    if now is None or before is None:
        return None
    return Decimal(str(now)) - Decimal(str(before))


def card_delta(now: Any, before: Any, kind: str) -> str | None:
    """The signed change from ``before`` to ``now`` (percentage points for rates)."""
    diff = _diff(now, before)
    if diff is None:
        return None
    if kind == "rate":
        return fmt.points(diff)
    return card_value(diff, kind, sign=True)


def headline_metrics(table: pa.Table) -> None:
    """The headline KPIs of the window, each with its change, its exact value and its
    definition (the ⓘ)."""
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
        diff = _diff(cur[key], prev.get(key))
        exact = fmt.money(cur[key])
        change = fmt.money(diff, sign=True) if diff is not None else fmt.MISSING
        cols[i % 4].metric(
            t(f"kpi.{key}"),
            card_value(cur[key], kind),
            delta=card_delta(cur[key], prev.get(key), kind),
            delta_color=colour if diff else "off",  # type: ignore[arg-type]
            delta_arrow="auto" if diff else "off",
            help=(
                f"{safe.t('card.exact_change', value=exact, delta=change)}\n\n{t(f'def.{key}')}"
                if kind == "money"
                else t(f"def.{key}")
            ),
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
    """The n best and n worst agents by net collected in the window, one table above the
    other: side by side, a 1280-pixel screen cut their last column (the kept rate)."""
    for best, title in ((True, "overview.top_agents"), (False, "overview.bottom_agents")):
        st.markdown(f"**{safe.t(title, n=n)}**")
        tables.show(
            ranked(agents, "collected", n, best=best),
            name="top_agents" if best else "bottom_agents",
            columns=AGENT_COLUMNS,
            key=AGENT_KEY,
        )


def sums(table: pa.Table, columns: tuple[str, ...]) -> dict[str, Any]:
    """Column totals (exact: Decimal for money, int for counts)."""
    out: dict[str, Any] = {}
    for c in columns:
        values = [v for v in table.column(c).to_pylist() if v is not None]
        out[c] = sum(values, Decimal("0.00") if values and isinstance(values[0], Decimal) else 0)
    return out


def metric_row(items: list[tuple[str, Any, str]]) -> None:
    """A row of plain cards: (translated label, value, kind: money | money_change | rate |
    count); money compact, its exact value on hover."""
    cols = st.columns(len(items))
    for col, (text, value, kind) in zip(cols, items, strict=True):
        change = kind == "money_change"
        money = "money" if change else kind
        col.metric(
            safe.md(text),
            card_value(value, money, sign=change),
            help=safe.t("card.exact", value=fmt.money(value)) if money == "money" else None,
            border=True,
        )


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
    "adjustment_in",
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
        if key == "adjustment_in" and not value:  # only when adjustments are booked here
            continue
        if isinstance(value, bool):
            shown = t("yes") if value else t("no")
        elif key == "tasks":
            shown = fmt.count(value)
        elif key == "rate":
            shown = fmt.plan_rate(value)
        elif key == "compliance_factor":
            shown = fmt.factor(value)
        else:
            shown = fmt.money(value)
        lines.append((t(f"col.{key}"), shown))
    st.markdown(safe.table((t("pay.figure"), t("pay.value")), lines, ("---", "---:")))


def roll_cell(roll: pa.Table, buckets: list[str]) -> tuple[str | None, str | None]:
    """Pick a cell of the roll-rate matrix (from bucket, to state) among those it has; both
    are page-level choices in the URL (``choices``)."""
    order = vocab.bucket_states(buckets)
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


# The accounts of a cell on screen: every column fits at 1280 px. The cell's states (in the
# selectors above), the snapshot pair, the team, masked names and phones are in the download.
CELL_KEY = (
    "current_balance", "next_current_balance", "days_past_due", "next_days_past_due", "next_status"
)  # fmt: skip
# On screen: what fits at 1280 px beside the row-selection column a clickable table has (the
# portfolio, team and masked personal data are in the download).
CELL_SCREEN = ("account_id", "agent_id", *CELL_KEY)


def cell_accounts(cell: pa.Table, name: str) -> None:
    """The accounts behind a roll-rate cell (roll-accounts rows, masked), and their download."""
    st.caption(safe.t("delinq.drill_caption", n=f"{cell.num_rows:,}"))
    st.caption(t("chart.click_account"))
    tables.show(cell, name=name, key=CELL_KEY, screen=CELL_SCREEN, height=320, pick=open_history)


def chart_pick(fig: Any, key: str, choice_keys: Sequence[str], version: Any) -> None:
    """Draw a chart whose click sets page-level choices: the clicked point's ``customdata``
    goes, value by value, into ``choice_keys`` (choices in the URL, ``ui.choices``), in a
    callback, before the page draws their selectors. ``version`` (the current choice) names
    the widget: a new choice, a new chart without a stale selection of its own."""
    widget = f"{key}_{version}"

    def clicked() -> None:
        values = charts.picked(st.session_state.get(widget))
        if values:
            for choice, value in zip(choice_keys, values, strict=False):
                st.session_state[choice] = value

    st.plotly_chart(fig, key=widget, on_select=clicked, selection_mode="points")


def open_history(row: dict[str, Any]) -> None:
    """A row pick of a table that lists accounts: the next run opens the account's history on
    the Cases page (``page.begin``)."""
    st.session_state[choices.OPEN_ACCOUNT] = row["account_id"]


def setter(**columns: str) -> Callable[[dict[str, Any]], None]:
    """A table's row pick that sets page-level choices from the row: ``choice=column``."""

    def pick(row: dict[str, Any]) -> None:
        for choice, column in columns.items():
            st.session_state[choice] = row[column]

    return pick


def row_of(table: pa.Table, **equals: Any) -> int | None:
    """The index of the first row whose columns equal the given values (None if none)."""
    for i, row in enumerate(table.to_pylist()):
        if all(row.get(k) == v for k, v in equals.items()):
            return i
    return None


def pick_agent(agents: pa.Table) -> str | None:
    """The agent of the "one agent" section: a page-level choice in the URL (a click on the
    leaderboard's bar or row sets it too)."""
    ids = agents.column("agent_id").to_pylist()
    if not ids:
        return None
    names = dict(zip(ids, agents.column("agent_name").to_pylist(), strict=True))
    agent = choices.select(
        "agents_pick",
        t("agents.pick"),
        ids,
        format_func=lambda a: f"{a} {names.get(a) or ''}".strip(),
        spellings=lambda a: [a],
    )
    return agent or ids[0]


def one_agent(agents: pa.Table, f: ViewFilters, agent: str | None) -> None:
    """One agent of the leaderboard: net collected per month, the contact stage rates and
    the channel mix, with the leaderboard's own filters (window, portfolio, team), so that the
    trend adds up to the agent's figure on the leaderboard."""
    if agent is None:
        st.info(t("agents.none"))
        return
    row = tables.where(agents, agent_id=agent).to_pylist()[0]
    one = replace(f.window(), agents=(agent,))
    trend = reads.report("collections", one, by=("month",), credited=True)
    mix = reads.report("contact-mix", one)
    c1, c2, c3 = st.columns(3)
    trend_title = t("agents.trend", agent=safe.svg(agent))  # a Plotly title: HTML-escaped
    c1.plotly_chart(charts.collections_trend(trend, trend_title), key="at")
    c2.plotly_chart(charts.stage_rates(row, t("agents.funnel")), key="af")
    c2.caption(safe.t("stage.paying", n=fmt.count(row.get("paying_accounts") or 0)))
    c3.plotly_chart(
        charts.share_pie(mix, "channel", "contacts", t("agents.channels"), "channel"), key="ac"
    )


def _most_violations_first(table: pa.Table, *ties: str) -> pa.Table:
    """The rows with violations first, most first (the report's order is by agent id: the few
    agents who broke a rule sat below the table's fold)."""
    keys = [("violations", "descending"), *((c, "ascending") for c in ties)]
    return table.sort_by(keys) if table.num_rows else table


def violations_per_agent(per_agent: pa.Table, preset: str, agent: str | None) -> None:
    """Compliance per agent; a click on a row chooses that agent's violating contacts."""
    st.markdown(f"**{t('compliance.per_agent')}**")
    per_agent = _most_violations_first(per_agent, "agent_id")
    tables.show(
        per_agent,
        name=f"compliance_agents_{preset}",
        key=("violations", "violation_rate", "complaints", "disputes"),
        height=300,
        pick=setter(viol_agent="agent_id"),
        picked=row_of(per_agent, agent_id=agent) if agent else None,
    )


def violations_per_rule(
    by_rule: pa.Table, preset: str, agent: str | None, rule: str | None
) -> None:
    """Compliance per agent and rule; a click on a row chooses that agent and rule."""
    st.markdown(f"**{t('compliance.per_rule')}**")
    by_rule = _most_violations_first(by_rule, "agent_id", "rule")
    tables.show(
        by_rule,
        name=f"compliance_by_rule_{preset}",
        key=("rule", "violations"),
        height=300,
        pick=setter(viol_agent="agent_id", viol_rule="rule"),
        picked=row_of(by_rule, agent_id=agent, rule=rule) if agent and rule else None,
    )
