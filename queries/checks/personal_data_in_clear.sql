-- checks/personal_data_in_clear (invariant): one row per stored personal value that is not masked
-- by the rule (README, personal data): at least half of the value, and never fewer than 4 of its
-- characters, hidden as '*' (all of a value of 4 characters or fewer); a name shows at most its
-- first character, a number at most its first three and last four (张三 -> **, 13812341234 ->
-- 1******1234, 110101199001011234 -> 110***********1234); and one row per contact note that
-- still holds a phone, ID or card number or an e-mail address in clear (personal_text_pattern:
-- the importer masks each of them). None means it holds. Parameters: none.
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

measured as (
    select
        *,
        length(value) - length(replace(value, '*', '')) as stars,
        case when length(value) <= 4 then length(value)
            else greatest((length(value) + 1) // 2, 4) end as must_hide
    from personal
),

notes_in_clear as (
    select import_id, line, 'notes' as column_name, length(notes) as value_length
    from raw_contacts
    where notes is not null and regexp_matches(notes, personal_text_pattern())
),

offending as (
    select import_id, line, column_name, length(value) as value_length
    from measured
    where stars < must_hide
        or (column_name = 'customer_name' and not regexp_full_match(value, '(?s)[^*]?\*+'))
        or (column_name <> 'customer_name'
            and not regexp_full_match(value, '(?s)[^*]{0,3}\*+[^*]{0,4}'))
    union all
    select * from notes_in_clear
)

select * from offending
order by import_id, line, column_name
