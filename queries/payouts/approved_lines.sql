-- payouts/approved_lines: the audit trail as approved, one row per line of an approval.
-- Parameters: $approval_id; $agent_id (null: every agent).
with lines as (
    select *
    from payout_approved_lines
    where approval_id = $approval_id
        and ($agent_id is null or agent_id = $agent_id)
)

select * from lines
order by agent_id, line_no
