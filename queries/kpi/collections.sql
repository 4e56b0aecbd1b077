-- kpi/collections: net collected (payments minus reversals) dated in [$date_from, $date_to], one
-- row per combination of the dimensions in $by with at least one payment; a dimension not in
-- $by is null in every row (the engine drops its column). Dimensions:
--   month: first day of the payment's month;
--   portfolio: the account's static portfolio;
--   channel: the payment's channel (null when the extract gives none);
--   agent (column agent_id): the account's current agent (its latest snapshot's), or with
--     $credited the agent the payment is credited to (payments_credited: domain.md's rule);
--   team: that agent's team in stg_agents (null for an agent on no roster).
-- collected: sum of the amounts, DECIMAL(38,2); payments: number of payments and reversals.
-- Payments on accounts in no snapshot (orphans) count nowhere.
-- Parameters: $date_from, $date_to (null: unbounded), $by (list of dimension names),
-- $credited (boolean), $portfolios (the account's portfolio), $teams, $agents (the agent above,
-- and its team); empty lists: no filter.
with payments as (
    select
        payment_id,
        payment_date,
        amount,
        portfolio,
        case when $credited then credited_agent_id else account_agent_id end as agent_id
    from rpt_payments
    where ($date_from is null or payment_date >= $date_from)
        and ($date_to is null or payment_date <= $date_to)
        and (len($portfolios) = 0 or list_contains($portfolios, portfolio))
),

filtered as (
    select *
    from payments
    where (
        len($teams) = 0
        or agent_id in (select agent_id from stg_agents where list_contains($teams, team))
    )
        and (len($agents) = 0 or list_contains($agents, agent_id))
),

channels as (
    select
        payment_id,
        channel
    from payments_credited
    where list_contains($by, 'channel')
),

grouped as (
    select
        case when list_contains($by, 'month') then date_trunc('month', f.payment_date) end
            as month,
        case when list_contains($by, 'portfolio') then f.portfolio end as portfolio,
        c.channel,
        case when list_contains($by, 'agent') then f.agent_id end as agent_id,
        case when list_contains($by, 'team') then g.team end as team,
        sum(f.amount) as collected,
        count(*) as payments
    from filtered as f
    left join channels as c on c.payment_id = f.payment_id
    left join stg_agents as g on g.agent_id = f.agent_id
    group by all
),

final as (
    select
        cast(month as date) as month,
        portfolio,
        channel,
        agent_id,
        team,
        cast(collected as decimal(38, 2)) as collected,
        payments
    from grouped
    order by month, portfolio, channel, agent_id, team
)

select * from final
