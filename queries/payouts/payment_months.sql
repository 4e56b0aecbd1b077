-- payouts/payment_months: one row per calendar month before $period_start with a payment or
-- reversal in some agent's basis (the months that have payouts to approve), oldest first.
-- Parameters: $period_start (date: the first day of the period).
with credited as (
    select cast(month_start(p.payment_date) as date) as period_start
    from payments_credited as p
    where p.credited_agent_id is not null
        and p.payment_date < $period_start
        and p.account_id in (select a.account_id from stg_account_latest as a)
),

months as (
    select distinct period_start from credited
)

select * from months
order by period_start
