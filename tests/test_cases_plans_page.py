"""The Cases page's plan reports from one evaluation of the plans (``cases.plans_page``)
against the same independent pandas computation as each report on its own
(``tests/test_cases_properties.py``): plans, the kept rates by installment and by bucket, and
the broken-plan worklist, on seeded random portfolios, at several dates and filters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from dashboard import db
from dashboard.engine import cases
from dashboard.engine.kpi_common import Filters, ReportError
from tests.case_fixtures import random_case_world
from tests.kpi_fixtures import build_db
from tests.test_cases_properties import (
    AS_OFS,
    SOME_FILTERS,
    CaseWorld,
    evaluate,
    ref_broken,
    ref_plans,
    ref_summary,
)
from tests.test_kpi_properties import SEEDS, tuples


@pytest.fixture(scope="module", params=SEEDS[:3])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    raw = random_case_world(request.param)
    path = build_db(tmp_path_factory.mktemp(f"page{request.param}"), **raw)
    return path, CaseWorld(raw)


@pytest.mark.parametrize("as_of", AS_OFS)
def test_the_page_reports_from_one_evaluation(world: tuple, as_of: date | None) -> None:
    path, w = world
    plans = evaluate(w, as_of or w.dates[-1])
    with db.connect(path) as con:
        for f in SOME_FILTERS:
            got = cases.plans_page(con, Filters(as_of=as_of, **f))
            assert set(got) == {"plans", "summary_installment", "summary_bucket", "broken"}
            assert tuples(got["plans"]) == ref_plans(w, plans, f)
            for by in cases.PLAN_GROUPS:
                want = ref_summary(w, plans, f, (None, None), by)
                assert tuples(got[f"summary_{by}"]) == want
            assert tuples(got["broken"]) == ref_broken(w, plans, f)


def test_the_page_reports_refuse_what_the_reports_refuse(tmp_path: Path) -> None:
    with db.connect(tmp_path / "empty.duckdb") as con, pytest.raises(ReportError):
        cases.plans_page(con)


def test_relief_by_agent_by_hand() -> None:
    """Settlements only (relief given), per agent, largest first, ties by agent id, a plan
    without an agent as its own row; sums exact to the cent."""
    schema = pa.schema([("agent_id", pa.string()), ("relief", pa.decimal128(38, 2))])
    rows = [("G1", "10.00"), ("G1", "5.50"), ("G2", "20.00"), (None, "1.00"), ("G3", None),
            ("G4", "15.49"), ("G4", "0.01"), ("G5", "-0.10")]  # fmt: skip
    plans = pa.Table.from_pylist(
        [{"agent_id": a, "relief": Decimal(v) if v else None} for a, v in rows], schema=schema
    )
    got = cases.relief_by_agent(plans).to_pylist()
    assert got == [
        {"agent_id": "G2", "settlements": 1, "relief": Decimal("20.00")},
        {"agent_id": "G1", "settlements": 2, "relief": Decimal("15.50")},
        {"agent_id": "G4", "settlements": 2, "relief": Decimal("15.50")},
        {"agent_id": None, "settlements": 1, "relief": Decimal("1.00")},
        {"agent_id": "G5", "settlements": 1, "relief": Decimal("-0.10")},
    ]
    assert cases.relief_by_agent(plans.slice(0, 0)).num_rows == 0
