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
    where placement_month <= month_start(cast($as_of as date))
        and dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)
),

payments as (
    select
        placement_month,
        month_start(payment_date) as payment_month,
        amount
    from rpt_payments
    where payment_date <= $as_of
        and placement_month <= month_start(cast($as_of as date))
        and dims_ok(portfolio, account_agent_id, $portfolios, $teams, $agents)
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
        each_of_0_to(months_between(placement_month, month_start(cast($as_of as date))))
            as months_since_placement,
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
        and p.payment_month <= plus_months(g.placement_month, g.months_since_placement)
    group by all
),

final as (
    select
        month_text(placement_month) as placement_month,
        months_since_placement,
        accounts,
        money(placed_balance) as placed_balance,
        money(collected_cum) as collected_cum,
        rate6(collected_cum, placed_balance) as recovery_rate
    from cumulated
    order by placement_month, months_since_placement
)

select * from final
