-- payouts/payment_months: one row per calendar month before $period_start with a payment or
-- reversal in some agent's basis (the months that have payouts to approve), oldest first.
-- Read from the derived rpt_payout_days (one row per agent and day with a row in a basis: the
-- same payments as in_basis over payments_credited, a few hundred thousand rows, not ten
-- million payments checked against every account).
-- Parameters: $period_start (date: the first day of the period).
with credited as (
    select cast(month_start(d.payment_date) as date) as period_start
    from rpt_payout_days as d
    where d.payment_date < $period_start
),

months as (
    select distinct period_start from credited
)

select * from months
order by period_start
