-- checks/deliveries_not_in_force (invariant): one row per row an active import delivered that is
-- not in force: a delivery (a payment, contact or installment already loaded, delivered again identical) whose
-- id is held by no active import, whose import is undone or unknown, or whose kind differs from
-- the import's. Undoing the import that held the row hands it to a later delivery, so every row an
-- active import delivered stays in force. None means it holds. Parameters: none.
with delivered as (
    select d.import_id, d.line, d.kind, d.key_value, i.kind as import_kind, i.status
    from deliveries as d
    left join imports as i on i.import_id = d.import_id
),

in_force as (
    select 'payments' as kind, payment_id as key_value from stg_payments
    union all
    select 'contacts' as kind, contact_id as key_value from stg_contacts
    union all
    select 'repayment_plans' as kind, plan_id || chr(31) || cast(installment_no as varchar)
        as key_value
    from stg_repayment_plans
),

offending as (
    select
        d.import_id,
        d.line,
        d.kind,
        d.key_value,
        concat_ws('; ',
            case when d.status is null then 'import not in the log' end,
            case when d.status <> 'active' then 'import is ' || d.status end,
            case when d.import_kind <> d.kind then 'kind differs from the import''s' end,
            case when f.key_value is null then 'not in force' end
        ) as problem
    from delivered as d
    left join in_force as f on f.kind = d.kind and f.key_value = d.key_value
)

select * from offending
where problem <> ''
order by import_id, line
