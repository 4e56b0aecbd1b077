"""The SQL of the bank-scale generator (``bench/generate.py``): one SELECT per extract.

Every value is drawn from ``u(x, k)``, a uniform number in [0, 1) hashed from a row number
``x``, a stream number ``k`` and the seed, so the same scale and seed give the same rows on
every run, without a Python loop. The sizes and the word lists are DuckDB variables
(``getvariable``) set by the generator with bound parameters.

Month ``t`` = 0 is 2025-11 (snapshot 2025-11-30), 11 is 2026-10 (the last snapshot of the
book), 12 is 2026-11 (the new month of the incremental figures).
"""

from __future__ import annotations

MACROS = """
create or replace macro u(x, k) as
    ((hash(x, k, getvariable('seed')) >> 11)::double / 9007199254740992.0);
create or replace macro pick(lst, x) as
    lst[1 + least(floor(x * len(lst))::bigint, len(lst) - 1)];
create or replace macro month_start(t) as
    make_date((2025 + (10 + t) // 12)::bigint, ((10 + t) % 12 + 1)::bigint, 1);
create or replace macro month_end(t) as last_day(month_start(t));
create or replace macro money(x) as round(x, 2)::decimal(18, 2);
create or replace macro days(d, n) as d + (n)::integer;
-- A random payment: 0.5 % to 8 % of the account's placed balance (3 % on average, so a cohort
-- recovers some 30 % of it in a year and a half of about ten payments), at least 20.
create or replace macro pay_amount(placed, x) as
    money(greatest(20, placed * (0.005 + 0.075 * pow(x, 2))));
create or replace macro digits(x, k, width) as
    lpad((hash(x, k, getvariable('seed')) % (10 ** width)::ubigint)::varchar, width, '0');
create or replace macro agent_code(a) as 'AG' || lpad((a)::varchar, 4, '0');
create or replace macro ts(d, x, k) as strftime(
    d::timestamp + to_seconds(
        (case when u(x, k) < 0.015 then pick([22, 23, 7], u(x, k + 1))
              else 8 + floor(u(x, k + 2) * 14) end) * 3600
        + floor(u(x, k + 3) * 3600)),
    '%Y-%m-%d %H:%M:%S');
"""

# One row per account (the book's accounts, then the new month's placements): what does not
# change from snapshot to snapshot, and the months that shape its story. s: the month of its
# first snapshot (0 = placed before the book starts); c: the month it closes in (99: open);
# r: the month it moves to its second agent; l: the month it goes to legal.
ACCOUNTS = """
create or replace temp table acct as
with drawn as (
    select i, i >= getvariable('n') as is_new,
        case when i >= getvariable('n') then 12
             when u(i, 1) < 0.68 then 0
             else 1 + floor(u(i, 2) * 11)::integer end as s
    from range(getvariable('n') + getvariable('new_accounts')) r(i)
), shaped as (
    select *,
        case when not is_new and u(i, 3) < 0.16 then s + floor(u(i, 4) * (12 - s))::integer
             else 99 end as c,
        case when u(i, 13) < 0.25 then s + floor(u(i, 14) * (12 - s))::integer else 99 end as r,
        case when u(i, 15) < 0.05 then s + 1 + floor(u(i, 16) * (12 - s))::integer
             else 99 end as l
    from drawn
)
select i, s, c, r, l, least(c, 12) as end_t,
    'A' || lpad(i::varchar, 8, '0') as account_id,
    case when u(i, 5) < 0.45 then 'paid_in_full' when u(i, 5) < 0.75 then 'settled'
         when u(i, 5) < 0.92 then 'recalled' else 'written_off' end as close_status,
    case when s = 0 then days(date '2025-05-01', floor(u(i, 6) * 213))
         else days(month_start(s), floor(u(i, 6) * 28)) end as placement_date,
    pick(getvariable('portfolios'), pow(u(i, 7), 3)) as portfolio,
    pick(getvariable('regions'), pow(u(i, 8), 1.6)) as region,
    money(300 + 80000 * pow(u(i, 9), 3)) as placed_balance,
    31 + floor(u(i, 10) * 150)::integer as dpd0,
    floor(getvariable('agents') * pow(u(i, 11), 2.2))::integer as agent1,
    floor(getvariable('agents') * pow(u(i, 12), 2.2))::integer as agent2,
    case when u(i, 17) < 0.4
         then 'AGY0' || (1 + floor(5 * pow(u(i, 18), 1.5)))::integer end as agency,
    u(i, 19) as pay_rate, u(i, 33) < 0.45 as cycling,
    pick(getvariable('surnames'), pow(u(i, 20), 1.5)) || pick(getvariable('given'), u(i, 21))
        || case when u(i, 22) < 0.6 then pick(getvariable('given'), u(i, 23)) else '' end
        as customer_name,
    pick(getvariable('mobile'), u(i, 24)) || digits(i, 25, 8) as phone,
    pick(getvariable('area_codes'), u(i, 26))
        || strftime(days(date '1960-01-01', floor(u(i, 27) * 14600)), '%Y%m%d')
        || digits(i, 28, 3) || pick(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'],
                                    u(i, 29)) as id_number
from shaped
"""

