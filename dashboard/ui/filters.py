"""The shared sidebar filters: date window, snapshot, portfolio, team, agent; kept in the URL.

Every widget is bound to a URL query parameter (``bind="query-params"``: from, to, snapshot,
portfolio, team, agent), so a manager can bookmark a view or send it; a parameter equal to its
default is left out of the URL. The app frame draws the filters once per run and stores the
result; pages read it with ``current()``. Defaults follow the engine's: the window is the latest
snapshot's month up to the snapshot, the snapshot is the latest one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from dashboard.ui import data, safe
from dashboard.ui.i18n import t

FILTERS_KEY = "_view_filters"
BOUND = ("from", "to", "snapshot", "portfolio", "team", "agent")


@dataclass(frozen=True)
class ViewFilters:
    """What the sidebar says: every page reads the same filters."""

    date_from: date
    date_to: date
    snapshot: date
    portfolios: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()

    def dims(self) -> dict[str, tuple[str, ...]]:
        """The portfolio/team/agent filters as the engine's keyword arguments."""
        return {"portfolios": self.portfolios, "teams": self.teams, "agents": self.agents}

    def window(self) -> dict[str, date]:
        """The date window as the engine's keyword arguments."""
        return {"date_from": self.date_from, "date_to": self.date_to}


def _reset(latest: date) -> None:
    st.session_state["from"] = latest.replace(day=1)
    st.session_state["to"] = latest
    st.session_state["snapshot"] = latest.isoformat()
    for key in ("portfolio", "team", "agent"):
        st.session_state[key] = []


def sidebar() -> None:
    """Draw the filters (call inside the sidebar) and store them for the page."""
    st.session_state[FILTERS_KEY] = None
    if data.is_empty():
        st.caption(t("filters.none"))
        return
    dates: list[date] = data.report("snapshot_dates")
    values: dict[str, list[str]] = data.report("filter_values")
    names: dict[str, str] = data.report("agent_names")
    latest = dates[-1]
    st.markdown(f"**{t('filters.title')}**")
    opts: dict[str, Any] = {"bind": "query-params", "format": "YYYY-MM-DD"}
    d_from = st.date_input(t("filters.from"), value=latest.replace(day=1), key="from", **opts)
    d_to = st.date_input(t("filters.to"), value=latest, key="to", **opts)
    snaps = [d.isoformat() for d in dates]
    snap = st.selectbox(
        t("filters.snapshot"),
        snaps,
        index=len(snaps) - 1,
        key="snapshot",
        bind="query-params",
        help=t("filters.snapshot_help"),
    )
    multi: dict[str, Any] = {"bind": "query-params", "placeholder": t("filters.all")}
    portfolios = st.multiselect(
        t("filters.portfolio"), values["portfolio"], key="portfolio", **multi
    )
    teams = st.multiselect(t("filters.team"), values["team"], key="team", **multi)
    agents = st.multiselect(
        t("filters.agent"),
        values["agent"],
        key="agent",
        help=safe.md(", ".join(f"{a} {names.get(a, '')}".strip() for a in values["agent"][:40])),
        **multi,
    )
    st.button(t("filters.reset"), on_click=_reset, args=(latest,), type="tertiary")
    if not isinstance(d_from, date) or not isinstance(d_to, date):
        st.error(t("err.no_window"))
        return
    if d_from > d_to:
        st.error(safe.t("err.window", date_from=d_from, date_to=d_to))
        return
    st.session_state[FILTERS_KEY] = ViewFilters(
        date_from=d_from,
        date_to=d_to,
        snapshot=date.fromisoformat(snap or snaps[-1]),
        portfolios=tuple(portfolios),
        teams=tuple(teams),
        agents=tuple(agents),
    )


def current() -> ViewFilters | None:
    """The filters of this run (None on an empty database or an invalid window)."""
    value = st.session_state.get(FILTERS_KEY)
    return value if isinstance(value, ViewFilters) else None
