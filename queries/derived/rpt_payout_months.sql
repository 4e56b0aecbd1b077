-- rpt_payout_months: one row per credited agent and calendar month: the payout basis (net
-- amount credited to the agent in the month; reversals dated in the month reduce it), tasks
-- (accounts whose net credited amount in the month is > 0) and the number of payment and
-- reversal rows. Payments on accounts in no snapshot (orphans: not in rpt_payments) and
-- payments credited to no agent are not in any basis (see payouts/uncounted). A few thousand
-- rows for a whole book: payouts/agent_months reads it, so a month's payouts do not group every
-- payment of the book by account again. Materialised when accounts or payments change
-- (refreshed month by month: queries/derived/incremental/). Parameters: none.
with credited as (
    select
        p.credited_agent_id as agent_id,
        p.account_id,
        p.payment_date,
        p.amount
    from rpt_payments as p
    where p.credited_agent_id is not null
),

per_account as (
    select
        agent_id,
        cast(month_start(payment_date) as date) as period_start,
        account_id,
        sum(amount) as net_amount,
        count(*) filter (where amount > 0) as payment_rows,
        count(*) filter (where amount < 0) as reversal_rows
    from credited
    group by agent_id, cast(month_start(payment_date) as date), account_id
),

per_agent as (
    select
        agent_id,
        period_start,
        money(sum(net_amount)) as basis_amount,
        count(*) filter (where net_amount > 0) as tasks,
        cast(sum(payment_rows) as bigint) as payment_rows,
        cast(sum(reversal_rows) as bigint) as reversal_rows
    from per_account
    group by agent_id, period_start
),

ordered as (
    select * from per_agent order by period_start, agent_id
)

select * from ordered
