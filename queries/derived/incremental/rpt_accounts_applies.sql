-- rpt_accounts_applies: one row, whether every added snapshot is later than every snapshot
-- rpt_accounts reflects (true when no snapshot was added): only then is the latest row of an
-- account in its new rows, and the merge exact. Parameters: none.
select coalesce(
    (select min(d.as_of_date) from chg_dates as d)
    > (select max(a.last_as_of_date) from rpt_accounts as a),
    true
) as applies
