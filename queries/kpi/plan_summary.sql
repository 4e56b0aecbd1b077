-- kpi/plan_summary: kept rate by plan type and installment number (1st, 2nd, ...), over the
-- installments of kpi/plan_states (temporary table plan_states): one row per plan_type and
-- installment_no. installments: all of them; decided: kept or missed; kept, missed, undecided
-- (pending and superseded: not decided); kept_rate = kept / decided (6 places,
-- half away from zero; null when none is decided); amount_due: the installments' amounts;
-- amount_kept: the amounts of the kept ones. Ordered by plan_type and installment_no.
-- Parameters: $portfolios (the account's static portfolio), $teams, $agents (the plan's
-- agent, and that agent's team).
with installments as (
    select
        plan_type,
        installment_no,
        amount,
        state
    from plan_states
    where account_dims_ok(account_id, agent_id, $portfolios, $teams, $agents)
),

counted as (
    select
        plan_type,
        installment_no,
        count(*) as installments,
        count(*) filter (where state = 'kept') as kept,
        count(*) filter (where state = 'missed') as missed,
        count(*) filter (where state in ('pending', 'superseded')) as undecided,
        sum(amount) as amount_due,
        coalesce(sum(amount) filter (where state = 'kept'), 0) as amount_kept
    from installments
    group by plan_type, installment_no
),

final as (
    select
        plan_type,
        installment_no,
        installments,
        kept + missed as decided,
        kept,
        missed,
        undecided,
        rate6(kept, kept + missed) as kept_rate,
        money(amount_due) as amount_due,
        money(amount_kept) as amount_kept
    from counted
    order by plan_type, installment_no
)

select * from final
