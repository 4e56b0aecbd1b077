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
        channel,
        portfolio,
        case when $credited then credited_agent_id else account_agent_id end as agent_id
    from rpt_payments
    where in_range(payment_date, $date_from, $date_to)
),

filtered as (
    select *
    from payments
    where dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)
),

grouped as (
    select
        case when one_of('month', $by) then month_start(f.payment_date) end as month,
        case when one_of('portfolio', $by) then f.portfolio end as portfolio,
        case when one_of('channel', $by) then f.channel end as channel,
        case when one_of('agent', $by) then f.agent_id end as agent_id,
        case when one_of('team', $by) then g.team end as team,
        sum(f.amount) as collected,
        count(*) as payments
    from filtered as f
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
        money(collected) as collected,
        payments
    from grouped
    order by month, portfolio, channel, agent_id, team
)

select * from final
