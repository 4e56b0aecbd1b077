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
        and (len($portfolios) = 0 or list_contains($portfolios, portfolio))
        and (
            len($teams) = 0
            or agent_id in (select agent_id from stg_agents where list_contains($teams, team))
        )
        and (len($agents) = 0 or list_contains($agents, agent_id))
),

by_dpd as (
    select
        as_of_date,
        list_contains($closed_statuses, status) or current_balance = 0 as closed,
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
            when closed then len($bucket_names) + 1
            else len(list_filter($bucket_min_dpd, lambda m: m <= days_past_due))
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
        cast(sum(balance) as decimal(38, 2)) as balance
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
        coalesce($bucket_names[state_no], 'Closed') as bucket,
        accounts,
        balance,
        cast(
            cast(cast(accounts as hugeint) * 10000000 // total_accounts as decimal(38, 0))
            * 0.0000001 as decimal(38, 6)
        ) as share_accounts,
        cast(
            cast(
                cast(balance * 100 as hugeint) * 10000000
                // nullif(cast(total_balance * 100 as hugeint), 0) as decimal(38, 0)
            )
            * 0.0000001 as decimal(38, 6)
        ) as share_balance
    from with_totals
    order by as_of_date, state_no
)

select * from final
