-- The changes every incremental refresh starts from (dashboard/refresh.py), from chg_imports
-- (one row per import added since the derived tables were last refreshed, with its kind); run
-- before any derived table changes, so rpt_snapshots still holds the snapshots as they were.

-- chg_dates: one row per snapshot (as_of_date) an added accounts import loaded (new or replaced).
create or replace temp table chg_dates as
select distinct sl.as_of_date
from snapshot_loads as sl
where sl.import_id in (select c.import_id from chg_imports as c where c.kind = 'accounts');

-- chg_snapshot_accounts: one row per account in a changed snapshot, as it was or as it is.
create or replace temp table chg_snapshot_accounts as
select s.account_id
from rpt_snapshots as s
where s.as_of_date in (select d.as_of_date from chg_dates as d)
union
select a.account_id
from stg_accounts as a
where a.as_of_date in (select d.as_of_date from chg_dates as d);
