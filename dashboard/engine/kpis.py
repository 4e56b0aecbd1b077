"""The KPI reports of domain.md as typed functions: one per report, shared by app and CLI.

Each function checks its input (ReportError with a message for a person), fills in the
default dates, and runs one query file of queries/kpi/ with the settings of config/kpi.yaml
bound as parameters. Results are exact Arrow tables: money sums are DECIMAL(38,2) (wide
enough for any sum of accepted values), rates DECIMAL(38,6). README.md (Reports) defines
every column. The breakdowns the pages drill into (collections per month or group, contact
mix, roll accounts, teams, roll summary) are in ``kpi_breakdowns``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.engine import compliance
from dashboard.engine.kpi_common import (
    Filters,
    ReportError,
    check_window,
    default_window,
    latest_snapshot,
    prepare,
    previous_window,
    snapshot_dates,
)
from dashboard.engine.settings import CompliancePreset, KpiSettings, default_settings

RECOVERY_GROUPS = ("portfolio", "region")

__all__ = [
    "RECOVERY_GROUPS",
    "Filters",
    "ReportError",
    "agents",
    "buckets",
    "compliance_agents",
    "compliance_by_rule",
    "compliance_detail",
    "headline",
    "recovery",
    "roll_rates",
    "vintage",
]


def buckets(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Accounts and balance per snapshot and delinquency bucket (and Closed).

    Args:
        con: an open database connection.
        as_of: only the latest snapshot on or before this date (default: every snapshot).
        portfolios: accounts of these portfolios only (empty: all).
        teams: accounts assigned in the snapshot to agents of these teams (empty: all).
        agents: accounts assigned in the snapshot to these agents (empty: all).
        settings: the KPI settings (default: config/kpi.yaml).

    Returns:
        as_of_date, bucket, accounts, balance, share_accounts, share_balance.

    Raises:
        ReportError: empty database, unknown filter value, or no snapshot on or before as_of.
    """
    cfg = settings or default_settings()
    filters = prepare(con, portfolios, teams, agents)
    if as_of is not None:
        first = snapshot_dates(con)[0]
        if as_of < first:
            raise ReportError(f"no snapshot on or before {as_of} (the first is {first})")
    params = {"as_of": as_of, **cfg.bucket_params(), **filters.params()}
    return db.run(con, "kpi/buckets", params)


