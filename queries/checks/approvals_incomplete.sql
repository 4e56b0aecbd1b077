-- checks/approvals_incomplete (invariant): one row per payout round (prepared, approved or
-- reopened) whose frozen rows do not match its record (agent count, total payout), with a
-- negative payout, with no audit lines, approved by the person who prepared it, or without the
-- step (payout_steps) of its status; and per period with more than one round in force. None
-- means it holds. Parameters: none.
with frozen as (
    select
        approval_id,
        count(*) as agents_found,
        sum(payout) as total_found,
        count(*) filter (where payout < 0) as negative_payouts
    from payout_approved
    group by approval_id
),

lines as (
    select approval_id, count(*) as lines_found
    from payout_approved_lines
    group by approval_id
),

steps as (
    select
        approval_id,
        bool_or(step = 'prepare') as prepared,
        bool_or(step = 'approve') as approved,
        bool_or(step = 'reopen') as reopened
    from payout_steps
    group by approval_id
),

bad_approvals as (
    select
        a.approval_id,
        a.period,
        a.status,
        concat_ws('; ',
            case when coalesce(f.agents_found, 0) <> a.agents then 'agent count differs' end,
            case when coalesce(f.total_found, 0) <> a.total_payout then 'total differs' end,
            case when coalesce(f.negative_payouts, 0) > 0 then 'negative payout' end,
            case when coalesce(l.lines_found, 0) = 0 then 'no audit lines' end,
            case when a.status not in ('prepared', 'approved', 'reopened') then 'unknown status' end,
            case
                when a.status = 'prepared' and a.approved_by is not null then 'prepared but approved'
            end,
            case
                when lower(regexp_replace(trim(a.prepared_by), '\s+', ' ', 'g'))
                    = lower(regexp_replace(trim(a.approved_by), '\s+', ' ', 'g'))
                    then 'approved by the person who prepared it'
            end,
            case
                when a.status = 'prepared' and not coalesce(s.prepared, false) then 'no prepare step'
                when a.status = 'approved' and not coalesce(s.approved, false) then 'no approve step'
                when a.status = 'reopened' and not coalesce(s.reopened, false) then 'no reopen step'
            end
        ) as problem
    from payout_approvals as a
    left join frozen as f on f.approval_id = a.approval_id
    left join lines as l on l.approval_id = a.approval_id
    left join steps as s on s.approval_id = a.approval_id
),

periods_in_force as (
    select
        min(approval_id) as approval_id,
        period,
        'in force' as status,
        'more than one round in force' as problem
    from payout_approvals
    where round_in_force(status)
    group by period
    having count(*) > 1
),

offending as (
    select * from bad_approvals where problem <> ''
    union all
    select * from periods_in_force
)

select * from offending
order by approval_id
