"""``report compliance --detail --format csv`` is written one month at a time
(dashboard/cli/listing.py): the same rows, in the same order, as the whole table."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dashboard import db, reports
from dashboard.cli.common import write_table
from dashboard.engine.kpi_common import Filters
from tests.kpi_fixtures import DELINQUENCY_AGENTS, build_db, delinquency_accounts

# Eight unanswered calls to A02, one a day from 28 January (two on 2 February): the eighth,
# on 3 February, is the eighth call of the 7 days 28 January .. 3 February, a violation of
# the US rule calls_per_window; it is seen only if February's part looks back into January.
CALLS = [
    ("K1", "A02", "G1", "2026-01-28 10:00:00"),
    ("K2", "A02", "G1", "2026-01-29 10:00:00"),
    ("K3", "A02", "G1", "2026-01-30 10:00:00"),
    ("K4", "A02", "G1", "2026-01-31 10:00:00"),
    ("K5", "A02", "G1", "2026-02-01 10:00:00"),
    ("K6", "A02", "G1", "2026-02-02 10:00:00"),
    ("K7", "A02", "G1", "2026-02-02 11:00:00"),
    ("K8", "A02", "G1", "2026-02-03 10:00:00"),
]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_violation_whose_window_starts_in_the_month_before(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    world = build_db(
        tmp_path,
        accounts=delinquency_accounts(),
        agents=DELINQUENCY_AGENTS,
        contacts=[(*c, "call", "no_answer") for c in CALLS],
    )
    args = ("report", "compliance", "--db", world, "--detail", "--rules", "us")
    out = cli(*args, "--from", "2026-01-01", "--to", "2026-02-28", "--format", "csv")
    assert out.code == 0, out.err
    assert [(r["contact_id"], r["rule"]) for r in rows(out.out)] == [("K8", "calls_per_window")]
    # February alone still looks back into January; January alone has only seven calls.
    feb = cli(*args, "--from", "2026-02-01", "--to", "2026-02-28", "--format", "csv")
    assert [r["contact_id"] for r in rows(feb.out)] == ["K8"]
    jan = cli(*args, "--from", "2026-01-01", "--to", "2026-01-31", "--format", "csv")
    assert jan.out.splitlines()[0].startswith("contact_id,") and rows(jan.out) == []


@pytest.mark.parametrize("rules", ["cn", "us"])
def test_the_months_together_are_the_whole_listing(
    sample_db: Path, cli: Callable[..., Any], rules: str
) -> None:
    window = Filters(date_from=date(2025, 1, 1), date_to=date(2026, 12, 31))
    with db.connect(sample_db, read_only=True) as con:
        whole = reports.run(con, "compliance", window, detail=True, preset=rules)
    expected = io.StringIO()
    write_table(whole, "csv", expected)
    out = cli(
        "report", "compliance", "--db", sample_db, "--detail", "--rules", rules,
        "--from", "2025-01-01", "--to", "2026-12-31", "--format", "csv",
    )  # fmt: skip
    assert out.code == 0, out.err
    assert out.out == expected.getvalue()
    months = {r["contacted_at"][:7] for r in rows(out.out)}
    assert len(months) >= 2, months  # more than one part was written
