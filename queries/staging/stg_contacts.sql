-- stg_contacts: one row per contact attempt of an active import; notes masked at import.
-- Parameters: none.
select
    c.contact_id,
    c.account_id,
    c.agent_id,
    c.contacted_at,
    c.channel,
    c.outcome,
    c.promise_amount,
    c.promise_date,
    c.notes,
    c.import_id
from raw_contacts as c
where import_in_force(c.import_id)
