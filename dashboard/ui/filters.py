"""The shared sidebar filters: one date range, the snapshot, portfolio, team, agent; in the URL.

Every widget is bound to a URL query parameter (``bind="query-params"``: range, from, to,
snapshot, portfolio, team, agent), so a manager can bookmark a view or send it; a value equal
to its default is left out of the URL. The app frame draws the filters once per run, for the
page it is about to run, and stores the result; pages read it with ``current()``.

- **Date range**: a preset relative to the latest snapshot (this month, last month, this
  quarter, year to date, last 12 months; ``preset_window``) or Custom, which shows From and To.
  An old link with from/to and no range opens as Custom.
- **Snapshot**: follows the window's end (the latest snapshot on or before it) unless the user
  pins one; a page that does not use the pinned snapshot (Overview: its balances are as of the
  window's end) follows the window's end.
- **Which filters a page uses** (``USES``): the others are greyed out there and say so, and a
  window that is invalid (To before From) is explained next to the control; only the pages
  whose figures need the window stop (``page.begin``), the others work.
- **One source of truth**: a widget's state is ``st.session_state[key]``. Code writes it
  only where Streamlit takes it as the one value: selectboxes and multiselects have no default
  argument besides their first option / empty; From and To, whose defaults are this month's
  window, are written only in runs that do not draw them (Reset, a preset). A default argument
  plus a write in the same run is what made Streamlit warn ("created with a default value but
  also had its value set via the Session State API") and the browser show a stale value.
  Reset also sends every page-level choice back to its default (``choices.reset_all``).
- Streamlit 1.67 facts this relies on: a bound value equal to the widget's default never goes
  into the URL; a value set in code reaches the URL only if the widget was drawn in an earlier
  run or the value was set in an earlier run; a *disabled* bound widget loses its URL parameter
  on a page switch, so unused filters are greyed out (``_group``), not disabled.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import streamlit as st

from dashboard.engine.kpi_common import Filters
from dashboard.ui import choices, reads, safe
from dashboard.ui.i18n import t

FILTERS_KEY = "_view_filters"
FOLLOWED = "_snapshot_followed"  # the date the "window's end" option named in the last run
PRESETS = ("month", "last_month", "quarter", "ytd", "12m", "custom")
FOLLOW = "window_end"  # the snapshot option "follow the window's end"
BOUND = ("range", "from", "to", "snapshot", "portfolio", "team", "agent")  # URL parameters
DIMS = ("portfolio", "team", "agent")


@dataclass(frozen=True)
class Uses:
    """Which sidebar filters a page's figures use."""

    window: bool = True
    snapshot: bool = False
    portfolio: bool = True
    team: bool = True
    agent: bool = True
    balances: bool = False  # shows balances as of the window's end snapshot (Overview)


USES: dict[str, Uses] = {
    "overview": Uses(balances=True),
    "delinquency": Uses(window=False, snapshot=True),
    "recovery": Uses(),
    "agents": Uses(),
    "compliance": Uses(),
    # a payout is one calendar month (chosen on the page) over every portfolio
    "payouts": Uses(window=False, portfolio=False),
    "data": Uses(window=False, portfolio=False, team=False, agent=False),
    # legal escalation as of the snapshot; an account's history takes no filter
    "cases": Uses(window=False, snapshot=True),
}


@dataclass(frozen=True)
class ViewFilters:
    """What the sidebar says, for one page: every figure of the page uses these."""

    date_from: date
    date_to: date
    snapshot: date
    portfolios: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    preset: str = "month"
    pinned: bool = False  # the snapshot was chosen, not the window's end
    window_error: str | None = None  # why the window cannot be used: err.window, err.no_window
    window_snapshot: date | None = None  # the latest snapshot on or before date_to
    page: str = ""

    @property
    def window_ok(self) -> bool:
        return self.window_error is None

    def dims(
        self,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        as_of: date | None = None,
    ) -> Filters:
        """The report filters of the portfolio/team/agent choices with the dates given (each
        report reads its own dates: ``dashboard/reports/catalogue.py``)."""
        return Filters(date_from, date_to, as_of, self.portfolios, self.teams, self.agents)

    def window(self) -> Filters:
        """The report filters of the window (From .. To) and the dimension choices."""
        return self.dims(date_from=self.date_from, date_to=self.date_to)

    def for_page(self, uses: Uses) -> ViewFilters:
        """These filters as a page that uses only ``uses`` sees them: an unused dimension is
        empty, an unused pinned snapshot is the window's end."""
        snap = self.snapshot
        if not uses.snapshot and self.window_snapshot is not None:
            snap = self.window_snapshot
        return replace(
            self,
            snapshot=snap,
            pinned=self.pinned and uses.snapshot,
            portfolios=self.portfolios if uses.portfolio else (),
            teams=self.teams if uses.team else (),
            agents=self.agents if uses.agent else (),
        )


