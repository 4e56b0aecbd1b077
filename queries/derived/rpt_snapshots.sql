-- rpt_snapshots: one row per snapshot (as_of_date) and account, with the account's static
-- fields (rpt_accounts), the outside agency holding it then (agency_id, null: in house), and
-- its row in the next loaded snapshot (next_*; next_present is false when the account is
-- missing from it; next_as_of_date is null for the latest snapshot).
-- Buckets, roll rates, agencies and the headline KPIs read this table: materialised when
-- accounts are imported or undone, ordered by as_of_date so a one-snapshot query reads only
-- that snapshot's row groups. Parameters: none.
with snapshots as (
    select
        as_of_date,
        account_id,
        current_balance,
        days_past_due,
        status,
        agent_id,
        agency_id
    from stg_accounts
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
        n.account_id is not null as next_present,
        n.current_balance as next_current_balance,
        n.days_past_due as next_days_past_due,
        n.status as next_status
    from snapshots as s
    inner join dates as d on d.as_of_date = s.as_of_date
    inner join static as st on st.account_id = s.account_id
    left join snapshots as n
        on n.account_id = s.account_id and n.as_of_date = d.next_as_of_date
),

ordered as (
    select * from joined order by as_of_date
)

select * from ordered
