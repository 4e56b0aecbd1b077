-- payouts/booked_adjustments: one row per adjustment line frozen with a round in force: the
-- correction of an earlier approved period (corrects_period) booked into a later one, per
-- agent. What is booked here is never booked again.
-- Parameters: none.
with rounds as (
    select approval_id, period
    from payout_approvals
    where round_in_force(status)
),

booked as (
    select
        r.approval_id,
        r.period,
        l.corrects_period,
        l.agent_id,
        l.amount
    from rounds as r
    inner join payout_approved_lines as l on l.approval_id = r.approval_id
    where l.kind = 'adjustment'
)

select * from booked
order by period, corrects_period, agent_id
