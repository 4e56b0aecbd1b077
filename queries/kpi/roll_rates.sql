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
        is_closed(next_status, next_current_balance, $closed_statuses) as next_closed,
        one_of(next_status, $cure_statuses) as next_cure_status
    from rpt_snapshots
    where next_as_of_date is not null
        and in_range(next_as_of_date, $date_from, $date_to)
        and not is_closed(status, current_balance, $closed_statuses)
        and dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)
),

-- the bucket of each days-past-due value that occurs (a few hundred values, not every row; a
-- next_days_past_due is the days_past_due of the account's row in the next snapshot)
dpd_buckets as (
    select dpd, bucket_no(dpd, $bucket_min_dpd) as bucket_no
    from (select distinct days_past_due as dpd from rpt_snapshots)
),

stated as (
    select
        p.from_date,
        p.to_date,
        f.bucket_no as from_no,
        case
            when not p.next_present then missing_no($bucket_names)
            when p.next_closed then closed_no($bucket_names)
            else t.bucket_no
        end as to_no,
        p.next_present and p.next_closed and p.next_cure_status as closed_cured,
        count(*) as accounts,
        sum(p.current_balance) as balance
    from pairs as p
    inner join dpd_buckets as f on f.dpd = p.days_past_due
    left join dpd_buckets as t on t.dpd = p.next_days_past_due
    group by all
),

by_state as (
    select
        from_date,
        to_date,
        from_no,
        to_no,
        sum(accounts) as accounts,
        money(sum(balance)) as balance,
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
        bucket_name(from_no, $bucket_names) as from_bucket,
        case
            when to_no = missing_no($bucket_names) then 'Missing'
            when to_no = closed_no($bucket_names) then 'Closed'
            else bucket_name(to_no, $bucket_names)
        end as to_state,
        accounts,
        balance,
        rate6(accounts, from_accounts) as share,
        rate6(balance, from_balance) as share_balance,
        case
            when to_no = missing_no($bucket_names) then 'missing'
            when to_no = closed_no($bucket_names) then 'closed'
            when to_no > from_no then 'worse'
            when to_no < from_no then 'better'
            else 'same'
        end as direction,
        cured_accounts
    from with_totals
    order by from_date, from_no, to_no
)

select * from final
