-- import/snapshot_shrinks: one row per snapshot date of an accounts file (its accepted rows, a
-- Parquet file) that is already loaded: the accounts of the snapshot in force, how many of them
-- the file keeps, and how many the file holds for that date. The importer refuses, unless
-- confirmed, a replacement that removes more than 10 % of them (domain.md, accounts).
-- Parameters: $accepted (path of the file's accepted rows).
with file_rows as (
    select as_of_date, account_id from read_parquet($accepted)
),

in_file as (
    select as_of_date, count(*) as in_file from file_rows group by as_of_date
),

loaded as (
    select a.as_of_date, a.account_id
    from stg_accounts as a
    semi join in_file as f on f.as_of_date = a.as_of_date
),

compared as (
    select
        l.as_of_date,
        count(*) as accounts_loaded,
        count(f.account_id) as accounts_kept
    from loaded as l
    left join file_rows as f on f.as_of_date = l.as_of_date and f.account_id = l.account_id
    group by l.as_of_date
),

final as (
    select c.as_of_date, c.accounts_loaded, c.accounts_kept, i.in_file
    from compared as c
    inner join in_file as i on i.as_of_date = c.as_of_date
    order by c.as_of_date
)

select * from final
