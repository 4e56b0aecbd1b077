-- payouts/lines: one row per payment or reversal in an agent's payout basis dated from
-- $date_from to $date_to (the audit trail's money lines), with the crediting rule that put
-- it in that agent's basis and, for a reversal, the payment it undoes and that payment's date.
-- In a basis: credited to an agent, on an account in some snapshot (in_basis, read from the
-- derived rpt_accounts rather than by grouping every snapshot row again).
-- Parameters: $date_from, $date_to (dates, inclusive); $agent_id (null: every agent).
with credited as (
    select p.*
    from payments_credited as p
    where p.credited_agent_id is not null
        and p.account_id in (select a.account_id from rpt_accounts as a)
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
