-- stg_agents: one row per agent, from the latest active import that lists the agent.
-- Parameters: none.
with ranked as (
    select
        a.*,
        row_number() over (partition by a.agent_id order by a.import_id desc) as recency
    from raw_agents as a
    where import_in_force(a.import_id)
)

select
    agent_id,
    agent_name,
    team,
    plan,
    hire_date,
    active,
    import_id
from ranked
where recency = 1
