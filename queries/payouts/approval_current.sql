-- payouts/approval_current: the approval in force for a period (none, or one row).
-- Parameters: $period (YYYY-MM).
with approvals as (
    select *
    from payout_approvals
    where period = $period and status = 'approved'
)

select * from approvals
order by approval_id desc
limit 1
