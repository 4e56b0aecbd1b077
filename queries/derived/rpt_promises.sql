-- rpt_promises: one row per promise to pay (a contact with outcome promise_to_pay), with the
-- net amount paid on its account from the contact's date through promise_date + 3 days of
-- grace (domain.md: promises kept), and whether that reaches the promised amount. Payments of
-- every agent count; orphan payments (account in no snapshot) do not, as everywhere.
-- Materialised at every import and undo (a range join of promises and payments is too slow
-- to repeat per query on ten million payments). Parameters: none.
with promises as (
    select
        contact_id,
        account_id,
        agent_id,
        contacted_at,
        cast(contacted_at as date) as contact_date,
        promise_amount,
        promise_date
    from rpt_contacts
    where outcome = 'promise_to_pay'
),

payments as (
    select account_id, payment_date, amount from rpt_payments
),

paid as (
    select
        p.contact_id,
        sum(y.amount) as paid_amount
    from promises as p
    inner join payments as y
        on y.account_id = p.account_id
        and y.payment_date >= p.contact_date
        and y.payment_date <= p.promise_date + 3
    group by p.contact_id
),

kept as (
    select
        p.contact_id,
        p.account_id,
        p.agent_id,
        p.contacted_at,
        p.contact_date,
        p.promise_amount,
        p.promise_date,
        p.promise_date + 3 as grace_end_date,
        coalesce(d.paid_amount, 0) as paid_amount,
        coalesce(coalesce(d.paid_amount, 0) >= p.promise_amount, false) as kept
    from promises as p
    left join paid as d on d.contact_id = p.contact_id
)

select * from kept
