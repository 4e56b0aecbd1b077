-- The rules every report shares, each written once, and every DuckDB-only construct the
-- report queries use: lists and lambdas, HUGEINT, 1-based list indexing, arg_max, time-of-day
-- casts, strftime, json_object, month arithmetic. The queries of queries/ call these macros
-- instead of restating a rule (tests/test_sql_layer.py fails on a rule pasted into more than
-- two query files), so a second SQL engine means writing this one file again (issue 16).
-- Created by db.ensure_schema as macros of the database, before the staging views and
-- derived tables that use them (as temporary macros, with temporary views, for a read-only
-- database whose schema is older than the query files). Every macro takes the row's values
-- first, then the report's settings. A parameter never shares a name with a column its body
-- reads: DuckDB would put the argument in the column's place.

-- Lists --------------------------------------------------------------------------------------

-- v is one of the values of a list parameter.
create or replace macro one_of(v, choices) as list_contains(choices, v);

-- A report filter (--portfolio, --team, --agent) that is not set: an empty list.
create or replace macro unfiltered(choices) as len(choices) = 0;

-- Report filters (README, Reports) -----------------------------------------------------------

-- v passes a filter: the filter is not set, or v is one of its values.
create or replace macro filter_ok(v, choices) as unfiltered(choices) or one_of(v, choices);

-- The team filter on an agent: not set, or the agent is on the roster in one of the teams
-- (an agent on no roster passes no team filter).
create or replace macro team_filter_ok(agent, teams) as
    unfiltered(teams) or agent in (select agent_id from stg_agents where one_of(team, teams));

-- The portfolio filter on an account: not set, or its static portfolio (rpt_accounts) is one
-- of the portfolios (an account in no snapshot passes only when the filter is not set).
create or replace macro account_filter_ok(account, portfolios) as
    unfiltered(portfolios)
    or account in (select account_id from rpt_accounts where one_of(portfolio, portfolios));

-- The three filters on a row that has its portfolio and its agent.
create or replace macro dims_ok(portfolio, agent, portfolios, teams, agents) as
    filter_ok(portfolio, portfolios) and team_filter_ok(agent, teams) and filter_ok(agent, agents);

-- The three filters on a row that has its account (portfolio looked up) and its agent.
create or replace macro account_dims_ok(account, agent, portfolios, teams, agents) as
    account_filter_ok(account, portfolios)
    and team_filter_ok(agent, teams)
    and filter_ok(agent, agents);

-- Agent, team and total rows of one aggregation (group by grouping sets ((agent, team), (team),
-- ())), as the complaints and pacing reports give them: the row's level from grouping(agent)
-- and grouping(team), and its id (the agent_id, the team, or null for the total).
create or replace macro rollup_level(agent_grouping, team_grouping) as
    case when agent_grouping = 0 then 'agent' when team_grouping = 0 then 'team' else 'total' end;

create or replace macro rollup_id(agent_grouping, team_grouping, agent_value, team_value) as
    case when agent_grouping = 0 then agent_value when team_grouping = 0 then team_value end;

-- Numbers ------------------------------------------------------------------------------------

-- A sum of money: DECIMAL(38,2), wide enough for any sum of accepted values (never a float).
create or replace macro money(amount) as cast(amount as decimal(38, 2));

