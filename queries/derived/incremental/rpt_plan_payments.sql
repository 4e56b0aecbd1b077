-- rpt_plan_payments for added imports: the plans rpt_plan_installments took out or put in,
-- and every plan whose account has a payment that rpt_payments added, took out or changed
-- (account, date or amount), dated on or after the plan's created_date. The scope: those
-- plans' installments and their accounts' payments.
create or replace temp table chg_plan_paid as
with old as (select payment_id, account_id, payment_date, amount from old_rpt_payments),

new as (select payment_id, account_id, payment_date, amount from new_rpt_payments)

select * from (select * from old except select * from new)
union all
select * from (select * from new except select * from old);

create or replace temp table affected_rpt_plan_payments as
select plan_id from old_rpt_plan_installments
union
select plan_id from new_rpt_plan_installments
union
select p.plan_id
from rpt_plan_installments as p
inner join chg_plan_paid as y on y.account_id = p.account_id
where y.payment_date >= p.created_date;

create or replace temp table scope_rpt_plan_installments as
select *
from rpt_plan_installments
where plan_id in (select a.plan_id from affected_rpt_plan_payments as a);

create or replace temp table scope_rpt_payments as
select *
from rpt_payments
where account_id in (select p.account_id from scope_rpt_plan_installments as p);
