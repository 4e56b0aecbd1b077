"""The KPI reports of domain.md as typed functions: one per report, shared by app and CLI.

Each function takes a connection and one ``Filters`` (the dates it reads and the portfolio,
team and agent filters; ``dashboard/reports/catalogue.py`` declares which dates and options
each report takes and under which name), checks its input (ReportError with a message for a
person), fills in the default dates, and runs one query file of queries/kpi/ with the
settings of config/kpi.yaml bound as parameters. Results are exact Arrow tables: money sums are
DECIMAL(38,2) (wide enough for any sum of accepted values), rates DECIMAL(38,6). README.md
(Reports) defines every column. The breakdowns the pages drill into (collections per month or
group, contact mix, roll accounts, teams, roll summary) are in ``kpi_breakdowns``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.engine import compliance
from dashboard.engine.kpi_common import (
    ALL,
    Filters,
    ReportError,
    check_as_of,
    check_window,
    default_window,
    latest_snapshot,
    prepare,
    previous_window,
)
from dashboard.engine.settings import CompliancePreset, KpiSettings, default_settings

RECOVERY_GROUPS = ("portfolio", "region")

__all__ = [
    "ALL",
    "RECOVERY_GROUPS",
    "Filters",
    "ReportError",
    "agents",
    "buckets",
    "compliance_agents",
    "compliance_by_rule",
    "compliance_detail",
    "compliance_report",
    "headline",
    "recovery",
    "roll_rates",
    "vintage",
]


def buckets(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Accounts and balance per snapshot and delinquency bucket (and Closed).

    Args:
        con: an open database connection.
        filters: ``as_of``: only the latest snapshot on or before this date (default: every
            snapshot); portfolios: accounts of these portfolios only; teams, agents:
            accounts assigned in the snapshot to agents of these teams / to these agents.
        settings: the KPI settings (default: config/kpi.yaml).

    Returns:
        as_of_date, bucket, accounts, balance, share_accounts, share_balance.

    Raises:
        ReportError: empty database, unknown filter value, or no snapshot on or before as_of.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    check_as_of(con, filters.as_of)
    params = {"as_of": filters.as_of, **cfg.bucket_params(), **filters.params()}
    return db.run(con, "kpi/buckets", params)


def roll_rates(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Where the accounts open in each snapshot are in the next one.

    Args:
        filters: ``date_from``, ``date_to``: only snapshot pairs whose later snapshot is
            dated in this window (default: every pair); the dimensions as for ``buckets``
            (agent of the earlier snapshot).

    Returns:
        from_date, to_date, from_bucket, to_state, accounts, balance, share, share_balance,
        direction, cured_accounts.
    """
    cfg = settings or default_settings()
    check_window(filters.date_from, filters.date_to)
    prepare(con, filters)
    params = {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "cure_statuses": list(cfg.cure_statuses),
        **cfg.bucket_params(),
        **filters.params(),
    }
    return db.run(con, "kpi/roll_rates", params)


def recovery(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    by: str = "portfolio",
) -> pa.Table:
    """Recovery rate per portfolio (or region): net collected up to ``date_to`` / placed balance.

    Args:
        filters: ``date_to``: count payments dated on or before it, on accounts placed on or
            before it (default: everything loaded); portfolios / teams / agents: accounts
            of these portfolios / assigned in their latest snapshot to agents of these teams
            / to these agents.
        by: ``portfolio`` (the account's static portfolio) or ``region`` (its region in
            rpt_accounts: the latest snapshot's that gives one; empty when none does).

    Returns:
        portfolio or region, accounts, placed_balance, collected, recovery_rate.

    Raises:
        ReportError: an unknown ``by``, an empty database or an unknown filter value.
    """
    if by not in RECOVERY_GROUPS:
        raise ReportError(f"unknown grouping {by!r} (known: {', '.join(RECOVERY_GROUPS)})")
    prepare(con, filters)
    params = {"by": by, "date_to": filters.date_to, **filters.params()}
    table = db.run(con, "kpi/recovery", params)
    return table.drop_columns([g for g in RECOVERY_GROUPS if g != by])


