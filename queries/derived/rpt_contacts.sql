-- rpt_contacts: one row per contact of the contact log (stg_contacts), ordered by contacted_at,
-- so that a report over a window (a month of ten million contacts) reads only that window's
-- row groups. An exact copy, rebuilt when contacts are imported or undone. Parameters: none.
with contacts as (
    select
        contact_id,
        account_id,
        agent_id,
        contacted_at,
        channel,
        outcome,
        promise_amount,
        promise_date
    from stg_contacts
),

ordered as (
    select * from contacts order by contacted_at
)

select * from ordered
