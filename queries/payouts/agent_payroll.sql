-- payouts/agent_payroll: one row per agent (stg_agents) with the payroll ids of the agents
-- extract's optional columns: employee_no and cost_center (blank: null).
-- Parameters: none.
with agents as (
    select
        agent_id,
        nullif(trim(employee_no), '') as employee_no,
        nullif(trim(cost_center), '') as cost_center
    from stg_agents
)

select * from agents
order by agent_id
