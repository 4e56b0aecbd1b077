-- stg_account_latest: one row per account with its static fields (portfolio, placement_date,
-- placed_balance) from the latest snapshot that holds it (domain.md, accounts).
-- Parameters: none.
select
    account_id,
    latest_given(portfolio, as_of_date) as portfolio,
    latest_given(placement_date, as_of_date) as placement_date,
    latest_given(placed_balance, as_of_date) as placed_balance,
    latest_given(region, as_of_date) as region,
    max(as_of_date) as last_seen_as_of_date,
    min(as_of_date) as first_seen_as_of_date
from stg_accounts
group by account_id
