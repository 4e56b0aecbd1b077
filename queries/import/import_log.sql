-- import_log: one row per import, newest first. Parameters: none.
select
    import_id,
    imported_at,
    imported_by,
    kind,
    file_name,
    rows_in_file,
    rows_accepted,
    rows_duplicate,
    rows_refused,
    snapshot_dates,
    status,
    undone_at,
    undone_by,
    encoding,
    file_bytes,
    file_sha256
from imports
order by import_id desc
