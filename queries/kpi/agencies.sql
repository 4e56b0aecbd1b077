-- kpi/agencies: the agency league table (domain.md, "agencies and placements"), one row per
-- outside agency of the agencies extract, then one for the accounts worked in house in the
-- same delinquency buckets. Over the window [$date_from, $date_to]:
-- - held (accounts, balance, placed_balance): the open accounts (not Closed) an agency holds
--   in the latest snapshot on or before $date_to; in house: the open accounts no agency holds
--   there whose bucket is one in which some agency holds an account in that snapshot;
-- - collected: net payments dated in the window that belong to the holder: a payment belongs
--   to the agency holding the account in the latest snapshot on or before its payment_date,
--   else in its earliest snapshot (the agents' rule), in house when none does (and, for the
--   in-house row, only when that snapshot's bucket is one of the compared buckets: a Closed
--   snapshot is in no bucket);
-- - fee: fee_rate x the agency's collected per calendar month of the window, to the cent
--   (half away from zero) per month, summed; net_recovery = collected - fee;
-- - recovery_rate = collected / placed_balance, net_recovery_rate = net_recovery /
--   placed_balance, cost_to_collect = fee / collected (6 places, half away from zero).
-- Ordered: the agencies by agency_id, then in house.
-- Parameters: $date_from, $date_to, $bucket_min_dpd, $closed_statuses, $portfolios (the
-- account's static portfolio), $teams, $agents (the account's agent in that snapshot: the
-- latest one for what is held, the one that decides the holder for a payment).
with dates as (
    select distinct as_of_date, next_as_of_date from rpt_snapshots
),

latest as (
    select max(as_of_date) as as_of_date from dates where as_of_date <= $date_to
),

held as (
    select
        s.agency_id,
        s.current_balance,
        bucket_no(s.days_past_due, $bucket_min_dpd) as bucket_no,
        s.placed_balance
    from rpt_snapshots as s
    inner join latest as l on l.as_of_date = s.as_of_date
    where not is_closed(s.status, s.current_balance, $closed_statuses)
        and dims_ok(s.portfolio, s.agent_id, $portfolios, $teams, $agents)
),

agency_buckets as (
    select distinct bucket_no from held where agency_id is not null
),

-- each payment day of the window with the loaded snapshot in force on it (the latest snapshot
-- date on or before it; none before the first): a range join of a few hundred days, not of
-- every payment
in_force as (
    select y.payment_date, d.as_of_date
    from (
        select distinct payment_date from rpt_payments
        where payment_date >= $date_from and payment_date <= $date_to
    ) as y
    inner join dates as d
        on d.as_of_date <= y.payment_date
        and (d.next_as_of_date is null or y.payment_date < d.next_as_of_date)
),

-- each payment of the window with the snapshot date in force on its date (null before the
-- first)
payments as (
    select
        p.payment_id,
        p.account_id,
        p.payment_date,
        p.amount,
        f.as_of_date as in_force_date
    from rpt_payments as p
    left join in_force as f on f.payment_date = p.payment_date
    where p.payment_date >= $date_from and p.payment_date <= $date_to
),

-- each payment with its account's row in the snapshot in force (none: the account is not in
-- that snapshot, or the payment is dated before the first snapshot)
matched as (
    select
        p.payment_id,
        p.account_id,
        p.payment_date,
        p.amount,
        s.account_id as in_snapshot,
        s.portfolio,
        s.agency_id,
        s.agent_id,
        s.current_balance,
        s.days_past_due,
        s.status
    from payments as p
    left join rpt_snapshots as s
        on s.account_id = p.account_id and s.as_of_date = p.in_force_date
),

-- the others, with their account's first snapshot date
missing as (
    select m.payment_id, m.account_id, m.payment_date, m.amount, a.first_as_of_date
    from matched as m
    inner join rpt_accounts as a on a.account_id = m.account_id
    where m.in_snapshot is null
),

-- dated before their account's first snapshot (nearly all of the others): that snapshot
early as (
    select
        p.payment_date,
        p.amount,
        s.portfolio,
        s.agency_id,
        s.agent_id,
        s.current_balance,
        s.days_past_due,
        s.status
    from missing as p
    inner join rpt_snapshots as s
        on s.account_id = p.account_id and s.as_of_date = p.first_as_of_date
    where p.payment_date < p.first_as_of_date
),

