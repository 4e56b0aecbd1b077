-- kpi/account_history: one account's story in date order (domain.md, "account history"), one
-- row per event: every snapshot of it (balance, days past due, state: its bucket or Closed,
-- status, agent), every payment and reversal (amount, the agent credited), every contact
-- (channel, outcome, the agent who made it, its note; a promise to pay with its amount, date
-- and whether it was kept: rpt_promises), every complaint (status open, upheld, not_upheld or
-- resolved; the category as note), every repayment plan (its scheduled total and status as
-- of the evaluation date; the plan type as note) and installment (on its due date: amount
-- and state), from the temporary table plan_states (kpi/plan_states.sql). Personal data as
-- stored (masked by the importer, notes too).
-- Ordered by date; within a day complaints, contacts (by time), plans, payments, reversals,
-- installments falling due, the snapshot (as of the end of its day); then by ref.
-- Parameters: $account (an account_id), $bucket_names, $bucket_min_dpd, $closed_statuses.
with snapshots as (
    select
        as_of_date as event_date,
        cast(null as varchar) as event_time,
        'snapshot' as event,
        cast(null as varchar) as ref,
        agent_id,
        cast(null as decimal(18, 2)) as amount,
        current_balance as balance,
        days_past_due,
        case
            when is_closed(status, current_balance, $closed_statuses) then 'Closed'
            else bucket_name(bucket_no(days_past_due, $bucket_min_dpd), $bucket_names)
        end as state,
        status,
        cast(null as varchar) as channel,
        cast(null as varchar) as outcome,
        cast(null as date) as promise_date,
        cast(null as boolean) as promise_kept,
        cast(null as varchar) as note,
        6 as day_order
    from rpt_snapshots
    where account_id = $account
),

payments as (
    select
        p.payment_date as event_date,
        cast(null as varchar) as event_time,
        case when s.reverses_payment_id is null then 'payment' else 'reversal' end as event,
        p.payment_id as ref,
        p.credited_agent_id as agent_id,
        p.amount,
        cast(null as decimal(18, 2)) as balance,
        cast(null as integer) as days_past_due,
        cast(null as varchar) as state,
        cast(null as varchar) as status,
        cast(null as varchar) as channel,
        cast(null as varchar) as outcome,
        cast(null as date) as promise_date,
        cast(null as boolean) as promise_kept,
        cast(null as varchar) as note,
        case when s.reverses_payment_id is null then 3 else 4 end as day_order
    from rpt_payments as p
    inner join stg_payments as s on s.payment_id = p.payment_id
    where p.account_id = $account
),

contacts as (
    select
        cast(c.contacted_at as date) as event_date,
        clock_text(c.contacted_at) as event_time,
        'contact' as event,
        c.contact_id as ref,
        c.agent_id,
        c.promise_amount as amount,
        cast(null as decimal(18, 2)) as balance,
        cast(null as integer) as days_past_due,
        cast(null as varchar) as state,
        cast(null as varchar) as status,
        c.channel,
        c.outcome,
        c.promise_date,
        k.kept as promise_kept,
        n.notes as note,
        2 as day_order
    from rpt_contacts as c
    left join rpt_promises as k on k.contact_id = c.contact_id
    left join stg_contacts as n on n.contact_id = c.contact_id
    where c.account_id = $account
),

complaints as (
    select
        cast(c.received_at as date) as event_date,
        clock_text(c.received_at) as event_time,
        'complaint' as event,
        c.complaint_id as ref,
        c.agent_id,
        cast(null as decimal(18, 2)) as amount,
        cast(null as decimal(18, 2)) as balance,
        cast(null as integer) as days_past_due,
        cast(null as varchar) as state,
        case
            when c.resolved_at is null then 'open'
            when c.upheld then 'upheld'
            when not c.upheld then 'not_upheld'
            else 'resolved'
        end as status,
        cast(null as varchar) as channel,
        cast(null as varchar) as outcome,
        cast(null as date) as promise_date,
        cast(null as boolean) as promise_kept,
        c.category as note,
        1 as day_order
    from stg_complaints as c
    where c.account_id = $account
),

plans as (
    select distinct
        p.created_date as event_date,
        cast(null as varchar) as event_time,
        'plan' as event,
        p.plan_id as ref,
        p.agent_id,
        p.scheduled_total as amount,
        cast(null as decimal(18, 2)) as balance,
        cast(null as integer) as days_past_due,
        cast(null as varchar) as state,
        p.status,
        cast(null as varchar) as channel,
        cast(null as varchar) as outcome,
        cast(null as date) as promise_date,
        cast(null as boolean) as promise_kept,
        p.plan_type as note,
        2 as day_order
    from plan_states as p
    where p.account_id = $account
),

installments as (
    select
        p.due_date as event_date,
        cast(null as varchar) as event_time,
        'installment' as event,
        p.plan_id || ' #' || p.installment_no as ref,
        p.agent_id,
        p.amount,
        cast(null as decimal(18, 2)) as balance,
        cast(null as integer) as days_past_due,
        cast(null as varchar) as state,
        p.state as status,
        cast(null as varchar) as channel,
        cast(null as varchar) as outcome,
        cast(null as date) as promise_date,
        cast(null as boolean) as promise_kept,
        cast(null as varchar) as note,
        5 as day_order
    from plan_states as p
    where p.account_id = $account
),

events as (
    select * from snapshots
    union all
    select * from payments
    union all
    select * from contacts
    union all
    select * from complaints
    union all
    select * from plans
    union all
    select * from installments
),

final as (
    select
        $account as account_id,
        event_date,
        event_time,
        event,
        ref,
        agent_id,
        amount,
        balance,
        days_past_due,
        state,
        status,
        channel,
        outcome,
        promise_date,
        promise_kept,
        note
    from events
    order by event_date, day_order, event_time, ref
)

select * from final
