"""Data (analysts): upload extracts, the validation report with every refused row, column
mapping for unknown headers, orphans, import history with undo."""

import streamlit as st

from dashboard.ui import data_view, page
from dashboard.ui.i18n import t

st.title(t("page.data"))
st.caption(t("page.data.about"))
page.filters_line("data")  # none of the sidebar's filters applies here: the line says so
with page.guard():
    data_view.upload_section()
    data_view.result_section()
    data_view.mapping_section()
    st.divider()
    data_view.history_section()
    data_view.orphans_section()
    data_view.mappings_section()
