-- kpi/broken_plans: the worklist of broken repayment plans (kpi/plan_states, temporary table
-- plan_states): one row per plan whose status is broken, with the account's personal data as
-- stored (masked by the importer) from its latest snapshot. amount_overdue: the amounts of
-- the installments whose due_date + grace is before the evaluation date, minus paid_towards
-- (0 when that is negative). Ordered by broken_date, then plan_id.
-- Parameters: $portfolios (the account's static portfolio), $teams, $agents (the plan's
-- agent, and that agent's team).
with broken as (
    select
        plan_id,
        min(account_id) as account_id,
        min(agent_id) as agent_id,
        min(plan_type) as plan_type,
        min(created_date) as created_date,
        min(broken_date) as broken_date,
        min(scheduled_total) as scheduled_total,
        min(paid_towards) as paid_towards,
        coalesce(sum(amount) filter (where grace_end < eval_date), 0) as due_by_now
    from plan_states
    where status = 'broken'
        and account_dims_ok(account_id, agent_id, $portfolios, $teams, $agents)
    group by plan_id
),

final as (
    select
        b.plan_id,
        b.account_id,
        a.customer_name,
        a.phone,
        b.agent_id,
        b.plan_type,
        b.created_date,
        b.broken_date,
        b.scheduled_total,
        b.paid_towards,
        money(greatest(b.due_by_now - b.paid_towards, 0)) as amount_overdue
    from broken as b
    left join rpt_accounts as l on l.account_id = b.account_id
    left join stg_accounts as a
        on a.account_id = b.account_id and a.as_of_date = l.last_as_of_date
    order by b.broken_date, b.plan_id
)

select * from final
