-- stg_targets: one row per target in force (period, level, id) of an active import: the
-- month (YYYY-MM), agent or team, the agent_id or team, and the target of net collected.
-- Parameters: none.
select
    t.period,
    t.level,
    t.id,
    t.target,
    t.import_id
from raw_targets as t
where import_in_force(t.import_id)
