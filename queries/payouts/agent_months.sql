-- payouts/agent_months: one row per credited agent and calendar month up to $date_to: the
-- payout basis (net amount credited to the agent in the month; reversals dated in the month
-- reduce it), tasks (accounts whose net credited amount in the month is > 0) and the number
-- of payment and reversal rows, from the derived rpt_payout_months (orphans and payments
-- credited to no agent are in no basis, see payouts/uncounted). Whole months only: $date_to
-- is a month's last day. Parameters: $date_to (date, inclusive).
with per_agent as (
    select
        m.agent_id,
        m.period_start,
        m.basis_amount,
        m.tasks,
        m.payment_rows,
        m.reversal_rows
    from rpt_payout_months as m
    where m.period_start <= $date_to
)

select * from per_agent
order by period_start, agent_id
