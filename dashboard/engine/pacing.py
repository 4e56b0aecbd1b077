"""Pacing (domain.md, "pacing"): the month in progress against target, per agent, team and in
total, projected from how much of a month the previous three months had collected by the same
day. The figures are one query (``queries/kpi/pacing.sql``, exact: money DECIMAL(38,2), rates
DECIMAL(38,6)); this module checks the input, names the columns and refuses a database with
nothing to pace. README.md (Reports, pacing) defines every column.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.engine.kpi_common import ALL, Filters, ReportError, prepare
from dashboard.messages import Message

MONEY = pa.decimal128(38, 2)
RATE = pa.decimal128(38, 6)
PACING_SCHEMA = pa.schema(
    [
        ("period", pa.string()),
        ("date_to", pa.date32()),
        ("level", pa.string()),
        ("id", pa.string()),
        ("target", MONEY),
        ("collected_to_date", MONEY),
        ("expected_share", RATE),
        ("projected", MONEY),
        ("projected_attainment", RATE),
        ("no_projection", pa.string()),
    ]
)


def pacing(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pa.Table:
    """The period of the as-of date against target: collected to date, the share of a month
    the previous three months had collected by the same day, the month projected from it.

    Args:
        filters: ``as_of``: the day pacing is measured to (default: the latest payment date
            loaded); the dimension filters are not taken (targets are the agents' and teams').

    Returns:
        period (YYYY-MM), date_to (the as-of date), level (agent, team, total), id, target,
        collected_to_date, expected_share, projected, projected_attainment, no_projection
        (PACING_SCHEMA): agents, then teams, by id, then the total.

    Raises:
        ReportError: empty database, or no payment loaded and no as-of date given.
        TypeError: a dimension filter (a caller's mistake: the report takes none).
    """
    if filters.portfolios or filters.teams or filters.agents:
        raise TypeError("pacing takes no portfolio, team or agent filter (its rows are per agent)")
    prepare(con, filters)
    table = db.run(con, "kpi/pacing", {"as_of": filters.as_of})
    if table.num_rows == 0:
        raise ReportError(Message("report.pacing_no_payments"))
    return table.select(PACING_SCHEMA.names).cast(PACING_SCHEMA)


def pacing_total(table: pa.Table) -> dict[str, Any] | None:
    """The total row of a ``pacing`` table (what a headline shows), or None."""
    totals = [r for r in table.to_pylist() if r["level"] == "total"]
    return totals[0] if totals else None
