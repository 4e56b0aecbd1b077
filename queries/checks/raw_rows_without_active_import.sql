-- checks/raw_rows_without_active_import (invariant): one row per raw table and import whose rows
-- are present although the import is undone or not in the import log (undo deletes an import's
-- rows; a rolled-back import leaves none). None means it holds. Parameters: none.
with raw_rows as (
    select 'raw_accounts' as table_name, import_id from raw_accounts
    union all
    select 'raw_payments' as table_name, import_id from raw_payments
    union all
    select 'raw_agents' as table_name, import_id from raw_agents
    union all
    select 'raw_contacts' as table_name, import_id from raw_contacts
    union all
    select 'raw_repayment_plans' as table_name, import_id from raw_repayment_plans
    union all
    select 'raw_agencies' as table_name, import_id from raw_agencies
    union all
    select 'raw_complaints' as table_name, import_id from raw_complaints
    union all
    select 'raw_targets' as table_name, import_id from raw_targets
),

offending as (
    select
        r.table_name,
        r.import_id,
        i.status,
        count(*) as rows_found
    from raw_rows as r
    left join imports as i on i.import_id = r.import_id
    where i.import_id is null or i.status <> 'active'
    group by r.table_name, r.import_id, i.status
)

select * from offending
order by table_name, import_id
