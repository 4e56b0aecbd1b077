"""The Payouts page through AppTest: draft figures, closing a period in two steps with two
names (prepare, then approve; a name required, the same name refused), approved vs recomputed
after new data arrives (an adjustment, never a silent edit, booked into the next period),
reopening; the plan what-if tab (a candidate uploaded in memory, never approved or stored).
The months before 2026-10 are closed beforehand (``sample_closed``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest.importer import FileSpec, import_files

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def db_path(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "db.duckdb"
    shutil.copy(sample_db, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def payouts_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at.switch_page("views/payouts.py").run()


def submit(at: AppTest, label_start: str) -> AppTest:
    return next(b for b in at.button if b.label.startswith(label_start)).click().run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture
def closed_path(sample_closed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "closed.duckdb"
    shutil.copy(sample_closed, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def approvals(path: Path) -> list[tuple[str, str, str | None, str | None]]:
    """The rounds of 2026-10: status, who prepared, who approved."""
    con = duckdb.connect(str(path))
    try:
        rows = con.execute(
            "select period, status, prepared_by, approved_by from payout_approvals "
            "where period = '2026-10' order by approval_id"
        ).fetchall()
        return [tuple(r) for r in rows]
    finally:
        con.close()


def test_draft_shows_every_component(db_path: Path) -> None:
    at = payouts_page()
    assert not at.exception
    assert at.selectbox(key="pay_period").value == "2026-10"
    assert any("Draft" in i.value for i in at.info)
    table = at.dataframe[0].value
    for column in (
        "basis",
        "rate",
        "base_commission",
        "compliance_factor",
        "team_bonus",
        "early_bonus",
        "carried_in",
        "cap_applied",
        "payout",
        "carry_out",
    ):
        assert column in table.columns
    labels = [b.label for b in at.get("download_button")]
    assert {"Download payouts (XLSX)", "Download payouts (CSV)", "Statement (PDF)"} <= set(labels)


def test_prepare_needs_a_name_and_earlier_periods_approved(db_path: Path) -> None:
    at = payouts_page()
    submit(at, "Prepare 2026-10")
    assert any("Enter your name to prepare" in e.value for e in at.error)
    assert approvals(db_path) == []
    # On the sample as loaded nothing is approved: the months before 2026-10 come first.
    assert any("Approve the earlier periods with payouts first" in i.value for i in at.info)
    at.text_input(key="prepare_by").input("Wang Wei")
    submit(at, "Prepare 2026-10")
    shown = [e.value.replace("\\", "") for e in at.error]  # markdown escapes dropped
    assert any("earlier periods with payouts are not approved: 2025-05; 2025-06" in e
               for e in shown), shown  # fmt: skip
    assert approvals(db_path) == []


def test_prepare_approve_then_new_data_shows_an_adjustment(
    closed_path: Path, tmp_path: Path
) -> None:
    db_path = closed_path
    at = payouts_page()
    at.text_input(key="prepare_by").input("Wang Wei")
    submit(at, "Prepare 2026-10")
    assert not at.exception
    assert approvals(db_path) == [("2026-10", "prepared", "Wang Wei", None)]
    assert any("Prepared by Wang Wei" in w.value for w in at.warning)
    # The preparer cannot approve (four eyes); another name can.
    at.text_input(key="approve_by").input("wang wei")
    submit(at, "Approve 2026-10")
    assert any("another person must approve it" in e.value for e in at.error)
    assert approvals(db_path) == [("2026-10", "prepared", "Wang Wei", None)]
    at.text_input(key="approve_by").input("Li Na")
    submit(at, "Approve 2026-10")
    assert not at.exception
    assert approvals(db_path) == [("2026-10", "approved", "Wang Wei", "Li Na")]
    assert any("Approved by Li Na" in s.value and "Wang Wei" in s.value for s in at.success)
    assert metric(at, "Adjustments (recomputed − approved)") == "¥0.00"

    # A late payment for AG012 (team T3 stays below its pool target; default plan 2%),
    # imported by another process while the app runs.
    late = tmp_path / "late.csv"
    late.write_text(
        "payment_id,account_id,payment_date,amount,agent_id\nPLATE-1,A0000004,2026-10-15,1000.00,AG012\n"
    )
    assert import_files([FileSpec(late)], db_path=db_path, user="cli").committed
    at.run()
    assert metric(at, "Adjustments (recomputed − approved)") == "+¥20.00"
    rows = at.dataframe[0].value.set_index("agent_id")
    assert rows.loc["AG012", "adjustment"] == pytest.approx(20.0)

    at.text_input(key="reopen_by").input("Li Na")
    at.text_input(key="reopen_reason").input("late payment PLATE-1")
    submit(at, "Reopen 2026-10")
    assert not at.exception
    assert ("2026-10", "reopened", "Wang Wei", "Li Na") in approvals(db_path)
    assert any("Draft" in i.value for i in at.info)


def test_an_uploaded_plan_file_with_mistakes_is_refused_with_every_problem(db_path: Path) -> None:
    at = payouts_page()
    broken = (ROOT / "tests" / "data" / "plans" / "several_mistakes.yaml").read_bytes()
    at.file_uploader(key="plan_up").set_value(("my_plans.yaml", broken, "application/yaml")).run()
    assert at.selectbox(key="pay_plans").value.name == "my_plans.yaml"
    assert not at.exception
    message = next(e.value for e in at.error if "cannot be computed" in e.value)
    assert "my_plans.yaml refused" in message and message.count("\n") >= 2


# --- the plan what-if tab (issue 12) ---

# Every plan of the sample's plan file at rate 0, and no team pool: the candidate pays nothing.
ZERO_RATE = b"""default_plan: standard
plans:
  standard: {rate: 0}
  ladder: {rate: 0}
  bigticket: {rate: 0}
