-- payments_credited for added imports: the added payments; the blank-agent payments an added
-- snapshot may credit differently (on an account of a changed snapshot: dated on or after the
-- earliest changed snapshot, credited by no snapshot, or by the earliest-snapshot rule from a
-- snapshot on or after the earliest changed one: an earlier earliest snapshot stays); and every
-- payment reversing one of those, along chains of reversals (matched or not now). The scope:
-- those payments and the payments they reverse, along the same chains. The added payments are
-- found by their import (the row groups of later imports), the few others by their id from a
-- table of the ids wanted (so that the small side of each join is the one held in memory);
-- nothing to recompute reads no payment.
create or replace temp table chg_reversals as
select payment_id, reverses_payment_id
from stg_payments
where reverses_payment_id is not null;

create or replace temp table chg_added_payments as
select *
from stg_payments
where import_id in (select c.import_id from chg_imports as c where c.kind = 'payments');

create or replace temp table affected_payments_credited as
with recursive seed as (
    select a.payment_id
    from chg_added_payments as a
    union
    select p.payment_id
    from payments_credited as p
    where p.given_agent_id is null
        and p.account_id in (select a.account_id from chg_snapshot_accounts as a)
        and (
            p.payment_date >= (select min(d.as_of_date) from chg_dates as d)
            or p.credit_rule = 'none'
            or (
                p.credit_rule = 'account_earliest_snapshot'
                and p.credit_snapshot_date >= (select min(d.as_of_date) from chg_dates as d)
            )
        )
),

reversing (payment_id, depth) as (
    select payment_id, 0 from seed
    union
    select r.payment_id, v.depth + 1
    from chg_reversals as r
    inner join reversing as v on v.payment_id = r.reverses_payment_id
    where v.depth < 20
)

select distinct payment_id from reversing;

-- The ids of the scope an added import did not bring.
create or replace temp table chg_scope_ids as
with recursive reversed (payment_id, depth) as (
    select payment_id, 0 from affected_payments_credited
    union
    select r.reverses_payment_id, v.depth + 1
    from chg_reversals as r
    inner join reversed as v on v.payment_id = r.payment_id
    where v.depth < 21
)

select distinct payment_id from reversed
except
select payment_id from chg_added_payments;

-- Every added payment is in the scope (each is recomputed).
create or replace temp table scope_stg_payments as
select * from chg_added_payments
union all
select p.*
from stg_payments as p
where p.payment_id in (select s.payment_id from chg_scope_ids as s);
