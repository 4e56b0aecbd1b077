-- kpi/plans: one row per repayment plan created on or before the evaluation date (the rows
-- of the temporary table plan_states, kpi/plan_states.sql, whose rules define every column),
-- ordered by created_date and plan_id.
-- Parameters: $portfolios (the account's static portfolio), $teams, $agents (the plan's
-- agent, and that agent's team).
with plans as (
    select distinct
        plan_id,
        account_id,
        agent_id,
        plan_type,
        created_date,
        installments,
        scheduled_total,
        paid_towards,
        status,
        broken_date,
        relief,
        bucket_at_creation
    from plan_states
    where account_dims_ok(account_id, agent_id, $portfolios, $teams, $agents)
),

final as (
    select * from plans order by created_date, plan_id
)

select * from final
