"""The Streamlit app's frame: navigation, shared filters, the database handle. Pages only render."""

from __future__ import annotations

import streamlit as st

from dashboard import db
from dashboard.paths import default_db_path

st.set_page_config(page_title="Collections dashboard", layout="wide")


def home() -> None:
    st.title("Collections dashboard")
    try:
        with db.connect(default_db_path(), timeout=30) as con:
            log = db.run(con, "import/import_log")
    except db.DatabaseBusy:
        st.warning("The database is busy with an import; try again in a moment.")
        return
    if log.num_rows == 0:
        st.info("The database is empty: load the sample data (`make run` does) or import extracts.")
        return
    st.write(f"{log.num_rows} imports loaded.")
    st.dataframe(log.to_pandas(), hide_index=True)


st.navigation([st.Page(home, title="Home", default=True)]).run()