-- the account is absent from the snapshot in force but in an earlier one: its latest snapshot
-- on or before the payment date (only those few accounts' snapshots are searched)
elsewhere as (
    select
        p.payment_date,
        p.amount,
        s.portfolio,
        s.agency_id,
        s.agent_id,
        s.current_balance,
        s.days_past_due,
        s.status,
        row_number() over (partition by p.payment_id order by s.as_of_date desc) as preference
    from missing as p
    inner join rpt_snapshots as s
        on s.account_id = p.account_id and s.as_of_date <= p.payment_date
    where p.payment_date >= p.first_as_of_date
),

-- each payment with the one snapshot of its account it belongs to
owning as (
    select
        payment_date, amount, portfolio, agency_id, agent_id, current_balance, days_past_due,
        status
    from matched
    where in_snapshot is not null
    union all
    select
        payment_date, amount, portfolio, agency_id, agent_id, current_balance, days_past_due,
        status
    from early
    union all
    select
        payment_date, amount, portfolio, agency_id, agent_id, current_balance, days_past_due,
        status
    from elsewhere
    where preference = 1
),

belonging as (
    select
        payment_date,
        amount,
        agency_id,
        case  -- Closed: in no bucket
            when not is_closed(status, current_balance, $closed_statuses)
                then bucket_no(days_past_due, $bucket_min_dpd)
        end as bucket_no
    from owning
    where dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)
),

agency_months as (
    select
        b.agency_id,
        month_start(b.payment_date) as month,
        sum(b.amount) as collected
    from belonging as b
    where b.agency_id is not null
    group by all
),

agency_paid as (
    select
        m.agency_id,
        sum(m.collected) as collected,
        sum(cents(m.collected * g.fee_rate)) as fee
    from agency_months as m
    inner join stg_agencies as g on g.agency_id = m.agency_id
    group by m.agency_id
),

agency_held as (
    select
        agency_id,
        count(*) as accounts,
        sum(current_balance) as balance,
        sum(placed_balance) as placed_balance
    from held
    where agency_id is not null
    group by agency_id
),

agency_rows as (
    select
        'agency' as holder,
        g.agency_id,
        g.agency_name,
        g.fee_rate,
        coalesce(h.accounts, 0) as accounts,
        coalesce(h.balance, 0) as balance,
        coalesce(h.placed_balance, 0) as placed_balance,
        coalesce(p.collected, 0) as collected,
        coalesce(p.fee, 0) as fee,
        1 as row_order
    from stg_agencies as g
    left join agency_held as h on h.agency_id = g.agency_id
    left join agency_paid as p on p.agency_id = g.agency_id
),

compared_held as (
    select
        count(*) as accounts,
        coalesce(sum(current_balance), 0) as balance,
        coalesce(sum(placed_balance), 0) as placed_balance
    from held
    where agency_id is null and bucket_no in (select bucket_no from agency_buckets)
),

compared_paid as (
    select coalesce(sum(amount), 0) as collected
    from belonging
    where agency_id is null and bucket_no in (select bucket_no from agency_buckets)
),

in_house as (
    select
        'in_house' as holder,
        cast(null as varchar) as agency_id,
        cast(null as varchar) as agency_name,
        cast(0 as decimal(9, 6)) as fee_rate,
        h.accounts,
        h.balance,
        h.placed_balance,
        p.collected,
        cast(0 as decimal(38, 2)) as fee,
        2 as row_order
    from compared_held as h
    cross join compared_paid as p
),

final as (
    select
        holder,
        agency_id,
        agency_name,
        fee_rate,
        accounts,
        money(balance) as balance,
        money(placed_balance) as placed_balance,
        money(collected) as collected,
        money(fee) as fee,
        money(collected - fee) as net_recovery,
        rate6(collected, placed_balance) as recovery_rate,
        rate6(collected - fee, placed_balance) as net_recovery_rate,
        rate6(fee, collected) as cost_to_collect
    from (select * from agency_rows union all select * from in_house)
    order by row_order, agency_id
)

select * from final
