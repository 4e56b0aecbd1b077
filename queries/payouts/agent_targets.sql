-- payouts/agent_targets: one row per agent-level target in force (targets extract) for the months
-- $period_from .. $period_to (YYYY-MM text, inclusive): the agent's own target of net collected,
-- which the early-completion bonus uses instead of the plan's (domain.md, "targets extract").
-- Ordered by period, agent_id. Parameters: $period_from, $period_to.
with own as (
    select
        t.period,
        t.id as agent_id,
        t.target
    from stg_targets as t
    where t.level = 'agent' and t.period between $period_from and $period_to
)

select * from own
order by period, agent_id
