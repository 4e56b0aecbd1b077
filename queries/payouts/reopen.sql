-- payouts/reopen: mark a round reopened, by whom, when and why (a write; returns no rows).
-- Parameters: $id (approval_id), $by (who reopens), $at (when), $reason (why).
update payout_approvals
set
    status = 'reopened',
    reopened_by = $by,
    reopened_at = $at,
    reopen_reason = $reason
where approval_id = $id
