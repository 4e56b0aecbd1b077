-- checks/unmatched_reversals: one row per reversal (negative amount) that names a payment it
-- reverses which is not loaded, is on another account, or is itself a reversal; and per
-- reversal naming none. The importer refuses the second and third kind when it knows the
-- payment; one whose payment is not loaded yet (or arrived later on another account) is kept
-- and counts in net collected, but is in no agent's basis (payments_credited: credited to
-- nobody, rule unmatched_reversal) until its payment arrives. A reversal naming none is
-- credited by the account rule, and the audit trail cannot link it. Parameters: none.
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
