-- compliance/agent_rule_counts: one row per agent and rule with at least one violation in the
-- temporary table compliance_violations (compliance/violations.sql of the window, preset and
-- filters, put there by engine/compliance.py): the contacts of the agent breaking that rule.
-- Parameters: none.
with per_rule as (
    select
        agent_id,
        rule,
        count(distinct contact_id) as violations
    from compliance_violations
    group by agent_id, rule
),

ordered as (
    select * from per_rule order by agent_id, rule
)

select * from ordered