def _month_start(day: date, months_back: int = 0) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months_back, 12)
    return date(y, m + 1, 1)


def preset_window(preset: str, latest: date) -> tuple[date, date]:
    """The window of a preset, relative to the latest snapshot's date ``latest``.

    ``month``: the month of ``latest`` up to ``latest``; ``last_month``: the whole month
    before; ``quarter``: the calendar quarter up to ``latest``; ``ytd``: 1 January up to
    ``latest``; ``12m``: the twelve calendar months ending with ``latest``'s month.

    Raises:
        ValueError: an unknown preset (Custom has no window of its own).
    """
    if preset == "month":
        return _month_start(latest), latest
    if preset == "last_month":
        start = _month_start(latest, 1)
        return start, _month_start(latest) - timedelta(days=1)
    if preset == "quarter":
        return date(latest.year, 3 * ((latest.month - 1) // 3) + 1, 1), latest
    if preset == "ytd":
        return date(latest.year, 1, 1), latest
    if preset == "12m":
        return _month_start(latest, 11), latest
    raise ValueError(f"unknown date range preset {preset!r}")


def snapshot_for(dates: list[date], day: date | None) -> date:
    """The latest snapshot on or before ``day`` (the first one when none is; the latest when
    ``day`` is None)."""
    if day is None:
        return dates[-1]
    upto = [d for d in dates if d <= day]
    return upto[-1] if upto else dates[0]


def window_error(d_from: Any, d_to: Any) -> str | None:
    """Why a window cannot be used (the catalogue key of the reason), or None."""
    if not isinstance(d_from, date) or not isinstance(d_to, date):
        return "err.no_window"
    if d_from > d_to:
        return "err.window"
    return None


def _reset(latest: date) -> None:
    start, end = preset_window("month", latest)
    st.session_state["range"] = PRESETS[0]
    st.session_state["from"] = start
    st.session_state["to"] = end
    st.session_state["snapshot"] = FOLLOW
    for key in DIMS:
        st.session_state[key] = []
    choices.reset_all()


def _old_link() -> None:
    """A link from before the presets (from/to without range) opens as Custom."""
    if "range" in st.session_state:
        return
    raw = {k: choices.url_value(k) for k in ("range", "from", "to")}
    if raw["range"] is None and (raw["from"] or raw["to"]):
        st.session_state["range"] = "custom"


def _pinned_before_drawing(snaps: list[str]) -> bool:
    """Whether the snapshot is pinned, before its widget is drawn (its state or the link)."""
    value = st.session_state.get("snapshot")
    if value is None:
        value = choices.url_value("snapshot")
    return value in snaps


@contextmanager
def _group(name: str, used: bool) -> Iterator[None]:
    """One filter's widgets; greyed out and not clickable where the page does not use them
    (style.CSS). Not ``disabled=True``: Streamlit's browser side drops a disabled bound
    widget's URL parameter on a page switch, and the link would lose the filter."""
    with st.container(key=f"filter_{name}"):
        yield
        if not used:  # last, so that the widgets above keep their places
            with st.container(key=f"unused_{name}"):
                st.caption(t("filters.not_here"))


def _window(latest: date) -> tuple[Any, Any, str]:
    """The date range control: preset, then From/To for Custom (or the preset's dates)."""
    preset = (
        choices.select(
            "range",
            t("filters.range"),
            PRESETS,
            format_func=lambda p: t(f"range.{p}"),
            spellings=choices.catalogue_spellings("range"),
            help=safe.t("filters.range_help", latest=latest),
        )
        or PRESETS[0]
    )
    if preset != "custom":
        start, end = preset_window(preset, latest)
        st.caption(safe.t("filters.range_dates", date_from=start, date_to=end))
        # From/To, not drawn, hold the preset's window: a switch to Custom starts from the
        # window on screen, and Streamlit writes a value set in an earlier run into the URL
        # when its widget first appears (a value set in that same run would stay out of it).
        st.session_state["from"], st.session_state["to"] = start, end
        return start, end, preset
    # The defaults are this month's window (what a link without from/to means). From/To are
    # written in code only in runs that do not draw them (above, and Reset), never in the run
    # that draws them: no second source of truth, and no Streamlit warning.
    month_start, _ = preset_window("month", latest)
    opts: dict[str, Any] = {"bind": "query-params", "format": "YYYY-MM-DD"}
    d_from = st.date_input(t("filters.from"), value=month_start, key="from", **opts)
    d_to = st.date_input(t("filters.to"), value=latest, key="to", **opts)
    return d_from, d_to, preset


def sidebar(page: str = "overview") -> None:
    """Draw the filters for ``page`` (call inside the sidebar) and store them for the page."""
    st.session_state[FILTERS_KEY] = None
    if reads.is_empty():
        st.caption(t("filters.none"))
        return
    dates: list[date] = reads.get("snapshot_dates")
    values: dict[str, list[str]] = reads.get("filter_values")
    names: dict[str, str] = reads.get("agent_names")
    latest = dates[-1]
    uses = USES.get(page, Uses())
    snaps = [d.isoformat() for d in reversed(dates)]
    _old_link()
    pinned = _pinned_before_drawing(snaps)
    st.markdown(f"**{t('filters.title')}**")

    # The window matters where the page uses it, and where the snapshot follows its end.
    with _group("window", uses.window or (uses.snapshot and not pinned)):
        d_from, d_to, preset = _window(latest)
    error = window_error(d_from, d_to)
    if error:  # next to the control; only the pages that need the window stop
        st.error(safe.t(error, date_from=d_from, date_to=d_to), icon=":material/event_busy:")
    end = d_to if isinstance(d_to, date) else None
    followed = snapshot_for(dates, end)
    if st.session_state.get(FOLLOWED) != followed and st.session_state.get("snapshot") == FOLLOW:
        # the option's text names the date it follows: set the value again so that the
        # browser shows the new text (it keeps the old one for an unchanged value)
        st.session_state["snapshot"] = FOLLOW
    st.session_state[FOLLOWED] = followed
    follow_text = t("filters.snapshot_follow", date=followed)
    with _group("snapshot", uses.snapshot):
        snap = st.selectbox(
            t("filters.snapshot"),
            [FOLLOW, *snaps],
            format_func=lambda s: follow_text if s == FOLLOW else s,
            key="snapshot",
            bind="query-params",
            help=t("filters.snapshot_help"),
        )
    pinned = snap is not None and snap != FOLLOW
    multi: dict[str, Any] = {"bind": "query-params", "placeholder": t("filters.all")}
    with _group("portfolio", uses.portfolio):
        portfolios = st.multiselect(
            t("filters.portfolio"), values["portfolio"], key="portfolio", **multi
        )
    with _group("team", uses.team):
        teams = st.multiselect(t("filters.team"), values["team"], key="team", **multi)
    who = t("list.sep").join(f"{a} {names.get(a, '')}".strip() for a in values["agent"][:40])
    with _group("agent", uses.agent):
        agents = st.multiselect(
            t("filters.agent"), values["agent"], key="agent", help=safe.md(who), **multi
        )
    st.button(
        t("filters.reset"), on_click=_reset, args=(latest,), type="tertiary", key="reset_filters"
    )
    st.session_state[FILTERS_KEY] = ViewFilters(
        date_from=d_from if isinstance(d_from, date) else preset_window("month", latest)[0],
        date_to=d_to if isinstance(d_to, date) else latest,
        snapshot=date.fromisoformat(snap) if pinned and snap else followed,
        portfolios=tuple(portfolios),
        teams=tuple(teams),
        agents=tuple(agents),
        preset=preset,
        pinned=pinned,
        window_error=error,
        window_snapshot=followed,
        page=page,
    )


def current() -> ViewFilters | None:
    """The filters of this run (None on an empty database)."""
    value = st.session_state.get(FILTERS_KEY)
    return value if isinstance(value, ViewFilters) else None