# One row per repayment plan, on an account of the book: created within the account's life
# and the book's months; behaviour: how many installments the debtor pays (kept_upto).
PLANS = """
create or replace temp table plan as
with drawn as (
    select p, floor(getvariable('n') * u(p, 101))::bigint as i from range(getvariable('plans')) r(p)
), typed as (
    select d.p, a.*,
        case when u(p, 102) < 0.6 then 'installment' when u(p, 102) < 0.85 then 'extension'
             else 'settlement' end as plan_type,
        greatest(a.placement_date, date '2025-11-01') as lo,
        least(month_end(least(a.end_t, 11)), date '2026-10-31') as hi
    from drawn d join acct a using (i)
)
select p, i, account_id, plan_type, placed_balance,
    'R' || lpad(p::varchar, 8, '0') as plan_id,
    days(lo, floor(u(p, 103) * (hi - lo + 1))) as created_date,
    case plan_type when 'installment' then 2 + floor(11 * pow(u(p, 104), 1.4))::integer
                   when 'extension' then 1 + floor(3 * u(p, 104))::integer
                   else 1 + floor(4 * u(p, 104))::integer end as n,
    case when u(p, 105) < 0.2 then null else agent_code(agent1) end as agent_id,
    case when u(p, 106) < 0.35 then 99 when u(p, 106) < 0.7 then floor(u(p, 107) * 12)::integer
         else 0 end as kept_upto
from typed
"""

INSTALLMENTS = """
create or replace temp table installment as
select plan_id, account_id, agent_id, plan_type, created_date, k as installment_no,
    days(created_date, 30 * k) as due_date,
    money(greatest(1, placed_balance * (case plan_type when 'settlement' then 0.5 else 0.9 end)
                   / n)) as amount,
    k <= kept_upto as paid
from plan, range(1, 13) r(k)
where k <= n
"""

# The snapshot rows of months lo..hi: each account from its first month to the month it
# closes in (or the last month).
SNAPSHOTS = """
with plan_span as (
    select i, min(created_date) as plan_from, max(days(created_date, 30 * n + 30)) as plan_to
    from plan group by i
), rows as (
    select a.*, t, month_end(t) as as_of, p.plan_from, p.plan_to
    from acct a join range(13) m(t) on t between a.s and a.end_t
    left join plan_span p using (i)
    where t between getvariable('t_from') and getvariable('t_to')
), stated as (
    select *,
        case when t = c then close_status
             when t >= l then 'legal'
             when plan_from <= as_of and as_of <= plan_to then 'payment_plan'
             when u(i * 16 + t, 31) < 0.01 then 'disputed'
             else 'open' end as status
    from rows
), valued as (
    select *,
        case when status in ('paid_in_full', 'settled') then 0
             when status = 'payment_plan' then floor(u(i * 16 + t, 32) * 30)::integer
             when cycling then floor(pow(u(i * 16 + t, 34), 1.5) * 150)::integer
             else dpd0 + (as_of - placement_date)::integer end as dpd
    from stated
)
select account_id, strftime(as_of, '%Y-%m-%d') as as_of_date, portfolio,
    strftime(placement_date, '%Y-%m-%d') as placement_date, placed_balance,
    case when status in ('paid_in_full', 'settled') then 0.00::decimal(18, 2)
         else money(placed_balance * greatest(0.1, 1 - 0.04 * pay_rate * (t - s))) end
        as current_balance,
    dpd as days_past_due,
    agent_code(case when t >= r then agent2 else agent1 end) as agent_id,
    status, region, customer_name, phone, id_number,
    case when dpd >= 121 and status not in ('legal', 'paid_in_full', 'settled', 'recalled')
         then agency end as agency_id
from valued
order by as_of_date, account_id
"""

