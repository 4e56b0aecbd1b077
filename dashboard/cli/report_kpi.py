"""The KPI reports on the command line: ``python -m dashboard report NAME ...``.

Each report is a thin wrapper over a function of ``dashboard.engine.kpis`` or
``dashboard.engine.kpi_breakdowns``, the same one the app calls, so the CLI and the pages
cannot disagree. Bad input (dates, unknown filter values, an empty or missing database)
prints one line on stderr and exits with status 2 (the guard of ``dashboard.cli``). The
reports open the database read-only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.cli.common import add_db_option, iso_date, write_table
from dashboard.engine import kpi_breakdowns, kpis
from dashboard.engine.settings import default_settings

Runner = Callable[[duckdb.DuckDBPyConnection, argparse.Namespace], pa.Table]

# name -> (help, options it takes, runner). The options are added in a fixed order.
REPORTS: dict[str, tuple[str, tuple[str, ...], Runner]] = {
    "buckets": (
        "accounts and balance per snapshot and delinquency bucket",
        ("as_of",),
        lambda con, a: kpis.buckets(con, as_of=a.as_of, **_filters(a)),
    ),
    "roll-rates": (
        "where each bucket's accounts are in the next snapshot",
        ("from", "to"),
        lambda con, a: kpis.roll_rates(
            con, date_from=a.date_from, date_to=a.date_to, **_filters(a)
        ),
    ),
    "recovery": (
        "recovery rate per portfolio (or region): net collected / placed balance",
        ("to", "by"),
        lambda con, a: kpis.recovery(con, date_to=a.date_to, by=a.by, **_filters(a)),
    ),
    "vintage": (
        "cumulative recovery by placement month and months since placement",
        ("as_of",),
        lambda con, a: kpis.vintage(con, as_of=a.as_of, **_filters(a)),
    ),
    "agents": (
        "agent performance over a window",
        ("from", "to"),
        lambda con, a: kpis.agents(con, date_from=a.date_from, date_to=a.date_to, **_filters(a)),
    ),
    "compliance": (
        "contact-rule violations per agent and rule (--detail: each violating contact)",
        ("from", "to", "rules", "detail"),
        lambda con, a: (kpis.compliance_detail if a.detail else kpis.compliance_by_rule)(
            con, date_from=a.date_from, date_to=a.date_to, preset=a.rules, **_filters(a)
        ),
    ),
    "compliance-agents": (
        "per agent: contacts, violating contacts, complaints, disputes",
        ("from", "to", "rules"),
        lambda con, a: kpis.compliance_agents(
            con, date_from=a.date_from, date_to=a.date_to, preset=a.rules, **_filters(a)
        ),
    ),
    "kpis": (
        "headline numbers for a window and the window of equal length before it",
        ("from", "to"),
        lambda con, a: kpis.headline(con, date_from=a.date_from, date_to=a.date_to, **_filters(a)),
    ),
    "collections": (
        "net collected per month, portfolio, channel, agent or team",
        ("from", "to", "by", "credited"),
        lambda con, a: kpi_breakdowns.collections(
            con,
            date_from=a.date_from,
            date_to=a.date_to,
            by=a.by or ("month",),
            credited=a.credited,
            **_filters(a),
        ),
    ),
    "contact-mix": (
        "contacts made in a window per channel and outcome",
        ("from", "to"),
        lambda con, a: kpi_breakdowns.contact_mix(
            con, date_from=a.date_from, date_to=a.date_to, **_filters(a)
        ),
    ),
    "roll-accounts": (
        "the accounts behind the roll-rate matrix of a pair of snapshots (masked data)",
        ("as_of", "cell"),
        lambda con, a: kpi_breakdowns.roll_accounts(
            con, as_of=a.as_of, from_bucket=a.from_bucket, to_state=a.to_state, **_filters(a)
        ),
    ),
    "roll-summary": (
        "roll-forward and cure rate per pair of snapshots and bucket",
        ("from", "to"),
        lambda con, a: kpi_breakdowns.roll_summary(
            con, date_from=a.date_from, date_to=a.date_to, **_filters(a)
        ),
    ),
    "teams": (
        "the agents report summed per team over a window",
        ("from", "to"),
        lambda con, a: kpi_breakdowns.teams(
            con, date_from=a.date_from, date_to=a.date_to, **_filters(a)
        ),
    ),
}


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {"portfolios": args.portfolio, "teams": args.team, "agents": args.agent}


# Help of the date options where a report gives them another meaning than a window.
DATE_HELP = {
    ("buckets", "as_of"): "only the latest snapshot on or before this date (default: all)",
    ("vintage", "as_of"): "curves stop at this date's month, payments count up to this date "
    "(default: the latest snapshot's date)",
    ("roll-rates", "from"): "only pairs whose later snapshot is on or after this date",
    ("roll-rates", "to"): "only pairs whose later snapshot is on or before this date",
    ("recovery", "to"): "accounts placed and payments dated up to this date (default: all)",
    ("collections", "from"): "first payment date counted (default: the first loaded)",
    ("collections", "to"): "last payment date counted (default: the last loaded)",
    ("roll-accounts", "as_of"): "the pair whose later snapshot is the latest on or before "
    "this date (default: the latest snapshot)",
    ("roll-summary", "from"): "only pairs whose later snapshot is on or after this date",
    ("roll-summary", "to"): "only pairs whose later snapshot is on or before this date",
}
# --by: (choices, repeatable) per report.
BY = {
    "collections": (tuple(kpi_breakdowns.DIMENSIONS), True),
    "recovery": (kpis.RECOVERY_GROUPS, False),
}
WINDOW_HELP = {
    "from": "first day of the window (default: the 1st of --to's month)",
    "to": "last day of the window (default: the latest snapshot's date)",
}


def _add_options(p: argparse.ArgumentParser, name: str, options: tuple[str, ...]) -> None:
    add_db_option(p)
    for option, flag, dest in (
        ("as_of", "--as-of", "as_of"),
        ("from", "--from", "date_from"),
        ("to", "--to", "date_to"),
    ):
        if option in options:
            text = DATE_HELP.get((name, option)) or WINDOW_HELP[option]
            p.add_argument(flag, dest=dest, type=iso_date, metavar="YYYY-MM-DD", help=text)
    if "rules" in options:
        p.add_argument(
            "--rules",
            choices=default_settings().preset_names,
            default=None,
            help=f"compliance preset (default: {default_settings().default_preset})",
        )
    if "detail" in options:
        p.add_argument("--detail", action="store_true", help="list each violating contact and rule")
    if "by" in options:
        choices, repeatable = BY[name]
        if repeatable:
            p.add_argument(
                "--by",
                action="append",
                choices=choices,
                default=None,
                help="a dimension, repeatable (default: month; --by portfolio alone: one "
                "row per portfolio over the whole window)",
            )
        else:
            p.add_argument(
                "--by", choices=choices, default=choices[0], help=f"default: {choices[0]}"
            )
    if "credited" in options:
        p.add_argument(
            "--credited",
            action="store_true",
            help="agent and team of the payment's credited agent (default: the account's "
            "current agent)",
        )
    if "cell" in options:
        buckets = default_settings().bucket_names
        p.add_argument(
            "--from-bucket",
            choices=buckets,
            default=None,
            help="only accounts in this bucket in the earlier snapshot",
        )
        p.add_argument(
            "--to-state",
            choices=[*buckets, "Closed", "Missing"],
            default=None,
            help="only accounts in this state in the later snapshot",
        )
    for flag, what in (("portfolio", "portfolio"), ("team", "team"), ("agent", "agent id")):
        p.add_argument(
            f"--{flag}",
            action="append",
            default=[],
            metavar=flag.upper()[0],
            help=f"only this {what} (repeatable)",
        )
    p.add_argument("--format", choices=("csv", "json", "table"), default="csv")


def register_reports(reports: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add every KPI report to ``python -m dashboard report``."""
    for name, (text, options, runner) in REPORTS.items():
        p = reports.add_parser(
            name,
            help=text,
            description=f"{text[0].upper()}{text[1:]}. Definitions: README.md, Reports > {name}.",
        )
        _add_options(p, name, options)
        p.set_defaults(func=_handler(runner))


def _handler(runner: Runner) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        # Read-only, never created; errors become messages in the guard of dashboard.cli.
        with db.connect(args.db, read_only=True) as con:
            table = runner(con, args)
        write_table(table, args.format)
        return 0

    return handle
