-- rpt_snapshots: one row per snapshot (as_of_date) and account, with the account's static
-- fields (rpt_accounts), the outside agency holding it then (agency_id, null: in house), and
-- its row in the next loaded snapshot (next_*; next_present is false when the account is
-- missing from it; next_as_of_date is null for the latest snapshot).
-- Buckets, roll rates, agencies and the headline KPIs read this table: materialised when
-- accounts are imported or undone, ordered by as_of_date so a one-snapshot query reads only
-- that snapshot's row groups. The next snapshot's row is the account's next row (a window over
-- the account's snapshots), present when it is of the next loaded snapshot's date: a self-join
-- of the snapshots held two hash tables of every row at once and ran out of the refresh's
-- memory on a first import of 4.7 M rows (bench, 2026-12-03). Parameters: none.
with snapshots as (
    select
        as_of_date,
        account_id,
        current_balance,
        days_past_due,
        status,
        agent_id,
        agency_id,
        lead(as_of_date) over account_dates as later_as_of_date,
        lead(current_balance) over account_dates as later_current_balance,
        lead(days_past_due) over account_dates as later_days_past_due,
        lead(status) over account_dates as later_status
    from stg_accounts
    window account_dates as (partition by account_id order by as_of_date)
),

dates as (
    select
        as_of_date,
        lead(as_of_date) over (order by as_of_date) as next_as_of_date
    from (select distinct as_of_date from snapshots)
),

static as (
    select account_id, portfolio, placement_date, placed_balance from rpt_accounts
),

joined as (
    select
        s.as_of_date,
        s.account_id,
        st.portfolio,
        st.placement_date,
        st.placed_balance,
        s.current_balance,
        s.days_past_due,
        s.status,
        s.agent_id,
        s.agency_id,
        d.next_as_of_date,
        coalesce(s.later_as_of_date = d.next_as_of_date, false) as next_present,
        case when s.later_as_of_date = d.next_as_of_date then s.later_current_balance end
            as next_current_balance,
        case when s.later_as_of_date = d.next_as_of_date then s.later_days_past_due end
            as next_days_past_due,
        case when s.later_as_of_date = d.next_as_of_date then s.later_status end as next_status
    from snapshots as s
    inner join dates as d on d.as_of_date = s.as_of_date
    inner join static as st on st.account_id = s.account_id
),

ordered as (
    select * from joined order by as_of_date
)

select * from ordered
