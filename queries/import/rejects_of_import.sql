-- rejects_of_import: one row per problem of one import (a refused row may have several).
-- Parameters: $import_id.
select
    line,
    column_name,
    value,
    reason
from rejects
where import_id = $import_id
order by line, column_name
