"""``python -m dashboard report NAME ...``: every report, headless.

Report modules of this package contribute their reports by defining
``register_reports(report_subparsers)``; each report is a nested subcommand with its own
options, and its handler prints the report and returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil

import dashboard.cli as cli_package


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="print a report (csv, json or a table) to stdout",
        description="Print a report to stdout. `report NAME --help` for each.",
    )
    reports = p.add_subparsers(dest="report", required=True, metavar="NAME")
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{cli_package.__name__}.{info.name}")
        hook = getattr(module, "register_reports", None)
        if hook is not None:
            hook(reports)
