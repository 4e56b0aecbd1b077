-- Targets (domain.md, "targets extract"): a month's target of net collected per agent or team.
-- As in 001_core.sql, every raw row carries the import that wrote it; values are validated and
-- typed by the importer before they arrive here. A target (period, level, id) is written once:
-- delivered again identical it is a delivery, with another amount it is refused as a conflict.
create table if not exists raw_targets (
    import_id  bigint not null,
    line       bigint not null,
    period     varchar not null,          -- the month, YYYY-MM
    level      varchar not null,          -- agent | team
    id         varchar not null,          -- an agent_id or a team of the agents loaded
    target     decimal(18, 2) not null    -- > 0
);
