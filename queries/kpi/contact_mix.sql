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
    where c.contacted_at >= $date_from and c.contacted_at < $date_to + 1
        and (
            len($portfolios) = 0
            or c.account_id in (
                select account_id from rpt_accounts where list_contains($portfolios, portfolio)
            )
        )
        and (
            len($teams) = 0
            or c.agent_id in (select agent_id from stg_agents where list_contains($teams, team))
        )
        and (len($agents) = 0 or list_contains($agents, c.agent_id))
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
