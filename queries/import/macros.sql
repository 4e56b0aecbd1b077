-- Parsing and checking rules for imported text, one macro per value type.
-- Each type has a value macro (the typed value, or NULL when the text is not valid) and a
-- problem macro (NULL when valid, else the reason: a message of dashboard/messages.py as JSON,
-- its code and values, rendered to English where the rows are written). Blank text is NULL:
-- whether a blank is allowed is decided by the caller (required columns). Every macro but
-- blank_to_null takes text already trimmed by it (stage.py trims each column once): DuckDB
-- expands a macro wherever it is used and compiles each regular expression of the expansion
-- when a query is bound, and the trim's Unicode expression inside each nested macro made the
-- check query of a one-row file take a second to bind.
-- Created as temporary macros on the importer's private scratch connection.

-- Trimmed: every Unicode space (ASCII, no-break, ideographic, en/em/thin, ...), line breaks
-- and the invisible zero-width space and byte-order mark, so a value of spaces alone is blank.
-- The regular expression spares the (slow) trim of a character set for values that need none.
create or replace temp macro blank_to_null(v) as
    nullif(
        case
            when regexp_matches(v, '^[\s\p{Z}\x{0b}\x{85}\x{200b}\x{feff}]|[\s\p{Z}\x{0b}\x{85}\x{200b}\x{feff}]$')
                then trim(v, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(133)
                    || chr(160) || chr(5760) || chr(8192) || chr(8193) || chr(8194) || chr(8195)
                    || chr(8196) || chr(8197) || chr(8198) || chr(8199) || chr(8200) || chr(8201)
                    || chr(8202) || chr(8203) || chr(8232) || chr(8233) || chr(8239) || chr(8287)
                    || chr(12288) || chr(65279))
            else v
        end,
        ''
    );