def vintage(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pa.Table:
    """Cumulative recovery curves per placement month.

    Args:
        filters: ``as_of``: curves stop at this date's month, payments count up to this
            date (default: the latest snapshot's date); the dimensions as for ``recovery``.

    Returns:
        placement_month (YYYY-MM), months_since_placement, accounts, placed_balance,
        collected_cum, recovery_rate.
    """
    prepare(con, filters)
    when = filters.as_of or latest_snapshot(con)
    return db.run(con, "kpi/vintage", {"as_of": when, **filters.params()})


def agents(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Agent performance over a window (``date_from`` .. ``date_to``; default: the latest
    snapshot's month).

    Returns:
        agent_id, agent_name, team, accounts_assigned, collected, paying_accounts, contacts,
        right_party_contacts, rpc_rate, promises, promises_kept, kept_rate.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    start, end = default_window(con, filters.date_from, filters.date_to)
    params = {
        "date_from": start,
        "date_to": end,
        "rpc_outcomes": list(cfg.right_party_outcomes),
        **filters.params(),
    }
    return db.run(con, "kpi/agents", params)


def headline(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The headline numbers (report ``kpis``) for a window (``date_from`` .. ``date_to``;
    default: the latest snapshot's month) and for the window of equal length before it
    (``previous_window``).

    Returns:
        Two rows, period current and previous: date_from, date_to, placed_accounts,
        placed_balance, collected, placed_balance_to_date, collected_to_date, recovery_rate,
        snapshot_date, open_accounts, open_balance, delinquent_accounts, delinquent_share,
        delinquent_accounts_start, cured_accounts, cure_rate, promises, promises_kept,
        kept_rate.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    start, end = default_window(con, filters.date_from, filters.date_to)
    prev_start, prev_end = previous_window(start, end)
    params = {
        "date_from": start,
        "date_to": end,
        "prev_from": prev_start,
        "prev_to": prev_end,
        "bucket_min_dpd": cfg.bucket_min_dpd,
        "closed_statuses": list(cfg.closed_statuses),
        "cure_statuses": list(cfg.cure_statuses),
        **filters.params(),
    }
    return db.run(con, "kpi/kpis", params)


def _compliance_window(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    preset: str | None,
    settings: KpiSettings | None,
) -> tuple[date, date, CompliancePreset]:
    cfg = settings or default_settings()
    try:
        chosen = cfg.preset(preset)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    prepare(con, filters)
    start, end = default_window(con, filters.date_from, filters.date_to)
    return start, end, chosen


def compliance_by_rule(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    preset: str | None = None,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Violations per agent and rule of the preset (default: the configured one, China), over
    the window ``date_from`` .. ``date_to`` (default: the latest snapshot's month)."""
    start, end, p = _compliance_window(con, filters, preset, settings)
    return compliance.by_rule(con, start, end, p, filters=filters, settings=settings)


def compliance_detail(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    preset: str | None = None,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Each violating contact, once per rule it breaks."""
    start, end, p = _compliance_window(con, filters, preset, settings)
    return compliance.violations(con, start, end, p, filters=filters, settings=settings)


def compliance_detail_by_month(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    preset: str | None = None,
    settings: KpiSettings | None = None,
) -> Iterator[pa.Table]:
    """``compliance_detail`` one calendar month of the window at a time (the listing streams:
    ``compliance.violations_by_month``). The window is checked before the first part."""
    start, end, p = _compliance_window(con, filters, preset, settings)
    return compliance.violations_by_month(con, start, end, p, filters=filters, settings=settings)


def compliance_report(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    preset: str | None = None,
    detail: bool = False,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The ``compliance`` report: ``compliance_by_rule``, or with ``detail``
    ``compliance_detail``."""
    chosen = compliance_detail if detail else compliance_by_rule
    return chosen(con, filters, preset=preset, settings=settings)


def compliance_agents(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    preset: str | None = None,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Per agent: contacts, violating contacts, violation rate, complaints and disputes."""
    start, end, p = _compliance_window(con, filters, preset, settings)
    return compliance.agent_summary(con, start, end, p, filters=filters, settings=settings)
