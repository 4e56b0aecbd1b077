-- stg_imports: one row per import that is in force (not undone).
-- Parameters: none.
select
    import_id,
    kind,
    file_name,
    imported_at
from imports
where status = 'active'
