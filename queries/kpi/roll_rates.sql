-- kpi/roll_rates: one row per pair of consecutive loaded snapshots (from_date < to_date, no
-- snapshot between them), from_bucket and to_state with at least one account. The accounts
-- are those open in the from-snapshot (in a DPD bucket, not Closed); to_state is their bucket
-- in the to-snapshot, Closed, or Missing (absent from it). balance is the from-snapshot
-- current_balance; share and share_balance are of the from_bucket's accounts and balance in
-- that pair (6 places, half away from zero). direction: worse (a later bucket: roll forward),
-- same, better (an earlier bucket), closed, missing. cured_accounts: of a delinquent
-- from_bucket (not the first), the accounts in the first bucket in the to-snapshot or Closed
-- there with a status in $cure_statuses (0 for the first bucket).
-- Parameters: $date_from, $date_to (null: unbounded; pairs whose to_date is inside),
-- $bucket_names, $bucket_min_dpd, $closed_statuses, $cure_statuses, $portfolios (the account's
-- portfolio),
-- $teams, $agents (the agent in the from-snapshot, and its team); empty lists: no filter.
with pairs as (
    select
        as_of_date as from_date,
        next_as_of_date as to_date,
        current_balance,
        days_past_due,
        next_present,
        next_days_past_due,
        list_contains($closed_statuses, next_status) or next_current_balance = 0 as next_closed,
        list_contains($cure_statuses, next_status) as next_cure_status
    from rpt_snapshots
    where next_as_of_date is not null
        and ($date_from is null or next_as_of_date >= $date_from)
        and ($date_to is null or next_as_of_date <= $date_to)
        and not list_contains($closed_statuses, status)
        and current_balance <> 0
        and (len($portfolios) = 0 or list_contains($portfolios, portfolio))
        and (
            len($teams) = 0
            or agent_id in (select agent_id from stg_agents where list_contains($teams, team))
        )
        and (len($agents) = 0 or list_contains($agents, agent_id))
),

by_dpd as (
    select
        from_date,
        to_date,
        days_past_due as from_dpd,
        case
            when not next_present then len($bucket_names) + 2
            when next_closed then len($bucket_names) + 1
        end as to_special,
        case when next_present and not next_closed then next_days_past_due end as to_dpd,
        next_present and next_closed and next_cure_status as closed_cured,
        count(*) as accounts,
        sum(current_balance) as balance
    from pairs
    group by all
),

stated as (
    select
        from_date,
        to_date,
        len(list_filter($bucket_min_dpd, lambda m: m <= from_dpd)) as from_no,
        coalesce(to_special, len(list_filter($bucket_min_dpd, lambda m: m <= to_dpd))) as to_no,
        closed_cured,
        accounts,
        balance
    from by_dpd
),

by_state as (
    select
        from_date,
        to_date,
        from_no,
        to_no,
        sum(accounts) as accounts,
        cast(sum(balance) as decimal(38, 2)) as balance,
        coalesce(
            sum(accounts) filter (where from_no > 1 and (to_no = 1 or closed_cured)), 0
        ) as cured_accounts
    from stated
    group by from_date, to_date, from_no, to_no
),

with_totals as (
    select
        *,
        sum(accounts) over (partition by from_date, from_no) as from_accounts,
        sum(balance) over (partition by from_date, from_no) as from_balance
    from by_state
),

final as (
    select
        from_date,
        to_date,
        $bucket_names[from_no] as from_bucket,
        case
            when to_no = len($bucket_names) + 2 then 'Missing'
            when to_no = len($bucket_names) + 1 then 'Closed'
            else $bucket_names[to_no]
        end as to_state,
        accounts,
        balance,
        cast(
            cast(cast(accounts as hugeint) * 10000000 // from_accounts as decimal(38, 0))
            * 0.0000001 as decimal(38, 6)
        ) as share,
        cast(
            cast(
                cast(balance * 100 as hugeint) * 10000000
                // nullif(cast(from_balance * 100 as hugeint), 0) as decimal(38, 0)
            )
            * 0.0000001 as decimal(38, 6)
        ) as share_balance,
        case
            when to_no = len($bucket_names) + 2 then 'missing'
            when to_no = len($bucket_names) + 1 then 'closed'
            when to_no > from_no then 'worse'
            when to_no < from_no then 'better'
            else 'same'
        end as direction,
        cured_accounts
    from with_totals
    order by from_date, from_no, to_no
)

select * from final
