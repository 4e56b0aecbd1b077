-- rpt_snapshots for added imports: every row of the changed snapshots and of the snapshot
-- before each (its next_* columns), recomputed from those snapshots and the ones after them;
-- the static fields of every other row of an account whose static fields changed in
-- rpt_accounts, updated in place.
create or replace temp table chg_all_dates as
select distinct as_of_date from rpt_snapshots
union
select as_of_date from chg_dates;

create or replace temp table affected_rpt_snapshots as
select as_of_date from chg_dates
union
select (select max(a.as_of_date) from chg_all_dates as a where a.as_of_date < d.as_of_date)
from chg_dates as d;

delete from affected_rpt_snapshots where as_of_date is null;

create or replace temp table scope_stg_accounts as
with wanted as (
    select as_of_date from affected_rpt_snapshots
    union
    select (select min(a.as_of_date) from chg_all_dates as a where a.as_of_date > r.as_of_date)
    from affected_rpt_snapshots as r
)

select *
from stg_accounts
where as_of_date in (select w.as_of_date from wanted as w);

create or replace temp table chg_static as
with old as (select account_id, portfolio, placement_date, placed_balance from old_rpt_accounts),

new as (select account_id, portfolio, placement_date, placed_balance from new_rpt_accounts)

select account_id from (select * from old except select * from new)
union
select account_id from (select * from new except select * from old);

update rpt_snapshots as s
set
    portfolio = a.portfolio,
    placement_date = a.placement_date,
    placed_balance = a.placed_balance
from rpt_accounts as a
where a.account_id = s.account_id
    and a.account_id in (select c.account_id from chg_static as c)
    and s.as_of_date not in (select r.as_of_date from affected_rpt_snapshots as r);
