-- rpt_complaints for added imports: the complaints an added import delivered, and every
-- complaint on an account of a changed snapshot. The scope: those complaints and their
-- accounts' snapshots.
create or replace temp table affected_rpt_complaints as
select c.complaint_id
from stg_complaints as c
where c.import_id in (select i.import_id from chg_imports as i where i.kind = 'complaints')
union
select c.complaint_id
from rpt_complaints as c
where c.account_id in (select a.account_id from chg_snapshot_accounts as a);

create or replace temp table scope_stg_complaints as
select *
from stg_complaints
where complaint_id in (select a.complaint_id from affected_rpt_complaints as a);

create or replace temp table scope_stg_accounts as
select *
from stg_accounts
where account_id in (select c.account_id from scope_stg_complaints as c);
