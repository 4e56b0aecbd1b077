-- rpt_promises for added imports: the added promises, and every promise whose window (its
-- contact_date .. grace_end_date, as rpt_promises holds them) holds a payment of its account
-- that rpt_payments added, took out or changed (account, date or amount). The scope: those
-- promises and their accounts' payments from the first promise's contact date to the last
-- one's grace end (rpt_payments is ordered by date: few row groups are read).
create or replace temp table chg_paid as
with old as (select payment_id, account_id, payment_date, amount from old_rpt_payments),

new as (select payment_id, account_id, payment_date, amount from new_rpt_payments)

select * from (select * from old except select * from new)
union all
select * from (select * from new except select * from old);

create or replace temp table affected_rpt_promises as
select contact_id from old_rpt_contacts
union
select contact_id from new_rpt_contacts
union
select p.contact_id
from rpt_promises as p
inner join chg_paid as y on p.account_id = y.account_id
where y.payment_date between p.contact_date and p.grace_end_date;

create or replace temp table scope_rpt_contacts as
select *
from rpt_contacts
where contact_id in (select a.contact_id from affected_rpt_promises as a);

create or replace temp table scope_rpt_payments as
with windows as (
    select cast(c.contacted_at as date) as start_date, c.promise_date + 3 as end_date
    from scope_rpt_contacts as c
    where c.outcome = 'promise_to_pay'
),

days as (
    select each_day_of(min(start_date), max(end_date)) as payment_date
    from windows
)

select *
from rpt_payments
where account_id in (select c.account_id from scope_rpt_contacts as c)
    and payment_date in (select d.payment_date from days as d);
