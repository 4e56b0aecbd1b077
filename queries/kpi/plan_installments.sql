-- kpi/plan_installments: one row per installment of the repayment plans created on or before
-- the evaluation date (temporary table plan_states, kpi/plan_states.sql, whose rules define
-- every column), ordered by plan_id and installment_no.
-- Parameters: $portfolios (the account's static portfolio), $teams, $agents (the plan's
-- agent, and that agent's team).
with installments as (
    select
        plan_id,
        account_id,
        agent_id,
        plan_type,
        installment_no,
        due_date,
        amount,
        cumulative_due,
        paid_by_due,
        state
    from plan_states
    where account_dims_ok(account_id, agent_id, $portfolios, $teams, $agents)
),

final as (
    select * from installments order by plan_id, installment_no
)

select * from final
