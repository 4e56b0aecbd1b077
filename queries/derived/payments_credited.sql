-- payments_credited: one row per payment or reversal with the agent it is credited to
-- (domain.md, payments.agent_id): the agent given on the row; if blank, for a reversal the
-- agent credited with the payment it reverses; otherwise the account's agent in the latest
-- snapshot on or before payment_date, else in the account's earliest snapshot.
-- Materialised at every import and undo (see db.refresh_derived). Parameters: none.
with payments as (
    select * from stg_payments
),

snapshots as (
    select account_id, as_of_date, agent_id from stg_accounts
),

earliest as (
    select
        account_id,
        arg_min(agent_id, as_of_date) as agent_id,
        min(as_of_date) as as_of_date
    from snapshots
    group by account_id
),

by_account as (
    select
        p.payment_id,
        s.as_of_date as snapshot_date,
        s.agent_id as snapshot_agent_id
    from payments as p
    asof left join snapshots as s
        on p.account_id = s.account_id and p.payment_date >= s.as_of_date
),

account_rule as (
    select
        p.*,
        case
            when p.agent_id is not null then p.agent_id
            when b.snapshot_date is not null then b.snapshot_agent_id
            else e.agent_id
        end as rule_agent_id,
        case
            when p.agent_id is not null then 'given'
            when b.snapshot_date is not null then 'account_snapshot'
            when e.as_of_date is not null then 'account_earliest_snapshot'
            else 'none'
        end as rule,
        coalesce(b.snapshot_date, e.as_of_date) as rule_snapshot_date
    from payments as p
    left join by_account as b on b.payment_id = p.payment_id
    left join earliest as e on e.account_id = p.account_id
),

credited as (
    select
        r.payment_id,
        r.account_id,
        r.payment_date,
        r.amount,
        r.channel,
        r.reverses_payment_id,
        r.agent_id as given_agent_id,
        case
            when r.agent_id is null and r.reverses_payment_id is not null
                and o.payment_id is not null then o.rule_agent_id
            else r.rule_agent_id
        end as credited_agent_id,
        case
            when r.agent_id is null and r.reverses_payment_id is not null
                and o.payment_id is not null then 'reversed_payment_agent'
            else r.rule
        end as credit_rule,
        case
            when r.agent_id is null and r.reverses_payment_id is not null
                and o.payment_id is not null then null
            when r.agent_id is null then r.rule_snapshot_date
        end as credit_snapshot_date,
        r.import_id
    from account_rule as r
    left join account_rule as o on o.payment_id = r.reverses_payment_id
)

select * from credited
