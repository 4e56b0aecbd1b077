-- rpt_complaints: one row per complaint (stg_complaints) with the agent it counts for
-- (domain.md, complaints.agent_id): the agent given, else the account's agent in its latest
-- snapshot on or before the day the complaint was received, else in its earliest snapshot
-- (as for payments: a blank agent in that snapshot gives the complaint no agent). The
-- complaints report and the payouts' per_upheld_complaint read it; materialised when
-- complaints or accounts change. Parameters: none.
with complaints as (
    select
        complaint_id,
        account_id,
        agent_id as given_agent_id,
        received_at,
        category,
        resolved_at,
        upheld
    from stg_complaints
),

snapshot_before as (
    select
        c.complaint_id,
        latest_of(a.agent_id, a.as_of_date) as agent_before
    from complaints as c
    inner join stg_accounts as a
        on a.account_id = c.account_id and a.as_of_date <= cast(c.received_at as date)
    group by c.complaint_id
),

snapshot_first as (
    select
        c.complaint_id,
        earliest_of(a.agent_id, a.as_of_date) as agent_first
    from complaints as c
    inner join stg_accounts as a on a.account_id = c.account_id
    group by c.complaint_id
),

assigned as (
    select
        c.complaint_id,
        c.account_id,
        coalesce(
            c.given_agent_id,
            case when b.complaint_id is not null then b.agent_before else f.agent_first end
        ) as agent_id,
        c.received_at,
        c.category,
        c.resolved_at,
        c.upheld
    from complaints as c
    left join snapshot_before as b on b.complaint_id = c.complaint_id
    left join snapshot_first as f on f.complaint_id = c.complaint_id
)

select * from assigned
