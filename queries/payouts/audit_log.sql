-- payouts/audit_log: one row per approve or reopen event, newest first.
-- Parameters: $period (YYYY-MM; null: every period).
with events as (
    select
        e.event_id,
        e.period,
        e.event,
        e.approval_id,
        e.by_user,
        e.event_at,
        e.plans_sha256,
        e.reason
    from payout_audit_log as e
    where $period is null or e.period = $period
)

select * from events
order by event_id desc