-- A reason: JSON {"code": ..., "column": ..., "value": ...} (the message's code and values).
create or replace temp macro msg(code, col, v) as
    json_object('code', code, 'column', col, 'value', v);

create or replace temp macro shown(v) as
    case when length(v) > 40 then left(v, 40) || '…' else v end;

-- Money: optional currency sign, optional thousands separators in groups of three, at most
-- two decimals: 1234.5, 1,234.56, ¥1234, -20.00. Not: 1.234,56, 1e3, NaN, 12.345.
-- At most 12 integer digits (999,999,999,999.99 either way): a value no report's sum of
-- millions of rows can overflow (README, import rules).
create or replace temp macro money_text(v) as
    regexp_replace(v, '^([+-]?)\s*[¥￥$]\s*', '\1');

create or replace temp macro money_form(v) as
    regexp_full_match(money_text(v), '[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]{1,2})?');

create or replace temp macro money_digits(v) as
    length(ltrim(regexp_replace(split_part(money_text(v), '.', 1), '[^0-9]', '', 'g'), '0'));

create or replace temp macro money_ok(v) as money_form(v) and money_digits(v) <= 12;

create or replace temp macro money_value(v) as
    case when money_ok(v) then cast(replace(money_text(v), ',', '') as decimal(18, 2)) end;

create or replace temp macro money_problem(col, v) as
    case
        when v is null or money_ok(v) then null
        when regexp_full_match(money_text(v), '[+-]?[0-9,]*\.[0-9]{3,}')
            then msg('import.money_decimals', col, shown(v))
        when money_form(v) and starts_with(money_text(v), '-')
            then msg('import.money_below_min', col, shown(v))
        when money_form(v)
            then msg('import.money_above_max', col, shown(v))
        else msg('import.money_invalid', col, shown(v))
    end;

-- Whole numbers (days past due): 45, +45, 45.0 (spreadsheets write that).
create or replace temp macro int_ok(v) as
    regexp_full_match(v, '[+-]?[0-9]{1,6}(\.0+)?');

create or replace temp macro int_value(v) as
    case when int_ok(v) then cast(split_part(v, '.', 1) as integer) end;

create or replace temp macro int_problem(col, v) as
    case
        when v is null or int_ok(v) then null
        else msg('import.int_invalid', col, shown(v))
    end;

-- Dates: 2026-10-31, 2026/10/31, 2026.10.31, 2026-1-5, 20261031, 2026年10月31日, and the
-- same followed by a midnight time (database exports). Day-first or month-first forms such
-- as 10/31/2026 are ambiguous and refused; so are spreadsheet serial numbers (44927).
create or replace temp macro date_parts(v) as
    regexp_extract(
        v,
        '^([0-9]{4})(?:[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?|([0-9]{2})([0-9]{2}))(?:[ T]00:00(?::00(?:\.0+)?)?)?$',
        ['y', 'm', 'd', 'm2', 'd2']
    );

create or replace temp macro date_value(v) as
    case
        when date_parts(v).y <> '' then try_cast(
            date_parts(v).y || '-'
            || lpad(coalesce(nullif(date_parts(v).m, ''), date_parts(v).m2), 2, '0') || '-'
            || lpad(coalesce(nullif(date_parts(v).d, ''), date_parts(v).d2), 2, '0')
            as date)
    end;

create or replace temp macro date_in_range(d) as d between date '1900-01-01' and date '2100-12-31';

create or replace temp macro date_problem(col, v) as
    case
        when v is null then null
        when date_value(v) is not null and date_in_range(date_value(v)) then null
        when date_value(v) is not null
            then msg('import.date_out_of_range', col, shown(v))
        when date_parts(v).y <> '' then msg('import.date_invalid', col, shown(v))
        when regexp_full_match(v, '[0-9]{5}(\.[0-9]+)?')
            then msg('import.date_serial', col, shown(v))
        when regexp_full_match(v, '[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}')
            then msg('import.date_ambiguous', col, shown(v))
        else msg('import.date_form', col, shown(v))
    end;

-- Months (targets.period), kept as their text YYYY-MM: 2026-10, 2026/10, 2026.10, 2026-1,
-- 202610, 2026年10月, and the 1st of the month as a date (2026-10-01, as a spreadsheet turns a
-- typed month into a date cell), with a midnight time. Another day of the month is no month.
create or replace temp macro month_parts(v) as
    regexp_extract(
        v,
        '^([0-9]{4})(?:[-/.年]([0-9]{1,2})月?(?:[-/.]0?1日?(?:[ T]00:00(?::00(?:\.0+)?)?)?)?|([0-9]{2}))$',
        ['y', 'm', 'm2']
    );

create or replace temp macro month_number(v) as
    try_cast(coalesce(nullif(month_parts(v).m, ''), month_parts(v).m2) as integer);

create or replace temp macro month_value(v) as
    case
        when month_parts(v).y <> '' and month_number(v) between 1 and 12
            then month_parts(v).y || '-' || lpad(cast(month_number(v) as varchar), 2, '0')
    end;

create or replace temp macro month_in_range(m) as m between '1900-01' and '2100-12';

create or replace temp macro month_problem(col, v) as
    case
        when v is null then null
        when month_value(v) is not null and month_in_range(month_value(v)) then null
        when month_value(v) is not null
            then msg('import.date_out_of_range', col, shown(v))
        else msg('import.month_form', col, shown(v))
    end;

-- Timestamps: a date as above (not the compact form) then a time HH:MM[:SS[.fff]].
create or replace temp macro ts_parts(v) as
    regexp_extract(
        v,
        '^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]{1,6})?)?$',
        ['y', 'm', 'd', 'hh', 'mi', 'ss', 'frac']
    );

create or replace temp macro ts_value(v) as
    case
        when ts_parts(v).y <> '' then try_cast(
            ts_parts(v).y || '-' || lpad(ts_parts(v).m, 2, '0') || '-'
            || lpad(ts_parts(v).d, 2, '0') || ' ' || lpad(ts_parts(v).hh, 2, '0') || ':'
            || ts_parts(v).mi || ':' || coalesce(nullif(ts_parts(v).ss, ''), '00')
            || ts_parts(v).frac
            as timestamp)
    end;

create or replace temp macro ts_problem(col, v) as
    case
        when v is null then null
        when ts_value(v) is not null and date_in_range(cast(ts_value(v) as date)) then null
        when ts_value(v) is not null
            then msg('import.ts_out_of_range', col, shown(v))
        when ts_parts(v).y <> '' then msg('import.ts_invalid', col, shown(v))
        else msg('import.ts_form', col, shown(v))
    end;

-- Rates (agencies.fee_rate): a share, at most 6 decimals (0.15, .125, 1), or a percentage with
-- at most 4 (15%, 12.5％); whether it lies in [0, 1] is checked by the caller.
create or replace temp macro rate_share_ok(v) as
    regexp_full_match(v, '[+-]?([0-9]{1,6}(\.[0-9]{0,6})?|\.[0-9]{1,6})');

create or replace temp macro rate_percent_ok(v) as
    regexp_full_match(v, '[+-]?([0-9]{1,6}(\.[0-9]{0,4})?|\.[0-9]{1,4})[%％]');

create or replace temp macro rate_value(v) as
    case
        when rate_share_ok(v) then cast(v as decimal(18, 6))
        when rate_percent_ok(v)
            then cast(cast(rtrim(rtrim(v, '%'), '％') as decimal(18, 4)) * 0.01 as decimal(18, 6))
    end;

create or replace temp macro rate_problem(col, v) as
    case
        when v is null or rate_share_ok(v) or rate_percent_ok(v) then null
        when regexp_full_match(v, '[+-]?[0-9]*\.[0-9]+[%％]?')
            then msg('import.rate_decimals', col, shown(v))
        else msg('import.rate_invalid', col, shown(v))
    end;

-- Identifiers: trimmed; at most 64 characters; no control characters.
create or replace temp macro id_problem(col, v) as
    case
        when v is null then null
        when length(v) > 64
            then msg('import.id_too_long', col, null)
        when regexp_matches(v, '[\x00-\x1f\x7f]')
            then msg('import.id_control', col, shown(regexp_replace(v, '[\x00-\x1f\x7f]', '?', 'g')))
    end;

create or replace temp macro text_problem(col, v) as
    case
        when length(v) > 500 then msg('import.text_too_long', col, null)
    end;

-- Enumerations: lower-cased, spaces and hyphens as '_', then looked up in value_aliases
-- (canonical values map to themselves).
create or replace temp macro enum_key(v) as
    regexp_replace(lower(v), '[\s\-]+', '_', 'g');

-- Masking of personal data, applied before anything is stored. One rule for every length:
-- at least half of a value, and never fewer than 4 of its characters, are hidden (all of a
-- value of 4 characters or fewer). Of what may be shown, a number keeps its last 4 and then
-- its first 3 characters, a name its first character: 13812341234 -> 1******1234,
-- 110101199001011234 -> 110***********1234, 62345678 -> ****5678, 张三 -> **,
-- Zhang Sanfeng -> Z************. A masked value has the length of the value.
create or replace temp macro mask_hidden(n) as
    case when n <= 4 then n else greatest((n + 1) // 2, 4) end;

create or replace temp macro mask_tail(v, tail) as
    least(tail, length(v) - mask_hidden(length(v)));

create or replace temp macro mask_head(v, head, tail) as
    least(head, length(v) - mask_hidden(length(v)) - mask_tail(v, tail));

create or replace temp macro mask_keep(v, head, tail) as
    left(v, mask_head(v, head, tail))
    || repeat('*', length(v) - mask_head(v, head, tail) - mask_tail(v, tail))
    || right(v, mask_tail(v, tail));

create or replace temp macro mask_name(v) as mask_keep(v, 1, 0);

create or replace temp macro mask_number(v) as mask_keep(v, 3, 4);

-- Free text (contacts.notes): every match of personal_text_pattern (queries/macros.sql: phone,
-- ID and bank-card numbers, e-mail addresses) masked by mask_number, the rest as written:
-- "call 13812345678 after 6pm" -> "call 1******5678 after 6pm". Set-wise: the text split at
-- the matches, and the masked matches put back between the pieces (a split has one piece more
-- than there are matches). Texts without a match (most notes) pass by one regexp_matches.
create or replace temp macro mask_between(pieces, found) as
    pieces[1] || array_to_string(
        list_transform(found, lambda m, i: mask_number(m) || pieces[i + 1]), '');

create or replace temp macro mask_in_text(v) as
    case
        when v is null or not regexp_matches(v, personal_text_pattern()) then v
        else mask_between(
            regexp_split_to_array(v, personal_text_pattern()),
            regexp_extract_all(v, personal_text_pattern()))
    end;
