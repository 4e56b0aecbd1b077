-- payouts/approved_rows: one row per agent of an approval, the figures as approved
-- (adjustment_in 0.00 for approvals made before adjustments were booked).
-- Parameters: $approval_id.
with approved as (
    select * replace (coalesce(adjustment_in, 0) as adjustment_in)
    from payout_approved
    where approval_id = $approval_id
)

select * from approved
order by agent_id
