-- rpt_accounts: one row per account in any snapshot, with its static fields from the latest
-- snapshot that holds it (domain.md: portfolio, placement_date, placed_balance), its region
-- (the latest snapshot's that gives one, as the staging view does) and the agent it is assigned
-- to in its latest snapshot. Materialised when accounts are imported or undone, so
-- the KPI queries read a table instead of re-aggregating every snapshot. Teams are not copied
-- here (queries look them up in the small agents view), so an agents import rebuilds nothing.
-- Parameters: none.
with latest as (
    select
        account_id,
        latest_given(portfolio, as_of_date) as portfolio,
        latest_given(placement_date, as_of_date) as placement_date,
        latest_given(placed_balance, as_of_date) as placed_balance,
        latest_given(region, as_of_date) as region,
        latest_of(agent_id, as_of_date) as agent_id,
        min(as_of_date) as first_as_of_date,
        max(as_of_date) as last_as_of_date
    from stg_accounts
    group by account_id
),

static as (
    select
        l.account_id,
        l.portfolio,
        l.placement_date,
        month_start(l.placement_date) as placement_month,
        l.placed_balance,
        l.region,
        l.agent_id,
        l.first_as_of_date,
        l.last_as_of_date
    from latest as l
)

select * from static
