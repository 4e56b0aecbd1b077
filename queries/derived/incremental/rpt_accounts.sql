-- rpt_accounts for added snapshots, all later than every loaded one (rpt_accounts_applies):
-- the accounts in them, their rows of the new snapshots only (merged with the old row by
-- rpt_accounts_merge).
create or replace temp table scope_stg_accounts as
select *
from stg_accounts
where as_of_date in (select d.as_of_date from chg_dates as d);

create or replace temp table affected_rpt_accounts as
select distinct account_id from scope_stg_accounts;
