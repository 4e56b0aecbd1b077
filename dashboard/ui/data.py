"""The former name of ``dashboard.ui.reads`` (the app's database reads and their cache).

Kept only while ``ui/payouts.py`` still imports it (its move to the payouts package is done
in parallel); new code imports ``dashboard.ui.reads``. Delete this file with that import.
"""

from dashboard.ui.reads import connection, data_version, db_path

__all__ = ["connection", "data_version", "db_path"]
