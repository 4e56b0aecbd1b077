"""What every page does first and how every page fails: title, welcome state, friendly errors.

``begin`` draws the page title, then the "active filters" line (what this page's figures use,
and which sidebar filters it does not use, ``active_line``), and returns the filters as this
page sees them (``ViewFilters.for_page``). On a database without any account snapshot it shows
the welcome state (load the sample data, or upload extracts on the Data page) instead of the
page. An invalid date window stops only a page whose figures need the window, with the reason;
the other pages go on. ``guard`` wraps a page's body so that a busy database (another process
is importing), an input the engine refuses or an unreadable file shows a message in the user's
language, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard import db
from dashboard.engine.kpi_common import ReportError
from dashboard.engine.settings import SettingsError
from dashboard.messages import localise
from dashboard.ui import choices, reads, safe, upload_flow
from dashboard.ui.catalogue import CATALOGUE
from dashboard.ui.filters import USES, Uses, ViewFilters, current
from dashboard.ui.i18n import lang, t

DATA_PAGE = "views/data.py"


def busy() -> None:
    """The database is held by another process (an import): say so, offer a retry."""
    seconds = int(reads.busy_timeout())
    st.warning(safe.t("err.busy", seconds=seconds), icon=":material/hourglass_top:")
    st.button(t("action.retry"), key="retry_busy")


def report_refused(exc: ReportError) -> None:
    """Why the engine refused a report's input, in the session's language when it gave its
    reason as a Message (else as it gave it)."""
    detail = localise(exc.args[0], lang()) if exc.args else str(exc)
    st.info(safe.t("err.report", detail=detail), icon=":material/info:")


@contextmanager
def guard() -> Iterator[None]:
    """Run a page body; turn the errors a user can meet into messages (in their language)."""
    try:
        yield
    except db.DatabaseBusy:
        busy()
    except ReportError as exc:
        report_refused(exc)
    except SettingsError as exc:
        st.error(safe.t("err.settings", detail=str(exc)))
    except db.DatabaseError as exc:
        st.error(safe.t("err.database", detail=str(exc)))


def welcome() -> None:
    """The empty-database state: load the sample data, or go to the Data page to upload."""
    st.subheader(t("welcome.title"))
    st.markdown(t("welcome.text"))
    c1, c2 = st.columns(2)
    with c1:
        if st.button(t("welcome.load_sample"), type="primary", icon=":material/dataset:"):
            bar = st.progress(0.0, text=safe.t("data.progress", pct=0))

            def progress(fraction: float, _message: str) -> None:
                f = min(max(fraction, 0.0), 1.0)
                bar.progress(f, text=safe.t("data.progress", pct=int(f * 100)))

            result = upload_flow.load_sample(progress)
            if result.committed:
                st.success(t("welcome.loaded"))
                st.rerun()
            else:
                st.error(safe.t("welcome.failed", detail=localise(result.message, lang())))
    with c2:
        st.page_link(DATA_PAGE, label=t("welcome.upload"), icon=":material/upload_file:")


def _dims_text(f: ViewFilters, uses: Uses) -> list[str]:
    out = []
    for used, name, values in (
        (uses.portfolio, "filters.portfolio", f.portfolios),
        (uses.team, "filters.team", f.teams),
        (uses.agent, "filters.agent", f.agents),
    ):
        if used:
            shown = t("list.sep").join(values) if values else t("filters.all")
            out.append(t("active.dim", name=t(name), values=shown))
    return out


def active_line(f: ViewFilters, uses: Uses) -> str:
    """The filters this page's figures use, and the sidebar filters it does not use (plain
    text; the caller escapes it)."""
    parts: list[str] = []
    if uses.window:
        parts.append(
            t(
                "active.window",
                date_from=f.date_from,
                date_to=f.date_to,
                preset=t(f"range.{f.preset}"),
            )
        )
    if uses.snapshot:
        key = "active.snapshot_pinned" if f.pinned else "active.snapshot_follow"
        parts.append(t(key, date=f.snapshot, date_to=f.date_to))
    elif uses.balances and f.window_snapshot is not None:
        parts.append(t("active.balances", date=f.window_snapshot))
    parts += _dims_text(f, uses)
    unused = [
        t(name)
        for used, name in (
            (uses.window or (uses.snapshot and not f.pinned), "filters.range"),
            (uses.snapshot, "filters.snapshot"),
            (uses.portfolio, "filters.portfolio"),
            (uses.team, "filters.team"),
            (uses.agent, "filters.agent"),
        )
        if not used
    ]
    line = t("active.line", items=" · ".join(parts)) if parts else ""
    if unused:
        line = f"{line} {t('active.unused', names=t('list.sep').join(unused))}".strip()
    return line


def filters_line(page: str) -> ViewFilters | None:
    """Draw the active-filters line of ``page``; the filters as the page sees them (None when
    the sidebar has none: an empty or busy database)."""
    raw = current()
    if raw is None:
        return None
    uses = USES.get(page, Uses())
    filters = raw.for_page(uses)
    note = t(f"active.why.{page}") if f"active.why.{page}" in CATALOGUE else ""
    st.caption(":material/filter_alt: " + safe.md(f"{active_line(filters, uses)} {note}".strip()))
    return filters


CASES_PAGE = "views/cases.py"


def begin(page: str) -> ViewFilters:
    """Title and active filters, then the page's filters; or (empty database, a window this
    page needs is invalid) a stop with the reason. A row of an accounts table clicked in the
    run before (``blocks.open_history``) opens that account's history on the Cases page."""
    account = st.session_state.pop(choices.OPEN_ACCOUNT, None)
    if account:
        st.session_state["case_account"] = account  # the search box's state wins over a URL
        st.switch_page(CASES_PAGE, query_params={"case_account": account})
    st.title(t(f"page.{page}"))
    st.caption(t(f"page.{page}.about"))
    try:
        empty = reads.is_empty()
    except db.DatabaseBusy:
        busy()
        st.stop()
    if empty:
        welcome()
        st.stop()
    filters = filters_line(page)
    if filters is None:  # the sidebar could not be drawn (a busy database)
        st.info(t("err.fix_filters"))
        st.stop()
    if USES.get(page, Uses()).window and not filters.window_ok:
        key = "err.window_page" if filters.window_error == "err.window" else "err.no_window_page"
        st.warning(
            safe.t(key, date_from=filters.date_from, date_to=filters.date_to),
            icon=":material/event_busy:",
        )
        st.stop()
    return filters
