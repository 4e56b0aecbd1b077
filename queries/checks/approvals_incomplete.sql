-- checks/approvals_incomplete (invariant): one row per payout approval whose frozen rows do not
-- match its record (agent count, total payout), with a negative payout, or with no audit lines; and
-- per period with more than one approval in force. None means it holds. Parameters: none.
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
            case when a.status not in ('approved', 'reopened') then 'unknown status' end
        ) as problem
    from payout_approvals as a
    left join frozen as f on f.approval_id = a.approval_id
    left join lines as l on l.approval_id = a.approval_id
),

periods_in_force as (
    select
        min(approval_id) as approval_id,
        period,
        'approved' as status,
        'more than one approval in force' as problem
    from payout_approvals
    where status = 'approved'
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
