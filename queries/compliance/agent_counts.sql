-- compliance/agent_counts: one row per agent with at least one contact dated in
-- [$date_from, $date_to]: its name and team, contacts, violations (its contacts that break at
-- least one rule, each contact once however many rules it breaks), complaints (outcome
-- complaint), disputes (outcome dispute). The violations are those listed in the temporary
-- table compliance_violations: compliance/violations.sql of the same window, preset and
-- filters (engine/compliance.py puts them there), so the rules are written once.
-- Parameters: $date_from, $date_to, $portfolios, $teams, $agents (lists; empty = all).
with contacts as (
    select
        contact_id,
        account_id,
        agent_id,
        outcome
    from rpt_contacts
    where on_days(contacted_at, $date_from, $date_to)
),

agents as (
    select agent_id, agent_name, team from stg_agents
),

filtered as (
    select c.*
    from contacts as c
    where account_dims_ok(c.account_id, c.agent_id, $portfolios, $teams, $agents)
),

per_agent as (
    select
        agent_id,
        count(*) as contacts,
        count(*) filter (where outcome = 'complaint') as complaints,
        count(*) filter (where outcome = 'dispute') as disputes
    from filtered
    group by agent_id
),

violating as (
    select
        agent_id,
        count(distinct contact_id) as violations
    from compliance_violations
    group by agent_id
),

named as (
    select
        p.agent_id,
        g.agent_name,
        g.team,
        p.contacts,
        coalesce(v.violations, 0) as violations,
        p.complaints,
        p.disputes
    from per_agent as p
    left join agents as g on g.agent_id = p.agent_id
    left join violating as v on v.agent_id = p.agent_id
    order by p.agent_id
)

select * from named
