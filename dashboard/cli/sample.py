"""``python -m dashboard sample``: write the synthetic sample portfolio as CSV extracts."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dashboard.sample import generate


def _whole(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text} is not a whole number >= {minimum}")
        return value

    return parse


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
            "one accounts_YYYY-MM-DD.csv per monthly snapshot, payments.csv, agents.csv and "
            "contacts.csv. Personal data is masked-looking only. The same arguments always "
            "write byte-identical files; large runs stream in bounded memory."
        ),
    )
    p.add_argument(
        "--out", type=Path, required=True, metavar="DIR",
        help="folder to write the CSV files into (created if missing; files of the same "
        "names are replaced)",
    )  # fmt: skip
    p.add_argument(
        "--accounts", type=_whole(1), default=3000, metavar="N",
        help="number of accounts placed over the period (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--months", type=_whole(1), default=12, metavar="M",
        help="number of monthly snapshots, the last one dated --end (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--seed", type=_whole(0), default=42, metavar="S",
        help="random seed: same seed and options, same bytes (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--end", type=_iso_date, default=date(2026, 10, 31), metavar="YYYY-MM-DD",
        help="as-of date of the last snapshot; earlier snapshots are the preceding "
        "month-ends (default: %(default)s)",
    )  # fmt: skip
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    counts = generate(args.out, args.accounts, args.months, args.seed, args.end)
    width = max(len(name) for name in counts)
    for name, rows in counts.items():
        print(f"{name:<{width}}  {rows:>12,} rows")
    print(f"wrote {len(counts)} files to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0
