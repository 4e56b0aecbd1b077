-- rpt_payments for added imports: the payments whose payments_credited row changed, and the
-- payments of every account whose fields rpt_payments copies changed in rpt_accounts (or that
-- appeared there). The scope: those payments' payments_credited rows.
create or replace temp table chg_account_fields as
with old as (
    select account_id, portfolio, placement_date, placement_month, agent_id, region
    from old_rpt_accounts
),

new as (
    select account_id, portfolio, placement_date, placement_month, agent_id, region
    from new_rpt_accounts
)

select account_id from (select * from old except select * from new)
union
select account_id from (select * from new except select * from old);

create or replace temp table affected_rpt_payments as
select payment_id from old_payments_credited
union
select payment_id from new_payments_credited
union
select p.payment_id
from payments_credited as p
where p.account_id in (select a.account_id from chg_account_fields as a);

create or replace temp table scope_payments_credited as
select *
from payments_credited
where payment_id in (select a.payment_id from affected_rpt_payments as a);
