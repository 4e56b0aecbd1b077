-- checks/duplicate_keys_in_force (invariant): one row per key that occurs more than once among the
-- rows in force: a payment_id, a contact_id, an agent_id, an agency_id, a complaint_id, an
-- installment of a plan, a target (period, level, id), an account in one snapshot (the importer
-- refuses a second copy, identical or not). None means it holds. Parameters: none.
with keys as (
    select 'payment_id' as key_name, payment_id as key_value from stg_payments
    union all
    select 'contact_id' as key_name, contact_id as key_value from stg_contacts
    union all
    select 'agent_id' as key_name, agent_id as key_value from stg_agents
    union all
    select 'agency_id' as key_name, agency_id as key_value from stg_agencies
    union all
    select 'complaint_id' as key_name, complaint_id as key_value from stg_complaints
    union all
    select 'plan_id/installment_no' as key_name,
        plan_id || '/' || cast(installment_no as varchar) as key_value
    from stg_repayment_plans
    union all
    select 'period/level/id' as key_name, period || '/' || level || '/' || id as key_value
    from stg_targets
    union all
    select 'as_of_date/account_id' as key_name,
        cast(as_of_date as varchar) || '/' || account_id as key_value
    from stg_accounts
),

offending as (
    select key_name, key_value, count(*) as copies
    from keys
    group by key_name, key_value
    having count(*) > 1
)

select * from offending
order by key_name, key_value
