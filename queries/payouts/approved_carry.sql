-- payouts/approved_carry: one row per agent of the latest frozen (prepared or approved) period
-- before $period, with the carry_out frozen with it (the start of the next period's deficit
-- chain) and the round's status.
-- Parameters: $period (YYYY-MM).
with latest as (
    select
        approval_id,
        period,
        status
    from payout_approvals
    where round_in_force(status) and period < $period
    order by period desc, approval_id desc
    limit 1
),

carry as (
    select
        l.period,
        l.status,
        a.agent_id,
        a.carry_out
    from latest as l
    inner join payout_approved as a on a.approval_id = l.approval_id
)

select * from carry
order by agent_id
