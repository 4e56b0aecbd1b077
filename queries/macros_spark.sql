-- The Spark bodies of the macros of queries/macros.sql whose DuckDB body sqlglot does not
-- write as an equal Spark expression (issue 16). dashboard/spark.py expands a macro call with
-- the body here when there is one, else with macros.sql's body transpiled; same names, same
-- parameters (checked). tests/test_spark_macros.py runs every macro on both engines on edge
-- values (negative numbers, nulls, zero denominators, past the last bucket, month ends).
-- Spark runs with ANSI SQL on: an overflow or a bad index is an error, not a null.

-- len(list) becomes LENGTH (of a string) in sqlglot; Spark's is size.
create or replace macro one_of(v, choices) as array_contains(choices, v);

create or replace macro unfiltered(choices) as size(choices) = 0;

-- No HUGEINT nor integer `//` on Spark DECIMAL(38, 0): the truncated quotient of whole
-- numbers is (a - a % b) / b (% keeps the dividend's sign, as DuckDB's // truncates), exact.
create or replace macro rate6(num, den) as
    cast(
        cast(
            ((cast(num * 100 as decimal(38, 0)) * 10000000)
                - (cast(num * 100 as decimal(38, 0)) * 10000000)
                % nullif(cast(den * 100 as decimal(38, 0)), 0))
            / nullif(cast(den * 100 as decimal(38, 0)), 0)
            as decimal(38, 0)
        )
        * 0.0000001 as decimal(38, 6)
    );

create or replace macro rate_mean(rate_total, n) as
    cast(
        cast(
            ((cast(rate_total * 1000000 as decimal(38, 0)) * 10)
                - (cast(rate_total * 1000000 as decimal(38, 0)) * 10) % nullif(n, 0))
            / nullif(n, 0)
            as decimal(38, 0)
        )
        * 0.0000001 as decimal(38, 6)
    );

create or replace macro money_over(amount, rate) as
    cast(
        cast(
            ((cast(amount * 100 as decimal(38, 0)) * 10000000)
                - (cast(amount * 100 as decimal(38, 0)) * 10000000)
                % nullif(cast(rate * 1000000 as decimal(38, 0)), 0))
            / nullif(cast(rate * 1000000 as decimal(38, 0)), 0)
            as decimal(38, 0)
        )
        * 0.001 as decimal(38, 2)
    );

-- DuckDB's lambda syntax and len; Spark's filter with an arrow lambda.
create or replace macro bucket_no(dpd, min_dpd) as size(filter(min_dpd, m -> m <= dpd));

-- names[no] is 1-based in DuckDB, null past the end and at 0 (a DPD below the first minimum,
-- or null: bucket_no 0); sqlglot shifts it to 0-based, and Spark's try_element_at refuses 0.
create or replace macro bucket_name(no, names) as
    case when no <> 0 then try_element_at(names, no) end;

-- list_position gives null for a name not in the list; array_position gives 0.
create or replace macro bucket_order(name, names) as nullif(array_position(names, name), 0);

create or replace macro closed_no(names) as size(names) + 1;

create or replace macro missing_no(names) as size(names) + 2;

create or replace macro delinquent(dpd, min_dpd) as dpd >= element_at(min_dpd, 2);

create or replace macro seconds_between(t0, t1) as timestampdiff(SECOND, t0, t1);

-- d1 - d0 of two dates is an interval on Spark, not a number of days.
create or replace macro days_between(d0, d1) as datediff(d1, d0);

-- Spark has no TIME type here: the time of day as 'HH:MM:SS' text, which compares as the time
-- does (dashboard/spark.py binds a time parameter as the same text).
create or replace macro time_of_day(ts) as date_format(ts, 'HH:mm:ss');

create or replace macro clock_text(ts) as date_format(ts, 'HH:mm:ss');

create or replace macro weekday_no(ts) as weekday(ts) + 1;

create or replace macro timestamp_text(ts) as date_format(ts, 'yyyy-MM-dd HH:mm:ss');

-- DuckDB's date_trunc of a date is a naive TIMESTAMP.
create or replace macro month_start(d) as cast(trunc(d, 'MM') as timestamp_ntz);

create or replace macro month_text(d) as date_format(d, 'yyyy-MM');

create or replace macro months_between(d0, d1) as
    (year(d1) * 12 + month(d1)) - (year(d0) * 12 + month(d0));

-- d + to_months(n): a naive TIMESTAMP, the day clamped to the month's last (as add_months).
create or replace macro plus_months(d, n) as cast(add_months(d, cast(n as int)) as timestamp_ntz);

create or replace macro each_of_0_to(n) as explode(sequence(0, n));

create or replace macro each_day_of(lo, hi) as explode(sequence(lo, hi, interval 1 day));

-- arg_max skips a null v; max_by keeps it (and skips a null w), so w is nulled where v is.
create or replace macro latest_given(v, w) as max_by(v, case when v is not null then w end);

create or replace macro latest_of(v, w) as max_by(v, w);

create or replace macro earliest_of(v, w) as min_by(v, w);

-- No json_object on Spark, and sqlglot writes named_struct(k, v) as STRUCT(v AS k1): a map
-- written as JSON keeps its keys in order, and nulls as DuckDB keeps them. Its values are
-- text (every caller casts them to varchar, as DuckDB would give a number unquoted).
create or replace macro json1(k1, v1) as to_json(map(k1, v1), map('ignoreNullFields', 'false'));

create or replace macro json2(k1, v1, k2, v2) as
    to_json(map(k1, v1, k2, v2), map('ignoreNullFields', 'false'));

create or replace macro json3(k1, v1, k2, v2, k3, v3) as
    to_json(map(k1, v1, k2, v2, k3, v3), map('ignoreNullFields', 'false'));

create or replace macro hash_sum(h) as sum(cast(h as decimal(38, 0)));

create or replace macro digest_timestamp(ts) as date_format(ts, 'yyyy-MM-dd HH:mm:ss.SSSSSS');

-- No '0x' text cast on Spark: conv reads the hex digits as a number.
create or replace macro digest_number(row_text) as
    cast(conv(left(md5(row_text), 15), 16, 10) as bigint);
