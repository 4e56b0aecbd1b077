"""Breakdowns of the KPI reports that the pages drill into, shared by the app and the CLI.

Net collected per month and per portfolio, channel, agent or team; contacts per channel and
outcome; the accounts behind one cell of the roll-rate matrix; the agents report summed per
team; roll-forward and cure rates per bucket. They take the filters of ``kpis`` with the same
meaning and checks, and return exact Arrow tables (money DECIMAL(38,2), rates DECIMAL(38,6),
half away from zero). The two summaries are pure functions of the report they sum, so a team's
or a bucket's figures always add up to the rows they come from. README.md (Reports) defines every
column.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import db, vocab
from dashboard.engine import kpis
from dashboard.engine.kpi_common import (
    ALL,
    Filters,
    ReportError,
    check_window,
    default_window,
    prepare,
    ratio,
    snapshot_dates,
)
from dashboard.engine.settings import KpiSettings, default_settings

# Dimension of ``collections`` -> its column, in the order the columns come out.
DIMENSIONS = {
    "month": "month",
    "portfolio": "portfolio",
    "channel": "channel",
    "agent": "agent_id",
    "team": "team",
}
MONEY = pa.decimal128(38, 2)
RATE = pa.decimal128(38, 6)
TEAM_SCHEMA = pa.schema(
    [
        ("team", pa.string()),
        ("agents", pa.int64()),
        ("accounts_assigned", pa.int64()),
        ("collected", MONEY),
        ("paying_accounts", pa.int64()),
        ("contacts", pa.int64()),
        ("right_party_contacts", pa.int64()),
        ("rpc_rate", RATE),
        ("promises", pa.int64()),
        ("promises_kept", pa.int64()),
        ("kept_rate", RATE),
    ]
)
ROLL_SUMMARY_SCHEMA = pa.schema(
    [
        ("from_date", pa.date32()),
        ("to_date", pa.date32()),
        ("from_bucket", pa.string()),
        ("accounts", pa.int64()),
        ("rolled_forward_accounts", pa.int64()),
        ("roll_forward_rate", RATE),
        ("cured_accounts", pa.int64()),
        ("cure_rate", RATE),
    ]
)
COUNTS = ("paying_accounts", "contacts", "right_party_contacts", "promises", "promises_kept")


def collections(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    by: Sequence[str] = ("month",),
    credited: bool = False,
) -> pa.Table:
    """Net collected (payments minus reversals) per month and/or group, in a date window.

    Args:
        con: an open database connection.
        filters: ``date_from``, ``date_to``: payments dated in this window (default:
            unbounded); portfolios, teams, agents: payments on accounts of these portfolios
            / whose agent (as ``credited`` says) is of these teams / is one of these.
        by: the dimensions, any of month, portfolio, channel, agent, team (none: one total).
        credited: the agent (and team) is the one each payment is credited to, as in the
            agents report; default: the account's current agent, as in the kpis report.

    Returns:
        The chosen dimensions' columns in the order month, portfolio, channel, agent_id,
        team; then collected, payments.

    Raises:
        ReportError: an unknown dimension, a window ending before it starts, an empty
            database or an unknown filter value.
    """
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        known = ", ".join(DIMENSIONS)
        raise ReportError(f"unknown dimension {', '.join(unknown)} (known: {known})")
    check_window(filters.date_from, filters.date_to)
    prepare(con, filters)
    params = {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "by": list(dict.fromkeys(by)),
        "credited": credited,
        **filters.params(),
    }
    table = db.run(con, "kpi/collections", params)
    chosen = [column for d, column in DIMENSIONS.items() if d in by]
    return table.select([*chosen, "collected", "payments"])


def contact_mix(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pa.Table:
    """Contacts made in a window (``date_from`` .. ``date_to``; default: the latest snapshot's
    month) per channel and outcome.

    Args:
        filters: the window; portfolios: contacts on accounts of these portfolios; teams,
            agents: contacts made by agents of these teams / by these agents (empty: all).

    Returns:
        channel, outcome, contacts.
    """
    prepare(con, filters)
    start, end = default_window(con, filters.date_from, filters.date_to)
    params = {"date_from": start, "date_to": end, **filters.params()}
    return db.run(con, "kpi/contact_mix", params)


def _pair(con: duckdb.DuckDBPyConnection, as_of: date | None) -> date:
    """The earlier snapshot of the pair whose later one is the latest on or before as_of."""
    dates = snapshot_dates(con)
    upto = [d for d in dates if as_of is None or d <= as_of]
    if not upto:
        raise ReportError(f"no snapshot on or before {as_of} (the first is {dates[0]})")
    if len(upto) < 2:
        raise ReportError(f"no snapshot before {upto[-1]}: no pair of snapshots ends there")
    return upto[-2]


def roll_accounts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    from_bucket: str | None = None,
    to_state: str | None = None,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The accounts behind the roll-rate matrix of one pair of consecutive snapshots.

    Args:
        filters: ``as_of``: the pair whose later snapshot is the latest on or before this
            date (default: the latest snapshot); the dimensions as for ``kpis.roll_rates``
            (agent of the earlier snapshot).
        from_bucket: only accounts in this bucket in the earlier snapshot (default: any).
        to_state: only accounts in this state (a bucket, Closed or Missing) in the later one.
        settings: the KPI settings (default: config/kpi.yaml).

    Returns:
        from_date, to_date, account_id, portfolio, agent_id, team, from_bucket, to_state,
        days_past_due, next_days_past_due, current_balance, next_current_balance, next_status,
        customer_name, phone (personal data masked, as stored).

    Raises:
        ReportError: no pair ends on or before as_of, an unknown bucket or state, an empty
            database or an unknown filter value.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    names = cfg.bucket_names
    if from_bucket is not None and from_bucket not in names:
        raise ReportError(f"unknown bucket {from_bucket} (known: {', '.join(names)})")
    states = vocab.bucket_states(names)
    if to_state is not None and to_state not in states:
        raise ReportError(f"unknown state {to_state} (known: {', '.join(states)})")
    params = {
        "from_date": _pair(con, filters.as_of),
        "from_bucket": from_bucket,
        "to_state": to_state,
        **cfg.bucket_params(),
        **filters.params(),
    }
    return db.run(con, "kpi/roll_accounts", params)


def team_summary(agents: pa.Table) -> pa.Table:
    """The agents report summed per team (a pure function of that report).

    Counts and money are sums over the team's rows (an account paying two agents of one team
    counts for each); rates are recomputed from the sums; accounts_assigned is empty when it
    is empty on every row. Agents on no roster make the row whose team is empty (last).

    Returns:
        team, agents, accounts_assigned, collected, paying_accounts, contacts,
        right_party_contacts, rpc_rate, promises, promises_kept, kept_rate.
    """
    per: dict[str | None, dict[str, Any]] = {}
    for r in agents.to_pylist():
        t = per.setdefault(
            r["team"],
            {"agents": 0, "accounts_assigned": None, "collected": Decimal("0.00")}
            | dict.fromkeys(COUNTS, 0),
        )
        t["agents"] += 1
        if r["accounts_assigned"] is not None:
            t["accounts_assigned"] = (t["accounts_assigned"] or 0) + r["accounts_assigned"]
        t["collected"] += r["collected"]
        for k in COUNTS:
            t[k] += r[k]
    rows = [
        {"team": team}
        | v
        | {
            "rpc_rate": ratio(v["right_party_contacts"], v["contacts"]),
            "kept_rate": ratio(v["promises_kept"], v["promises"]),
        }
        for team, v in sorted(per.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]
    return pa.Table.from_pylist(rows, schema=TEAM_SCHEMA)


def teams(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Team performance over a window: ``team_summary`` of ``kpis.agents`` with the same
    arguments (default window: the latest snapshot's month)."""
    return team_summary(kpis.agents(con, filters, settings=settings))


