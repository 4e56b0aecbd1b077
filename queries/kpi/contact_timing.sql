-- kpi/contact_timing: when calling reaches people (domain.md, "contact timing"): one row per
-- day of the week (weekday: 1 = Monday .. 7 = Sunday), hour of the day (0 .. 23, the local
-- time of contacted_at) and channel with at least one contact made in [$date_from, $date_to]:
-- contacts, right_party_contacts (outcome in $rpc_outcomes), rpc_rate = right_party_contacts
-- / contacts, promises (outcome promise_to_pay), promise_rate = promises /
-- right_party_contacts (of the conversations, the share that ended in a promise; null
-- without one). Rates to 6 places, half away from zero. Ordered by weekday, hour, channel.
-- Parameters: $date_from, $date_to, $rpc_outcomes, $portfolios (the contacted account's
-- static portfolio), $teams, $agents (the agent who made the contact, and that agent's team).
with contacts as (
    select
        weekday_no(c.contacted_at) as weekday,
        hour_no(c.contacted_at) as hour,
        c.channel,
        one_of(c.outcome, $rpc_outcomes) as right_party,
        c.outcome = 'promise_to_pay' as promise
    from rpt_contacts as c
    where on_days(c.contacted_at, $date_from, $date_to)
        and account_dims_ok(c.account_id, c.agent_id, $portfolios, $teams, $agents)
),

counted as (
    select
        weekday,
        hour,
        channel,
        count(*) as contacts,
        count(*) filter (where right_party) as right_party_contacts,
        count(*) filter (where promise) as promises
    from contacts
    group by all
),

final as (
    select
        weekday,
        hour,
        channel,
        contacts,
        right_party_contacts,
        rate6(right_party_contacts, contacts) as rpc_rate,
        promises,
        rate6(promises, right_party_contacts) as promise_rate
    from counted
    order by weekday, hour, channel
)

select * from final
