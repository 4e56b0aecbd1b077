"""Debt-portfolio analytics for credit-card collections.

The package has one core (``ingest``, ``engine``, ``db``) and two thin front ends over it: the
command line (``python -m dashboard``) and the Streamlit app (``dashboard/app.py``). The core
never imports streamlit.
"""

__version__ = "0.1.0"