"""


def whatif_tab(at: AppTest) -> AppTest:
    at.session_state["pay_tab"] = next(tab.label for tab in at.tabs if "What-if" in tab.label)
    return at.run()


def test_whatif_tab_with_an_uploaded_zero_rate_candidate(db_path: Path) -> None:
    at = whatif_tab(payouts_page())
    assert not at.exception, [e.value for e in at.exception]
    name = "zero_candidate_e2f4.yaml"
    at.file_uploader(key="whatif_up").set_value((name, ZERO_RATE, "application/yaml")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    assert {"payout_current", "payout_candidate", "difference"} <= set(table.columns)
    agents = table[table["agent_id"].notna()]
    assert len(agents) > 10 and (agents["payout_candidate"] == 0).all()
    assert (agents["difference"] == -agents["payout_current"]).all()
    total = table[table["agent_id"].isna()].iloc[0]
    assert total["payout_current"] == pytest.approx(agents["payout_current"].sum())
    assert total["difference"] == pytest.approx(-agents["payout_current"].sum())
    assert metric(at, "Cost with the candidate") == "¥0.00"
    assert at.get("plotly_chart"), "no chart of who gains and who loses"
    # Read in memory: the upload is nowhere on disk, and nothing was approved.
    leftovers = [p for p in Path(tempfile.gettempdir()).glob("dashboard-*/**/*") if p.name == name]
    assert leftovers == [] and not (Path.cwd() / name).exists()
    assert approvals(db_path) == []


def test_whatif_tab_refuses_a_broken_candidate_with_every_problem(db_path: Path) -> None:
    at = whatif_tab(payouts_page())
    broken = (ROOT / "tests" / "data" / "plans" / "several_mistakes.yaml").read_bytes()
    at.file_uploader(key="whatif_up").set_value(("broken.yaml", broken, "application/yaml")).run()
    assert not at.exception, [e.value for e in at.exception]
    message = next(e.value for e in at.error if "what-if cannot be computed" in e.value)
    assert "broken.yaml refused" in message and message.count("\n") >= 2
