-- payouts/fact_digests: one row per kind of fact and month with such facts: an order-free
-- digest of what a period's payouts are computed from, the same on DuckDB and on Spark (the
-- sum of the rows' digest_number of their digest_text, macros.sql). Kinds, by the month of:
--   payments    the credited payments and reversals (payment_date), with their crediting and
--               whether the account is in a loaded snapshot (in a basis or not);
--   contacts    the contacts (contacted_at): what the conduct rules read;
--   complaints  the complaints of the complaints extract (received_at), upheld or not;
--   targets     the agent-level targets of the month (period);
--   agents      the agents (no month; one row, 0 for none): name, team, plan, hire, active.
-- The facts_digest of an approval (payouts/facts.py) is made of these; while they are
-- unchanged its recomputation is its frozen figures, so no adjustment needs computing.
-- Parameters: none.
with latest_accounts as (
    select distinct account_id from stg_account_latest
),

payments as (
    select
        'payments' as kind,
        month_text(p.payment_date) as period,
        hash_sum(digest_number(
            digest_text(p.payment_id) || digest_text(p.account_id)
            || digest_text(p.payment_date) || digest_text(p.amount)
            || digest_text(p.reverses_payment_id) || digest_text(p.credited_agent_id)
            || digest_text(p.credit_rule) || digest_text(p.credit_snapshot_date)
            || digest_text(l.account_id is not null)
        )) as digest
    from payments_credited as p
    left join latest_accounts as l on l.account_id = p.account_id
    group by month_text(p.payment_date)
),

contacts as (
    select
        'contacts' as kind,
        month_text(c.contacted_at) as period,
        hash_sum(digest_number(
            digest_text(c.contact_id) || digest_text(c.account_id) || digest_text(c.agent_id)
            || digest_text(digest_timestamp(c.contacted_at)) || digest_text(c.channel)
            || digest_text(c.outcome)
        )) as digest
    from rpt_contacts as c
    group by month_text(c.contacted_at)
),

complaints as (
    select
        'complaints' as kind,
        month_text(q.received_at) as period,
        hash_sum(digest_number(
            digest_text(q.complaint_id) || digest_text(q.agent_id)
            || digest_text(digest_timestamp(q.received_at)) || digest_text(q.upheld)
        )) as digest
    from rpt_complaints as q
    group by month_text(q.received_at)
),

targets as (
    select
        'targets' as kind,
        t.period,
        hash_sum(digest_number(digest_text(t.id) || digest_text(t.target))) as digest
    from stg_targets as t
    where t.level = 'agent'
    group by t.period
),

agents as (
    select
        'agents' as kind,
        cast(null as varchar) as period,
        coalesce(hash_sum(digest_number(
            digest_text(a.agent_id) || digest_text(a.agent_name) || digest_text(a.team)
            || digest_text(a.plan) || digest_text(a.hire_date) || digest_text(a.active)
        )), 0) as digest
    from stg_agents as a
),

kinds as (
    select * from payments
    union all
    select * from contacts
    union all
    select * from complaints
    union all
    select * from targets
    union all
    select * from agents
),

final as (
    select
        kind,
        period,
        cast(digest as varchar) as digest
    from kinds
    order by kind, period
)

select * from final
