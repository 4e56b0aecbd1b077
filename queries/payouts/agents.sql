-- payouts/agents: one row per agent (stg_agents): name, team and plan (blank = default plan).
-- Parameters: none.
with agents as (
    select
        agent_id,
        agent_name,
        team,
        nullif(trim(plan), '') as plan,
        hire_date,
        active
    from stg_agents
)

select * from agents
order by agent_id
