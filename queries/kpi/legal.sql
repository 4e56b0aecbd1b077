-- kpi/legal: legal escalation (domain.md, "legal escalation"), one row per month in which
-- accounts entered legal (entry_month, YYYY-MM), over the snapshots up to $as_of.
-- An account is in legal from a snapshot whose status is legal, through the consecutive
-- snapshots that say legal too; the first later snapshot that does not (another status, or
-- the account absent from it) ends the stay, and a later legal snapshot starts a new one.
-- Per entry month: stays (entries), balance_at_entry (current_balance in the entry snapshot),
-- in_legal_now (stays still in legal in the latest snapshot up to $as_of),
-- avg_months_in_legal (whole months from the entry snapshot to the exit snapshot, or to the
-- latest snapshot, averaged over the stays, 1 place, half up), collected_in_legal (net payments dated after the entry snapshot's date, up to the
-- exit snapshot's date), collected_after_entry (net payments dated after the entry snapshot's
-- date, whether in legal or not), recovery_rate = collected_after_entry / balance_at_entry
-- (6 places, half away from zero). Payments count up to $as_of. Ordered by entry_month.
-- Parameters: $as_of (date), $portfolios (the account's static portfolio), $teams, $agents
-- (the agent the account is assigned to in the entry snapshot, and that agent's team).
with dates as (
    select
        as_of_date,
        row_number() over (order by as_of_date) as n
    from (select distinct as_of_date from rpt_snapshots where as_of_date <= $as_of)
),

legal_rows as (
    select
        s.account_id,
        s.as_of_date,
        d.n,
        s.current_balance,
        s.portfolio,
        s.agent_id
    from rpt_snapshots as s
    inner join dates as d on d.as_of_date = s.as_of_date
    where s.status = 'legal'
),

-- Consecutive snapshots of one account in legal share an island number.
islands as (
    select
        account_id,
        n,
        n - row_number() over (partition by account_id order by n) as island
    from legal_rows
),

stays as (
    select
        account_id,
        min(n) as entry_n,
        max(n) as last_n
    from islands
    group by account_id, island
),

entries as (
    select
        st.account_id,
        r.as_of_date as entry_date,
        r.current_balance as balance_at_entry,
        x.as_of_date as exit_date,
        months_between(
            r.as_of_date, coalesce(x.as_of_date, (select max(as_of_date) from dates))
        ) as months_in_legal
    from stays as st
    inner join legal_rows as r on r.account_id = st.account_id and r.n = st.entry_n
    left join dates as x on x.n = st.last_n + 1
    where dims_ok(r.portfolio, r.agent_id, $portfolios, $teams, $agents)
),

paid as (
    select
        e.account_id,
        e.entry_date,
        sum(p.amount) filter (
            where e.exit_date is null or p.payment_date <= e.exit_date
        ) as in_legal,
        sum(p.amount) as after_entry
    from entries as e
    inner join rpt_payments as p
        on p.account_id = e.account_id
        and p.payment_date > e.entry_date
        and p.payment_date <= $as_of
    group by all
),

months as (
    select
        month_start(e.entry_date) as entry_month,
        count(*) as stays,
        sum(e.balance_at_entry) as balance_at_entry,
        count(*) filter (where e.exit_date is null) as in_legal_now,
        sum(e.months_in_legal) as months_in_legal,
        coalesce(sum(p.in_legal), 0) as collected_in_legal,
        coalesce(sum(p.after_entry), 0) as collected_after_entry
    from entries as e
    left join paid as p on p.account_id = e.account_id and p.entry_date = e.entry_date
    group by all
),

final as (
    select
        month_text(entry_month) as entry_month,
        stays,
        money(balance_at_entry) as balance_at_entry,
        in_legal_now,
        tenths(months_in_legal, stays) as avg_months_in_legal,
        money(collected_in_legal) as collected_in_legal,
        money(collected_after_entry) as collected_after_entry,
        rate6(collected_after_entry, balance_at_entry) as recovery_rate
    from months
    order by entry_month
)

select * from final
