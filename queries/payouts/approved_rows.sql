-- payouts/approved_rows: one row per agent of an approval, the figures as approved.
-- Parameters: $approval_id.
with approved as (
    select *
    from payout_approved
    where approval_id = $approval_id
)

select * from approved
order by agent_id