-- An amount of money to the cent, half away from zero (DuckDB's round of a DECIMAL).
create or replace macro cents(amount) as cast(round(amount, 2) as decimal(38, 2));

-- A rate num / den to 6 places, half away from zero; null when den is 0. Exact: both are
-- scaled to whole hundredths (money has 2 places, counts none) and divided as integers to 7
-- places (truncated), and the cast to 6 places rounds the 7th half away from zero.
create or replace macro rate6(num, den) as
    cast(
        cast(
            cast(num * 100 as hugeint) * 10000000 // nullif(cast(den * 100 as hugeint), 0)
            as decimal(38, 0)
        )
        * 0.0000001 as decimal(38, 6)
    );

-- The mean of n rates of 6 places (their sum: rate_total) to 6 places, half away from zero;
-- null when n is 0. Exact: the sum in whole millionths, divided as integers to 7 places.
create or replace macro rate_mean(rate_total, n) as
    cast(
        cast(cast(rate_total * 1000000 as hugeint) * 10 // nullif(n, 0) as decimal(38, 0))
        * 0.0000001 as decimal(38, 6)
    );

-- Money divided by a rate of 6 places (amount / rate, as collected to date / expected share),
-- to the cent, half away from zero; null when the rate is 0. Exact: cents and millionths as
-- integers, divided to a tenth of a cent (truncated), and the cast to cents rounds it.
create or replace macro money_over(amount, rate) as
    cast(
        cast(
            cast(amount * 100 as hugeint) * 10000000
            // nullif(cast(rate * 1000000 as hugeint), 0) as decimal(38, 0)
        )
        * 0.001 as decimal(38, 2)
    );

-- A ratio num / den of whole numbers >= 0 to 1 place, half up (an average of months, days);
-- null when den is 0.
create or replace macro tenths(num, den) as
    cast(
        cast((num * 20 + den) // nullif(den * 2, 0) as decimal(38, 0)) * 0.1 as decimal(38, 1)
    );

-- Delinquency buckets (config/kpi.yaml: names and minimum DPD, ascending, the first 0) -------

-- The number (1, 2, ...) of the bucket of a DPD: the last bucket whose minimum is <= dpd.
create or replace macro bucket_no(dpd, min_dpd) as len(list_filter(min_dpd, lambda m: m <= dpd));

-- The name of bucket number no (1-based); null past the last bucket.
create or replace macro bucket_name(no, names) as names[no];

-- The place (1, 2, ...) of a bucket's name in the buckets' order, null for another name.
create or replace macro bucket_order(name, names) as list_position(names, name);

-- The state numbers after the buckets: Closed, then Missing (absent from a snapshot).
create or replace macro closed_no(names) as len(names) + 1;

create or replace macro missing_no(names) as len(names) + 2;

-- Delinquent: past the first bucket.
create or replace macro delinquent(dpd, min_dpd) as dpd >= min_dpd[2];

-- Closed (domain.md): a status of $closed_statuses, or nothing left to collect.
create or replace macro is_closed(status, balance, closed_statuses) as
    one_of(status, closed_statuses) or balance = 0;

-- Dates and times ----------------------------------------------------------------------------

-- d in [lo, hi]; a null bound is open.
create or replace macro in_range(d, lo, hi) as (lo is null or d >= lo) and (hi is null or d <= hi);

-- A timestamp on one of the days lo .. hi (dates, inclusive).
create or replace macro on_days(ts, lo, hi) as ts >= lo and ts < hi + 1;

-- Whole seconds from timestamp t0 to timestamp t1.
create or replace macro seconds_between(t0, t1) as date_diff('second', t0, t1);

-- Whole days from date d0 to date d1.
create or replace macro days_between(d0, d1) as d1 - d0;

create or replace macro time_of_day(ts) as cast(ts as time);

create or replace macro clock_text(ts) as strftime(ts, '%H:%M:%S');

-- The day of the week of a date or timestamp: 1 = Monday .. 7 = Sunday (ISO 8601).
create or replace macro weekday_no(ts) as isodow(ts);

-- The hour of the day of a timestamp, 0 .. 23.
create or replace macro hour_no(ts) as hour(ts);

create or replace macro timestamp_text(ts) as strftime(ts, '%Y-%m-%d %H:%M:%S');

-- The first day of d's month (a TIMESTAMP, as DuckDB's date_trunc gives it).
create or replace macro month_start(d) as date_trunc('month', d);

create or replace macro month_text(d) as strftime(d, '%Y-%m');

-- Whole months from the month of d0 to the month of d1.
create or replace macro months_between(d0, d1) as datediff('month', d0, d1);

create or replace macro plus_months(d, n) as d + to_months(cast(n as integer));

-- One row for each whole number 0 .. n (in a select list).
create or replace macro each_of_0_to(n) as unnest(generate_series(0, n));

-- One row for each day lo .. hi (dates, inclusive; in a select list): a list of days that a
-- filter `d in (...)` answers from the few row groups of a date-ordered table.
create or replace macro each_day_of(lo, hi) as
    cast(unnest(generate_series(lo, hi, interval 1 day)) as date);

-- Aggregates ---------------------------------------------------------------------------------

-- v of the row where w is greatest, among the rows that give a v (not null).
create or replace macro latest_given(v, w) as arg_max(v, w);

-- v of the row where w is greatest, null or not.
create or replace macro latest_of(v, w) as arg_max_null(v, w);

-- v of the row where w is least, null or not.
create or replace macro earliest_of(v, w) as arg_min_null(v, w);

-- JSON text of named values: {"k1": v1, ...}.
create or replace macro json1(k1, v1) as json_object(k1::varchar, v1);

create or replace macro json2(k1, v1, k2, v2) as json_object(k1::varchar, v1, k2::varchar, v2);

create or replace macro json3(k1, v1, k2, v2, k3, v3) as
    json_object(k1::varchar, v1, k2::varchar, v2, k3::varchar, v3);

-- Imports and the payout basis ---------------------------------------------------------------

-- An import in force (active, not undone): staging reads only its rows.
create or replace macro import_in_force(id) as
    id in (select import_id from imports where status = 'active');

-- An account in some loaded snapshot: payments on any other (orphans) count nowhere.
create or replace macro known_account(account) as
    account in (select account_id from stg_account_latest);

-- A payment or reversal in an agent's payout basis: credited to an agent, on a known account.
create or replace macro in_basis(agent, account) as agent is not null and known_account(account);

-- A payout round in force: prepared or approved (a reopened one is history).
create or replace macro round_in_force(status) as status in ('prepared', 'approved');

-- An order-free digest of many row hashes (their sum, wide enough not to overflow).
create or replace macro hash_sum(h) as sum(cast(h as hugeint));

-- Digests that are the same on every engine (payouts/fact_digests; README, Commission
-- payouts, "What an approval's digests are made of"). A row's digest text is its values'
-- texts one after another, each as its length in characters, ':', and the text itself ('-'
-- alone for null), so no two rows share a text. A value's text: text as it is, a whole number
-- in decimal digits, a DECIMAL with its column's places (12.30, -5.00), a date as YYYY-MM-DD,
-- a boolean as true/false, a timestamp as YYYY-MM-DD HH:MM:SS.ffffff (digest_timestamp
-- first).
create or replace macro digest_text(v) as
    case
        when v is null then '-'
        else cast(length(cast(v as varchar)) as varchar) || ':' || cast(v as varchar)
    end;

create or replace macro digest_timestamp(ts) as strftime(ts, '%Y-%m-%d %H:%M:%S.%f');

-- The row number of a digest: the first 15 hex digits (60 bits) of the MD5 of its digest
-- text, as a whole number; hash_sum of them is the order-free digest of the rows.
create or replace macro digest_number(row_text) as
    cast(('0x' || left(md5(row_text), 15)) as bigint);

-- Personal data inside free text (contacts.notes) --------------------------------------------

-- What counts as personal data inside a note (domain.md, contacts.notes; README, personal
-- data), as one regular expression: an e-mail address; digits in groups of 3-4 parted by
-- spaces or hyphens (138 1234 5678, 6222 0212 3456 7890, 010-6234-5678); a landline with its
-- area code (010-62345678, (0755) 1234567); any run of 7 or more digits, with an ID number's
-- final X (13812345678, 62345678 is not: 8 digits are; 11010119900101123X). Dates (2026-12-05),
-- times and amounts with separators (3,000.00) are not. The importer masks every match
-- (queries/import/macros.sql, mask_in_text); checks/personal_data_in_clear finds any left.
create or replace macro personal_text_pattern() as
    '[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+|\d{3,4}([ \-]\d{3,4}){2,4}|\(?0\d{2,3}\)?[ \-]?\d{7,8}|\d{7,}[Xx]?';
