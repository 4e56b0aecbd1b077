-- payouts/steps: one row per step (prepare, approve, reopen) of each round of a period, by
-- round. A round is one preparation of the period and what followed it.
-- Parameters: $period (YYYY-MM).
with steps as (
    select
        period,
        round,
        step,
        approval_id
    from payout_steps
    where period = $period
)

select * from steps
order by round, step
