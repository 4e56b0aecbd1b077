-- checks/raw_rows_of_wrong_kind (invariant): one row per raw table and import whose rows sit in the
-- table of another kind than the import log says (a payments import writes raw_payments only). None
-- means it holds. Parameters: none.
with raw_rows as (
    select distinct 'accounts' as kind, import_id from raw_accounts
    union all
    select distinct 'payments' as kind, import_id from raw_payments
    union all
    select distinct 'agents' as kind, import_id from raw_agents
    union all
    select distinct 'contacts' as kind, import_id from raw_contacts
    union all
    select distinct 'repayment_plans' as kind, import_id from raw_repayment_plans
    union all
    select distinct 'agencies' as kind, import_id from raw_agencies
    union all
    select distinct 'complaints' as kind, import_id from raw_complaints
    union all
    select distinct 'targets' as kind, import_id from raw_targets
),

offending as (
    select
        r.kind as table_kind,
        r.import_id,
        i.kind as logged_kind
    from raw_rows as r
    inner join imports as i on i.import_id = r.import_id
    where i.kind <> r.kind
)

select * from offending
order by import_id
