"""INTERIM reports the pages need and the engine does not offer yet (to move into the engine).

Each function here is a stop-gap with the shape an engine function would have (connection
first, filters as keyword lists, exact Arrow result) so that moving it to
``dashboard/engine/kpis.py`` + ``queries/kpi/*.sql`` changes one import in ``ui.data``. They
read only the staging views and derived tables the engine's own queries read, with bound
parameters; the filters mean what they mean in the engine (domain.md, docs/reports.md):
payments are filtered on the account's agent in its latest snapshot (as the headline KPIs do)
unless ``credited`` asks for the agent each payment is credited to (as the agents report does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.engine.settings import KpiSettings, default_settings

GROUPS = {
    "none": "'all'",
    "portfolio": "p.portfolio",
    "channel": "coalesce(c.channel, '?')",
    "agent": "p.credited_agent_id",
    "team": "(select g.team from stg_agents as g where g.agent_id = p.credited_agent_id)",
}
# The team filter, as the engine's queries apply it: the agent's team in stg_agents.
IN_TEAMS = (
    "(len($teams) = 0 or {agent} in "
    "(select agent_id from stg_agents where list_contains($teams, team)))"
)
RATE = Decimal("0.000001")


def _filters(portfolios: Sequence[str], teams: Sequence[str], agents: Sequence[str]) -> dict:
    return {"portfolios": list(portfolios), "teams": list(teams), "agents": list(agents)}


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pa.Table:
    rel = con.sql(sql, params=params)
    assert rel is not None
    return rel.to_arrow_table()


def collections(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: date | None,
    date_to: date | None,
    group: str = "none",
    monthly: bool = True,
    credited: bool = False,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
) -> pa.Table:
    """Net collected (payments minus reversals) per month and/or group, in a date window.

    INTERIM: wants ``kpis.collections`` + ``queries/kpi/collections.sql``.

    Returns:
        month (first day; only when ``monthly``), the group (a column named after ``group``;
        ``grp`` for none), collected (DECIMAL(18,2)), payments.
    """
    if group not in GROUPS:
        raise ValueError(f"unknown group {group}")
    agent_col = "p.credited_agent_id" if credited else "p.account_agent_id"
    month = "date_trunc('month', p.payment_date)::date as month, " if monthly else ""
    name = "grp" if group == "none" else group
    sql = f"""
        select {month}{GROUPS[group]} as {name},
            cast(sum(p.amount) as decimal(18, 2)) as collected,
            count(*) as payments
        from rpt_payments as p
        left join payments_credited as c on c.payment_id = p.payment_id
        where ($date_from is null or p.payment_date >= $date_from)
            and ($date_to is null or p.payment_date <= $date_to)
            and (len($portfolios) = 0 or list_contains($portfolios, p.portfolio))
            and {IN_TEAMS.format(agent=agent_col)}
            and (len($agents) = 0 or list_contains($agents, {agent_col}))
        group by all
        order by all
    """
    params = {"date_from": date_from, "date_to": date_to, **_filters(portfolios, teams, agents)}
    return _arrow(con, sql, params)


def recovery_by_region(
    con: duckdb.DuckDBPyConnection,
    *,
    date_to: date | None = None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
) -> pa.Table:
    """Recovery rate per region (the account's region in its latest snapshot), as kpi/recovery.

    INTERIM: wants a ``by`` option (portfolio | region) on ``kpis.recovery``.

    Returns:
        region, accounts, placed_balance, collected, recovery_rate (DECIMAL(12,6)).
    """
    sql = f"""
        with accounts as (
            select a.account_id, coalesce(l.region, '?') as region, a.placed_balance
            from rpt_accounts as a
            join stg_account_latest as l on l.account_id = a.account_id
            where ($date_to is null or a.placement_date <= $date_to)
                and (len($portfolios) = 0 or list_contains($portfolios, a.portfolio))
                and {IN_TEAMS.format(agent="a.agent_id")}
                and (len($agents) = 0 or list_contains($agents, a.agent_id))
        ),
        paid as (
            select p.account_id, sum(p.amount) as collected
            from rpt_payments as p
            where ($date_to is null or p.payment_date <= $date_to)
            group by p.account_id
        ),
        final as (
            select a.region, count(*) as accounts,
                cast(sum(a.placed_balance) as decimal(18, 2)) as placed_balance,
                cast(coalesce(sum(paid.collected), 0) as decimal(18, 2)) as collected
            from accounts as a
            left join paid on paid.account_id = a.account_id
            group by a.region
        )
        select *,
            cast(round(collected / nullif(placed_balance, 0), 6) as decimal(12, 6))
                as recovery_rate
        from final
        order by region
    """
    return _arrow(con, sql, {"date_to": date_to, **_filters(portfolios, teams, agents)})


def contacts_by_channel(
    con: duckdb.DuckDBPyConnection,
    *,
    date_from: date | None,
    date_to: date | None,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
) -> pa.Table:
    """Contacts made in the window per channel and outcome (by the agent who made them).

    INTERIM: wants ``kpis.contact_mix``.

    Returns:
        channel, outcome, contacts.
    """
    sql = f"""
        select c.channel, c.outcome, count(*) as contacts
        from stg_contacts as c
        left join rpt_accounts as a on a.account_id = c.account_id
        where ($date_from is null or cast(c.contacted_at as date) >= $date_from)
            and ($date_to is null or cast(c.contacted_at as date) <= $date_to)
            and (len($portfolios) = 0 or list_contains($portfolios, a.portfolio))
            and {IN_TEAMS.format(agent="c.agent_id")}
            and (len($agents) = 0 or list_contains($agents, c.agent_id))
        group by all
        order by all
    """
    params = {"date_from": date_from, "date_to": date_to, **_filters(portfolios, teams, agents)}
    return _arrow(con, sql, params)


def roll_accounts(
    con: duckdb.DuckDBPyConnection,
    *,
    from_date: date,
    portfolios: Sequence[str] = (),
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The accounts behind the roll-rate matrix of the pair starting at ``from_date``.

    The same accounts and states as kpi/roll_rates (open in the from-snapshot; bucket, Closed
    or Missing in the next), one row per account, with its masked personal data as stored.
    INTERIM: wants ``kpis.roll_accounts`` + ``queries/kpi/roll_accounts.sql``.

    Returns:
        account_id, portfolio, agent_id, team, from_bucket, to_state, days_past_due,
        next_days_past_due, current_balance, next_current_balance, next_status,
        customer_name, phone.
    """
    cfg = settings or default_settings()
    sql = f"""
        with pairs as (
            select s.*,
                list_contains($closed_statuses, s.next_status) or s.next_current_balance = 0
                    as next_closed
            from rpt_snapshots as s
            where s.as_of_date = $from_date and s.next_as_of_date is not null
                and not list_contains($closed_statuses, s.status)
                and s.current_balance <> 0
                and (len($portfolios) = 0 or list_contains($portfolios, s.portfolio))
                and {IN_TEAMS.format(agent="s.agent_id")}
                and (len($agents) = 0 or list_contains($agents, s.agent_id))
        ),
        final as (
            select p.account_id, p.portfolio, p.agent_id,
                (select g.team from stg_agents as g where g.agent_id = p.agent_id) as team,
                $bucket_names[len(list_filter($bucket_min_dpd, lambda m: m <= p.days_past_due))]
                    as from_bucket,
                case
                    when not p.next_present then 'Missing'
                    when p.next_closed then 'Closed'
                    else $bucket_names[
                        len(list_filter($bucket_min_dpd, lambda m: m <= p.next_days_past_due))]
                end as to_state,
                p.days_past_due, p.next_days_past_due, p.current_balance,
                p.next_current_balance, p.next_status, a.customer_name, a.phone
            from pairs as p
            left join stg_accounts as a
                on a.account_id = p.account_id and a.as_of_date = p.as_of_date
        )
        select * from final order by account_id
    """
    params = {"from_date": from_date, **cfg.bucket_params(), **_filters(portfolios, teams, agents)}
    return _arrow(con, sql, params)


def _ratio(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(RATE, rounding=ROUND_HALF_UP)


def team_summary(agents: pa.Table) -> pa.Table:
    """Per team, the agents report summed (rates recomputed from the sums, exact).

    INTERIM: wants ``kpis.teams`` (a team-level agents report).

    Returns:
        team, agents, collected, paying_accounts, contacts, right_party_contacts, rpc_rate,
        promises, promises_kept, kept_rate.
    """
    teams: dict[str, dict[str, Any]] = {}
    for r in agents.to_pylist():
        t = teams.setdefault(
            r["team"] or "?",
            {
                "agents": 0,
                "collected": Decimal("0.00"),
                "paying_accounts": 0,
                "contacts": 0,
                "right_party_contacts": 0,
                "promises": 0,
                "promises_kept": 0,
            },
        )
        t["agents"] += 1
        t["collected"] += r["collected"] or Decimal("0.00")
        for k in ("paying_accounts", "contacts", "right_party_contacts", "promises"):
            t[k] += int(r[k] or 0)
        t["promises_kept"] += int(r["promises_kept"] or 0)
    rows = [
        {
            "team": team,
            **v,
            "rpc_rate": _ratio(v["right_party_contacts"], v["contacts"]),
            "kept_rate": _ratio(v["promises_kept"], v["promises"]),
        }
        for team, v in sorted(teams.items())
    ]
    schema = pa.schema(
        [
            ("team", pa.string()),
            ("agents", pa.int64()),
            ("collected", pa.decimal128(18, 2)),
            ("paying_accounts", pa.int64()),
            ("contacts", pa.int64()),
            ("right_party_contacts", pa.int64()),
            ("promises", pa.int64()),
            ("promises_kept", pa.int64()),
            ("rpc_rate", pa.decimal128(12, 6)),
            ("kept_rate", pa.decimal128(12, 6)),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def roll_summary(roll: pa.Table, settings: KpiSettings | None = None) -> pa.Table:
    """Per from-bucket of a roll-rate table: accounts, roll-forward rate and cure rate.

    Roll-forward = share of the bucket's accounts that moved to a worse bucket (direction
    'worse'); cure = the bucket's cured_accounts (kpi/roll_rates: first bucket, or Closed with
    a cure status, in the next snapshot) over its accounts; none for the first bucket.
    INTERIM: wants these two rates per from_bucket from the engine.

    Returns:
        from_bucket, accounts, roll_forward_rate, cure_rate.
    """
    cfg = settings or default_settings()
    first = cfg.bucket_names[0]
    per: dict[str, dict[str, int]] = {}
    for r in roll.to_pylist():
        p = per.setdefault(r["from_bucket"], {"accounts": 0, "worse": 0, "cured": 0})
        p["accounts"] += int(r["accounts"])
        p["cured"] += int(r.get("cured_accounts") or 0)
        if r["direction"] == "worse":
            p["worse"] += int(r["accounts"])
    order = {b: i for i, b in enumerate(cfg.bucket_names)}
    rows = [
        {
            "from_bucket": b,
            "accounts": v["accounts"],
            "roll_forward_rate": _ratio(v["worse"], v["accounts"]),
            "cure_rate": None if b == first else _ratio(v["cured"], v["accounts"]),
        }
        for b, v in sorted(per.items(), key=lambda kv: order.get(kv[0], 99))
    ]
    schema = pa.schema(
        [
            ("from_bucket", pa.string()),
            ("accounts", pa.int64()),
            ("roll_forward_rate", pa.decimal128(12, 6)),
            ("cure_rate", pa.decimal128(12, 6)),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)
