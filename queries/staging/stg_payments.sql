-- stg_payments: one row per payment or reversal of an active import.
-- amount > 0 is a payment, amount < 0 a reversal. Parameters: none.
select
    p.payment_id,
    p.account_id,
    p.payment_date,
    p.amount,
    p.agent_id,
    p.channel,
    p.reverses_payment_id,
    p.import_id
from raw_payments as p
where import_in_force(p.import_id)
