-- payouts/approved_rules: the plan in words as approved, one row per agent and sentence of
-- an approval (what its statements print, without the plan file), with its message code and
-- values (null for approvals made before the texts had codes).
-- Parameters: $approval_id.
with rules as (
    select
        agent_id,
        line_no,
        rule,
        rule_code,
        rule_args
    from payout_approved_rules
    where approval_id = $approval_id
)

select * from rules
order by agent_id, line_no
