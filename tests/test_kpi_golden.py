"""Golden outputs: every KPI report on the committed sample data, pinned as CSV.

A changed golden file is a diff a person reads before accepting it. To regenerate after an
intended change: ``KPI_GOLDEN_UPDATE=1 pytest tests/test_kpi_golden.py``, then read the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dashboard.ingest.importer import FileSpec, import_files
from dashboard.paths import SAMPLE_DATA

GOLDEN = Path(__file__).resolve().parent / "golden" / "kpi"
CASES = {
    "buckets": ["buckets"],
    "roll-rates": ["roll-rates"],
    "recovery": ["recovery"],
    "recovery-to-2026-06-30": ["recovery", "--to", "2026-06-30"],
    "vintage": ["vintage"],
    "agents": ["agents"],
    "compliance": ["compliance"],
    "compliance-us": ["compliance", "--rules", "us"],
    "compliance-detail": ["compliance", "--detail"],
    "compliance-detail-us": ["compliance", "--detail", "--rules", "us"],
    "compliance-agents": ["compliance-agents"],
    "kpis": ["kpis"],
    "kpis-q3-bank-a": ["kpis", "--from", "2026-07-01", "--to", "2026-09-30", "--portfolio",
                       "BANK_A_CARD"],
    "recovery-by-region": ["recovery", "--by", "region"],
    "collections": ["collections"],
    "collections-q3-portfolio-channel": ["collections", "--from", "2026-07-01", "--to",
                                         "2026-09-30", "--by", "portfolio", "--by", "channel"],
    "collections-credited-team": ["collections", "--by", "month", "--by", "team",
                                  "--credited"],
    "contact-mix": ["contact-mix"],
    "roll-accounts-m1-to-m2": ["roll-accounts", "--from-bucket", "M1", "--to-state", "M2"],
    "roll-summary": ["roll-summary"],
    "teams": ["teams"],
}  # fmt: skip


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = sorted(SAMPLE_DATA.glob("*.csv"))
    assert files, "sample_data/ is empty: python -m dashboard sample --out sample_data"
    path = tmp_path_factory.mktemp("golden") / "sample.duckdb"
    result = import_files([FileSpec(f) for f in files], db_path=path)
    assert result.committed, result.message
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_report_matches_its_golden_csv(case: str, sample_db: Path, cli: Callable[..., Any]) -> None:
    result = cli("report", *CASES[case], "--db", sample_db, "--format", "csv")
    assert result.code == 0, result.err
    golden = GOLDEN / f"{case}.csv"
    if os.environ.get("KPI_GOLDEN_UPDATE"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.out, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with KPI_GOLDEN_UPDATE=1"
    assert result.out == golden.read_text(encoding="utf-8"), f"{case} differs from {golden}"


def test_every_report_has_a_golden_case() -> None:
    from dashboard.cli.report_kpi import REPORTS

    assert {args[0] for args in CASES.values()} == set(REPORTS)