def roll_rates(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Where the accounts open in each snapshot are in the next one.

    Args:
        date_from, date_to: only snapshot pairs whose later snapshot is dated in this window
            (default: every pair).
        portfolios, teams, agents: as for ``buckets`` (agent of the earlier snapshot).

    Returns:
        from_date, to_date, from_bucket, to_state, accounts, balance, share, share_balance,
        direction, cured_accounts.
    """
    cfg = settings or default_settings()
    check_window(date_from, date_to)
    filters = prepare(con, portfolios, teams, agents)
    params = {
        "date_from": date_from,
        "date_to": date_to,
        "cure_statuses": list(cfg.cure_statuses),
        **cfg.bucket_params(),
        **filters.params(),
    }
    return db.run(con, "kpi/roll_rates", params)


def recovery(
    con: duckdb.DuckDBPyConnection,
    *,
    date_to: date | None = None,
    by: str = "portfolio",
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
) -> pa.Table:
    """Recovery rate per portfolio (or region): net collected up to ``date_to`` / placed balance.

    Args:
        date_to: count payments dated on or before it, on accounts placed on or before it
            (default: everything loaded).
        by: ``portfolio`` (the account's static portfolio) or ``region`` (its region in
            rpt_accounts: the latest snapshot's that gives one; empty when none does).
        portfolios, teams, agents: accounts of these portfolios / assigned in their latest
            snapshot to agents of these teams / to these agents (empty: all).

    Returns:
        portfolio or region, accounts, placed_balance, collected, recovery_rate.

    Raises:
        ReportError: an unknown ``by``, an empty database or an unknown filter value.
    """
    if by not in RECOVERY_GROUPS:
        raise ReportError(f"unknown grouping {by!r} (known: {', '.join(RECOVERY_GROUPS)})")
    filters = prepare(con, portfolios, teams, agents)
    table = db.run(con, "kpi/recovery", {"by": by, "date_to": date_to, **filters.params()})
    return table.drop_columns([g for g in RECOVERY_GROUPS if g != by])


def vintage(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
) -> pa.Table:
    """Cumulative recovery curves per placement month.

    Args:
        as_of: curves stop at this date's month, payments count up to this date (default:
            the latest snapshot's date).
        portfolios, teams, agents: as for ``recovery``.

    Returns:
        placement_month (YYYY-MM), months_since_placement, accounts, placed_balance,
        collected_cum, recovery_rate.
    """
    filters = prepare(con, portfolios, teams, agents)
    when = as_of or latest_snapshot(con)
    return db.run(con, "kpi/vintage", {"as_of": when, **filters.params()})


def agents(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Agent performance over a window (default: the latest snapshot's month).

    Returns:
        agent_id, agent_name, team, accounts_assigned, collected, paying_accounts, contacts,
        right_party_contacts, rpc_rate, promises, promises_kept, kept_rate.
    """
    cfg = settings or default_settings()
    filters = prepare(con, portfolios, teams, agents)
    start, end = default_window(con, date_from, date_to)
    params = {
        "date_from": start,
        "date_to": end,
        "rpc_outcomes": list(cfg.right_party_outcomes),
        **filters.params(),
    }
    return db.run(con, "kpi/agents", params)


def headline(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The headline numbers for a window (default: the latest snapshot's month) and for the
    window of equal length before it (``previous_window``).

    Returns:
        Two rows, period current and previous: date_from, date_to, placed_accounts,
        placed_balance, collected, placed_balance_to_date, collected_to_date, recovery_rate,
        snapshot_date, open_accounts, open_balance, delinquent_accounts, delinquent_share,
        delinquent_accounts_start, cured_accounts, cure_rate, promises, promises_kept,
        kept_rate.
    """
    cfg = settings or default_settings()
    filters = prepare(con, portfolios, teams, agents)
    start, end = default_window(con, date_from, date_to)
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
    date_from: date | None,
    date_to: date | None,
    portfolios: Sequence[str],
    teams: Sequence[str],
    agents: Sequence[str],
    preset: str | None,
    settings: KpiSettings | None,
) -> tuple[date, date, Filters, CompliancePreset]:
    cfg = settings or default_settings()
    try:
        chosen = cfg.preset(preset)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    filters = prepare(con, portfolios, teams, agents)
    start, end = default_window(con, date_from, date_to)
    return start, end, filters, chosen


def compliance_by_rule(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    preset: str | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Violations per agent and rule of the preset (default: the configured one, China)."""
    start, end, f, p = _compliance_window(
        con, date_from, date_to, portfolios, teams, agents, preset, settings
    )
    return compliance.by_rule(
        con, start, end, p, portfolios=f.portfolios, teams=f.teams, agents=f.agents,
        settings=settings,
    )  # fmt: skip


def compliance_detail(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    preset: str | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Each violating contact, once per rule it breaks."""
    start, end, f, p = _compliance_window(
        con, date_from, date_to, portfolios, teams, agents, preset, settings
    )
    return compliance.violations(
        con, start, end, p, portfolios=f.portfolios, teams=f.teams, agents=f.agents,
        settings=settings,
    )  # fmt: skip


def compliance_agents(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    preset: str | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Per agent: contacts, violating contacts, violation rate, complaints and disputes."""
    start, end, f, p = _compliance_window(
        con, date_from, date_to, portfolios, teams, agents, preset, settings
    )
    return compliance.agent_summary(
        con, start, end, p, portfolios=f.portfolios, teams=f.teams, agents=f.agents,
        settings=settings,
    )  # fmt: skip