# The days an account of the book is paid on: from its placement to its last snapshot's month
# end (at the latest the book's last day).
LIFE = """
create or replace temp table life as
select i, least(month_end(least(end_t, 11)), date '2026-10-31') - placement_date + 1 as days
from acct where i < getvariable('n')
"""

# The book's payments: random payments over each account's life, as many per day of its life
# whatever its age (a draw is kept with the share of the longest life the account has lived, and
# the first random_payments kept draws are the payments: a young cohort has few payments, not an
# old one's squeezed into a month), the payments of the plans' kept installments, reversals of
# every 100th random payment, orphans (accounts in no snapshot) and a few rows with an
# impossible date (the intended refusals).
PAYMENTS = """
with kept as (
    select j, i, l.days
    from (select j, floor(getvariable('n') * pow(u(j, 201), 1.15))::bigint as i
          from range(getvariable('payment_draws')) r(j)) d
    join life l using (i)
    where u(j, 206) * getvariable('longest_life') < l.days
    order by j
    limit getvariable('random_payments')
), random as (
    select j, a.*, days(a.placement_date, floor(u(j, 202) * k.days)) as paid_on
    from kept k join acct a using (i)
), random_rows as (
    select 'P' || lpad(j::varchar, 9, '0') as payment_id, account_id, paid_on,
        pay_amount(placed_balance, u(j, 203)) as amount,
        case when u(j, 204) < 0.3 then null
             when datediff('month', date '2025-11-01', paid_on) >= r then agent_code(agent2)
             else agent_code(agent1) end as agent_id,
        pick(getvariable('pay_channels'), u(j, 205)) as channel,
        null::varchar as reverses_payment_id, j
    from random
), plan_rows as (
    select 'PP' || plan_id || '-' || installment_no as payment_id, account_id,
        days(due_date, -floor(u(hash(plan_id) + installment_no, 210) * 10)) as paid_on,
        amount, agent_id, pick(getvariable('pay_channels'), u(hash(plan_id), 211)) as channel,
        null::varchar as reverses_payment_id
    from installment
    where paid
)
select payment_id, account_id, strftime(paid_on, '%Y-%m-%d') as payment_date,
    amount::varchar as amount, agent_id, channel, reverses_payment_id
from (
    select * exclude (j) from random_rows
    union all
    select payment_id || 'R', account_id, least(days(paid_on, 2), date '2026-10-31'), -amount,
        null, channel, payment_id
    from random_rows where j % 100 = 7
    union all
    select * from plan_rows where paid_on <= date '2026-10-31'
    union all
    select 'PO' || lpad(o::varchar, 7, '0'), 'A9' || lpad(o::varchar, 8, '0'),
        days(date '2026-01-01', floor(u(o, 220) * 300)), money(100 + 900 * u(o, 221)),
        null, 'bank_transfer', null
    from range(getvariable('orphans')) r(o)
)
union all
select 'PX' || lpad(b::varchar, 7, '0'), 'A' || lpad(b::varchar, 8, '0'), '2026-02-30',
    '100.00', null, 'cash', null
from range(getvariable('bad_payments')) r(b)
order by payment_date, payment_id
"""

