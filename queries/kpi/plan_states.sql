-- kpi/plan_states: one row per installment of every repayment plan created on or before
-- $as_of (domain.md, "repayment_plans"), with its plan's figures, as of the evaluation date.
-- Read by the plan reports (engine/cases.py runs it into the temporary table plan_states).
-- - A plan's agent: the agent given, else the account's agent in its latest snapshot on or
--   before created_date, else in its earliest snapshot (as for payments: a blank agent in
--   that snapshot gives the plan no agent; an older snapshot's agent does not stand in).
-- - A plan is superseded by a later plan on the same account (created on a later day, on or
--   before $as_of): it ends the day before that plan's created_date. A plan's eval_date is
--   $as_of, or that day when it ends earlier.
-- - Paid towards a plan: net payments on the account dated from created_date on, through
--   eval_date (paid_towards); through the installment's due_date + $grace_days, or eval_date if
--   earlier (paid_by_due).
-- - Installment k is kept when paid_by_due reaches cumulative_due (the amounts of 1 .. k);
--   missed when it is not kept and due_date + $grace_days is before eval_date; otherwise
--   pending, or superseded when its plan ended before the installment was decided.
-- - A plan is broken at its first missed installment (broken_date = that due_date +
--   $grace_days + 1), completed when its last installment is kept, superseded when a later
--   plan ended it, otherwise active.
-- - relief (settlement plans): the account's current_balance in its latest snapshot on or
--   before created_date, minus the plan's scheduled_total (null for other plans, or without
--   such a snapshot).
-- - bucket_at_creation: that snapshot's bucket (by days_past_due), Closed when it is closed
--   (status in $closed_statuses or no balance), null without such a snapshot.
-- What depends neither on $as_of nor on the settings is materialised: each installment with its
-- plan's agent, snapshot fields and cumulative_due (rpt_plan_installments), and each plan's net
-- paid per day from its created_date on (rpt_plan_payments).
-- $accounts: only the plans on these accounts (empty: every plan); a plan's figures depend on
-- its own account only, so they are the same either way.
-- Parameters: $as_of (date), $grace_days (integer), $bucket_min_dpd, $bucket_names,
-- $closed_statuses, $accounts (a list of account ids).
with installments as (
    select *
    from rpt_plan_installments
    where created_date <= $as_of and (unfiltered($accounts) or one_of(account_id, $accounts))
),

plans as (
    select plan_id, account_id, created_date
    from installments
    where installment_no = last_no
),

later as (
    select
        p.plan_id,
        min(q.created_date) as superseded_on
    from plans as p
    inner join plans as q on q.account_id = p.account_id and q.created_date > p.created_date
    group by p.plan_id
),

ended as (
    select
        p.plan_id,
        l.superseded_on,
        coalesce(l.superseded_on - 1, cast($as_of as date)) as eval_date
    from plans as p
    left join later as l on l.plan_id = p.plan_id
),

cumulated as (
    select
        i.*,
        i.due_date + $grace_days as grace_end,
        e.superseded_on,
        e.eval_date
    from installments as i
    inner join ended as e on e.plan_id = i.plan_id
),

paid as (
    select
        c.plan_id,
        c.installment_no,
        coalesce(sum(y.amount), 0) as paid_by_due
    from cumulated as c
    left join rpt_plan_payments as y
        on y.plan_id = c.plan_id
        and y.payment_date <= least(c.grace_end, c.eval_date)
    group by c.plan_id, c.installment_no
),

towards as (
    select
        e.plan_id,
        coalesce(sum(y.amount), 0) as paid_towards
    from ended as e
    left join rpt_plan_payments as y
        on y.plan_id = e.plan_id and y.payment_date <= e.eval_date
    group by e.plan_id
),

stated as (
    select
        c.*,
        d.paid_by_due,
        case
            when d.paid_by_due >= c.cumulative_due then 'kept'
            when c.grace_end < c.eval_date then 'missed'
            when c.superseded_on is not null then 'superseded'
            else 'pending'
        end as state
    from cumulated as c
    inner join paid as d on d.plan_id = c.plan_id and d.installment_no = c.installment_no
),

plan_outcome as (
    select
        plan_id,
        min(installment_no) filter (where state = 'missed') as first_missed_no,
        min(grace_end) filter (where state = 'missed') + 1 as broken_date,
        bool_or(state = 'kept' and installment_no = last_no) as last_kept
    from stated
    group by plan_id
),

final as (
    select
        s.plan_id,
        s.account_id,
        s.agent_id,
        s.plan_type,
        s.created_date,
        s.installments,
        money(s.scheduled_total) as scheduled_total,
        money(t.paid_towards) as paid_towards,
        case
            when o.first_missed_no is not null then 'broken'
            when o.last_kept then 'completed'
            when s.superseded_on is not null then 'superseded'
            else 'active'
        end as status,
        o.broken_date,
        case
            when s.plan_type = 'settlement' then money(s.balance_before - s.scheduled_total)
        end as relief,
        case
            when is_closed(s.status_before, s.balance_before, $closed_statuses) then 'Closed'
            else bucket_name(bucket_no(s.dpd_before, $bucket_min_dpd), $bucket_names)
        end as bucket_at_creation,
        s.eval_date,
        s.installment_no,
        s.due_date,
        s.amount,
        money(s.cumulative_due) as cumulative_due,
        money(s.paid_by_due) as paid_by_due,
        s.grace_end,
        s.state
    from stated as s
    inner join towards as t on t.plan_id = s.plan_id
    inner join plan_outcome as o on o.plan_id = s.plan_id
)

select * from final
