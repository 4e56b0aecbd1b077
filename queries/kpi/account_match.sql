-- kpi/account_match: the accounts (in some snapshot) an account id typed by a person can
-- mean: the account of exactly that id, else the accounts whose id matches $pattern (a LIKE
-- pattern: the caller turns each * of a masked id into one wildcard character and escapes
-- the rest with \). At most 11 rows (enough to say "more than 10"), ordered by account_id.
-- Parameters: $account (the text as typed), $pattern.
with exact as (
    select account_id from rpt_accounts where account_id = $account
),

matching as (
    select account_id
    from rpt_accounts
    where not exists (select 1 from exact) and account_id like $pattern escape '\'
),

final as (
    select account_id from exact
    union all
    select account_id from matching
    order by account_id
    limit 11
)

select * from final
