-- rpt_payout_days: one row per credited agent and day with a payment or reversal in the
-- agent's payout basis: the net amount credited that day (for the early-completion bonus,
-- which needs the day the agent's cumulative net collected reached the target) and the number
-- of rows. Same rows as rpt_payout_months (orphans and uncredited payments excluded). A few
-- hundred thousand rows for a whole book: payouts/agent_days and payouts/activity_range read
-- it, not every payment. Materialised when accounts or payments change (refreshed day by day:
-- queries/derived/incremental/). Parameters: none.
with credited as (
    select
        p.credited_agent_id as agent_id,
        p.payment_date,
        p.amount
    from rpt_payments as p
    where p.credited_agent_id is not null
),

per_day as (
    select
        agent_id,
        payment_date,
        money(sum(amount)) as net_amount,
        count(*) as payment_rows
    from credited
    group by agent_id, payment_date
),

ordered as (
    select * from per_day order by payment_date, agent_id
)

select * from ordered
