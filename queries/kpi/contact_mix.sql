-- kpi/contact_mix: one row per channel and outcome with at least one contact made in
-- [$date_from, $date_to] (by contacted_at's date): contacts, the number of such contacts.
-- Ordered by channel and outcome.
-- Parameters: $date_from, $date_to, $portfolios (the contacted account's static portfolio; a
-- contact on an account in no snapshot passes only when this filter is empty), $teams,
-- $agents (the agent who made the contact, and that agent's team); empty lists: no filter.
with contacts as (
    select
        c.channel,
        c.outcome
    from rpt_contacts as c
    where on_days(c.contacted_at, $date_from, $date_to)
        and account_dims_ok(c.account_id, c.agent_id, $portfolios, $teams, $agents)
),

final as (
    select
        channel,
        outcome,
        count(*) as contacts
    from contacts
    group by all
    order by channel, outcome
)

select * from final
