-- kpi/recovery_by_region: kpi/recovery per region instead of per portfolio: one row per region
-- (the account's region in rpt_accounts: the latest snapshot's that gives one; null when no
-- snapshot does) with at least one account placed on or before $date_to: accounts,
-- placed_balance, collected (net payments on them dated on or before $date_to; reversals
-- negative; payments dated before placement included) and recovery_rate = collected /
-- placed_balance (6 places, half away from zero). Ordered by region, null last.
-- Parameters: $date_to (null: everything loaded), $portfolios (the static portfolio), $teams,
-- $agents (the agent the account is assigned to in its latest snapshot, and that agent's
-- team); empty: no filter.
with accounts as (
    select
        account_id,
        region,
        placed_balance
    from rpt_accounts
    where ($date_to is null or placement_date <= $date_to)
        and (len($portfolios) = 0 or list_contains($portfolios, portfolio))
        and (
            len($teams) = 0
            or agent_id in (select agent_id from stg_agents where list_contains($teams, team))
        )
        and (len($agents) = 0 or list_contains($agents, agent_id))
),

payments as (
    select
        account_id,
        amount
    from rpt_payments
    where ($date_to is null or (payment_date <= $date_to and placement_date <= $date_to))
        and (len($portfolios) = 0 or list_contains($portfolios, portfolio))
        and (
            len($teams) = 0
            or account_agent_id in (
                select agent_id from stg_agents where list_contains($teams, team)
            )
        )
        and (len($agents) = 0 or list_contains($agents, account_agent_id))
),

paid as (
    select
        account_id,
        sum(amount) as collected
    from payments
    group by account_id
),

by_region as (
    select
        a.region,
        count(*) as accounts,
        sum(a.placed_balance) as placed_balance,
        coalesce(sum(p.collected), 0) as collected
    from accounts as a
    left join paid as p on p.account_id = a.account_id
    group by a.region
),

final as (
    select
        region,
        accounts,
        cast(placed_balance as decimal(38, 2)) as placed_balance,
        cast(collected as decimal(38, 2)) as collected,
        cast(
            cast(
                cast(collected * 100 as hugeint) * 10000000
                // nullif(cast(placed_balance * 100 as hugeint), 0) as decimal(38, 0)
            )
            * 0.0000001 as decimal(38, 6)
        ) as recovery_rate
    from by_region
    order by region
)

select * from final
