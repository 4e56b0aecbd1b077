"""Case-management reports (domain.md, "Case management"): legal escalation, and the repayment
plans, agencies and complaints reports that read the case extracts. They take the filters of
``kpis`` with the same meaning and checks and return exact Arrow tables (money DECIMAL(38,2),
rates DECIMAL(38,6), half away from zero). README.md (Reports) defines every column.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.engine.kpi_common import ALL, Filters, check_as_of, latest_snapshot, prepare


def legal(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pa.Table:
    """Accounts entering legal per month, their balance at entry, how many are still in legal,
    how long they stay and what they pay back after entry.

    Args:
        filters: ``as_of``: snapshots and payments up to this date (default: the latest
            snapshot's date); portfolios: accounts of these portfolios; teams, agents:
            accounts assigned to these agents / to agents of these teams in the entry snapshot.

    Returns:
        entry_month (YYYY-MM), stays, balance_at_entry, in_legal_now, avg_months_in_legal,
        collected_in_legal, collected_after_entry, recovery_rate.

    Raises:
        ReportError: empty database, unknown filter value, or no snapshot on or before as_of.
    """
    prepare(con, filters)
    check_as_of(con, filters.as_of)
    when = filters.as_of or latest_snapshot(con)
    return db.run(con, "kpi/legal", {"as_of": when, **filters.params()})
