-- kpi/buckets: one row per snapshot (as_of_date) and state with at least one account. States:
-- the configured DPD buckets in order, then Closed (status in $closed_statuses, or
-- current_balance 0). accounts, balance (sum of current_balance), and their shares of the
-- snapshot's totals over every state (6 places, half away from zero).
-- Parameters: $as_of (null: every snapshot; else the latest snapshot on or before it),
-- $bucket_names, $bucket_min_dpd (bucket i covers DPD from $bucket_min_dpd[i] up to the next
-- bucket's start), $closed_statuses, $portfolios (the account's portfolio), $teams, $agents
-- (the agent the account is assigned to in that snapshot, and that agent's team); empty
-- lists mean no filter.
with snapshots as (
    select
        as_of_date,
        current_balance,
        days_past_due,
        status
    from rpt_snapshots
    where (
        $as_of is null
        or as_of_date = (select max(as_of_date) from rpt_snapshots where as_of_date <= $as_of)
    )
        and dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)
),

by_dpd as (
    select
        as_of_date,
        is_closed(status, current_balance, $closed_statuses) as closed,
        days_past_due,
        count(*) as accounts,
        sum(current_balance) as balance
    from snapshots
    group by all
),

stated as (
    select
        as_of_date,
        case
            when closed then closed_no($bucket_names)
            else bucket_no(days_past_due, $bucket_min_dpd)
        end as state_no,
        accounts,
        balance
    from by_dpd
),

by_state as (
    select
        as_of_date,
        state_no,
        sum(accounts) as accounts,
        money(sum(balance)) as balance
    from stated
    group by all
),

with_totals as (
    select
        *,
        sum(accounts) over (partition by as_of_date) as total_accounts,
        sum(balance) over (partition by as_of_date) as total_balance
    from by_state
),

final as (
    select
        as_of_date,
        coalesce(bucket_name(state_no, $bucket_names), 'Closed') as bucket,
        accounts,
        balance,
        rate6(accounts, total_accounts) as share_accounts,
        rate6(balance, total_balance) as share_balance
    from with_totals
    order by as_of_date, state_no
)

select * from final
