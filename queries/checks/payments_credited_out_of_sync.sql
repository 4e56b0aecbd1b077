-- checks/payments_credited_out_of_sync (invariant): one row per payment present in stg_payments or
-- in the derived payments_credited but not in both with the same account, date, amount and import
-- (the derived table is rebuilt in every import's and undo's transaction). None means it holds.
-- Parameters: none.
with staged as (
    select payment_id, account_id, payment_date, amount, import_id from stg_payments
),

credited as (
    select payment_id, account_id, payment_date, amount, import_id from payments_credited
),

offending as (
    select
        coalesce(s.payment_id, c.payment_id) as payment_id,
        s.amount as staged_amount,
        c.amount as credited_amount,
        s.import_id as staged_import_id,
        c.import_id as credited_import_id
    from staged as s
    full outer join credited as c
        on c.payment_id = s.payment_id and c.import_id = s.import_id
    where s.payment_id is null
        or c.payment_id is null
        or s.account_id is distinct from c.account_id
        or s.payment_date is distinct from c.payment_date
        or s.amount is distinct from c.amount
)

select * from offending
order by payment_id
