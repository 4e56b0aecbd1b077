-- Case management (domain.md, "Case management"): repayment plans, outside agencies,
-- complaints, and the columns the older extracts gain (accounts.agency_id, contacts.notes).
-- As in 001_core.sql, every raw row carries the import that wrote it; values are validated,
-- typed and masked by the importer before they arrive here.

-- One row per installment of a plan; a plan is every row with its plan_id (in force: an
-- installment is written once, a re-delivered identical one is a delivery, one with other
-- content is refused).
create table if not exists raw_repayment_plans (
    import_id       bigint not null,
    line            bigint not null,
    plan_id         varchar not null,
    account_id      varchar not null,
    agent_id        varchar,               -- blank: the account's agent on created_date
    plan_type       varchar not null,      -- installment | extension | settlement
    created_date    date not null,
    installment_no  integer not null,      -- 1, 2, 3, ... without gaps within a plan
    due_date        date not null,         -- not before created_date, increasing with the number
    amount          decimal(18, 2) not null
);

-- One row per agency per import that lists it; in force: the latest active import's row.
create table if not exists raw_agencies (
    import_id    bigint not null,
    line         bigint not null,
    agency_id    varchar not null,
    agency_name  varchar,
    fee_rate     decimal(9, 6) not null    -- share of net collected kept by the agency, 0..1
);

-- One row per complaint per import that lists it: a complaint delivered again (resolved, its
-- verdict given) is the same complaint, updated; in force: the latest active import's row.
create table if not exists raw_complaints (
    import_id     bigint not null,
    line          bigint not null,
    complaint_id  varchar not null,
    account_id    varchar not null,
    agent_id      varchar,
    received_at   timestamp not null,
    category      varchar,                 -- harassment | contact_time | third_party | privacy |
                                           -- amount_dispute | service | other
    resolved_at   timestamp,               -- not before received_at; blank: open
    upheld        boolean                  -- blank: undecided
);

-- The outside agency holding the account in that snapshot (blank: worked in house).
alter table raw_accounts add column if not exists agency_id varchar;
-- What was said in a contact, its personal data masked (never stored in clear).
alter table raw_contacts add column if not exists notes varchar;
