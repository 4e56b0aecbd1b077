"""Case-management reports (domain.md, "Case management"): legal escalation, and the repayment
plans, agencies and complaints reports that read the case extracts. They take the filters of
``kpis`` with the same meaning and checks and return exact Arrow tables (money DECIMAL(38,2),
rates DECIMAL(38,6), half away from zero). README.md (Reports) defines every column.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.engine.kpi_common import (
    ALL,
    Filters,
    ReportError,
    check_as_of,
    latest_snapshot,
    prepare,
)
from dashboard.engine.settings import KpiSettings, default_settings
from dashboard.messages import Message


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


def match_account(con: duckdb.DuckDBPyConnection, typed: str) -> str:
    """The account a person means by ``typed``: its id, or a masked id as a table shows it
    (each ``*`` stands for one hidden character), matching exactly one account.

    Raises:
        ReportError: no account, or several, match.
    """
    text = typed.strip()
    if not text:
        raise ReportError(Message("report.account_missing"))
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = escaped.replace("*", "_")
    params = {"account": text, "pattern": pattern}
    found = [r["account_id"] for r in db.run(con, "kpi/account_match", params).to_pylist()]
    if not found:
        raise ReportError(Message("report.account_unknown", account=text))
    if len(found) > 10:
        shown = ", ".join(found[:10])
        raise ReportError(Message("report.account_ambiguous_many", account=text, accounts=shown))
    if len(found) > 1:
        shown = ", ".join(found)
        raise ReportError(
            Message("report.account_ambiguous", count=len(found), account=text, accounts=shown)
        )
    return str(found[0])


def account_history(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    account: str,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """One account's story in date order: snapshots, payments and reversals, contacts with
    their promises (domain.md, "account history"). Personal data as stored (masked).

    Args:
        account: an account id, or a masked one that matches exactly one account.

    Returns:
        account_id, event_date, event_time, event, ref, agent_id, amount, balance,
        days_past_due, state, status, channel, outcome, promise_date, promise_kept.

    Raises:
        ReportError: empty database, or no single account matches.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    found = match_account(con, account)
    return db.run(con, "kpi/account_history", {"account": found, **cfg.bucket_params()})
