-- What each import's file gave when it was checked (ingest/reimport.py): a fingerprint of all
-- that decides the check's outcome (the file's SHA-256, its kind, the header mapping, the
-- snapshot date given, the sheet, the importer's rules) and the counts the check found. A
-- file imported again with the same fingerprint need not be checked again when the database
-- shows that it would add nothing: its outcome is known from these counts and its rejects.
create table if not exists import_inputs (
    import_id       bigint not null,       -- the import (imports.import_id)
    inputs_sha256   varchar not null,      -- the fingerprint of the check's inputs
    rows_accepted   bigint not null,       -- rows the check accepted (before the database)
    rows_duplicate  bigint not null,       -- identical copies of an earlier row of the file
    rows_refused    bigint not null,       -- rows the check refused
    problems        bigint not null        -- its problems (rejects rows) written by the check
);