def roll_summary_of(roll: pa.Table, settings: KpiSettings | None = None) -> pa.Table:
    """Per pair and from_bucket of a roll-rates table: roll-forward and cure rates.

    roll_forward_rate = accounts that moved to a worse bucket / the bucket's accounts;
    cure_rate = the bucket's cured_accounts / its accounts, empty for the first bucket (its
    accounts are not delinquent). A pure function of ``kpis.roll_rates``' output.

    Returns:
        from_date, to_date, from_bucket, accounts, rolled_forward_accounts, roll_forward_rate,
        cured_accounts, cure_rate; ordered by pair and bucket.
    """
    names = (settings or default_settings()).bucket_names
    per: dict[tuple[date, date, str], list[int]] = {}
    for r in roll.to_pylist():
        counts = per.setdefault((r["from_date"], r["to_date"], r["from_bucket"]), [0, 0, 0])
        counts[0] += r["accounts"]
        counts[1] += r["accounts"] if r["direction"] == "worse" else 0
        counts[2] += r["cured_accounts"]
    rows = [
        {
            "from_date": start,
            "to_date": end,
            "from_bucket": bucket,
            "accounts": n,
            "rolled_forward_accounts": worse,
            "roll_forward_rate": ratio(worse, n),
            "cured_accounts": cured,
            "cure_rate": None if bucket == names[0] else ratio(cured, n),
        }
        for (start, end, bucket), (n, worse, cured) in sorted(
            per.items(), key=lambda kv: (kv[0][0], names.index(kv[0][2]))
        )
    ]
    return pa.Table.from_pylist(rows, schema=ROLL_SUMMARY_SCHEMA)


def roll_summary(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Roll-forward and cure rate per pair of snapshots and bucket: ``roll_summary_of`` of
    ``kpis.roll_rates`` with the same arguments (pairs whose later snapshot is in the window).
    """
    return roll_summary_of(kpis.roll_rates(con, filters, settings=settings), settings)


TIMING_SCHEMA = pa.schema(
    [
        ("weekday", pa.int64()),
        ("hour", pa.int64()),
        ("contacts", pa.int64()),
        ("right_party_contacts", pa.int64()),
        ("rpc_rate", RATE),
        ("promises", pa.int64()),
        ("promise_rate", RATE),
    ]
)
TIMING_MEASURES = ("rpc_rate", "promise_rate")  # what the heatmap can colour by


def timing_grid(timing: pa.Table) -> pa.Table:
    """A ``contact-timing`` table summed over its channels: per weekday and hour, contacts,
    right_party_contacts, their rpc_rate, promises and promise_rate (promises over right-party
    contacts; rates 6 places, half away from zero, empty over none). A pure function of the
    report, so the grid adds up to its rows."""
    per: dict[tuple[int, int], list[int]] = {}
    for r in timing.to_pylist():
        acc = per.setdefault((r["weekday"], r["hour"]), [0, 0, 0])
        acc[0] += r["contacts"]
        acc[1] += r["right_party_contacts"]
        acc[2] += r["promises"]
    rows = [
        {"weekday": w, "hour": h, "contacts": n, "right_party_contacts": rpc,
         "rpc_rate": ratio(rpc, n), "promises": kept, "promise_rate": ratio(kept, rpc)}
        for (w, h), (n, rpc, kept) in sorted(per.items())
    ]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=TIMING_SCHEMA)
