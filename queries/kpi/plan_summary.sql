-- kpi/plan_summary: kept rate by plan type and installment number (1st, 2nd, ...), or by plan
-- type and the account's bucket when the plan was agreed, over the installments of
-- kpi/plan_states (temporary table plan_states) due in the window $due_from .. $due_to (either
-- null: open on that side): one row per plan_type and installment_no ($by = 'installment',
-- bucket_at_creation null) or per plan_type and bucket_at_creation ($by = 'bucket',
-- installment_no null; a plan with no snapshot on or before its created_date has no bucket).
-- installments: all of them; decided: kept or missed; kept, missed, undecided (pending and
-- superseded: not decided); kept_rate = kept / decided (6 places, half away from zero; null
-- when none is decided); amount_due: the installments' amounts; amount_kept: the amounts of
-- the kept ones. Ordered by plan_type, then installment_no or the buckets' order (Closed
-- after the buckets, no bucket last).
-- Parameters: $portfolios (the account's static portfolio), $teams, $agents (the plan's
-- agent, and that agent's team), $due_from, $due_to (dates or null), $by ('installment' or
-- 'bucket'), $bucket_names (the buckets' order).
with installments as (
    select
        plan_type,
        case when $by = 'installment' then installment_no end as installment_no,
        case when $by = 'bucket' then bucket_at_creation end as bucket_at_creation,
        amount,
        state
    from plan_states
    where account_dims_ok(account_id, agent_id, $portfolios, $teams, $agents)
        and in_range(due_date, $due_from, $due_to)
),

counted as (
    select
        plan_type,
        installment_no,
        bucket_at_creation,
        count(*) as installments,
        count(*) filter (where state = 'kept') as kept,
        count(*) filter (where state = 'missed') as missed,
        count(*) filter (where state in ('pending', 'superseded')) as undecided,
        sum(amount) as amount_due,
        coalesce(sum(amount) filter (where state = 'kept'), 0) as amount_kept
    from installments
    group by plan_type, installment_no, bucket_at_creation
),

final as (
    select
        plan_type,
        installment_no,
        bucket_at_creation,
        installments,
        kept + missed as decided,
        kept,
        missed,
        undecided,
        rate6(kept, kept + missed) as kept_rate,
        money(amount_due) as amount_due,
        money(amount_kept) as amount_kept
    from counted
    order by
        plan_type,
        installment_no,
        coalesce(
            bucket_order(bucket_at_creation, $bucket_names),
            case when bucket_at_creation = 'Closed' then closed_no($bucket_names) end
        ) nulls last
)

select * from final
