-- payouts/data_end: one row: the as_of_date of the latest loaded accounts snapshot (null when
-- none is loaded). A period has ended in the data when its last day is on or before it.
-- Parameters: none.
with snapshots as (
    select max(as_of_date) as as_of_date
    from rpt_snapshots
)

select * from snapshots
