-- payouts/rounds_in_force: one row per period that is prepared or approved (its round in
-- force), oldest period first, with who prepared and approved it and the plan book and
-- compliance preset frozen with it and the digest of the data its figures were computed from
-- (null for approvals made before they were stored).
-- Parameters: none.
with rounds as (
    select
        approval_id,
        period,
        status,
        prepared_by,
        approved_by,
        plans_book,
        preset,
        facts_digest
    from payout_approvals
    where round_in_force(status)
)

select * from rounds
order by period, approval_id
