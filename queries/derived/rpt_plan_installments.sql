-- rpt_plan_installments: one row per installment of a repayment plan (stg_repayment_plans;
-- domain.md, "repayment_plans") with what its evaluation needs that depends neither on the
-- evaluation date nor on the settings:
-- - cumulative_due: the amounts of installments 1 .. installment_no of its plan;
-- - its plan's account_id, plan_type, created_date, installments (count), scheduled_total
--   (their sum) and last_no (the highest installment_no);
-- - its plan's agent: the agent given, else the account's agent in its latest snapshot on or
--   before created_date, else in its earliest snapshot (as for payments: a blank agent in
--   that snapshot gives the plan no agent; an older snapshot's agent does not stand in);
-- - status_before, balance_before, dpd_before: the account's status, current_balance and
--   days_past_due in that latest snapshot on or before created_date (null without one).
-- kpi/plan_states reads it; materialised when plans or accounts change. Parameters: none.
with rows as (
    select plan_id, account_id, agent_id, plan_type, created_date, installment_no, due_date, amount
    from stg_repayment_plans
),

plans as (
    select
        plan_id,
        min(account_id) as account_id,
        min(agent_id) as given_agent_id,
        min(plan_type) as plan_type,
        min(created_date) as created_date,
        count(*) as installments,
        sum(amount) as scheduled_total,
        max(installment_no) as last_no
    from rows
    group by plan_id
),

snapshot_before as (
    select
        p.plan_id,
        latest_of(a.agent_id, a.as_of_date) as agent_before,
        latest_given(a.status, a.as_of_date) as status_before,
        latest_given(a.current_balance, a.as_of_date) as balance_before,
        latest_given(a.days_past_due, a.as_of_date) as dpd_before
    from plans as p
    inner join stg_accounts as a
        on a.account_id = p.account_id and a.as_of_date <= p.created_date
    group by p.plan_id
),

snapshot_first as (
    select
        p.plan_id,
        earliest_of(a.agent_id, a.as_of_date) as agent_first
    from plans as p
    inner join stg_accounts as a on a.account_id = p.account_id
    group by p.plan_id
),

assigned as (
    select
        p.plan_id,
        p.account_id,
        coalesce(
            p.given_agent_id,
            case when b.plan_id is not null then b.agent_before else f.agent_first end
        ) as agent_id,
        p.plan_type,
        p.created_date,
        p.installments,
        p.scheduled_total,
        p.last_no,
        b.status_before,
        b.balance_before,
        b.dpd_before
    from plans as p
    left join snapshot_before as b on b.plan_id = p.plan_id
    left join snapshot_first as f on f.plan_id = p.plan_id
),

installments as (
    select
        r.plan_id,
        r.installment_no,
        r.due_date,
        r.amount,
        sum(r.amount) over (partition by r.plan_id order by r.installment_no) as cumulative_due,
        a.account_id,
        a.agent_id,
        a.plan_type,
        a.created_date,
        a.installments,
        a.scheduled_total,
        a.last_no,
        a.status_before,
        a.balance_before,
        a.dpd_before
    from rows as r
    inner join assigned as a on a.plan_id = r.plan_id
)

select * from installments
