-- kpi/recovery: one row per portfolio ($by 'portfolio') or per region ($by 'region': the
-- account's region in rpt_accounts, the latest snapshot's that gives one; null when no
-- snapshot does) with at least one account placed on or before $date_to: accounts,
-- placed_balance (sum over those accounts), collected (net payments on them dated on or before
-- $date_to; reversals negative; payments dated before placement included) and recovery_rate =
-- collected / placed_balance (6 places, half away from zero). The column of the other grouping
-- is null in every row (the engine drops it). Ordered by portfolio or region, null last.
-- Static fields (portfolio, placement_date, placed_balance) are the account's latest snapshot's.
-- Parameters: $by, $date_to (null: everything loaded), $portfolios, $teams, $agents (the agent
-- the account is assigned to in its latest snapshot, and that agent's team); empty: no filter.
with accounts as (
    select
        case when $by = 'region' then region else portfolio end as group_value,
        placed_balance
    from rpt_accounts
    where in_range(placement_date, null, $date_to)
        and dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)
),

payments as (
    select
        case when $by = 'region' then region else portfolio end as group_value,
        amount
    from rpt_payments
    where in_range(payment_date, null, $date_to)
        and in_range(placement_date, null, $date_to)
        and dims_ok(portfolio, account_agent_id, $portfolios, $teams, $agents)
),

placed as (
    select
        group_value,
        count(*) as accounts,
        sum(placed_balance) as placed_balance
    from accounts
    group by group_value
),

collected as (
    select
        group_value,
        sum(amount) as collected
    from payments
    group by group_value
),

final as (
    select
        case when $by = 'portfolio' then p.group_value end as portfolio,
        case when $by = 'region' then p.group_value end as region,
        p.accounts,
        money(p.placed_balance) as placed_balance,
        money(coalesce(c.collected, 0)) as collected,
        rate6(coalesce(c.collected, 0), p.placed_balance) as recovery_rate
    from placed as p
    left join collected as c on c.group_value is not distinct from p.group_value
    order by p.group_value nulls last
)

select * from final
