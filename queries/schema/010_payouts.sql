-- Payout approvals: what finance signed, frozen. Approved figures are written once and never
-- updated: later data or plan changes show up as a recomputation next to them (an
-- adjustment), never as an edit. Reopening keeps the old approval (status 'reopened') and
-- the audit log says who reopened it, when and why.
-- Money is DECIMAL(38,2): a basis or a total is a sum of payments (each at most DECIMAL(18,2)),
-- so it needs the width of a sum.

create sequence if not exists payout_approval_id_seq start 1;
create sequence if not exists payout_event_id_seq start 1;

create table if not exists payout_approvals (
    approval_id       bigint primary key,
    period            varchar not null,       -- YYYY-MM
    status            varchar not null,       -- prepared | approved | reopened
    approved_by       varchar not null,
    approved_at       timestamp not null,
    plans_file        varchar not null,
    plans_sha256      varchar not null,
    data_fingerprint  varchar not null,       -- hash of every fact the payouts were built from
    carry_from        varchar not null,       -- where the deficit chain started
    agents            bigint not null,
    total_payout      decimal(38, 2) not null,
    reopened_by       varchar,
    reopened_at       timestamp,
    reopen_reason     varchar
);

create table if not exists payout_approved (
    approval_id            bigint not null,
    period                 varchar not null,
    agent_id               varchar not null,
    agent_name             varchar,
    team                   varchar,
    plan                   varchar not null,
    basis                  decimal(38, 2) not null,
    tasks                  bigint not null,
    level_min              decimal(38, 2),
    rate                   decimal(12, 6),
    base_commission        decimal(38, 2) not null,
    contacts               bigint not null,
    violations             bigint not null,
    complaints             bigint not null,
    compliance_factor      decimal(12, 6) not null,
    base_after_compliance  decimal(38, 2) not null,
    team_bonus             decimal(38, 2) not null,
    early_bonus            decimal(38, 2) not null,
    carried_in             decimal(38, 2) not null,
    total                  decimal(38, 2) not null,
    cap                    decimal(38, 2),
    cap_applied            boolean not null,
    payout                 decimal(38, 2) not null,
    carry_out              decimal(38, 2) not null
);

-- The audit trail as approved: every payment, reversal and decision line.
create table if not exists payout_approved_lines (
    approval_id           bigint not null,
    period                varchar not null,
    agent_id              varchar not null,
    line_no               bigint not null,
    kind                  varchar not null,
    payment_id            varchar,
    account_id            varchar,
    payment_date          date,
    amount                decimal(38, 2),
    credit_rule           varchar,
    reverses_payment_id   varchar,
    reason                varchar not null
);

create table if not exists payout_audit_log (
    event_id      bigint primary key,
    period        varchar not null,
    event         varchar not null,           -- approve | reopen
    approval_id   bigint not null,
    by_user       varchar not null,
    event_at      timestamp not null,
    plans_sha256  varchar,
    reason        varchar
);

-- The plan in words as approved, one row per agent and sentence: an approved period's
-- statements need neither the plan file nor the plans it named any more.
create table if not exists payout_approved_rules (
    approval_id  bigint not null,
    agent_id     varchar not null,
    line_no      bigint not null,
    rule         varchar not null
);

-- Databases created before money became DECIMAL(38,2) here: widen their columns (a no-op on
-- a database created with this file).
alter table payout_approvals alter column total_payout set data type decimal(38, 2);
alter table payout_approved alter column basis set data type decimal(38, 2);
alter table payout_approved alter column level_min set data type decimal(38, 2);
alter table payout_approved alter column base_commission set data type decimal(38, 2);
alter table payout_approved alter column base_after_compliance set data type decimal(38, 2);
alter table payout_approved alter column team_bonus set data type decimal(38, 2);
alter table payout_approved alter column early_bonus set data type decimal(38, 2);
alter table payout_approved alter column carried_in set data type decimal(38, 2);
alter table payout_approved alter column total set data type decimal(38, 2);
alter table payout_approved alter column cap set data type decimal(38, 2);
alter table payout_approved alter column payout set data type decimal(38, 2);
alter table payout_approved alter column carry_out set data type decimal(38, 2);
alter table payout_approved_lines alter column amount set data type decimal(38, 2);

-- The codes and values of the approved texts (dashboard/messages.py), to render them in the
-- reader's language; null on rows approved before texts had codes (shown as stored).
alter table payout_approved_lines add column if not exists reason_code varchar;
alter table payout_approved_lines add column if not exists reason_args varchar;
alter table payout_approved_rules add column if not exists rule_code varchar;
alter table payout_approved_rules add column if not exists rule_args varchar;

-- Four eyes (domain.md "closing the loop"): a period is first prepared by one person, which
-- freezes its figures as approval used to (status 'prepared': no approver yet), then approved
-- by another (status 'approved'). Approvals made before that have no preparer. The plan book
-- and compliance preset are frozen with the figures, so a later recomputation of the period
-- (the adjustment booked into the next period) uses the plan it was approved with.
alter table payout_approvals alter column approved_by drop not null;
alter table payout_approvals alter column approved_at drop not null;
alter table payout_approvals add column if not exists prepared_by varchar;
alter table payout_approvals add column if not exists prepared_at timestamp;
alter table payout_approvals add column if not exists plans_book varchar;
alter table payout_approvals add column if not exists preset varchar;
-- A digest of the data the figures were computed from (payouts/fact_digests): while it is
-- unchanged, the period's recomputation is its frozen figures.
alter table payout_approvals add column if not exists facts_digest varchar;
-- Corrections of approved periods booked into this one (after the cap), and on an adjustment
-- line the period it corrects.
alter table payout_approved add column if not exists adjustment_in decimal(38, 2);
alter table payout_approved_lines add column if not exists corrects_period varchar;

-- One row per step of a round (the nth preparation) of a period: the key makes two
-- preparations, two approvals or two reopenings of one round at the same instant impossible
-- (one commits, the other fails on the key), whatever the code above it checked.
create table if not exists payout_steps (
    period       varchar not null,
    round        bigint not null,
    step         varchar not null,           -- prepare | approve | reopen
    approval_id  bigint not null,
    primary key (period, round, step)
);

-- Approvals made before the steps were kept: one round each, in the order they were made.
insert into payout_steps (period, round, step, approval_id)
select
    period,
    row_number() over (partition by period order by approval_id) as round,
    unnest(case when status = 'reopened' then ['approve', 'reopen'] else ['approve'] end),
    approval_id
from payout_approvals
where approval_id not in (select s.approval_id from payout_steps as s);
