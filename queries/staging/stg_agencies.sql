-- stg_agencies: one row per outside agency, from the latest active import that lists it.
-- Parameters: none.
with ranked as (
    select
        a.*,
        row_number() over (partition by a.agency_id order by a.import_id desc) as recency
    from raw_agencies as a
    where import_in_force(a.import_id)
)

select
    agency_id,
    agency_name,
    fee_rate,
    import_id
from ranked
where recency = 1
