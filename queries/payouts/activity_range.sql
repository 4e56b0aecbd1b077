-- payouts/activity_range: one row: the first and last payment date in any agent's basis and
-- the number of payment and reversal rows in a basis (from the derived rpt_payout_days).
-- Parameters: none.
with per_day as (
    select d.payment_date, d.payment_rows
    from rpt_payout_days as d
)

select
    min(payment_date) as first_payment_date,
    max(payment_date) as last_payment_date,
    cast(coalesce(sum(payment_rows), 0) as bigint) as payment_rows
from per_day
