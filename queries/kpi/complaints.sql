-- kpi/complaints: complaints per agent, per team and in total (domain.md, "complaints"), one
-- row per level (agent, team, total) and id: complaints received in [$date_from, $date_to]
-- (by the date of received_at); contacts: the contacts the agent (the team's agents, every
-- agent) made in the window; per_1000_contacts = complaints x 1000 / contacts (1 place, half
-- up; null without a contact); upheld: of those complaints, the ones upheld;
-- median_hours_to_resolve: of those resolved, the median hours from received_at to
-- resolved_at (the lower middle one of an even number; 1 place, half up); open_over_sla:
-- complaints received more than $sla_days days before the end of $date_to and not resolved by
-- then (received in the window or before it). A complaint's agent: the agent given, else
-- the account's agent in its latest snapshot on or before the day received, else in its
-- earliest snapshot (as for payments). Ordered by level (agent, team, total), then id.
-- Parameters: $date_from, $date_to, $sla_days, $portfolios (the account's static portfolio),
-- $teams, $agents (the complaint's agent, and that agent's team).
with complaints as (
    select
        c.complaint_id,
        c.account_id,
        c.agent_id as given_agent_id,
        c.received_at,
        c.resolved_at,
        c.upheld
    from stg_complaints as c
    where c.received_at < cast($date_to as date) + 1
),

snapshot_before as (
    select
        c.complaint_id,
        latest_given(a.agent_id, a.as_of_date) as agent_before
    from complaints as c
    inner join stg_accounts as a
        on a.account_id = c.account_id and a.as_of_date <= cast(c.received_at as date)
    group by c.complaint_id
),

snapshot_first as (
    select
        c.complaint_id,
        earliest_given(a.agent_id, a.as_of_date) as agent_first
    from complaints as c
    inner join stg_accounts as a on a.account_id = c.account_id
    group by c.complaint_id
),

assigned as (
    select
        c.*,
        coalesce(c.given_agent_id, b.agent_before, f.agent_first) as agent_id
    from complaints as c
    left join snapshot_before as b on b.complaint_id = c.complaint_id
    left join snapshot_first as f on f.complaint_id = c.complaint_id
),

kept as (
    select
        a.*,
        g.team,
        on_days(a.received_at, $date_from, $date_to) as in_window,
        a.received_at < cast($date_to as date) + 1 - $sla_days
        and (a.resolved_at is null or a.resolved_at >= cast($date_to as date) + 1)
            as over_sla,
        case
            when a.resolved_at is not null then seconds_between(a.received_at, a.resolved_at)
        end as seconds_to_resolve
    from assigned as a
    left join stg_agents as g on g.agent_id = a.agent_id
    where account_dims_ok(a.account_id, a.agent_id, $portfolios, $teams, $agents)
),

contacts as (
    select
        c.agent_id,
        g.team
    from rpt_contacts as c
    left join stg_agents as g on g.agent_id = c.agent_id
    where on_days(c.contacted_at, $date_from, $date_to)
        and account_dims_ok(c.account_id, c.agent_id, $portfolios, $teams, $agents)
),

by_complaints as (
    select
        case
            when grouping(agent_id) = 0 then 'agent' when grouping(team) = 0 then 'team'
            else 'total'
        end as level,
        case when grouping(agent_id) = 0 then agent_id when grouping(team) = 0 then team end
            as id,
        count(*) filter (where in_window) as complaints,
        count(*) filter (where in_window and upheld) as upheld,
        quantile_disc(seconds_to_resolve, 0.5) filter (
            where in_window and seconds_to_resolve is not null
        ) as median_seconds,
        count(*) filter (where over_sla) as open_over_sla
    from kept
    group by grouping sets ((agent_id, team), (team), ())
),

by_contacts as (
    select
        case
            when grouping(agent_id) = 0 then 'agent' when grouping(team) = 0 then 'team'
            else 'total'
        end as level,
        case when grouping(agent_id) = 0 then agent_id when grouping(team) = 0 then team end
            as id,
        count(*) as contacts
    from contacts
    group by grouping sets ((agent_id, team), (team), ())
),

final as (
    select
        k.level,
        k.id,
        k.complaints,
        coalesce(n.contacts, 0) as contacts,
        tenths(k.complaints * 1000, n.contacts) as per_1000_contacts,
        k.upheld,
        tenths(k.median_seconds, 3600) as median_hours_to_resolve,
        k.open_over_sla
    from by_complaints as k
    left join by_contacts as n on n.level = k.level and n.id is not distinct from k.id
    where k.complaints > 0 or k.open_over_sla > 0 or k.level = 'total'
    order by case k.level when 'agent' then 1 when 'team' then 2 else 3 end, k.id
)

select * from final
