-- payouts/lines: one row per payment or reversal in an agent's payout basis dated from
-- $date_from to $date_to (the audit trail's money lines), with the crediting rule that put
-- it in that agent's basis and, for a reversal, the payment it undoes and that payment's date.
-- Parameters: $date_from, $date_to (dates, inclusive); $agent_id (null: every agent).
with credited as (
    select p.*
    from payments_credited as p
    where in_basis(p.credited_agent_id, p.account_id)
        and p.payment_date between $date_from and $date_to
        and ($agent_id is null or p.credited_agent_id = $agent_id)
),

with_original as (
    select
        c.credited_agent_id as agent_id,
        c.payment_id,
        c.account_id,
        c.payment_date,
        c.amount,
        c.channel,
        c.credit_rule,
        c.credit_snapshot_date,
        c.reverses_payment_id,
        o.payment_date as reversed_payment_date
    from credited as c
    left join stg_payments as o on o.payment_id = c.reverses_payment_id
)

select * from with_original
order by agent_id, payment_date, payment_id
