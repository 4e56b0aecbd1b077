-- checks/unmatched_reversals: one row per reversal (negative amount) that names a payment it
-- reverses which is not loaded, is on another account, or is itself a reversal; and per
-- reversal naming none. Such a reversal still counts (net collected), but its blank agent
-- falls back to the account's agent and the audit trail cannot link it. Parameters: none.
with payments as (
    select
        payment_id,
        account_id,
        payment_date,
        amount,
        reverses_payment_id
    from stg_payments
),

checked as (
    select
        r.payment_id,
        r.account_id,
        r.payment_date,
        r.amount,
        r.reverses_payment_id,
        case
            when r.reverses_payment_id is null then 'names no reversed payment'
            when o.payment_id is null then 'reversed payment is not loaded'
            when o.account_id <> r.account_id then 'reversed payment is on account ' || o.account_id
            when o.amount < 0 then 'reversed payment is itself a reversal'
        end as problem
    from payments as r
    left join payments as o on o.payment_id = r.reverses_payment_id
    where r.amount < 0
),

final as (
    select * from checked where problem is not null order by payment_date, payment_id
)

select * from final
