"""``python -m dashboard report NAME ...``: every report of ``dashboard.reports``, headless.

Each report is a nested subcommand whose options are built from the parameters its entry
declares (dates, its own options, then ``--portfolio``/``--team``/``--agent`` and
``--format``). The handler opens the database read-only, runs the report through the
registry (the function the app calls, so the CLI and the pages cannot disagree) and prints
the table; a report with a ``runner`` gets the parsed ``Call`` instead. ``--engine spark
--lake DIR [--master URL]`` runs the same report on Spark over a lake (``engines.reader``).
Bad input (dates, unknown filter values, an empty or missing database, a missing or old
lake, an unreachable master) prints one line on stderr and exits with status 2 (the guard
of ``dashboard.cli``).

A command module of this package prints a registry report its own way by defining
``REPORT_RUNNERS`` (report name -> runner; the payouts: notes on stderr, xlsx, ``--lang``):
the report's options still come from its declaration, and a runner for a report the registry
does not declare is refused.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import dashboard.cli as cli_package
from dashboard import reports
from dashboard.cli.common import add_db_option, iso_date, write_table
from dashboard.cli.engines import add_engine_options, reader
from dashboard.engine.kpi_common import Filters

DIMENSIONS = (("portfolio", "portfolio"), ("team", "team"), ("agent", "agent id"))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="print a report (csv, json or a table) to stdout",
        description="Print a report to stdout. `report NAME --help` for each.",
    )
    names = p.add_subparsers(dest="report", required=True, metavar="NAME")
    runners = command_runners()
    for report in reports.REPORTS.values():
        add_report(names, report, runners.get(report.name))


def command_runners() -> dict[str, reports.Runner]:
    """The ``REPORT_RUNNERS`` of the command modules, by report name.

    Raises:
        ValueError: a runner names no report of the registry, or two modules name one report.
    """
    found: dict[str, reports.Runner] = {}
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{cli_package.__name__}.{info.name}")
        for name, runner in getattr(module, "REPORT_RUNNERS", {}).items():
            if name not in reports.REPORTS or name in found:
                raise ValueError(f"{module.__name__}: a runner for report {name}: unknown or twice")
            found[name] = runner
    return found


def add_report(
    names: argparse._SubParsersAction,  # type: ignore[type-arg]
    report: reports.Report,
    runner: reports.Runner | None = None,
) -> None:
    """Add one registry report as ``report NAME`` with the options its parameters declare;
    ``runner`` (default: the report's own) prints it instead of its table."""
    p = names.add_parser(report.name, help=report.help, description=report.cli_description())
    add_db_option(p)
    for param in report.params:
        _add_param(p, param)
    if report.dims:
        for flag, what in DIMENSIONS:
            p.add_argument(
                f"--{flag}",
                action="append",
                default=[],
                metavar=flag.upper()[0],
                help=f"only this {what} (repeatable)",
            )
    p.add_argument("--format", choices=report.formats, default=report.formats[0])
    add_engine_options(p)
    p.set_defaults(func=_handler(report, runner or report.runner))


def _add_param(p: argparse.ArgumentParser, param: reports.Param) -> None:
    flag, dest, text = param.option, param.name, param.help_text()
    if param.kind == "date":
        p.add_argument(flag, dest=dest, type=iso_date, metavar=param.metavar, help=text)
    elif param.kind == "flag":
        p.add_argument(flag, dest=dest, action="store_true", help=text)
    elif param.kind == "choice":
        p.add_argument(
            flag, dest=dest, choices=param.choice_list(), default=param.default, help=text
        )
    elif param.kind == "choices":
        p.add_argument(
            flag,
            dest=dest,
            action="append",
            choices=param.choice_list(),
            default=None,
            help=text,
        )
    elif param.positional:
        p.add_argument(dest, type=_parser(param), metavar=param.metavar, help=text)
    else:  # value
        p.add_argument(
            flag,
            dest=dest,
            type=_parser(param),
            default=param.default,
            required=param.required,
            metavar=param.metavar,
            help=text,
        )


def _parser(param: reports.Param) -> Callable[[str], Any]:
    parse = param.parse or str

    def parse_value(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc

    return parse_value


def call_of(report: reports.Report, args: argparse.Namespace) -> reports.Call:
    """The parsed arguments of ``report NAME``: its Filters, its options, db and format.

    An option left out (None) is not passed, so the engine function's default applies.
    """
    given: dict[str, Any] = {name: getattr(args, name) for name in report.dates}
    if report.dims:
        given |= {f"{flag}s": tuple(getattr(args, flag)) for flag, _ in DIMENSIONS}
    options: dict[str, Any] = {}
    for param in report.options:
        value = getattr(args, param.name)
        if value is not None:
            options[param.name] = tuple(value) if isinstance(value, list) else value
    return reports.Call(
        report, args.db, Filters(**given), options, args.format, args.engine, args.lake,
        args.master, args.derive,
    )  # fmt: skip


def _handler(
    report: reports.Report, runner: reports.Runner | None
) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        call = call_of(report, args)
        return (runner or print_report)(call)

    return handle


def print_report(call: reports.Call) -> int:
    """Run the report of ``call`` through the registry and print its table whole."""
    # Read-only, never created (or the lake on Spark: --engine); errors become messages in
    # the guard of dashboard.cli.
    with reader(call) as con:
        table = reports.run(con, call.report.name, call.filters, **call.options)
    write_table(table, call.format)
    return 0
