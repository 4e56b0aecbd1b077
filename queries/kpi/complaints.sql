-- kpi/complaints: complaints per agent, per team and in total (domain.md, "complaints"), one
-- row per level (agent, team, total) and id: complaints received in [$date_from, $date_to]
-- (by the date of received_at); contacts: the contacts the agent (the team's agents, every
-- agent) made in the window; per_1000_contacts = complaints x 1000 / contacts (1 place, half
-- up; null without a contact); upheld: of those complaints, the ones upheld;
-- median_hours_to_resolve: of those resolved, the median hours from received_at to
-- resolved_at (the lower middle one of an even number; 1 place, half up); open_over_sla:
-- complaints received more than $sla_days days before the end of $date_to and not resolved by
-- then (received in the window or before it). A complaint's agent: rpt_complaints (the
-- agent given, else the account's agent then, as for payments). Ordered by level (agent,
-- team, total), then id.
-- Parameters: $date_from, $date_to, $sla_days, $portfolios (the account's static portfolio),
-- $teams, $agents (the complaint's agent, and that agent's team).
with assigned as (
    select * from rpt_complaints where received_at < cast($date_to as date) + 1
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

-- One row per complaint and per contact, counted together per agent, team and in total.
events as (
    select
        agent_id,
        team,
        true as is_complaint,
        in_window,
        upheld,
        seconds_to_resolve,
        over_sla
    from kept
    union all
    select
        agent_id,
        team,
        false as is_complaint,
        true as in_window,
        null as upheld,
        null as seconds_to_resolve,
        false as over_sla
    from contacts
),

counted as (
    select
        rollup_level(grouping(agent_id), grouping(team)) as level,
        rollup_id(grouping(agent_id), grouping(team), agent_id, team) as id,
        count(*) filter (where is_complaint and in_window) as complaints,
        count(*) filter (where not is_complaint) as contacts,
        count(*) filter (where is_complaint and in_window and upheld) as upheld,
        -- cast: Spark's percentile_disc gives a DOUBLE of the BIGINT seconds (exact below 2^53)
        cast(
            quantile_disc(seconds_to_resolve, 0.5) filter (
                where is_complaint and in_window and seconds_to_resolve is not null
            ) as bigint
        ) as median_seconds,
        count(*) filter (where over_sla) as open_over_sla
    from events
    group by grouping sets ((agent_id, team), (team), ())
),

final as (
    select
        level,
        id,
        complaints,
        contacts,
        tenths(complaints * 1000, nullif(contacts, 0)) as per_1000_contacts,
        upheld,
        tenths(median_seconds, 3600) as median_hours_to_resolve,
        open_over_sla
    from counted
    where complaints > 0 or open_over_sla > 0 or level = 'total'
    order by case level when 'agent' then 1 when 'team' then 2 else 3 end, id
)

select * from final
