-- checks/snapshot_loads_without_rows (invariant): one row per snapshot load (as_of_date, import)
-- whose account count differs from the raw rows that import holds for that date, or whose import is
-- not an active accounts import; and per active accounts import with rows but no load record. None
-- means it holds. Parameters: none.
with loads as (
    select as_of_date, import_id, accounts from snapshot_loads
),

rows_per_load as (
    select as_of_date, import_id, count(*) as rows_found
    from raw_accounts
    group by as_of_date, import_id
),

bad_loads as (
    select
        l.as_of_date,
        l.import_id,
        l.accounts as accounts_recorded,
        coalesce(r.rows_found, 0) as rows_found,
        i.kind,
        i.status
    from loads as l
    left join rows_per_load as r
        on r.as_of_date = l.as_of_date and r.import_id = l.import_id
    left join imports as i on i.import_id = l.import_id
    where l.accounts <> coalesce(r.rows_found, 0)
        or i.import_id is null
        or i.kind <> 'accounts'
        or i.status <> 'active'
),

rows_without_load as (
    select
        r.as_of_date,
        r.import_id,
        null::bigint as accounts_recorded,
        r.rows_found,
        'accounts' as kind,
        'no snapshot_loads row' as status
    from rows_per_load as r
    anti join loads as l on l.as_of_date = r.as_of_date and l.import_id = r.import_id
),

offending as (
    select * from bad_loads
    union all
    select * from rows_without_load
)

select * from offending
order by as_of_date, import_id
