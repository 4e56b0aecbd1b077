"""The command line: ``python -m dashboard COMMAND ...``.

Each module of this package that defines ``register(subparsers)`` contributes its commands;
a command's handler takes the parsed arguments and returns the process exit code.

``main`` is the one guard between the commands and the user: every error the product knows
(a database that is missing, damaged, read-only or busy; a full disk; a file that cannot be
written; a refused report, plan file, payout or approval) becomes one line ``error: ...`` on
stderr and exit status 2, as argparse does for bad arguments. A traceback is a bug: an error
of an unknown kind prints one line saying so (the traceback with ``DASHBOARD_DEBUG=1``) and
exits with status 70.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback
from pathlib import Path

import duckdb

from dashboard import __version__, db
from dashboard.cli.common import CommandError
from dashboard.engine.kpi_common import ReportError
from dashboard.engine.output import OutputError
from dashboard.engine.settings import SettingsError
from dashboard.payouts.approvals import ApprovalRefused
from dashboard.payouts.plan_file import PlanFileError
from dashboard.payouts.run import PayoutInputError

INTERNAL_ERROR = 70  # EX_SOFTWARE
# Errors whose message is written for a person: printed as they are.
KNOWN = (
    CommandError,
    db.DatabaseError,
    db.DatabaseBusy,
    OutputError,
    ReportError,
    SettingsError,
    PlanFileError,
    PayoutInputError,
    ApprovalRefused,
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every command module's subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Debt-portfolio analytics: import extracts, run reports, compute payouts.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def explain(exc: BaseException, db_path: Path | None = None) -> tuple[str, int] | None:
    """The message and exit status for a known error; None for an unknown one.

    Args:
        exc: the error a command raised.
        db_path: the database the command was given (for DuckDB's own errors).
    """
    where = db_path or db.default_db_path()
    if isinstance(exc, KNOWN):
        return str(exc), 2
    if isinstance(exc, duckdb.Error):
        if db.is_damage(exc):
            return str(db.damaged(where, exc)), 2
        if db.is_disk_full(exc):
            return str(db.disk_full(where)), 2
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"the database {where} could not answer: {first}", 2
    if isinstance(exc, OSError):
        name = f" {exc.filename}" if exc.filename else ""
        if db.is_disk_full(exc):
            return f"the disk is full:{name} could not be written; free some space", 2
        return f"{exc.strerror or exc}:{name}".rstrip(":"), 2
    return None


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit code (see the module)."""
    args = argparse.Namespace()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `... | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        known = explain(exc, getattr(args, "db", None))
        if known is not None:
            print(f"error: {known[0]}", file=sys.stderr)
            return known[1]
        if os.environ.get("DASHBOARD_DEBUG"):
            traceback.print_exc()
        print(
            f"error: internal error ({type(exc).__name__}: {exc}); this is a bug, please "
            "report it (DASHBOARD_DEBUG=1 prints the details)",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
