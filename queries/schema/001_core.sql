-- Core schema: the import log, the rejects store and one raw table per extract kind.
-- Every raw row carries the import that wrote it, so an import can be undone exactly and a
-- snapshot replaced without losing the rows it replaced (see staging/ for which rows count).
-- Raw tables hold values already validated and typed by the importer; money is DECIMAL(18,2).

create sequence if not exists import_id_seq start 1;

create table if not exists imports (
    import_id       bigint primary key,
    kind            varchar not null,      -- accounts | payments | agents | contacts
    file_name       varchar not null,
    file_sha256     varchar not null,
    file_bytes      bigint not null,
    encoding        varchar not null,
    imported_at     timestamp not null,
    imported_by     varchar not null,
    rows_in_file    bigint not null,
    rows_accepted   bigint not null,       -- written by this import
    rows_duplicate  bigint not null,       -- identical to rows already loaded: a no-op (see
                                           -- deliveries: such rows may be handed to it later)
    rows_refused    bigint not null,       -- kept in rejects with a reason
    snapshot_dates  varchar,               -- accounts: the as_of_dates this import replaced
    status          varchar not null,      -- active | undone
    undone_at       timestamp,
    undone_by       varchar
);

create table if not exists rejects (
    import_id    bigint not null,
    file_name    varchar not null,
    line         bigint,                   -- row number as a spreadsheet shows it (header = 1)
    column_name  varchar,
    value        varchar,
    reason       varchar not null,         -- in English (what the CLI prints)
    reason_code  varchar,                  -- the reason's message code (dashboard/messages.py)
    reason_args  varchar                   -- its values, JSON: rendered in the reader's language
);
-- Databases made before reasons had codes: their rows keep the English text only.
alter table rejects add column if not exists reason_code varchar;
alter table rejects add column if not exists reason_args varchar;

create table if not exists raw_accounts (
    import_id        bigint not null,
    line             bigint not null,
    as_of_date       date not null,
    account_id       varchar not null,
    portfolio        varchar not null,
    placement_date   date not null,
    placed_balance   decimal(18, 2) not null,
    current_balance  decimal(18, 2) not null,
    days_past_due    integer not null,
    agent_id         varchar,
    status           varchar not null,
    region           varchar,
    customer_name    varchar,              -- masked at import: never stored in clear
    phone            varchar,              -- masked at import
    id_number        varchar               -- masked at import
);

-- Which import holds each loaded snapshot; the latest active one wins (snapshot replace).
create table if not exists snapshot_loads (
    as_of_date  date not null,
    import_id   bigint not null,
    accounts    bigint not null
);

create table if not exists raw_payments (
    import_id            bigint not null,
    line                 bigint not null,
    payment_id           varchar not null,
    account_id           varchar not null,
    payment_date         date not null,
    amount               decimal(18, 2) not null,
    agent_id             varchar,
    channel              varchar,
    reverses_payment_id  varchar
);

create table if not exists raw_agents (
    import_id   bigint not null,
    line        bigint not null,
    agent_id    varchar not null,
    agent_name  varchar,
    team        varchar not null,
    plan        varchar,
    hire_date   date,
    active      boolean not null
);
-- Payroll ids (optional columns; databases made before them get them empty).
alter table raw_agents add column if not exists employee_no varchar;
alter table raw_agents add column if not exists cost_center varchar;

create table if not exists raw_contacts (
    import_id       bigint not null,
    line            bigint not null,
    contact_id      varchar not null,
    account_id      varchar not null,
    agent_id        varchar not null,
    contacted_at    timestamp not null,
    channel         varchar not null,
    outcome         varchar not null,
    promise_amount  decimal(18, 2),
    promise_date    date
);

-- Column mappings a user confirmed for unknown headers, remembered by header text.
create table if not exists header_mappings (
    kind        varchar not null,
    header      varchar not null,
    column_name varchar not null,
    saved_at    timestamp not null
);

-- Rows an import delivered that were already loaded, identical (payments and contacts: same id,
-- same content; the import counts them as rows_duplicate). Undoing the import that holds such a
-- row hands it to the earliest other active import that delivered it (with that import's id and
-- line) instead of removing it; undoing an import removes its deliveries.
create table if not exists deliveries (
    import_id  bigint not null,            -- the import that delivered the row again
    line       bigint not null,            -- its line in that import's file
    kind       varchar not null,           -- payments | contacts
    key_value  varchar not null            -- the payment_id or contact_id
);
