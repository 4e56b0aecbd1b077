-- rejects_of_import: one row per problem of one import (a refused row may have several).
-- reason is English; reason_code and reason_args render it in another language
-- (dashboard/messages.py; the command line prints the first four columns).
-- Parameters: $import_id.
select
    line,
    column_name,
    value,
    reason,
    reason_code,
    reason_args
from rejects
where import_id = $import_id
order by line, column_name
