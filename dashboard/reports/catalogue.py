"""The reports, each declared once (``Report``, ``dashboard/reports/spec.py``). A new report is
one entry here; its name is its spelling everywhere (CLI, app, README, golden file).

The order is the order of ``python -m dashboard report --help``. Parameters are declared in
the order of their options; the help texts are those of ``report NAME --help``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import vocab
from dashboard.engine import cases, forecasts, kpi_breakdowns, kpis, pacing
from dashboard.engine.kpi_common import ALL, Filters
from dashboard.engine.settings import default_settings
from dashboard.payouts import service
from dashboard.payouts.report import REPORT_SCHEMA
from dashboard.payouts.tables import LINE_SCHEMA
from dashboard.payouts.values import Period
from dashboard.payouts.whatif import WHATIF_SCHEMA
from dashboard.reports.spec import Param, Report, compliance_preset, file_name, file_to_write


def _registry(*reports: Report) -> dict[str, Report]:
    out: dict[str, Report] = {}
    for r in reports:
        if r.name in out:
            raise ValueError(f"report {r.name} is declared twice")
        out[r.name] = r
    return out


def _date(name: str, help: str) -> Param:
    flag = {"date_from": "--from", "date_to": "--to", "as_of": "--as-of"}[name]
    return Param(name, "date", help, flag=flag, metavar="YYYY-MM-DD")


WINDOW = (
    _date("date_from", "first day of the window (default: the 1st of --to's month)"),
    _date("date_to", "last day of the window (default: the latest snapshot's date)"),
)
PAIRS = (
    _date("date_from", "only pairs whose later snapshot is on or after this date"),
    _date("date_to", "only pairs whose later snapshot is on or before this date"),
)
RULES = Param(
    "preset",
    "choice",
    lambda: f"compliance preset (default: {default_settings().default_preset})",
    choices=lambda: default_settings().preset_names,
    flag="--rules",
)
PLAN_AS_OF = _date(
    "as_of",
    "the evaluation date: plans created, payments made and installments due up to it "
    "(default: the latest snapshot's date)",
)
DUE_WINDOW = (
    _date("date_from", "only installments due on or after this date (default: no limit)"),
    _date("date_to", "only installments due on or before this date (default: no limit)"),
)
PLAN_BY = Param(
    "by",
    "choice",
    "group by installment number (default) or by the account's bucket when the plan was agreed",
    choices=cases.PLAN_GROUPS,
    default="installment",
)
AGENT_COLUMNS = ("agent_id", "agent_name", "team")
RATE_COLUMNS = ("accounts", "placed_balance", "collected", "recovery_rate")

# --- the payout reports --------------------------------------------------------------------
# A month, not a window of Filters: ``--period`` is their own option. ``run`` returns the
# table; the command line prints more than that table (notes on stderr, the table format's
# columns and total line, --out, xlsx, --lang): its runners (``dashboard/cli/payouts.py``,
# ``REPORT_RUNNERS``) get the parsed call.


def _month(help: str, name: str = "period", required: bool = True) -> Param:
    flag = "--" + name
    return Param(
        name, "value", help, parse=Period.parse, metavar="YYYY-MM", required=required, flag=flag
    )


PERIOD = _month("the month (1900-2999)")
PLANS = Param(
    "plans",
    "value",
    lambda: (
        f"plan file (default: $DASHBOARD_PLANS or {service.default_plans_path()}); an "
        "approved period is shown without one"
    ),
    parse=file_name,
    metavar="FILE",
)
PRESET = Param(
    "preset",
    "value",
    "compliance preset counting violations for the compliance factor (default cn)",
    parse=compliance_preset,
    default="cn",
    metavar="NAME",
)
LANG = Param(
    "lang",
    "choice",
    "language of the messages, headers and statements: en (default) or zh (Chinese)",
    choices=("en", "zh"),
    default="en",
)
AUDIT_LOG_COLUMNS = (
    "event_id",
    "period",
    "event",
    "approval_id",
    "by_user",
    "event_at",
    "plans_sha256",
    "reason",
)


def _out(help: str) -> Param:
    return Param("out", "value", help, parse=file_to_write, metavar="FILE")


def payouts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    period: Period,
    plans: Path | None = None,
    preset: str = "cn",
) -> pa.Table:
    """``report payouts``: one row per agent (REPORT_SCHEMA), as ``service.report``."""
    book, why = service.book_or_why(plans)
    return service.report(con, period, book, preset, why).table


def payout_lines(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    period: Period,
    plans: Path | None = None,
    preset: str = "cn",
    agent: str | None = None,
) -> pa.Table:
    """``report payout-lines``: the audit trail (LINE_SCHEMA), as ``service.lines``."""
    book, why = service.book_or_why(plans)
    return service.lines(con, period, book, agent, preset, why)[0]


def payout_whatif(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    period: Period,
    candidate: Path,
    to: Period | None = None,
    plans: Path | None = None,
    preset: str = "cn",
) -> pa.Table:
    """``report payout-whatif``: WHATIF_SCHEMA, as ``service.whatif``."""
    book, other = service.load_plans(plans), service.load_plans(candidate)
    return service.whatif(con, period, to, book, other, preset)


def payout_log(
    con: duckdb.DuckDBPyConnection, filters: Filters = ALL, *, period: Period | None = None
) -> pa.Table:
    """``report payout-log``: prepare, approve and reopen events, newest first."""
    return service.audit_log(con, period)


def _payout_report(name: str, help: str, run: Any, **fields: Any) -> Report:
    return Report(name, help, run, doc=f"#{name}", dims=False, **fields)


PAYOUT_REPORTS = (
    _payout_report(
        "payouts",
        "commission payouts per agent for a month (approved figures if approved)",
        payouts,
        description="One row per agent. For an approved period: the approved figures, the "
        "payout recomputed today and the difference (adjustment). Notes go to stderr.",
        params=(PERIOD, PLANS, PRESET, _out("write to a file (xlsx needs it)"), LANG),
        columns=tuple(REPORT_SCHEMA.names),
        formats=("table", "csv", "json", "xlsx"),
    ),
    _payout_report(
        "payout-lines",
        "the payouts' audit trail: every payment, reversal and rule decision",
        payout_lines,
        params=(
            PERIOD,
            PLANS,
            PRESET,
            Param("agent", "value", "only this agent", metavar="AGENT_ID"),
            _out("write CSV to a file"),
            LANG,
        ),
        columns=tuple(LINE_SCHEMA.names),
        formats=("table", "csv", "json"),
    ),
    _payout_report(
        "payout-whatif",
        "a candidate plan file against the plan in force, per month and agent",
        payout_whatif,
        description="Each month from --period to --to computed with the plan file in force "
        "and with the candidate: per agent payout_current, payout_candidate and difference "
        "(candidate - current), then a total row per month. Approves nothing, writes nothing "
        "to the database.",
        params=(
            PERIOD,
            PLANS,
            PRESET,
            _month("the last month (default: --period)", "to", required=False),
            Param(
                "candidate",
                "value",
                "the candidate plan file (the plan file format; checked the same way)",
                parse=file_name,
                metavar="FILE",
                required=True,
            ),
            _out("write CSV to a file"),
            LANG,
        ),
        columns=tuple(WHATIF_SCHEMA.names),
        formats=("table", "csv", "json"),
    ),
    _payout_report(
        "payout-log",
        "prepare, approve and reopen events, newest first",
        payout_log,
        params=(_month("only this period", required=False),),
        columns=AUDIT_LOG_COLUMNS,
        formats=("table", "csv", "json"),
    ),
)


REPORTS: dict[str, Report] = _registry(
    Report(
        "buckets",
        "accounts and balance per snapshot and delinquency bucket",
        kpis.buckets,
        params=(_date("as_of", "only the latest snapshot on or before this date (default: all)"),),
        columns=("as_of_date", "bucket", "accounts", "balance", "share_accounts", "share_balance"),
        doc="#buckets",
    ),
    Report(
        "roll-rates",
        "where each bucket's accounts are in the next snapshot",
        kpis.roll_rates,
        params=PAIRS,
        columns=(
            "from_date",
            "to_date",
            "from_bucket",
            "to_state",
            "accounts",
            "balance",
            "share",
            "share_balance",
            "direction",
            "cured_accounts",
        ),
        doc="#roll-rates",
    ),
    Report(
        "recovery",
        "recovery rate per portfolio (or region): net collected / placed balance",
        kpis.recovery,
        params=(
            _date("date_to", "accounts placed and payments dated up to this date (default: all)"),
            Param(
                "by",
                "choice",
                f"default: {kpis.RECOVERY_GROUPS[0]}",
                choices=kpis.RECOVERY_GROUPS,
                default=kpis.RECOVERY_GROUPS[0],
            ),
        ),
        columns=("portfolio", "region", *RATE_COLUMNS),
        doc="#recovery",
    ),
    Report(
        "vintage",
        "cumulative recovery by placement month and months since placement",
        kpis.vintage,
        params=(
            _date(
                "as_of",
                "curves stop at this date's month, payments count up to this date "
                "(default: the latest snapshot's date)",
            ),
        ),
        columns=(
            "placement_month",
            "months_since_placement",
            "accounts",
            "placed_balance",
            "collected_cum",
            "recovery_rate",
        ),
        doc="#vintage",
    ),
    Report(
        "agents",
        "agent performance over a window",
        kpis.agents,
        params=WINDOW,
        columns=(
            *AGENT_COLUMNS,
            "accounts_assigned",
            "collected",
            "paying_accounts",
            "contacts",
            "right_party_contacts",
            "rpc_rate",
            "promises",
            "promises_kept",
            "kept_rate",
        ),
        doc="#agents",
    ),
    Report(
        "compliance",
        "contact-rule violations per agent and rule (--detail: each violating contact)",
        kpis.compliance_report,
        params=(
            *WINDOW,
            RULES,
            Param("detail", "flag", "list each violating contact and rule"),
        ),
        columns=(
            "contact_id",
            *AGENT_COLUMNS,
            "account_id",
            "portfolio",
            "contacted_at",
            "channel",
            "outcome",
            "rule",
            "contacts",
            "violations",
            "detail",
        ),
        doc="#compliance",
    ),
    Report(
        "compliance-agents",
        "per agent: contacts, violating contacts, complaints, disputes",
        kpis.compliance_agents,
        params=(*WINDOW, RULES),
        columns=(
            *AGENT_COLUMNS,
            "contacts",
            "violations",
            "violation_rate",
            "complaints",
            "disputes",
        ),
        doc="#compliance-agents",
    ),
    Report(
        "kpis",
        "headline numbers for a window and the window of equal length before it",
        kpis.headline,
        params=WINDOW,
        columns=(
            "period",
            "date_from",
            "date_to",
            "placed_accounts",
            "placed_balance",
            "collected",
            "placed_balance_to_date",
            "collected_to_date",
            "recovery_rate",
            "snapshot_date",
            "open_accounts",
            "open_balance",
            "delinquent_accounts",
            "delinquent_share",
            "delinquent_accounts_start",
            "cured_accounts",
            "cure_rate",
            "promises",
            "promises_kept",
            "kept_rate",
        ),
        doc="#kpis",
    ),
    Report(
        "collections",
        "net collected per month, portfolio, channel, agent or team",
        kpi_breakdowns.collections,
        params=(
            _date("date_from", "first payment date counted (default: the first loaded)"),
            _date("date_to", "last payment date counted (default: the last loaded)"),
            Param(
                "by",
                "choices",
                "a dimension, repeatable (default: month; --by portfolio alone: one row per "
                "portfolio over the whole window)",
                choices=tuple(kpi_breakdowns.DIMENSIONS),
            ),
            Param(
                "credited",
                "flag",
                "agent and team of the payment's credited agent (default: the account's "
                "current agent)",
            ),
        ),
        columns=(*kpi_breakdowns.DIMENSIONS.values(), "collected", "payments"),
        doc="#collections",
    ),
    Report(
        "contact-mix",
        "contacts made in a window per channel and outcome",
        kpi_breakdowns.contact_mix,
        params=WINDOW,
        columns=("channel", "outcome", "contacts"),
        doc="#contact-mix",
    ),
    Report(
        "contact-timing",
        "right-party and promise rates per day of the week, hour of the day and channel",
        query="kpi/contact_timing",
        params=WINDOW,
        default_window=True,
        bind=lambda s: {"rpc_outcomes": list(s.right_party_outcomes)},
        columns=(
            "weekday",
            "hour",
            "channel",
            "contacts",
            "right_party_contacts",
            "rpc_rate",
            "promises",
            "promise_rate",
        ),
        doc="#contact-timing",
    ),
    Report(
        "roll-accounts",
        "the accounts behind the roll-rate matrix of a pair of snapshots (masked data)",
        kpi_breakdowns.roll_accounts,
        params=(
            _date(
                "as_of",
                "the pair whose later snapshot is the latest on or before this date "
                "(default: the latest snapshot)",
            ),
            Param(
                "from_bucket",
                "choice",
                "only accounts in this bucket in the earlier snapshot",
                choices=lambda: default_settings().bucket_names,
            ),
            Param(
                "to_state",
                "choice",
                "only accounts in this state in the later snapshot",
                choices=lambda: list(vocab.bucket_states(default_settings().bucket_names)),
            ),
        ),
        columns=(
            "from_date",
            "to_date",
            "account_id",
            "portfolio",
            "agent_id",
            "team",
            "from_bucket",
            "to_state",
            "days_past_due",
            "next_days_past_due",
            "current_balance",
            "next_current_balance",
            "next_status",
            "customer_name",
            "phone",
        ),
        doc="#roll-accounts",
    ),
    Report(
        "roll-summary",
        "roll-forward and cure rate per pair of snapshots and bucket",
        kpi_breakdowns.roll_summary,
        params=PAIRS,
        columns=tuple(kpi_breakdowns.ROLL_SUMMARY_SCHEMA.names),
        doc="#roll-summary",
    ),
    Report(
        "teams",
        "the agents report summed per team over a window",
        kpi_breakdowns.teams,
        params=WINDOW,
        columns=tuple(kpi_breakdowns.TEAM_SCHEMA.names),
        doc="#teams",
    ),
    Report(
        "forecast-recovery",
        "the vintage curves projected by the chain ladder: what each cohort will still pay",
        forecasts.recovery_forecast,
        params=(
            _date(
                "as_of",
                "the triangle as of this date, projected beyond its month "
                "(default: the latest snapshot's date)",
            ),
        ),
        columns=tuple(forecasts.RECOVERY_SCHEMA.names),
        doc="#forecast-recovery",
    ),
    Report(
        "forecast-balance",
        "the open balance per bucket projected by the roll rates of the latest snapshot pairs",
        forecasts.balance_forecast,
        params=(
            _date(
                "as_of",
                "snapshots up to this date, projected beyond the latest of them "
                "(default: the latest snapshot's date)",
            ),
        ),
        columns=tuple(forecasts.BALANCE_SCHEMA.names),
        doc="#forecast-balance",
    ),
    Report(
        "forecast-backtest",
        "both forecasts run on the data cut months earlier, against what then happened",
        forecasts.recovery_backtest,
        params=(
            _date(
                "as_of",
                "the cut-off is backtest_months months before this date's month "
                "(default: the latest snapshot's date)",
            ),
        ),
        columns=tuple(forecasts.BACKTEST_SCHEMA.names),
        doc="#forecast-backtest",
    ),
    Report(
        "pacing",
        "the month in progress against target per agent, team and in total, projected from "
        "the previous three months",
        pacing.pacing,
        params=(
            _date(
                "as_of",
                "measure the month of this date up to it (default: the latest payment date loaded)",
            ),
        ),
        columns=tuple(pacing.PACING_SCHEMA.names),
        doc="#pacing",
        dims=False,
    ),
    Report(
        "plans",
        "repayment plans with their status (active, completed, broken, superseded) as of a date",
        cases.plans,
        params=(PLAN_AS_OF,),
        columns=(
            "plan_id",
            "account_id",
            "agent_id",
            "plan_type",
            "created_date",
            "installments",
            "scheduled_total",
            "paid_towards",
            "status",
            "broken_date",
            "relief",
            "bucket_at_creation",
        ),
        doc="#plans",
    ),
    Report(
        "plan-installments",
        "each installment of the repayment plans: kept, missed, pending or superseded",
        cases.plan_installments,
        params=(PLAN_AS_OF, *DUE_WINDOW),
        columns=(
            "plan_id",
            "account_id",
            "agent_id",
            "plan_type",
            "installment_no",
            "due_date",
            "amount",
            "cumulative_due",
            "paid_by_due",
            "state",
        ),
        doc="#plan-installments",
    ),
    Report(
        "plan-summary",
        "kept rate of repayment-plan installments by plan type and installment number or bucket",
        cases.plan_summary,
        params=(PLAN_AS_OF, *DUE_WINDOW, PLAN_BY),
        columns=(
            "plan_type",
            "installment_no",
            "bucket_at_creation",
            "installments",
            "decided",
            "kept",
            "missed",
            "undecided",
            "kept_rate",
            "amount_due",
            "amount_kept",
        ),
        doc="#plan-summary",
    ),
    Report(
        "broken-plans",
        "the worklist of broken repayment plans: account (masked), agent, amount overdue",
        cases.broken_plans,
        params=(PLAN_AS_OF,),
        columns=(
            "plan_id",
            "account_id",
            "customer_name",
            "phone",
            "agent_id",
            "plan_type",
            "created_date",
            "broken_date",
            "scheduled_total",
            "paid_towards",
            "amount_overdue",
        ),
        doc="#broken-plans",
    ),
    Report(
        "agencies",
        "outside agencies side by side with in-house work on the same buckets, after fees",
        query="kpi/agencies",
        params=WINDOW,
        default_window=True,
        bind=lambda s: {
            "bucket_min_dpd": s.bucket_min_dpd,
            "closed_statuses": list(s.closed_statuses),
        },
        columns=(
            "holder",
            "agency_id",
            "agency_name",
            "fee_rate",
            "accounts",
            "balance",
            "placed_balance",
            "collected",
            "fee",
            "net_recovery",
            "recovery_rate",
            "net_recovery_rate",
            "cost_to_collect",
        ),
        doc="#agencies",
    ),
    Report(
        "complaints",
        "complaints per agent, team and in total: per 1,000 contacts, upheld, time to resolve",
        query="kpi/complaints",
        params=WINDOW,
        default_window=True,
        bind=lambda s: {"sla_days": s.complaint_sla_days},
        columns=(
            "level",
            "id",
            "complaints",
            "contacts",
            "per_1000_contacts",
            "upheld",
            "median_hours_to_resolve",
            "open_over_sla",
        ),
        doc="#complaints",
    ),
    Report(
        "legal",
        "accounts entering legal per month: balance at entry, still in legal, paid back since",
        cases.legal,
        params=(
            _date(
                "as_of",
                "snapshots and payments up to this date (default: the latest snapshot's date)",
            ),
        ),
        columns=(
            "entry_month",
            "stays",
            "balance_at_entry",
            "in_legal_now",
            "avg_months_in_legal",
            "collected_in_legal",
            "collected_after_entry",
            "recovery_rate",
        ),
        doc="#legal",
    ),
    Report(
        "account-history",
        "one account's story in date order: snapshots, payments, contacts, plans, complaints",
        cases.account_history,
        params=(
            Param(
                "account",
                "value",
                "the account id, or a masked id as a table shows it (* = one hidden character)",
                metavar="ACCOUNT_ID",
                positional=True,
            ),
        ),
        columns=(
            "account_id",
            "event_date",
            "event_time",
            "event",
            "ref",
            "agent_id",
            "amount",
            "balance",
            "days_past_due",
            "state",
            "status",
            "channel",
            "outcome",
            "promise_date",
            "promise_kept",
            "note",
        ),
        doc="#account-history",
        dims=False,
    ),
    *PAYOUT_REPORTS,
)
# Every report but the payout ones (which take a month and print through their runners): what
# the KPI golden test and the empty-database checks run.
KPI_REPORTS: dict[str, Report] = {n: r for n, r in REPORTS.items() if r not in PAYOUT_REPORTS}
