-- checks/import_log_inconsistent (invariant): one row per import whose counts do not add up:
-- accepted + duplicate + refused must equal the rows in the file; an active import holds exactly
-- its accepted rows, plus the rows it delivered again that were handed to it when the import
-- holding them was undone (deliveries), never more than its duplicates; the refused count is the
-- number of distinct lines in rejects; statuses are active or undone (undone with who and when).
-- None means it holds. Parameters: none.
with raw_counts as (
    select import_id, count(*) as rows_held from raw_accounts group by import_id
    union all
    select import_id, count(*) as rows_held from raw_payments group by import_id
    union all
    select import_id, count(*) as rows_held from raw_agents group by import_id
    union all
    select import_id, count(*) as rows_held from raw_contacts group by import_id
),

handed_over as (
    select r.import_id, count(*) as rows_handed
    from (
        select import_id, line, 'payments' as kind from raw_payments
        union all
        select import_id, line, 'contacts' as kind from raw_contacts
    ) as r
    semi join deliveries as d
        on d.import_id = r.import_id and d.line = r.line and d.kind = r.kind
    group by r.import_id
),

reject_counts as (
    select import_id, count(distinct line) as lines_refused
    from rejects
    group by import_id
),

log as (
    select
        i.import_id,
        i.kind,
        i.status,
        i.undone_at,
        i.undone_by,
        i.rows_in_file,
        i.rows_accepted,
        i.rows_duplicate,
        i.rows_refused,
        coalesce(r.rows_held, 0) as rows_held,
        coalesce(h.rows_handed, 0) as rows_handed,
        coalesce(j.lines_refused, 0) as lines_refused
    from imports as i
    left join raw_counts as r on r.import_id = i.import_id
    left join handed_over as h on h.import_id = i.import_id
    left join reject_counts as j on j.import_id = i.import_id
),

offending as (
    select
        *,
        concat_ws(
            '; ',
            case when rows_accepted + rows_duplicate + rows_refused <> rows_in_file
                then 'accepted + duplicate + refused <> rows_in_file' end,
            case when status = 'active' and rows_held - rows_handed <> rows_accepted
                then 'rows held <> rows_accepted + rows handed over' end,
            case when rows_handed > rows_duplicate then 'more rows handed over than delivered' end,
            case when status = 'undone' and rows_held <> 0
                then 'undone import still holds rows' end,
            case when lines_refused <> rows_refused
                then 'rejects lines <> rows_refused' end,
            case when least(rows_in_file, rows_accepted, rows_duplicate, rows_refused) < 0
                then 'negative count' end,
            case when status not in ('active', 'undone') then 'unknown status' end,
            case when status = 'undone' and (undone_at is null or undone_by is null)
                then 'undone without who and when' end,
            case when kind not in ('accounts', 'payments', 'agents', 'contacts')
                then 'unknown kind' end
        ) as problem
    from log
)

select * from offending
where problem <> ''
order by import_id
