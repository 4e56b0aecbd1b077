-- kpi/kpis: the headline numbers, one row for the window [$date_from, $date_to] (period
-- current) and one for [$prev_from, $prev_to] (period previous). Per window:
--   placed_accounts, placed_balance: accounts whose placement_date is in the window;
--   collected: net payments and reversals dated in the window;
--   recovery_rate: net collected up to date_to on accounts placed on or before date_to /
--     their placed_balance;
--   snapshot_date: the latest snapshot on or before date_to (the next columns are of it);
--   open_accounts, open_balance: accounts not Closed, sum of their current_balance;
--   delinquent_accounts, delinquent_share: open accounts past the first bucket (DPD >=
--     $bucket_min_dpd[2]) and their share of open accounts;
--   delinquent_accounts_start, cured_accounts, cure_rate: over the consecutive snapshot pairs
--     whose later snapshot is dated in the window, accounts open and delinquent in the earlier
--     snapshot, and those that are in the first bucket in the later one or Closed there with a
--     status in $cure_statuses;
--   promises, promises_kept, kept_rate: promises made (contact date) in the window (rpt_promises).
-- Rates: 6 places, half away from zero, null when the denominator is 0.
-- Filters (empty lists: none): $portfolios on the account's portfolio; $teams and $agents on
-- the account's agent in its latest snapshot for placed/collected/recovery, in the snapshot
-- for open/delinquent/cure (the earlier one of a pair), and on the agent who made the promise.
-- Parameters: $date_from, $date_to, $prev_from, $prev_to, $bucket_min_dpd, $closed_statuses,
-- $cure_statuses, $portfolios, $teams, $agents.
with static as (
    select
        placement_date,
        placed_balance
    from rpt_accounts
    where dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)
),

payments as (
    select
        payment_date,
        placement_date,
        amount
    from rpt_payments
    where dims_ok(portfolio, account_agent_id, $portfolios, $teams, $agents)
),

snapshot_dates as (
    select
        (select max(as_of_date) from rpt_snapshots where as_of_date <= $date_to)
            as cur_snapshot,
        (select max(as_of_date) from rpt_snapshots where as_of_date <= $prev_to)
            as prev_snapshot
),

snapshots as (
    select
        s.as_of_date,
        s.next_as_of_date,
        s.current_balance,
        s.days_past_due,
        is_closed(s.status, s.current_balance, $closed_statuses) as closed,
        s.next_present,
        s.next_days_past_due,
        is_closed(s.next_status, s.next_current_balance, $closed_statuses) as next_closed,
        s.next_status
    from rpt_snapshots as s
    where dims_ok(s.portfolio, s.agent_id, $portfolios, $teams, $agents)
        and (
            s.as_of_date in (select cur_snapshot from snapshot_dates)
            or s.as_of_date in (select prev_snapshot from snapshot_dates)
            or s.next_as_of_date between $date_from and $date_to
            or s.next_as_of_date between $prev_from and $prev_to
        )
),

promises as (
    select
        p.contact_date,
        p.kept
    from rpt_promises as p
    where (p.contact_date between $date_from and $date_to
        or p.contact_date between $prev_from and $prev_to)
        and account_dims_ok(p.account_id, p.agent_id, $portfolios, $teams, $agents)
),

placed as (
    select
        count(*) filter (where placement_date between $date_from and $date_to) as cur_accounts,
        sum(placed_balance) filter (where placement_date between $date_from and $date_to)
            as cur_balance,
        sum(placed_balance) filter (where placement_date <= $date_to) as cur_placed_to_date,
        count(*) filter (where placement_date between $prev_from and $prev_to) as prev_accounts,
        sum(placed_balance) filter (where placement_date between $prev_from and $prev_to)
            as prev_balance,
        sum(placed_balance) filter (where placement_date <= $prev_to) as prev_placed_to_date
    from static
),

collected as (
    select
        sum(amount) filter (where payment_date between $date_from and $date_to) as cur_collected,
        sum(amount) filter (where payment_date <= $date_to and placement_date <= $date_to)
            as cur_collected_to_date,
        sum(amount) filter (where payment_date between $prev_from and $prev_to)
            as prev_collected,
        sum(amount) filter (where payment_date <= $prev_to and placement_date <= $prev_to)
            as prev_collected_to_date
    from payments
),

