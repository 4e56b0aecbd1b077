-- kpi/recovery: one row per portfolio with at least one account placed on or before $date_to:
-- accounts, placed_balance (sum over those accounts), collected (net payments on them dated on
-- or before $date_to; reversals negative; payments dated before placement included) and
-- recovery_rate = collected / placed_balance (6 places, half away from zero).
-- Static fields (portfolio, placement_date, placed_balance) are the account's latest snapshot's.
-- Parameters: $date_to (null: everything loaded), $portfolios, $teams, $agents (the agent the
-- account is assigned to in its latest snapshot, and that agent's team); empty: no filter.
with accounts as (
    select
        portfolio,
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
        portfolio,
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

placed as (
    select
        portfolio,
        count(*) as accounts,
        sum(placed_balance) as placed_balance
    from accounts
    group by portfolio
),

collected as (
    select
        portfolio,
        sum(amount) as collected
    from payments
    group by portfolio
),

final as (
    select
        p.portfolio,
        p.accounts,
        cast(p.placed_balance as decimal(38, 2)) as placed_balance,
        cast(coalesce(c.collected, 0) as decimal(38, 2)) as collected,
        cast(
            cast(
                cast(coalesce(c.collected, 0) * 100 as hugeint) * 10000000
                // nullif(cast(p.placed_balance * 100 as hugeint), 0) as decimal(38, 0)
            )
            * 0.0000001 as decimal(38, 6)
        ) as recovery_rate
    from placed as p
    left join collected as c on c.portfolio = p.portfolio
    order by p.portfolio
)

select * from final
