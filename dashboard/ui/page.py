"""What every page does first and how every page fails: title, welcome state, friendly errors.

``begin`` draws the page title and, on a database without any account snapshot, the welcome
state (load the sample data, or upload extracts on the Data page) instead of the page. ``guard``
wraps a page's body so that a busy database (another process is importing), an input the
engine refuses or an unreadable file shows a message in the user's language, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard import db
from dashboard.engine.kpi_common import ReportError
from dashboard.engine.settings import SettingsError
from dashboard.ui import data, imports, safe
from dashboard.ui.filters import ViewFilters, current
from dashboard.ui.i18n import t

DATA_PAGE = "views/data.py"


def busy() -> None:
    """The database is held by another process (an import): say so, offer a retry."""
    seconds = int(data.busy_timeout())
    st.warning(safe.t("err.busy", seconds=seconds), icon=":material/hourglass_top:")
    st.button(t("action.retry"), key="retry_busy")


@contextmanager
def guard() -> Iterator[None]:
    """Run a page body; turn the errors a user can meet into messages (in their language)."""
    try:
        yield
    except db.DatabaseBusy:
        busy()
    except ReportError as exc:
        st.info(safe.t("err.report", detail=str(exc)), icon=":material/info:")
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

            result = imports.load_sample(progress)
            if result.committed:
                st.success(t("welcome.loaded"))
                st.rerun()
            else:
                st.error(safe.t("welcome.failed", detail=result.message))
    with c2:
        st.page_link(DATA_PAGE, label=t("welcome.upload"), icon=":material/upload_file:")


def begin(page: str) -> ViewFilters:
    """Title, then either the page's filters or (empty database, invalid filters) a stop."""
    st.title(t(f"page.{page}"))
    st.caption(t(f"page.{page}.about"))
    try:
        empty = data.is_empty()
    except db.DatabaseBusy:
        busy()
        st.stop()
    if empty:
        welcome()
        st.stop()
    filters = current()
    if filters is None:
        st.info(t("err.fix_filters"))
        st.stop()
    return filters
