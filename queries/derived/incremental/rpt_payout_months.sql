-- rpt_payout_months for added imports: every calendar month in which rpt_payments added, took
-- out or changed a row in a basis (credited agent, account, date or amount; a row credited to
-- no agent is in none), recomputed whole from that month's rows of rpt_payments (its tasks
-- count accounts over the month). The scope: those months' rows, found by their days (a
-- payment_date filter, which the date-ordered rpt_payments answers from few row groups).
create or replace temp table affected_rpt_payout_months as
with old as (
    select payment_id, credited_agent_id, account_id, payment_date, amount
    from old_rpt_payments
    where credited_agent_id is not null
),

new as (
    select payment_id, credited_agent_id, account_id, payment_date, amount
    from new_rpt_payments
    where credited_agent_id is not null
),

changed as (
    select payment_date from (select * from old except select * from new)
    union
    select payment_date from (select * from new except select * from old)
)

select distinct cast(month_start(payment_date) as date) as period_start from changed;

create or replace temp table scope_rpt_payments as
with days as (
    select each_day_of(m.period_start, last_day(m.period_start)) as payment_date
    from affected_rpt_payout_months as m
)

select *
from rpt_payments
where payment_date in (select d.payment_date from days as d);
