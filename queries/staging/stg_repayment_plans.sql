-- stg_repayment_plans: one row per installment of a repayment plan of an active import
-- (plan_id, installment_no is unique). A plan is every row with its plan_id, which may have
-- arrived in several files. agent_id as given (blank: the account's agent on created_date,
-- resolved by the reports as for payments). Parameters: none.
select
    p.plan_id,
    p.account_id,
    p.agent_id,
    p.plan_type,
    p.created_date,
    p.installment_no,
    p.due_date,
    p.amount,
    p.import_id
from raw_repayment_plans as p
where import_in_force(p.import_id)
