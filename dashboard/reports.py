"""Every report, declared once: the list the command line, the app, the docs and the goldens read.

A report is a name (its spelling everywhere: ``python -m dashboard report NAME``, the app's
``reads.report(NAME, ...)``, the README section, the golden file), an engine function
``run(con, filters, **options) -> pa.Table`` (or, for a report that is one query file, the
query's name: no engine function needed), its parameters (the dates of its ``Filters`` it
reads, then its own options, each with a kind and a help text), the columns it can return,
and the anchor of its section in README.md. ``dashboard.cli.report`` builds each report's
options from its parameters; ``dashboard.ui.reads`` caches ``run``; ``tests/test_kpi_docs.py``
checks the README documents every declared option and column; ``tests/test_kpi_golden.py``
pins every report on the sample data.

A report whose command line does more than print one table (the payouts: notes on stderr,
an xlsx file, ``--lang``) gives a ``runner``: the CLI still builds its options from its
parameters and hands the runner the parsed ``Call`` instead of printing ``run``'s table.

Adding a report: a query file under queries/ (or an engine function taking ``(con, filters,
**options)`` when the report is more than one query), one ``Report`` entry below, its README
section, and a golden file (``KPI_GOLDEN_UPDATE=1 pytest tests/test_kpi_golden.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from dashboard.engine import kpi_breakdowns, kpis
from dashboard.engine.kpi_common import ALL, DATE_FIELDS, DIMENSION_FIELDS, Filters, run_query
from dashboard.engine.settings import KpiSettings, default_settings

Kind = Literal["date", "choice", "choices", "flag", "value"]
Text = str | Callable[[], str]  # a callable is read when the parser is built (from settings)
Choices = Sequence[str] | Callable[[], Sequence[str]]


@dataclass(frozen=True)
class Param:
    """One parameter of a report: a date of its ``Filters`` or a keyword of its function.

    Kinds: ``date`` (YYYY-MM-DD; ``name`` is a date field of Filters), ``choice`` (one of
    ``choices``, else ``default``), ``choices`` (repeatable, any of ``choices``; a tuple),
    ``flag`` (True when given), ``value`` (text turned into a value by ``parse``, which raises
    ValueError on a bad one).
    """

    name: str
    kind: Kind
    help: Text
    choices: Choices = ()
    default: Any = None
    flag: str = ""  # the command-line option; default: --name, with - for _
    parse: Callable[[str], Any] | None = None
    metavar: str | None = None
    required: bool = False

    @property
    def option(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def is_date(self) -> bool:
        return self.kind == "date"

    def help_text(self) -> str:
        return self.help() if callable(self.help) else self.help

    def choice_list(self) -> list[str]:
        return list(self.choices() if callable(self.choices) else self.choices)


@dataclass(frozen=True)
class Call:
    """One run of a report with its parameters parsed: what a custom ``runner`` gets."""

    report: Report
    db: Path | None
    filters: Filters
    options: Mapping[str, Any]
    format: str


Runner = Callable[[Call], int]


@dataclass(frozen=True)
class Report:
    """One report (see the module docstring)."""

    name: str
    help: str
    run: Callable[..., pa.Table] | None = None
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()  # every column it can return, in the order they come out
    doc: str = ""  # the anchor of its section in README.md, e.g. "#buckets"
    dims: bool = True  # takes the portfolio / team / agent filters
    formats: tuple[str, ...] = ("csv", "json", "table")
    runner: Runner | None = None  # None: the CLI opens the database read-only and prints run
    description: str = ""  # the ``report NAME --help`` text; default from help and name
    # A report that is one query file needs no engine function: ``query`` names the file, run
    # binds the declared dates (``default_window``: From/To default to the latest snapshot's
    # month), the dimensions, its options and what ``bind`` takes from the settings.
    query: str = ""
    default_window: bool = False
    bind: Callable[[KpiSettings], Mapping[str, Any]] | None = None

    def __post_init__(self) -> None:
        if self.query:
            if self.run is not None:
                raise ValueError(f"report {self.name}: a run function or a query, not both")
            run = _query_runner(self.query, self.dates, self.default_window, self.bind)
            object.__setattr__(self, "run", run)
        if self.run is None and self.runner is None:
            raise ValueError(f"report {self.name}: needs a run function, a query or a runner")
        if not self.doc.startswith("#"):
            raise ValueError(f"report {self.name}: doc is a README anchor, e.g. '#{self.name}'")
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError(f"report {self.name}: a parameter is declared twice: {names}")
        for p in self.params:
            if p.is_date != (p.name in DATE_FIELDS):
                raise ValueError(f"report {self.name}: {p.name}: dates are {DATE_FIELDS}")

    @property
    def dates(self) -> tuple[str, ...]:
        """The date fields of Filters the report reads."""
        return tuple(p.name for p in self.params if p.is_date)

    @property
    def options(self) -> tuple[Param, ...]:
        """The keyword options of its function (the parameters that are not dates)."""
        return tuple(p for p in self.params if not p.is_date)

    def check(self, filters: Filters, options: Mapping[str, Any]) -> None:
        """Refuse what the report does not read (a caller's mistake, not a user's).

        Raises:
            TypeError: a date, a dimension filter or an option the report does not take.
        """
        extra = [d for d in filters.dates_given() if d not in self.dates]
        if not self.dims:
            extra += [d for d in DIMENSION_FIELDS if getattr(filters, d)]
        own = [p.name for p in self.options]
        extra += [k for k in options if k not in own]
        if extra:
            takes = [*self.dates, *(DIMENSION_FIELDS if self.dims else ()), *own]
            raise TypeError(
                f"report {self.name} takes no {', '.join(extra)} (it takes: {', '.join(takes)})"
            )

    def cli_description(self) -> str:
        """The text of ``report NAME --help``."""
        if self.description:
            return self.description
        sentence = f"{self.help[0].upper()}{self.help[1:]}"
        return f"{sentence}. Definitions: README.md, Reports > {self.name}."


def _query_runner(
    query: str,
    dates: tuple[str, ...],
    window: bool,
    bind: Callable[[KpiSettings], Mapping[str, Any]] | None,
) -> Callable[..., pa.Table]:
    def run(con: duckdb.DuckDBPyConnection, filters: Filters = ALL, **options: Any) -> pa.Table:
        settings = dict(bind(default_settings())) if bind else {}
        params = {**settings, **options}
        return run_query(con, query, filters, dates, window=window, params=params)

    return run


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
AGENT_COLUMNS = ("agent_id", "agent_name", "team")
RATE_COLUMNS = ("accounts", "placed_balance", "collected", "recovery_rate")

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
                choices=lambda: [*default_settings().bucket_names, "Closed", "Missing"],
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
)


def get(name: str) -> Report:
    """The report called ``name`` (its command-line spelling).

    Raises:
        KeyError: no such report (the message lists the known ones).
    """
    try:
        return REPORTS[name]
    except KeyError:
        raise KeyError(f"no report {name!r} (known: {', '.join(REPORTS)})") from None


def run(
    con: duckdb.DuckDBPyConnection, name: str, filters: Filters = ALL, **options: Any
) -> pa.Table:
    """Run one report: what ``report NAME`` prints and what the app shows.

    Args:
        con: an open database connection.
        name: the report (``REPORTS``).
        filters: its dates and dimension filters (only those it declares).
        options: its own options by parameter name (``by``, ``preset``, ``detail`` ...).

    Raises:
        TypeError: a date, filter or option the report does not take.
        ReportError: the engine refused the input (e.g. an empty database).
    """
    report = get(name)
    report.check(filters, options)
    if report.run is None:
        raise TypeError(f"report {name} has no table to return: it runs from the command line")
    return report.run(con, filters, **options)
