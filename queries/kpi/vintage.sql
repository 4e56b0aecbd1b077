-- kpi/vintage: one row per placement cohort (placement_month, YYYY-MM) and month since
-- placement k = 0, 1, ... up to the as-of month: the cohort's accounts and placed_balance, and
-- collected_cum = net payments on the cohort dated in a month up to placement month + k
-- (payments before the placement month count from k = 0) and on or before $as_of;
-- recovery_rate = collected_cum / placed_balance (6 places, half away from zero). Cohorts
-- placed after the as-of month are left out.
-- Parameters: $as_of (date), $portfolios, $teams, $agents (the agent the account is assigned
-- to in its latest snapshot, and that agent's team); empty lists: no filter.
with accounts as (
    select
        placement_month,
        placed_balance
    from rpt_accounts
    where placement_month <= date_trunc('month', cast($as_of as date))
        and (len($portfolios) = 0 or list_contains($portfolios, portfolio))
        and (
            len($teams) = 0
            or agent_id in (select agent_id from stg_agents where list_contains($teams, team))
        )
        and (len($agents) = 0 or list_contains($agents, agent_id))
),

payments as (
    select
        placement_month,
        date_trunc('month', payment_date) as payment_month,
        amount
    from rpt_payments
    where payment_date <= $as_of
        and placement_month <= date_trunc('month', cast($as_of as date))
        and (len($portfolios) = 0 or list_contains($portfolios, portfolio))
        and (
            len($teams) = 0
            or account_agent_id in (
                select agent_id from stg_agents where list_contains($teams, team)
            )
        )
        and (len($agents) = 0 or list_contains($agents, account_agent_id))
),

cohorts as (
    select
        placement_month,
        count(*) as accounts,
        sum(placed_balance) as placed_balance
    from accounts
    group by placement_month
),

paid as (
    select
        placement_month,
        payment_month,
        sum(amount) as amount
    from payments
    group by all
),

grid as (
    select
        placement_month,
        unnest(
            generate_series(
                0, datediff('month', placement_month, date_trunc('month', cast($as_of as date)))
            )
        ) as months_since_placement,
        accounts,
        placed_balance
    from cohorts
),

cumulated as (
    select
        g.placement_month,
        g.months_since_placement,
        g.accounts,
        g.placed_balance,
        coalesce(sum(p.amount), 0) as collected_cum
    from grid as g
    left join paid as p
        on p.placement_month = g.placement_month
        and p.payment_month
        <= g.placement_month + to_months(cast(g.months_since_placement as integer))
    group by all
),

final as (
    select
        strftime(placement_month, '%Y-%m') as placement_month,
        months_since_placement,
        accounts,
        cast(placed_balance as decimal(38, 2)) as placed_balance,
        cast(collected_cum as decimal(38, 2)) as collected_cum,
        cast(
            cast(
                cast(collected_cum * 100 as hugeint) * 10000000
                // nullif(cast(placed_balance * 100 as hugeint), 0) as decimal(38, 0)
            )
            * 0.0000001 as decimal(38, 6)
        ) as recovery_rate
    from cumulated
    order by placement_month, months_since_placement
)

select * from final
