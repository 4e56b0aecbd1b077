-- payouts/upheld_complaints: per agent, the complaints of the complaints extract received in
-- [$date_from, $date_to] (by the date of received_at) and upheld, as rpt_complaints assigns
-- them (the agent given, else the account's agent then): what a plan's
-- compliance.per_upheld_complaint counts. Ordered by agent_id. Parameters: $date_from,
-- $date_to.
with upheld as (
    select agent_id
    from rpt_complaints
    where upheld and agent_id is not null and on_days(received_at, $date_from, $date_to)
),

final as (
    select
        agent_id,
        count(*) as upheld_complaints
    from upheld
    group by agent_id
    order by agent_id
)

select * from final
