-- payouts/target_digests_v1: the first formula, kept only to compare the facts_digest of
-- approvals made with it (see month_digests_v1; payouts/fact_digests replaces it).
-- One row per month with agent-level targets in force: an order-free
-- digest of them (agent_id, target). A month without targets has no row, so the digest of its
-- payouts (facts.facts_digest_v1) stays what it was before the targets extract existed.
-- Parameters: none.
with own as (
    select
        t.period,
        hash_sum(hash(t.id, t.target)) as targets_hash
    from stg_targets as t
    where t.level = 'agent'
    group by t.period
)

select
    period,
    cast(targets_hash as varchar) as targets_hash
from own
order by period
