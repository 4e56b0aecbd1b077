-- payouts/month_digests_v1: the first formula of an approval's facts_digest, kept only to
-- compare the digests stored by approvals made with it (no "v2:" prefix; facts.py): DuckDB's
-- own hash() of the rows, which Spark does not have (payouts/fact_digests replaces it).
-- One row per calendar month with credited payments or contacts: an
-- order-free digest of the month's credited payments (with their crediting) and of its
-- contacts, and (repeated on every row) a digest of the agents. A prepared period keeps the
-- digests of what its figures were computed from; while they are unchanged its recomputation
-- is its frozen figures, so no adjustment needs computing.
-- Parameters: none.
with latest_accounts as (
    select distinct account_id from stg_account_latest
),

payments as (
    select
        cast(month_start(p.payment_date) as date) as period_start,
        hash_sum(hash(
            p.payment_id, p.account_id, p.payment_date, p.amount, p.reverses_payment_id,
            p.credited_agent_id, p.credit_rule, p.credit_snapshot_date,
            l.account_id is not null
        )) as payments_hash
    from payments_credited as p
    left join latest_accounts as l on l.account_id = p.account_id
    group by 1
),

contacts as (
    select
        cast(month_start(c.contacted_at) as date) as period_start,
        hash_sum(hash(c)) as contacts_hash
    from rpt_contacts as c
    group by 1
),

agents as (
    select coalesce(hash_sum(hash(a)), 0) as agents_hash
    from stg_agents as a
),

months as (
    select
        coalesce(p.period_start, c.period_start) as period_start,
        coalesce(p.payments_hash, 0) as payments_hash,
        coalesce(c.contacts_hash, 0) as contacts_hash
    from payments as p
    full outer join contacts as c on c.period_start = p.period_start
)

select
    m.period_start,
    cast(m.payments_hash as varchar) as payments_hash,
    cast(m.contacts_hash as varchar) as contacts_hash,
    cast(g.agents_hash as varchar) as agents_hash
from months as m
cross join agents as g
order by m.period_start
