-- payouts/approve: mark a prepared round approved, by whom and when (a write; returns no
-- rows). A round no longer prepared (approved or reopened meanwhile) is left as it is.
-- Parameters: $id (approval_id), $by (who approves), $at (when).
update payout_approvals
set
    status = 'approved',
    approved_by = $by,
    approved_at = $at
where approval_id = $id and status = 'prepared'
