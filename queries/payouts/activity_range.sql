-- payouts/activity_range: one row: the first and last payment date in any agent's basis.
-- Parameters: none.
with credited as (
    select p.payment_date
    from payments_credited as p
    where in_basis(p.credited_agent_id, p.account_id)
)

select
    min(payment_date) as first_payment_date,
    max(payment_date) as last_payment_date,
    count(*) as payment_rows
from credited
