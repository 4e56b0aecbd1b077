"""Where things live: the repository's folders and the embedded database.

The default database is the one ``make run`` loads with the sample data. ``DASHBOARD_DB``
overrides it for every front end at once, so the app and the CLI always agree on the file.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
SAMPLE_DATA = ROOT / "sample_data"
CONFIG = ROOT / "config"
DB_ENV = "DASHBOARD_DB"


def default_db_path() -> Path:
    """The database file used when none is given: ``$DASHBOARD_DB`` or ``var/dashboard.duckdb``."""
    env = os.environ.get(DB_ENV, "").strip()
    return Path(env) if env else ROOT / "var" / "dashboard.duckdb"
