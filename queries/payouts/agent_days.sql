-- payouts/agent_days: one row per credited agent and day from $date_from to $date_to with a
-- payment or reversal: the net amount credited that day (for the early-completion bonus,
-- which needs the day the agent's cumulative net collected reached the target).
-- Same rows as payouts/agent_months (orphans and uncredited payments excluded).
-- Parameters: $date_from, $date_to (dates, inclusive).
with credited as (
    select
        p.credited_agent_id as agent_id,
        p.payment_date,
        p.amount
    from payments_credited as p
    where in_basis(p.credited_agent_id, p.account_id)
        and p.payment_date between $date_from and $date_to
),

per_day as (
    select
        agent_id,
        payment_date,
        money(sum(amount)) as net_amount
    from credited
    group by agent_id, payment_date
)

select * from per_day
order by agent_id, payment_date