# The new month's payments: on accounts of the new month's snapshot, dated in that month.
PAYMENTS_NEW = """
with present as (
    select row_number() over (order by i) - 1 as x, * from acct where end_t = 12
), drawn as (
    select j, floor((select count(*) from present) * u(j, 251))::bigint as x
    from range(getvariable('month_payments')) r(j)
)
select 'PM' || lpad(j::varchar, 9, '0') as payment_id, account_id,
    strftime(days(date '2026-11-01', floor(u(j, 252) * 30)), '%Y-%m-%d') as payment_date,
    pay_amount(placed_balance, u(j, 253))::varchar as amount,
    case when u(j, 254) < 0.3 then null else agent_code(agent2) end as agent_id,
    pick(getvariable('pay_channels'), u(j, 255)) as channel,
    null::varchar as reverses_payment_id
from drawn join present using (x)
order by payment_date, payment_id
"""

# Contacts over each account's life within the book's months (t_from..t_to), or the new
# month's on its snapshot's accounts; notes on most right-party contacts, some with a phone,
# card or ID number or an e-mail address in clear; a few promises without an amount (refused).
CONTACTS = """
with present as (
    select row_number() over (order by i) - 1 as x, * from acct
    where end_t >= getvariable('t_from') and s <= getvariable('t_to')
), drawn as (
    select k, floor((select count(*) from present) * pow(u(k, 401), 1.3))::bigint as x
    from range(getvariable('contacts')) r(k)
), timed as (
    select k, p.*, greatest(p.placement_date, month_start(getvariable('t_from'))) as lo,
        least(month_end(least(p.end_t, getvariable('t_to'))),
              month_end(getvariable('t_to'))) as hi
    from drawn join present p using (x)
), valued as (
    select *, days(lo, floor(u(k, 402) * (hi - lo + 1))) as day,
        case when k < getvariable('bad_contacts') then 'promise_to_pay'
             when u(k, 410) < 0.5 then 'no_answer' when u(k, 410) < 0.55 then 'wrong_party'
             when u(k, 410) < 0.72 then 'right_party' when u(k, 410) < 0.84 then 'promise_to_pay'
             when u(k, 410) < 0.92 then 'refused' when u(k, 410) < 0.97 then 'dispute'
             else 'complaint' end as outcome
    from timed
), noted as (
    select *,
        case when (outcome <> 'no_answer' and u(k, 420) < 0.7)
                  or (outcome = 'no_answer' and u(k, 420) < 0.1)
             then pick(getvariable('notes'), u(k, 421))
                  || case when u(k, 422) < 0.04 then '，客户新号码' || pick(getvariable('mobile'),
                                                                    u(k, 423)) || digits(k, 424, 8)
                          when u(k, 422) < 0.05 then ' new number ' || pick(getvariable('mobile'),
                                                                    u(k, 423)) || ' '
                                                   || digits(k, 424, 4) || ' ' || digits(k, 425, 4)
                          when u(k, 422) < 0.06 then '，还款卡号6222' || digits(k, 424, 12)
                          when u(k, 422) < 0.065 then ' e-mail ' || pick(getvariable('pinyin'),
                                                                    u(k, 423)) || '.'
                                                   || digits(k, 424, 3) || '@example.com'
                          when u(k, 422) < 0.07 then '，身份证号' || id_number
                          when u(k, 422) < 0.075 then '，单位电话010-6' || digits(k, 424, 7)
                          else '' end
        end as notes
    from valued
)
select 'C' || getvariable('contact_prefix') || lpad(k::varchar, 9, '0') as contact_id,
    account_id,
    case when u(k, 430) < 0.1
         then agent_code(floor(getvariable('agents') * pow(u(k, 431), 2.2))::integer)
         when datediff('month', date '2025-11-01', day) >= r then agent_code(agent2)
         else agent_code(agent1) end as agent_id,
    ts(day, k, 440) as contacted_at,
    case when u(k, 450) < 0.03 then '电话' when u(k, 450) < 0.6 then 'call'
         when u(k, 450) < 0.85 then 'sms' when u(k, 450) < 0.9 then 'email'
         when u(k, 450) < 0.95 then 'letter' else 'visit' end as channel,
    case when outcome = 'promise_to_pay' and u(k, 451) < 0.05 then '承诺还款' else outcome end
        as outcome,
    case when outcome = 'promise_to_pay' and k >= getvariable('bad_contacts')
         then money(100 + 4900 * pow(u(k, 452), 2)) end as promise_amount,
    case when outcome = 'promise_to_pay'
         then strftime(days(day, 1 + floor(u(k, 453) * 14)), '%Y-%m-%d') end as promise_date,
    notes
from noted
order by contacted_at, contact_id
"""

