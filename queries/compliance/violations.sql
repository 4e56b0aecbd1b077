-- compliance/violations: one row per contact dated in [$date_from, $date_to] and contact rule
-- it breaks (a contact breaking two rules gives two rows). Rules (docs/reports.md, compliance):
--   contact_hours: channel in $hours_channels and time of day before $hours_from, or after
--     $hours_until (at $hours_until itself too unless $hours_until_inclusive).
--   unanswered_calls_per_day: a call with outcome no_answer that is, among the account's
--     no_answer calls of that calendar day (all agents; by contacted_at, then contact_id),
--     number $max_unanswered_per_day + 1 or later. Off when the limit is null.
--   calls_per_window: a call that is number $max_calls_per_window + 1 or later among the
--     account's calls (all agents, any outcome) dated in the $call_window_days calendar days
--     ending on its own day. Off when the limit is null.
--   call_after_conversation: a call made after a right-party call ($rpc_outcomes) on the same
--     account dated at most $conversation_days - 1 days earlier (the conversation's day is
--     day 1 of the period). Off when $conversation_days is null.
-- Both limits are checked with lag(): a call breaks a limit of n when the call n places
-- earlier in the account's sequence falls inside the same day / window.
-- Contacts before $date_from (as far back as the longest window) count towards the limits;
-- only contacts inside the window are reported. Filters ($portfolios, $teams, $agents; empty =
-- all) choose which violations are listed, never which contacts count towards a limit.
-- Parameters: $date_from, $date_to, $hours_from, $hours_until, $hours_until_inclusive,
-- $hours_channels, $max_unanswered_per_day, $max_calls_per_window, $call_window_days,
-- $conversation_days, $rpc_outcomes, $portfolios, $teams, $agents.
with contacts as (
    select
        contact_id,
        account_id,
        agent_id,
        contacted_at,
        channel,
        outcome
    from rpt_contacts
    where contacted_at >= $date_from - greatest($call_window_days, coalesce($conversation_days, 1))
        and contacted_at < $date_to + 1
),

accounts as (
    select account_id, portfolio from rpt_accounts
),

agents as (
    select agent_id, team from stg_agents
),

calls as (
    select
        contact_id,
        contacted_at,
        contact_date,
        lag(contact_date, coalesce($max_calls_per_window, 1)) over (
            partition by account_id order by contacted_at, contact_id
        ) as limit_call_date,
        max(case when one_of(outcome, $rpc_outcomes) then contacted_at end) over (
            partition by account_id order by contacted_at, contact_id
            rows between unbounded preceding and 1 preceding
        ) as last_conversation_at
    from (
        select *, cast(contacted_at as date) as contact_date
        from contacts
        where channel = 'call'
            and ($max_calls_per_window is not null or $conversation_days is not null)
    )
),

unanswered as (
    select
        contact_id,
        contact_date,
        lag(contact_date, coalesce($max_unanswered_per_day, 1)) over (
            partition by account_id order by contacted_at, contact_id
        ) as limit_call_date
    from (
        select *, cast(contacted_at as date) as contact_date
        from contacts
        where channel = 'call' and outcome = 'no_answer'
            and $max_unanswered_per_day is not null
    )
),

broken as (
    select
        contact_id,
        'contact_hours' as rule,
        json3('time', clock_text(contacted_at),
            'hours_from', cast($hours_from as varchar),
            'hours_until', cast($hours_until as varchar)) as detail_args
    from contacts
    where one_of(channel, $hours_channels)
        and (
            time_of_day(contacted_at) < $hours_from
            or time_of_day(contacted_at) > $hours_until
            or (time_of_day(contacted_at) = $hours_until and not $hours_until_inclusive)
        )

    union all

    select
        contact_id,
        'unanswered_calls_per_day' as rule,
        json1('limit', cast($max_unanswered_per_day as varchar)) as detail_args
    from unanswered
    where limit_call_date = contact_date

    union all

    select
        contact_id,
        'calls_per_window' as rule,
        json2('limit', cast($max_calls_per_window as varchar),
            'days', cast($call_window_days as varchar)) as detail_args
    from calls
    where $max_calls_per_window is not null
        and limit_call_date > contact_date - $call_window_days

    union all

    select
        contact_id,
        'call_after_conversation' as rule,
        json2(
            'days', cast(days_between(cast(last_conversation_at as date), contact_date) as varchar),
            'at', timestamp_text(last_conversation_at)
        ) as detail_args
    from calls
    where $conversation_days is not null
        and days_between(cast(last_conversation_at as date), contact_date) < $conversation_days
),

listed as (
    select
        c.contact_id,
        c.agent_id,
        g.team,
        c.account_id,
        a.portfolio,
        c.contacted_at,
        c.channel,
        c.outcome,
        b.rule,
        cast(b.detail_args as varchar) as detail_args
    from broken as b
    inner join contacts as c on c.contact_id = b.contact_id
    left join accounts as a on a.account_id = c.account_id
    left join agents as g on g.agent_id = c.agent_id
    where c.contacted_at >= $date_from
        and filter_ok(a.portfolio, $portfolios)
        and filter_ok(g.team, $teams)
        and filter_ok(c.agent_id, $agents)
),

ordered as (
    select * from listed order by contacted_at, contact_id, rule
)

select * from ordered
