-- rpt_plan_payments: one row per repayment plan (rpt_plan_installments) and day on which its account has
-- payments or reversals (rpt_payments) dated from the plan's created_date on: amount, their
-- net sum that day (domain.md: paid towards a plan = net payments on the account dated from
-- created_date on). kpi/plan_states sums these up to its dates, so that it reads the plans'
-- payments only instead of the whole book's; materialised when plans, accounts or payments
-- change. Parameters: none.
with plans as (
    select plan_id, account_id, created_date
    from rpt_plan_installments
    where installment_no = last_no
),

paid as (
    select
        p.plan_id,
        y.payment_date,
        sum(y.amount) as amount
    from plans as p
    inner join rpt_payments as y
        on y.account_id = p.account_id and y.payment_date >= p.created_date
    group by p.plan_id, y.payment_date
)

select * from paid
