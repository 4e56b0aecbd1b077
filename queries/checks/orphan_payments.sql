-- checks/orphan_payments: one row per payment or reversal whose account is in no loaded
-- snapshot. They are kept and count nowhere until their account arrives (domain.md); none
-- means every payment is counted. Parameters: none.
with payments as (
    select
        payment_id,
        account_id,
        payment_date,
        amount,
        agent_id,
        import_id
    from stg_payments
),

orphans as (
    select p.*
    from payments as p
    where not exists (select 1 from rpt_accounts as a where a.account_id = p.account_id)
    order by p.payment_date, p.payment_id
)

select * from orphans
