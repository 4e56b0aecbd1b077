-- rpt_accounts_merge: one row per account of the added snapshots: part_rpt_accounts (the
-- rpt_accounts query over the new snapshots' rows only) merged with the account's old row
-- (old_rpt_accounts), all of whose snapshots are earlier: a latest given value is the new one
-- if any new row gives one, else the old one; the latest agent is the new one; the first
-- snapshot is the old first. Parameters: none.
select
    p.account_id,
    coalesce(p.portfolio, o.portfolio) as portfolio,
    coalesce(p.placement_date, o.placement_date) as placement_date,
    coalesce(p.placement_month, o.placement_month) as placement_month,
    coalesce(p.placed_balance, o.placed_balance) as placed_balance,
    coalesce(p.region, o.region) as region,
    p.agent_id,
    coalesce(o.first_as_of_date, p.first_as_of_date) as first_as_of_date,
    p.last_as_of_date
from part_rpt_accounts as p
left join old_rpt_accounts as o on o.account_id = p.account_id
