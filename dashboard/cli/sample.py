"""``python -m dashboard sample``: write the synthetic sample portfolio as CSV extracts."""

from __future__ import annotations

import argparse
import time
from datetime import date

from dashboard.cli.common import CommandError, output_folder, whole
from dashboard.sample import generate
from dashboard.sample_world import BACK_BOOK_MONTHS

MAX_ACCOUNTS = 100_000_000
MAX_MONTHS = 1200
FIRST_YEAR, LAST_YEAR = 1900, 2999  # the months of the sample (and of a payout period)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text} is not a date (YYYY-MM-DD)") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sample`` command."""
    p = subparsers.add_parser(
        "sample",
        help="write a synthetic sample portfolio (canonical CSV extracts)",
        description=(
            "Write a synthetic credit-card collections portfolio in the canonical CSV format: "
            "one accounts_YYYY-MM-DD.csv per monthly snapshot, payments.csv, agents.csv, "
            "contacts.csv, repayment_plans.csv, agencies.csv, complaints.csv and targets.csv "
            "(per agent and team, each month). Personal data "
            "is masked-looking only (a few notes hold a made-up phone number or e-mail address, "
            "which the importer masks). The same arguments always "
            "write byte-identical files; large runs stream in bounded memory."
        ),
    )
    p.add_argument(
        "--out", type=output_folder, required=True, metavar="DIR",
        help="folder to write the CSV files into (created if missing; files of the same "
        "names are replaced)",
    )  # fmt: skip
    p.add_argument(
        "--accounts", type=whole(1, MAX_ACCOUNTS), default=3000, metavar="N",
        help=f"number of accounts placed over the period, up to {MAX_ACCOUNTS:,} "
        "(default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--months", type=whole(1, MAX_MONTHS), default=12, metavar="M",
        help="number of monthly snapshots, the last one dated --end, up to "
        f"{MAX_MONTHS} (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--seed", type=whole(0), default=42, metavar="S",
        help="random seed: same seed and options, same bytes (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--end", type=_iso_date, default=date(2026, 10, 31), metavar="YYYY-MM-DD",
        help="as-of date of the last snapshot; earlier snapshots are the preceding "
        "month-ends (default: %(default)s)",
    )  # fmt: skip
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    first = args.end.year * 12 + args.end.month - 1 - (args.months - 1) - BACK_BOOK_MONTHS
    if first < FIRST_YEAR * 12 or args.end.year > LAST_YEAR:
        raise CommandError(
            f"--end {args.end} and --months {args.months} reach outside {FIRST_YEAR}-01 to "
            f"{LAST_YEAR}-12 (the history goes {BACK_BOOK_MONTHS} months further back)"
        )
    started = time.perf_counter()
    counts = generate(args.out, args.accounts, args.months, args.seed, args.end)
    width = max(len(name) for name in counts)
    for name, rows in counts.items():
        print(f"{name:<{width}}  {rows:>12,} rows")
    print(f"wrote {len(counts)} files to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0
