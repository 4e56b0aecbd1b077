-- payouts/approved_rules: the plan in words as approved, one row per agent and sentence of
-- an approval (what its statements print, without the plan file).
-- Parameters: $approval_id.
with rules as (
    select
        agent_id,
        line_no,
        rule
    from payout_approved_rules
    where approval_id = $approval_id
)

select * from rules
order by agent_id, line_no
