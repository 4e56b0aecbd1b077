-- kpi/pacing: the month in progress against target (domain.md, "pacing"), one row per agent and
-- per team with a target for the period or net collected in it so far, then one total row;
-- ordered by level (agent, team, total), then id. The period is the month of the as-of date d
-- ($as_of, else the latest payment date loaded); no row at all when there is neither.
-- Net collected is the payout basis (payments_credited: payments and reversals credited to an
-- agent, on an account in some snapshot), by the credited agent, that agent's team in
-- stg_agents (teams of the roster only; an agent on none counts in the total), or everyone.
-- collected_to_date: dated from the period's first day through d. For each of the previous 3
-- months: its net collected through day-of-month D (d's day; every day of it when d is its
-- month's last day, the month then being complete; a shorter month ends earlier) over its net
-- collected, 6 places; expected_share: their mean (rate_mean); projected: collected_to_date /
-- expected_share (money_over); projected_attainment: projected / target. A row is not
-- projected (no_projection says why): short_history when the payments loaded begin on or after
-- the first of those 3 months (that month is incomplete or missing); month_not_positive when
-- one of the 3 has a net collected of 0 or less in the row's scope (its share means nothing);
-- share_not_positive when the mean is 0 or less. target: the agent's or team's target for the
-- period (stg_targets); the total's is the sum of the teams' targets (empty without any).
-- Parameters: $as_of (a date, or null).
with asked as (
    select
        d as as_of_date,
        cast(month_start(d) as date) as period_start,
        month_text(d) as period,
        case when d = last_day(d) then 31 else day(d) end as day_no
    from (
        select cast(coalesce($as_of, (select max(payment_date) from stg_payments)) as date) as d
    )
    where d is not null
),

history as (
    select
        a.*,
        coalesce(
            (select min(payment_date) from stg_payments)
            < cast(plus_months(a.period_start, -3) as date),
            false
        ) as complete_history
    from asked as a
),

credited as (
    select
        p.credited_agent_id as agent_id,
        g.team,
        months_between(p.payment_date, h.period_start) as months_back,
        day(p.payment_date) <= h.day_no as by_day,
        p.amount
    from payments_credited as p
    cross join history as h
    left join stg_agents as g on g.agent_id = p.credited_agent_id
    where in_basis(p.credited_agent_id, p.account_id)
        and p.payment_date >= cast(plus_months(h.period_start, -3) as date)
        and p.payment_date <= h.as_of_date
),

scoped as (
    select
        rollup_id(grouping(agent_id), grouping(team), agent_id, team) as id,
        rollup_level(grouping(agent_id), grouping(team)) as level,
        count(*) filter (where months_back = 0) as period_rows,
        money(coalesce(sum(amount) filter (where months_back = 0), 0)) as collected_to_date,
        money(coalesce(sum(amount) filter (where months_back = 1), 0)) as net_1,
        money(coalesce(sum(amount) filter (where months_back = 2), 0)) as net_2,
        money(coalesce(sum(amount) filter (where months_back = 3), 0)) as net_3,
        money(coalesce(sum(amount) filter (where months_back = 1 and by_day), 0)) as by_day_1,
        money(coalesce(sum(amount) filter (where months_back = 2 and by_day), 0)) as by_day_2,
        money(coalesce(sum(amount) filter (where months_back = 3 and by_day), 0)) as by_day_3
    from credited
    group by grouping sets ((agent_id, team), (team), ())
),

targets as (
    select
        t.level,
        t.id,
        t.target
    from stg_targets as t
    inner join asked as a on a.period = t.period
),

rows_shown as (
    select level, id from targets
    union
    select level, id from scoped where level <> 'total' and id is not null and period_rows > 0
    union
    select 'total' as level, null as id from asked
),

measured as (
    select
        r.level,
        r.id,
        case
            when r.level = 'total'
                then (select money(sum(target)) from targets where level = 'team')
            else t.target
        end as target,
        coalesce(s.collected_to_date, money(0)) as collected_to_date,
        coalesce(s.net_1 > 0 and s.net_2 > 0 and s.net_3 > 0, false) as months_positive,
        case
            when s.net_1 > 0 and s.net_2 > 0 and s.net_3 > 0
                then rate_mean(
                    rate6(s.by_day_1, s.net_1) + rate6(s.by_day_2, s.net_2)
                    + rate6(s.by_day_3, s.net_3),
                    3
                )
        end as share
    from rows_shown as r
    left join scoped as s on s.level = r.level and s.id is not distinct from r.id
    left join targets as t on t.level = r.level and t.id = r.id
),

judged as (
    select
        m.*,
        case
            when not h.complete_history then 'short_history'
            when not m.months_positive then 'month_not_positive'
            when m.share <= 0 then 'share_not_positive'
        end as no_projection
    from measured as m
    cross join history as h
),

final as (
    select
        a.period,
        a.as_of_date as date_to,
        j.level,
        j.id,
        money(j.target) as target,
        j.collected_to_date,
        case when j.no_projection is null or j.no_projection = 'share_not_positive'
            then j.share end as expected_share,
        case when j.no_projection is null then money_over(j.collected_to_date, j.share) end
            as projected,
        case
            when j.no_projection is null
                then rate6(money_over(j.collected_to_date, j.share), j.target)
        end as projected_attainment,
        j.no_projection
    from judged as j
    cross join asked as a
    order by case j.level when 'agent' then 1 when 'team' then 2 else 3 end, j.id
)

select * from final
