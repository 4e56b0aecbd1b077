-- kpi/agents: one row per agent with activity in [$date_from, $date_to] (accounts assigned in
-- the window's latest snapshot, payments credited, or contacts):
--   collected: net amount of payments and reversals dated in the window credited to the
--     agent (payments_credited: the crediting rule of domain.md);
--   paying_accounts: accounts whose net credited amount to the agent in the window is > 0;
--   accounts_assigned: accounts assigned to the agent in the latest snapshot dated in the
--     window, any status (null when no snapshot is dated in the window);
--   contacts, right_party_contacts (outcome in $rpc_outcomes), rpc_rate = RPC / contacts;
--   promises (outcome promise_to_pay), promises_kept (rpt_promises: net payments on the
--     account from the contact date through promise_date + 3 days >= promise_amount),
--     kept_rate = kept / promises. Contacts and promises are the ones the agent made.
-- Rates have 6 places, half away from zero; null when the denominator is 0.
-- Parameters: $date_from, $date_to, $rpc_outcomes, $portfolios (accounts of these
-- portfolios only), $teams, $agents (agents of these teams / these agents); empty: no filter.
with roster as (
    select agent_id, agent_name, team from stg_agents
),

payments as (
    select
        credited_agent_id as agent_id,
        account_id,
        amount
    from rpt_payments
    where payment_date between $date_from and $date_to
        and credited_agent_id is not null
        and filter_ok(portfolio, $portfolios)
),

snapshot as (
    select
        agent_id,
        portfolio
    from rpt_snapshots
    where as_of_date = (
        select max(as_of_date) from rpt_snapshots
        where as_of_date between $date_from and $date_to
    )
        and agent_id is not null
        and filter_ok(portfolio, $portfolios)
),

contacts as (
    select
        c.agent_id,
        c.outcome
    from rpt_contacts as c
    where on_days(c.contacted_at, $date_from, $date_to)
        and account_filter_ok(c.account_id, $portfolios)
),

promises as (
    select
        p.agent_id,
        p.kept
    from rpt_promises as p
    where p.contact_date between $date_from and $date_to
        and account_filter_ok(p.account_id, $portfolios)
),

per_account as (
    select
        agent_id,
        account_id,
        sum(amount) as net
    from payments
    group by all
),

paid as (
    select
        agent_id,
        sum(net) as collected,
        count(*) filter (where net > 0) as paying_accounts
    from per_account
    group by agent_id
),

assigned as (
    select
        agent_id,
        count(*) as accounts_assigned
    from snapshot
    group by agent_id
),

contacted as (
    select
        agent_id,
        count(*) as contacts,
        count(*) filter (where one_of(outcome, $rpc_outcomes)) as right_party_contacts
    from contacts
    group by agent_id
),

promised as (
    select
        agent_id,
        count(*) as promises,
        count(*) filter (where kept) as promises_kept
    from promises
    group by agent_id
),

active as (
    select agent_id from paid
    union
    select agent_id from assigned
    union
    select agent_id from contacted
),

joined as (
    select
        a.agent_id,
        r.agent_name,
        r.team,
        case
            when exists (
                select 1 from rpt_snapshots
                where as_of_date between $date_from and $date_to
            ) then coalesce(s.accounts_assigned, 0)
        end as accounts_assigned,
        money(coalesce(p.collected, 0)) as collected,
        coalesce(p.paying_accounts, 0) as paying_accounts,
        coalesce(c.contacts, 0) as contacts,
        coalesce(c.right_party_contacts, 0) as right_party_contacts,
        coalesce(m.promises, 0) as promises,
        coalesce(m.promises_kept, 0) as promises_kept
    from active as a
    left join roster as r on r.agent_id = a.agent_id
    left join paid as p on p.agent_id = a.agent_id
    left join assigned as s on s.agent_id = a.agent_id
    left join contacted as c on c.agent_id = a.agent_id
    left join promised as m on m.agent_id = a.agent_id
    where filter_ok(r.team, $teams) and filter_ok(a.agent_id, $agents)
),

final as (
    select
        agent_id,
        agent_name,
        team,
        accounts_assigned,
        collected,
        paying_accounts,
        contacts,
        right_party_contacts,
        rate6(right_party_contacts, contacts) as rpc_rate,
        promises,
        promises_kept,
        rate6(promises_kept, promises) as kept_rate
    from joined
    order by agent_id
)

select * from final
