-- stg_complaints: one row per complaint, as the latest active import that lists it says (a
-- complaint delivered again with its resolution or verdict is an update; undoing that import
-- brings the earlier state back). Parameters: none.
with ranked as (
    select
        c.*,
        row_number() over (partition by c.complaint_id order by c.import_id desc, c.line desc)
            as recency
    from raw_complaints as c
    where import_in_force(c.import_id)
)

select
    complaint_id,
    account_id,
    agent_id,
    received_at,
    category,
    resolved_at,
    upheld,
    import_id,
    line
from ranked
where recency = 1
