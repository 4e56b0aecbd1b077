-- rpt_plan_payments for added imports: the plans rpt_plan_installments took out or put in,
-- and every plan whose account has a payment that rpt_payments added, took out or changed
-- (account, date or amount), dated on or after the plan's created_date. The scope: those
-- plans' installments and their accounts' payments.
-- chg_plan_paid: the account and date of each payment rpt_payments took out or put in with
-- another account, date or amount (as it was, and as it is).
create or replace temp table chg_plan_paid as
select o.account_id, o.payment_date
from old_rpt_payments as o
where not exists (
    select 1
    from new_rpt_payments as n
    where n.payment_id = o.payment_id and n.account_id = o.account_id
        and n.payment_date = o.payment_date and n.amount = o.amount
)
union
select n.account_id, n.payment_date
from new_rpt_payments as n
where not exists (
    select 1
    from old_rpt_payments as o
    where o.payment_id = n.payment_id and o.account_id = n.account_id
        and o.payment_date = n.payment_date and o.amount = n.amount
);

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
