-- rpt_payout_days for added imports: every day on which rpt_payments added, took out or
-- changed a row in a basis (credited agent, date or amount; a row credited to no agent is in
-- none), recomputed whole from that day's rows of rpt_payments. The scope: those days' rows.
create or replace temp table affected_rpt_payout_days as
with old as (
    select payment_id, credited_agent_id, payment_date, amount
    from old_rpt_payments
    where credited_agent_id is not null
),

new as (
    select payment_id, credited_agent_id, payment_date, amount
    from new_rpt_payments
    where credited_agent_id is not null
)

select payment_date from (select * from old except select * from new)
union
select payment_date from (select * from new except select * from old);

create or replace temp table scope_rpt_payments as
select *
from rpt_payments
where payment_date in (select d.payment_date from affected_rpt_payout_days as d);
