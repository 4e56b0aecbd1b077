-- payments_credited: one row per payment or reversal with the agent it is credited to
-- (domain.md, payments.agent_id): the agent given on the row; if blank, for a reversal the
-- agent credited with the payment it reverses (followed along a chain of blank-agent
-- reversals); otherwise the account's agent in the latest snapshot on or before
-- payment_date, else in the account's earliest snapshot (a blank agent there credits nobody).
-- A reversal naming a payment that is not loaded, is on another account or is itself a
-- reversal credits nobody, whatever agent it names (rule unmatched_reversal): it claws back
-- from no agent's basis until its payment arrives (checks/unmatched_reversals lists them).
-- Only rows with a blank agent need the snapshots, so only they are joined to them.
-- Materialised at every import and undo (see db.refresh_derived). Parameters: none.
with recursive blank as (
    select payment_id, account_id, payment_date from stg_payments where agent_id is null
),

snapshots as (
    select a.account_id, a.as_of_date, a.agent_id
    from stg_accounts as a
    where a.account_id in (select b.account_id from blank as b)
),

earliest as (
    select account_id, agent_id, as_of_date
    from (
        select
            *,
            row_number() over (partition by account_id order by as_of_date) as snapshot_no
        from snapshots
    )
    where snapshot_no = 1
),

account_rule as (
    select
        b.payment_id,
        case when s.as_of_date is not null then s.agent_id else e.agent_id end as agent_id,
        case
            when s.as_of_date is not null then 'account_snapshot'
            when e.as_of_date is not null then 'account_earliest_snapshot'
            else 'none'
        end as rule,
        coalesce(s.as_of_date, e.as_of_date) as snapshot_date
    from blank as b
    asof left join snapshots as s
        on b.account_id = s.account_id and b.payment_date >= s.as_of_date
    left join earliest as e on e.account_id = b.account_id
),

-- Blank-agent reversals, walked back to the first payment that is not one (at most 20 hops).
blank_reversals as (
    select payment_id, reverses_payment_id
    from stg_payments
    where agent_id is null and reverses_payment_id is not null
),

walk as (
    select payment_id, reverses_payment_id as hop, 1 as depth
    from blank_reversals
    union all
    select w.payment_id, b.reverses_payment_id, w.depth + 1
    from walk as w
    inner join blank_reversals as b on b.payment_id = w.hop
    where w.depth < 20
),

sources as (
    select payment_id, latest_given(hop, depth) as source_id from walk group by payment_id
),

reversed as (
    select s.payment_id, coalesce(p.agent_id, r.agent_id) as agent_id
    from sources as s
    inner join stg_payments as p on p.payment_id = s.source_id
    left join account_rule as r on r.payment_id = p.payment_id
),

unmatched as (
    select r.payment_id
    from stg_payments as r
    left join stg_payments as o on o.payment_id = r.reverses_payment_id
    where r.reverses_payment_id is not null
        and (o.payment_id is null or o.account_id <> r.account_id or o.amount < 0)
),

-- Rows with an agent need nothing more; only blank rows are joined to the rules above.
credited as (
    select
        payment_id,
        account_id,
        payment_date,
        amount,
        channel,
        reverses_payment_id,
        agent_id as given_agent_id,
        agent_id as credited_agent_id,
        'given' as credit_rule,
        cast(null as date) as credit_snapshot_date,
        import_id
    from stg_payments
    where agent_id is not null
    union all
    select
        p.payment_id,
        p.account_id,
        p.payment_date,
        p.amount,
        p.channel,
        p.reverses_payment_id,
        p.agent_id as given_agent_id,
        case when v.payment_id is not null then v.agent_id else r.agent_id end
            as credited_agent_id,
        case when v.payment_id is not null then 'reversed_payment_agent' else r.rule end
            as credit_rule,
        case when v.payment_id is null then r.snapshot_date end as credit_snapshot_date,
        p.import_id
    from stg_payments as p
    left join account_rule as r on r.payment_id = p.payment_id
    left join reversed as v on v.payment_id = p.payment_id
    where p.agent_id is null
),

final as (
    select
        c.payment_id,
        c.account_id,
        c.payment_date,
        c.amount,
        c.channel,
        c.reverses_payment_id,
        c.given_agent_id,
        case when u.payment_id is null then c.credited_agent_id end as credited_agent_id,
        case when u.payment_id is null then c.credit_rule else 'unmatched_reversal' end
            as credit_rule,
        case when u.payment_id is null then c.credit_snapshot_date end as credit_snapshot_date,
        c.import_id
    from credited as c
    left join unmatched as u on u.payment_id = c.payment_id
)

select * from final
