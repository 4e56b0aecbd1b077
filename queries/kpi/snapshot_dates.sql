-- kpi/snapshot_dates: one row per loaded snapshot (as_of_date), with its number of accounts,
-- oldest first. Parameters: none.
with snapshots as (
    select as_of_date, count(*) as accounts
    from rpt_snapshots
    group by as_of_date
),

final as (
    select * from snapshots order by as_of_date
)

select * from final
