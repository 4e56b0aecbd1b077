-- payouts/approved_rows: one row per agent of an approval, the figures as approved
-- (adjustment_in is null for approvals made before adjustments were booked: the caller reads
-- it as 0.00).
-- Parameters: $approval_id.
with approved as (
    select *
    from payout_approved
    where approval_id = $approval_id
)

select * from approved
order by agent_id
