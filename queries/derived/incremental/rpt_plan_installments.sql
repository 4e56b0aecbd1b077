-- rpt_plan_installments for added imports: the plans an added import delivered installments of, and every
-- plan on an account of a changed snapshot that can change it: a snapshot dated on or before
-- the plan's created_date (its latest snapshot before it), or any snapshot when the plan had
-- none before (its agent may come from the account's earliest snapshot). The scope: those
-- plans' installments and their accounts' snapshots.
create or replace temp table affected_rpt_plan_installments as
select p.plan_id
from stg_repayment_plans as p
where p.import_id in (select i.import_id from chg_imports as i where i.kind = 'repayment_plans')
union
select p.plan_id
from rpt_plan_installments as p
where p.account_id in (select a.account_id from chg_snapshot_accounts as a)
    and (
        p.status_before is null
        or exists (select 1 from chg_dates as d where d.as_of_date <= p.created_date)
    );

create or replace temp table scope_stg_repayment_plans as
select *
from stg_repayment_plans
where plan_id in (select a.plan_id from affected_rpt_plan_installments as a);

create or replace temp table scope_stg_accounts as
select *
from stg_accounts
where account_id in (select p.account_id from scope_stg_repayment_plans as p);
