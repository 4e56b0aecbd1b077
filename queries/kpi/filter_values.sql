-- kpi/filter_values: one row per value a report filter can take: kind (portfolio, team or
-- agent) and value, ordered. Portfolios of every account; teams and agents of the roster
-- (stg_agents) and every agent an account is assigned to in some snapshot.
-- Parameters: none.
with portfolios as (
    select distinct 'portfolio' as kind, portfolio as value from rpt_accounts
),

teams as (
    select distinct 'team' as kind, team as value from stg_agents where team is not null
),

agents as (
    select 'agent' as kind, agent_id as value from stg_agents
    union
    select 'agent' as kind, agent_id as value from rpt_snapshots
    where agent_id is not null
),

final as (
    select * from portfolios
    union all
    select * from teams
    union all
    select * from agents
    order by kind, value
)

select * from final
