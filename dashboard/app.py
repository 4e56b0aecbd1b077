"""The Streamlit app's frame: page setup, navigation, the shared sidebar filters, the language.

Run with ``streamlit run dashboard/app.py`` (``make run``). This file alone configures the page
and the navigation and draws the sidebar, for the page about to run (``filters.USES`` says
which filters that page uses; the others are disabled there); the pages in ``dashboard/views/``
only read the filters, call the engine through ``dashboard.ui`` and lay out the results. The
database is ``$DASHBOARD_DB`` (read at every run), opened only for the duration of each query.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import db, scratch  # noqa: E402
from dashboard.ui import filters, i18n, page, style  # noqa: E402
from dashboard.ui.i18n import t  # noqa: E402

st.set_page_config(
    page_title="Collections dashboard",
    # An emoji becomes a data: URL in the browser; a ":material/...:" icon made the browser
    # fetch the favicon from Google's font host (the app makes no request to another host).
    page_icon="📊",
    layout="wide",
    initial_sidebar_state="expanded",
)

st.html(style.CSS)
scratch.sweep()  # private folders of dead processes (a killed import): gone at every run

with st.sidebar:
    filter_box = st.container()
    st.divider()
    i18n.language_switch()

PAGES = {
    "nav.manage": [
        ("views/overview.py", "overview", ":material/dashboard:"),
        ("views/delinquency.py", "delinquency", ":material/stacked_bar_chart:"),
        ("views/recovery.py", "recovery", ":material/trending_up:"),
        ("views/agents.py", "agents", ":material/groups:"),
        ("views/compliance.py", "compliance", ":material/gavel:"),
        ("views/cases.py", "cases", ":material/folder_shared:"),
    ],
    "nav.finance": [("views/payouts.py", "payouts", ":material/payments:")],
    "nav.data": [("views/data.py", "data", ":material/upload_file:")],
}

built = {
    key: st.Page(path, title=t(f"page.{key}"), icon=icon, url_path=key, default=key == "overview")
    for pages in PAGES.values()
    for path, key, icon in pages
}
navigation = st.navigation(
    {t(group): [built[key] for _path, key, _icon in pages] for group, pages in PAGES.items()}
)
# The sidebar is drawn for the page about to run: filters it does not use are disabled there.
current_page = next((key for key, p in built.items() if p is navigation), "overview")

with filter_box:
    try:
        filters.sidebar(current_page)
    except db.DatabaseBusy:
        st.caption(t("filters.busy"))

with page.guard():
    navigation.run()