REPAYMENT_PLANS = """
select plan_id, account_id, agent_id, plan_type, strftime(created_date, '%Y-%m-%d')
    as created_date, installment_no, strftime(due_date, '%Y-%m-%d') as due_date, amount
from installment
order by created_date, plan_id, installment_no
"""

COMPLAINTS = """
with drawn as (
    select q, floor(getvariable('n') * pow(u(q, 501), 1.2))::bigint as i
    from range(getvariable('complaints')) r(q)
), timed as (
    select q, a.*, greatest(a.placement_date, date '2025-11-01') as lo,
        least(month_end(least(a.end_t, 11)), date '2026-10-31') as hi
    from drawn join acct a using (i)
), received as (
    select *, days(lo, floor(u(q, 502) * (hi - lo + 1)))::timestamp
        + to_seconds(floor(8 * 3600 + u(q, 503) * 12 * 3600)) as received_at,
        u(q, 504) < 0.75 as resolved
    from timed
)
select 'Q' || lpad(q::varchar, 8, '0') as complaint_id, account_id,
    case when u(q, 505) < 0.1 then null else agent_code(agent1) end as agent_id,
    strftime(received_at, '%Y-%m-%d %H:%M:%S') as received_at,
    pick(getvariable('categories'), pow(u(q, 506), 1.5)) as category,
    case when resolved then strftime(received_at + to_seconds(floor(3600 + u(q, 507)
        * 720 * 3600)), '%Y-%m-%d %H:%M:%S') end as resolved_at,
    case when not resolved or u(q, 508) < 0.1 then null
         when u(q, 508) < 0.4 then 'true' else 'false' end as upheld
from received
order by received_at, complaint_id
"""

AGENTS = """
select agent_code(a) as agent_id,
    pick(getvariable('surnames'), pow(u(a, 601), 1.5)) || pick(getvariable('given'), u(a, 602))
        || pick(getvariable('given'), u(a, 603)) as agent_name,
    'T' || lpad((1 + a % getvariable('teams'))::varchar, 2, '0') as team,
    case when a % 10 < 5 then 'standard' when a % 10 < 8 then 'ladder'
         when a % 10 = 8 then 'bigticket' end as plan,
    strftime(days(date '2015-01-01', floor(u(a, 604) * 3900)), '%Y-%m-%d') as hire_date,
    case when u(a, 605) < 0.95 then 'true' else 'false' end as active,
    'E' || lpad((10000 + a)::varchar, 6, '0') as employee_no,
    'CC-' || (100 * (1 + a % getvariable('teams')))::varchar as cost_center
from range(getvariable('agents')) r(a)
"""

# Monthly targets, 2025-11 to the new month 2026-11: each agent's near its expected share of a
# month's collections (agents are drawn for accounts as floor(agents * u ^ 2.2), so agent a holds
# ((a + 1) / agents) ^ (1 / 2.2) - (a / agents) ^ (1 / 2.2) of them), 85-115 % of it, in hundreds;
# each team's the sum of its agents'.
TARGETS = """
with agent_month as (
    select a, t, agent_code(a) as agent_id,
        'T' || lpad((1 + a % getvariable('teams'))::varchar, 2, '0') as team,
        greatest(100, round(getvariable('month_collected')
            * (pow((a + 1) / getvariable('agents'), 1 / 2.2)
               - pow(a / getvariable('agents'), 1 / 2.2))
            * (0.85 + 0.3 * u(a * 16 + t, 701)) / 100) * 100)::decimal(18, 2) as target
    from range(getvariable('agents')) r(a), range(13) m(t)
)
select strftime(month_start(t), '%Y-%m') as period, 'agent' as level, agent_id as id,
    target::varchar as target
from agent_month
union all
select strftime(month_start(t), '%Y-%m'), 'team', team, sum(target)::varchar
from agent_month group by t, team
order by period, level, id
"""
