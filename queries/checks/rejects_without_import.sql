-- checks/rejects_without_import (invariant): one row per rejects row whose import is not in the
-- import log (a refused file, or a rolled-back import, must leave no rejects behind). None means it
-- holds. Parameters: none.
with offending as (
    select
        r.import_id,
        r.file_name,
        r.line,
        r.reason
    from rejects as r
    anti join imports as i on i.import_id = r.import_id
)

select * from offending
order by import_id, line
