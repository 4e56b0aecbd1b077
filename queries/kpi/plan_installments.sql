-- kpi/plan_installments: one row per installment of the repayment plans created on or before
-- the evaluation date (temporary table plan_states, kpi/plan_states.sql, whose rules define
-- every column) and due in the window $due_from .. $due_to (either null: open on that side),
-- ordered by plan_id and installment_no.
-- Parameters: $portfolios (the account's static portfolio), $teams, $agents (the plan's
-- agent, and that agent's team), $due_from, $due_to (dates or null).
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
        and in_range(due_date, $due_from, $due_to)
),

final as (
    select * from installments order by plan_id, installment_no
)

select * from final
