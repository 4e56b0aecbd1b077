-- rpt_payments: one row per payment or reversal on an account that is in some snapshot
-- (orphan payments count only once their account arrives, domain.md), with its channel and
-- the agent it is credited to (payments_credited), and the account's static fields, current
-- agent and region (rpt_accounts). Recovery, vintage, collections and agent reports read this
-- table: materialised when accounts or payments change, ordered by payment_date.
-- Parameters: none.
with credited as (
    select
        payment_id,
        account_id,
        payment_date,
        amount,
        channel,
        credited_agent_id
    from payments_credited
),

static as (
    select
        account_id,
        portfolio,
        placement_date,
        placement_month,
        agent_id,
        region
    from rpt_accounts
),

joined as (
    select
        c.payment_id,
        c.account_id,
        c.payment_date,
        c.amount,
        c.channel,
        c.credited_agent_id,
        s.portfolio,
        s.placement_date,
        s.placement_month,
        s.agent_id as account_agent_id,
        s.region
    from credited as c
    inner join static as s on s.account_id = c.account_id
),

ordered as (
    select * from joined order by payment_date
)

select * from ordered
