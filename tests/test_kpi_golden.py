"""Golden outputs: every report of the registry on the committed sample data, pinned as CSV.

Every report of ``dashboard/reports/catalogue.py`` but the payout reports (a month each:
``tests/test_payout_golden.py``) is run with its defaults (golden file
``NAME.csv``) unless it is in ``NO_DEFAULT_RUN``; ``VARIANTS`` adds other runs. The columns of
every run must be the report's declared columns, in their order, and every declared column
must come out of some run. A changed golden file is a diff a person reads before accepting
it. To write a new one or regenerate after an intended change: ``KPI_GOLDEN_UPDATE=1 pytest
tests/test_kpi_golden.py``, then read the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dashboard.reports import KPI_REPORTS as KPIS
from dashboard.reports import REPORTS

GOLDEN = Path(__file__).resolve().parent / "golden" / "kpi"
# Runs other than a report's defaults.
VARIANTS = {
    "recovery-to-2026-06-30": ["recovery", "--to", "2026-06-30"],
    "compliance-us": ["compliance", "--rules", "us"],
    "compliance-detail": ["compliance", "--detail"],
    "compliance-detail-us": ["compliance", "--detail", "--rules", "us"],
    "kpis-q3-bank-a": ["kpis", "--from", "2026-07-01", "--to", "2026-09-30", "--portfolio",
                       "BANK_A_CARD"],
    "recovery-by-region": ["recovery", "--by", "region"],
    "collections-q3-portfolio-channel": ["collections", "--from", "2026-07-01", "--to",
                                         "2026-09-30", "--by", "portfolio", "--by", "channel"],
    "collections-credited-team": ["collections", "--by", "month", "--by", "team",
                                  "--credited"],
    "collections-credited-agent": ["collections", "--by", "agent", "--credited"],
    "roll-accounts-m1-to-m2": ["roll-accounts", "--from-bucket", "M1", "--to-state", "M2"],
    "account-history-a0000006": ["account-history", "A0000006"],
    "plan-summary-by-bucket": ["plan-summary", "--by", "bucket"],
    "plan-summary-due-june": ["plan-summary", "--from", "2026-06-01", "--to", "2026-06-30"],
    "pacing-2026-10-15": ["pacing", "--as-of", "2026-10-15"],
}  # fmt: skip
# Reports pinned by their variants only: roll-accounts by default lists every account of the
# latest pair (1,763 rows on the sample), one cell of the matrix is enough; account-history
# needs an account.
NO_DEFAULT_RUN = {"roll-accounts", "account-history"}
# The payout reports take a month and are pinned by tests/test_payout_golden.py.
CASES = {name: [name] for name in KPIS if name not in NO_DEFAULT_RUN} | VARIANTS


@pytest.mark.parametrize("case", sorted(CASES))
def test_report_matches_its_golden_csv(case: str, sample_db: Path, cli: Callable[..., Any]) -> None:
    result = cli("report", *CASES[case], "--db", sample_db, "--format", "csv")
    assert result.code == 0, result.err
    header = result.out.splitlines()[0].split(",")
    declared = REPORTS[CASES[case][0]].columns
    assert [c for c in declared if c in header] == header, f"{case}: {header} not in {declared}"
    golden = GOLDEN / f"{case}.csv"
    if os.environ.get("KPI_GOLDEN_UPDATE"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.out, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with KPI_GOLDEN_UPDATE=1"
    assert result.out == golden.read_text(encoding="utf-8"), f"{case} differs from {golden}"


def test_every_report_has_a_golden_case() -> None:
    assert {args[0] for args in CASES.values()} == set(KPIS)
    assert {f"{case}.csv" for case in CASES} == {p.name for p in GOLDEN.glob("*.csv")}


def test_every_declared_column_comes_out_of_a_run() -> None:
    seen: dict[str, set[str]] = {}
    for case, args in CASES.items():
        header = (GOLDEN / f"{case}.csv").read_text(encoding="utf-8").splitlines()[0]
        seen.setdefault(args[0], set()).update(header.split(","))
    never = {n: [c for c in r.columns if c not in seen[n]] for n, r in KPIS.items()}
    assert not any(never.values()), f"declared columns no golden run returns: {never}"
