-- undoable_imports: one row per active import that holds rows, newest first: the imports an
-- undo would change something for. An import that delivered only rows already loaded holds
-- none (it stays in the log for the audit trail, and its deliveries keep those rows in force
-- if the import holding them is undone: it then holds them, and is listed).
-- Parameters: none.
with held as (
    select distinct import_id from raw_accounts
    union
    select distinct import_id from raw_payments
    union
    select distinct import_id from raw_agents
    union
    select distinct import_id from raw_contacts
)

select
    i.import_id,
    i.imported_at,
    i.kind,
    i.file_name,
    i.rows_accepted
from imports as i
semi join held as h on h.import_id = i.import_id
where i.status = 'active'
order by i.import_id desc
