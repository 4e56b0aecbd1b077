"""``python -m dashboard lake export --to DIR``: the lake (dashboard/lake.py) for Spark."""

from __future__ import annotations

import argparse
import time

from dashboard import db, lake
from dashboard.cli.common import CommandError, add_db_option, path_arg


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "lake",
        help="export the tables the reports read as Parquet (a lake for Spark)",
        description="The lake: the staged and derived tables the reports read, as Parquet.",
    )
    commands = p.add_subparsers(dest="lake_command", required=True, metavar="COMMAND")
    e = commands.add_parser(
        "export",
        help="write a new version of the lake into DIR",
        description=(
            "Write the staging views' content, the derived tables and every other table the "
            "KPI, compliance and payout queries read as Parquet into DIR, by month where a "
            "table has a date (month=YYYY-MM). A version appears whole or not at all "
            "(DIR/_lake.json names it); after an import only the partitions whose rows "
            "changed are written again, the others are reused."
        ),
    )
    add_db_option(e)
    e.add_argument(
        "--to", dest="to", type=path_arg, required=True, metavar="DIR",
        help="the lake's folder: new (made), empty, or a lake written before",
    )  # fmt: skip
    e.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    try:
        lake.check_folder(args.to)
    except lake.LakeError as exc:
        raise CommandError(str(exc)) from exc
    started = time.perf_counter()
    with db.connect(args.db, read_only=True) as con:
        try:
            result = lake.export(con, args.to)
        except lake.LakeError as exc:
            raise CommandError(str(exc)) from exc
    rows = sum(result.rows.values())
    print(
        f"lake version {result.version} in {args.to}: {len(result.rows)} tables, {rows:,} rows; "
        f"{result.written} partitions written, {result.reused} reused "
        f"({time.perf_counter() - started:.1f} s)"
    )
    return 0
