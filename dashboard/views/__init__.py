"""The app's pages (run by ``st.navigation`` in dashboard/app.py): layout only."""
