-- stg_accounts: one row per snapshot (as_of_date) and account, from the snapshot's latest
-- active import (a re-uploaded snapshot replaces the earlier one whole).
-- Parameters: none.
with snapshot_in_force as (
    select
        sl.as_of_date,
        max(sl.import_id) as import_id
    from snapshot_loads as sl
    where import_in_force(sl.import_id)
    group by sl.as_of_date
),

accounts as (
    select
        a.as_of_date,
        a.account_id,
        a.portfolio,
        a.placement_date,
        a.placed_balance,
        a.current_balance,
        a.days_past_due,
        a.agent_id,
        a.status,
        a.region,
        a.customer_name,
        a.phone,
        a.id_number,
        a.agency_id,
        a.import_id
    from raw_accounts as a
    inner join snapshot_in_force as s
        on a.import_id = s.import_id and a.as_of_date = s.as_of_date
)

select * from accounts
