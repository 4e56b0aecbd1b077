-- payouts/approval_current: the round in force for a period (none, or one row): prepared by
-- one person (its figures frozen), or prepared and approved by another. A reopened round is
-- no longer in force.
-- Parameters: $period (YYYY-MM).
with approvals as (
    select *
    from payout_approvals
    where period = $period and round_in_force(status)
)

select * from approvals
order by approval_id desc
limit 1