snapshot_state as (
    select
        d.cur_snapshot,
        d.prev_snapshot,
        count(*) filter (where s.as_of_date = d.cur_snapshot and not s.closed) as cur_open,
        sum(s.current_balance) filter (where s.as_of_date = d.cur_snapshot and not s.closed)
            as cur_open_balance,
        count(*) filter (
            where s.as_of_date = d.cur_snapshot and not s.closed
            and delinquent(s.days_past_due, $bucket_min_dpd)
        ) as cur_delinquent,
        count(*) filter (where s.as_of_date = d.prev_snapshot and not s.closed) as prev_open,
        sum(s.current_balance) filter (where s.as_of_date = d.prev_snapshot and not s.closed)
            as prev_open_balance,
        count(*) filter (
            where s.as_of_date = d.prev_snapshot and not s.closed
            and delinquent(s.days_past_due, $bucket_min_dpd)
        ) as prev_delinquent
    from snapshot_dates as d
    left join snapshots as s on true
    group by all
),

cures as (
    select
        case when next_as_of_date between $date_from and $date_to then 'current' end as cur,
        case when next_as_of_date between $prev_from and $prev_to then 'previous' end as prev,
        next_present and (
            (not next_closed and not delinquent(next_days_past_due, $bucket_min_dpd))
            or (next_closed and one_of(next_status, $cure_statuses))
        ) as cured
    from snapshots
    where not closed and delinquent(days_past_due, $bucket_min_dpd)
),

cure_counts as (
    select
        count(*) filter (where cur is not null) as cur_start,
        count(*) filter (where cur is not null and cured) as cur_cured,
        count(*) filter (where prev is not null) as prev_start,
        count(*) filter (where prev is not null and cured) as prev_cured
    from cures
),

promise_counts as (
    select
        count(*) filter (where contact_date between $date_from and $date_to) as cur_promises,
        count(*) filter (where contact_date between $date_from and $date_to and kept)
            as cur_kept,
        count(*) filter (where contact_date between $prev_from and $prev_to) as prev_promises,
        count(*) filter (where contact_date between $prev_from and $prev_to and kept)
            as prev_kept
    from promises
),

periods as (
    select
        'current' as period,
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
        p.cur_accounts as placed_accounts,
        coalesce(p.cur_balance, 0) as placed_balance,
        coalesce(c.cur_collected, 0) as collected,
        coalesce(c.cur_collected_to_date, 0) as collected_to_date,
        coalesce(p.cur_placed_to_date, 0) as placed_to_date,
        s.cur_snapshot as snapshot_date,
        case when s.cur_snapshot is not null then s.cur_open end as open_accounts,
        case
            when s.cur_snapshot is not null then coalesce(s.cur_open_balance, 0)
        end as open_balance,
        case when s.cur_snapshot is not null then s.cur_delinquent end as delinquent_accounts,
        u.cur_start as delinquent_accounts_start,
        u.cur_cured as cured_accounts,
        m.cur_promises as promises,
        m.cur_kept as promises_kept
    from placed as p, collected as c, snapshot_state as s, cure_counts as u, promise_counts as m
    union all
    select
        'previous',
        cast($prev_from as date),
        cast($prev_to as date),
        p.prev_accounts,
        coalesce(p.prev_balance, 0),
        coalesce(c.prev_collected, 0),
        coalesce(c.prev_collected_to_date, 0),
        coalesce(p.prev_placed_to_date, 0),
        s.prev_snapshot,
        case when s.prev_snapshot is not null then s.prev_open end,
        case when s.prev_snapshot is not null then coalesce(s.prev_open_balance, 0) end,
        case when s.prev_snapshot is not null then s.prev_delinquent end,
        u.prev_start,
        u.prev_cured,
        m.prev_promises,
        m.prev_kept
    from placed as p, collected as c, snapshot_state as s, cure_counts as u, promise_counts as m
),

final as (
    select
        period,
        date_from,
        date_to,
        placed_accounts,
        money(placed_balance) as placed_balance,
        money(collected) as collected,
        money(placed_to_date) as placed_balance_to_date,
        money(collected_to_date) as collected_to_date,
        rate6(collected_to_date, placed_to_date) as recovery_rate,
        snapshot_date,
        open_accounts,
        money(open_balance) as open_balance,
        delinquent_accounts,
        rate6(delinquent_accounts, open_accounts) as delinquent_share,
        delinquent_accounts_start,
        cured_accounts,
        rate6(cured_accounts, delinquent_accounts_start) as cure_rate,
        promises,
        promises_kept,
        rate6(promises_kept, promises) as kept_rate
    from periods
    order by period
)

select * from final
