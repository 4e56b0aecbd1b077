-- kpi/roll_accounts: one row per account behind the roll-rate matrix of the pair of
-- consecutive snapshots starting at $from_date (kpi/roll_rates): the accounts open in the
-- from-snapshot (in a DPD bucket, not Closed), with their from_bucket and their to_state in
-- the next snapshot (a bucket, Closed, or Missing when absent from it), optionally only one
-- cell ($from_bucket, $to_state). Personal data (customer_name, phone) is the from-snapshot's
-- as stored: masked by the importer. Ordered by account_id.
-- Parameters: $from_date, $from_bucket, $to_state (null: any), $bucket_names, $bucket_min_dpd,
-- $closed_statuses, $portfolios (the account's portfolio), $teams, $agents (the agent in the
-- from-snapshot, and its team); empty lists: no filter.
with pairs as (
    select
        as_of_date,
        next_as_of_date,
        account_id,
        portfolio,
        agent_id,
        days_past_due,
        next_days_past_due,
        current_balance,
        next_current_balance,
        next_status,
        next_present,
        is_closed(next_status, next_current_balance, $closed_statuses) as next_closed
    from rpt_snapshots
    where as_of_date = $from_date
        and next_as_of_date is not null
        and not is_closed(status, current_balance, $closed_statuses)
        and dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)
),

stated as (
    select
        *,
        bucket_name(bucket_no(days_past_due, $bucket_min_dpd), $bucket_names) as from_bucket,
        case
            when not next_present then 'Missing'
            when next_closed then 'Closed'
            else bucket_name(bucket_no(next_days_past_due, $bucket_min_dpd), $bucket_names)
        end as to_state
    from pairs
),

cell as (
    select *
    from stated
    where ($from_bucket is null or from_bucket = $from_bucket)
        and ($to_state is null or to_state = $to_state)
),

personal as (
    select
        account_id,
        customer_name,
        phone
    from stg_accounts
    where as_of_date = $from_date
),

final as (
    select
        c.as_of_date as from_date,
        c.next_as_of_date as to_date,
        c.account_id,
        c.portfolio,
        c.agent_id,
        g.team,
        c.from_bucket,
        c.to_state,
        c.days_past_due,
        c.next_days_past_due,
        c.current_balance,
        c.next_current_balance,
        c.next_status,
        p.customer_name,
        p.phone
    from cell as c
    left join stg_agents as g on g.agent_id = c.agent_id
    left join personal as p on p.account_id = c.account_id
    order by c.account_id
)

select * from final
