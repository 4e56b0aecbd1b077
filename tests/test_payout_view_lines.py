"""A payout view read without its audit lines (the Payouts page on a bank's book: millions of
lines a month) reads them on demand, one agent's or all: the same lines as the view built with
them (``period_view`` with its lines, the path the CLI's workbook and statements take), for a
draft and for an approved period; and the page shows a large agent's lines a page at a time,
with every line in the download.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db
from dashboard.paths import SAMPLE_DATA
from dashboard.payouts import service
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.values import Period

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.mark.parametrize("month", ["2026-10", "2026-09"])  # the open period; an approved one
def test_lines_on_demand_are_the_views_lines(sample_closed: Path, month: str) -> None:
    book = load_plans(SAMPLE_DATA / "plans.yaml")
    with db.connect(sample_closed, read_only=True) as con:
        whole = service.period_view(con, Period.parse(month), book)
        bare = service.period_view(con, Period.parse(month), book, lines=False)
        assert bare.lines is None
        assert (bare.status == "draft") == (month == "2026-10")
        assert service.with_lines(con, bare).trail.equals(whole.trail)
        agents = whole.table.column("agent_id").to_pylist()
        assert len(agents) > 1
        for agent in agents:
            assert service.view_lines(con, bare, agent).equals(service.agent_lines(whole, agent))
    with pytest.raises(ValueError, match="with_lines"):
        service.statement(bare, agents[0])


def test_statement_lines_page_by_page(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.duckdb"
    shutil.copy(sample_db, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    monkeypatch.setattr("dashboard.ui.payout_view.LINES_PAGE", 3)
    book = load_plans(SAMPLE_DATA / "plans.yaml")
    with db.connect(path, read_only=True) as con:
        view = service.period_view(con, Period(2026, 10), book)
    agent = view.table.column("agent_id")[0].as_py()  # the statement's default agent
    payments = [
        ln["payment_id"] for ln in service.agent_lines(view, agent).to_pylist() if ln["payment_id"]
    ]
    total = service.agent_lines(view, agent).num_rows
    assert total > 6  # three pages at least
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at = at.switch_page("views/payouts.py").run()
    assert not at.exception
    pages = -(-total // 3)
    assert any(f"Lines 1–3 of {total} ({pages} pages)" in c.value for c in at.caption)
    lines = at.dataframe[-1].value
    assert len(lines) == 3
    assert list(lines["payment_id"].dropna()) == payments[:3]
    at.number_input(key=f"page_payout_lines_2026-10_{agent}").set_value(2).run()
    assert not at.exception
    assert any(f"Lines 4–6 of {total}" in c.value for c in at.caption)
    assert list(at.dataframe[-1].value["payment_id"].dropna()) == payments[3:6]
