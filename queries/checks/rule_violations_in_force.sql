-- checks/rule_violations_in_force (invariant): one row per stored row that breaks a value rule the
-- importer enforces (domain.md "The extracts"): negative balances or days past due, a placement
-- after its snapshot, a zero amount, a positive reversal, a blank id, a date outside 1900-2100, a
-- money value beyond the maximum of 999,999,999,999.99 either way.
-- None means it holds. Parameters: none.
with accounts as (
    select 'raw_accounts' as table_name, import_id, line,
        concat_ws('; ',
            case when placed_balance < 0 then 'placed_balance < 0' end,
            case when greatest(placed_balance, current_balance) > 999999999999.99
                then 'balance above the maximum' end,
            case when current_balance < 0 then 'current_balance < 0' end,
            case when days_past_due < 0 then 'days_past_due < 0' end,
            case when placement_date > as_of_date then 'placement_date > as_of_date' end,
            case when trim(account_id) = '' or trim(portfolio) = '' then 'blank value' end,
            case when as_of_date not between date '1900-01-01' and date '2100-12-31'
                then 'as_of_date out of range' end,
            case when status not in ('open', 'payment_plan', 'legal', 'disputed', 'settled',
                'paid_in_full', 'recalled', 'written_off') then 'unknown status' end
        ) as problem
    from raw_accounts
),

payments as (
    select 'raw_payments' as table_name, import_id, line,
        concat_ws('; ',
            case when amount = 0 then 'amount = 0' end,
            case when abs(amount) > 999999999999.99 then 'amount beyond the maximum' end,
            case when reverses_payment_id is not null and amount > 0
                then 'positive reversal' end,
            case when trim(payment_id) = '' or trim(account_id) = '' then 'blank id' end,
            case when payment_date not between date '1900-01-01' and date '2100-12-31'
                then 'payment_date out of range' end
        ) as problem
    from raw_payments
),

contacts as (
    select 'raw_contacts' as table_name, import_id, line,
        concat_ws('; ',
            case when outcome = 'promise_to_pay'
                and (promise_amount is null or promise_date is null)
                then 'promise without amount or date' end,
            case when promise_amount < 0 then 'promise_amount < 0' end,
            case when promise_amount > 999999999999.99
                then 'promise_amount above the maximum' end,
            case when promise_date < cast(contacted_at as date)
                then 'promise before the contact' end,
            case when channel not in ('call', 'sms', 'email', 'letter', 'visit')
                then 'unknown channel' end,
            case when outcome not in ('no_answer', 'wrong_party', 'right_party',
                'promise_to_pay', 'refused', 'dispute', 'complaint') then 'unknown outcome' end
        ) as problem
    from raw_contacts
),

agents as (
    select 'raw_agents' as table_name, import_id, line,
        case when trim(agent_id) = '' or trim(team) = '' then 'blank value' else '' end
            as problem
    from raw_agents
),

offending as (
    select * from accounts
    union all
    select * from payments
    union all
    select * from contacts
    union all
    select * from agents
)

select * from offending
where problem <> ''
order by table_name, import_id, line
