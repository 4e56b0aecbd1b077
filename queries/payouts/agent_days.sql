-- payouts/agent_days: one row per credited agent and day from $date_from to $date_to with a
-- payment or reversal: the net amount credited that day (for the early-completion bonus,
-- which needs the day the agent's cumulative net collected reached the target), from the
-- derived rpt_payout_days (same rows as payouts/agent_months).
-- Parameters: $date_from, $date_to (dates, inclusive).
with per_day as (
    select
        d.agent_id,
        d.payment_date,
        d.net_amount
    from rpt_payout_days as d
    where d.payment_date between $date_from and $date_to
)

select * from per_day
order by agent_id, payment_date
