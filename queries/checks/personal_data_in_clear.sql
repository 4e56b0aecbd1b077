-- checks/personal_data_in_clear (invariant): one row per stored personal value that is not masked
-- (domain.md: customer_name, phone, id_number are masked before they are stored: 张*, 138****1234,
-- 110***********1234). A name keeps its first character, a number at most its first three and last
-- four. None means it holds. Parameters: none.
with personal as (
    select import_id, line, 'customer_name' as column_name, customer_name as value
    from raw_accounts where customer_name is not null
    union all
    select import_id, line, 'phone' as column_name, phone as value
    from raw_accounts where phone is not null
    union all
    select import_id, line, 'id_number' as column_name, id_number as value
    from raw_accounts where id_number is not null
),

offending as (
    select import_id, line, column_name, length(value) as value_length
    from personal
    where (column_name = 'customer_name' and not regexp_full_match(value, '(?s).\*+'))
        or (column_name <> 'customer_name'
            and not regexp_full_match(value, '(?s).{0,3}\*+.{0,4}'))
)

select * from offending
order by import_id, line, column_name
