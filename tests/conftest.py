"""Shared fixtures: a fresh database per test, CSV writing, and the CLI run in-process; and
which tests are slow.

``make test-fast`` (``pytest -m "not browser and not slow"``) runs in under a minute on two
workers; ``make test`` runs everything. ``SLOW`` marks tests ``slow`` by where they are: a
folder (ending in ``/``), a module, or one test function of a module (all its parameters); the
most specific entry wins, and ``FAST`` takes a module or test back out of a slow folder. What
is slow is what its kind makes slow (fault injection, fuzzing and property tests, big files,
concurrency, many CLI child processes) or what measured above a second or so of CPU per test
beside cheaper tests of the same area that stay fast (tests/test_markers.py checks that every
entry names a test that exists).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.cli import main

os.environ.setdefault("DASHBOARD_USER", "tester")

ROOT = Path(__file__).resolve().parent.parent
SLOW = {
    "tests/reliability/": "hostile corpora, fault injection (SIGKILL, full disks), fuzzing, "
    "concurrency, big files, CLI child processes: about 10 minutes on two workers",
    "tests/test_import_atomic.py": "SIGKILL of real imports at each phase",
    "tests/test_import_concurrency.py": "child processes holding the database file",
    "tests/test_import_roundtrip.py": "the whole sample, committed and generated, imported",
    "tests/test_kpi_golden.py": "every report on the whole sample (test_kpi_* check by hand)",
    "tests/test_payout_golden.py": "payouts of five months on the whole sample",
    "tests/test_kpi_properties.py": "hypothesis",
    "tests/test_kpi_breakdowns_properties.py": "hypothesis",
    "tests/test_payout_properties.py": "hypothesis",
    "tests/test_cases_properties.py": "random worlds with case extracts, against pandas",
    "tests/test_cases_properties_agencies.py": "random worlds with case extracts, against pandas",
    "tests/test_spark_equality.py": "every report's queries on Spark local mode (a JVM, ~50 jobs)",
    "tests/test_spark_macros.py": "every macro on Spark local mode against DuckDB",
    "tests/test_spark_cli.py::test_spark_csv_equals_duckdb_csv": "reports on Spark local mode",
    "tests/test_spark_cli.py::test_a_lake_by_url_older_than_the_database_is_refused": (
        "Spark reads the manifest"
    ),
    "tests/test_spark_cli.py::test_spark_csv_equals_duckdb_csv_in_a_process_of_its_own": (
        "a command line that starts a JVM"
    ),
    "tests/test_spark_derive.py": "the derived tables and every report built on Spark",
    "tests/test_spark_random.py": "three random books: derived tables and reports on Spark",
    "tests/test_derived_incremental.py::"
    "test_incremental_refresh_equals_a_rebuild_after_every_import_and_undo": (
        "random books, every derived table rebuilt and compared after each import and undo"
    ),
    # Measured over a second of CPU each (make test-fast --durations, 2026-12-02) beside cheaper
    # tests of the same area that stay fast: whole flows (import, prepare, approve, export),
    # AppTest runs of several pages.
    "tests/test_app_data.py::test_a_reimport_is_an_info_and_adds_nothing_to_undo": "over 1 s",
    "tests/test_app_data.py::"
    "test_imported_by_is_required_and_remembered_for_the_session": "over 1 s",
    "tests/test_app_data.py::test_refused_rows_are_listed_with_their_reasons": "over 1 s",
    "tests/test_app_data.py::test_undo_from_the_history": "over 1 s",
    "tests/test_app_payouts.py::"
    "test_an_uploaded_plan_file_with_mistakes_is_refused_with_every_problem": "over 1 s",
    "tests/test_app_payouts.py::test_draft_shows_every_component": "over 1 s",
    "tests/test_app_payouts.py::test_prepare_needs_a_name_and_earlier_periods_approved": "over 1 s",
    "tests/test_app_payouts.py::"
    "test_whatif_tab_refuses_a_broken_candidate_with_every_problem": "over 1 s",
    "tests/test_app_payouts.py::test_whatif_tab_with_an_uploaded_zero_rate_candidate": "over 1 s",
    "tests/test_app_selection.py::test_a_link_opens_one_accounts_history": "over 1 s",
    "tests/test_app_selection.py::"
    "test_an_unknown_or_ambiguous_account_says_why_in_the_pages_language": "over 1 s",
    "tests/test_app_selection.py::"
    "test_reset_also_clears_a_linked_choice_whose_page_was_not_opened_yet": "over 1 s",
    "tests/test_app_zh_engine.py::test_chinese_data_page_shows_refused_rows_in_chinese": "over 1 s",
    "tests/test_bench_generate.py::test_the_importer_refuses_only_the_intended_rows": (
        "twelve imports of the generated extracts: about 5 s"
    ),
    "tests/test_import_cases.py::"
    "test_a_complaint_delivered_again_is_updated_and_undo_brings_the_old_state_back": "over 1 s",
    "tests/test_import_cases.py::"
    "test_a_plan_whose_rows_arrive_in_two_files_is_one_plan": "over 1 s",
    "tests/test_import_cases.py::"
    "test_undoing_a_plan_file_hands_installments_delivered_again_over": "over 1 s",
    "tests/test_import_rules.py::test_reimport_is_idempotent_and_conflicts_are_refused": "over 1 s",
    "tests/test_kpi_cli.py::test_missing_and_empty_databases": "over 1 s",
    "tests/test_kpi_derived.py::test_reports_follow_an_import_and_its_undo": "over 1 s",
    "tests/test_payout_approval.py::test_next_period_starts_from_the_frozen_carry": "over 1 s",
    "tests/test_payout_close.py::"
    "test_a_booked_adjustment_is_frozen_with_the_next_period_and_only_new_differences_follow": (
        "over 1 s"
    ),
    "tests/test_payout_close.py::"
    "test_a_prepared_period_shows_its_frozen_figures_and_is_approved_as_prepared": "over 1 s",
    "tests/test_payout_close.py::"
    "test_adjustment_is_booked_once_into_the_next_period_and_replaced_on_reapproval": "over 1 s",
    "tests/test_payout_close.py::"
    "test_booked_lines_are_on_the_statement_and_in_the_exports": "over 1 s",
    "tests/test_payout_close.py::"
    "test_four_eyes_refusals_name_the_mistake_and_change_nothing": "over 1 s",
    "tests/test_payout_close.py::test_periods_are_approved_in_order": "over 1 s",
    "tests/test_payout_documents.py::"
    "test_workbook_of_an_approved_period_names_preparer_and_approver": "over 1 s",
    "tests/test_payout_exports.py::test_statement_for_one_agent_of_an_approved_period": "over 1 s",
    "tests/test_payout_zh.py::test_chinese_whatif_tab": "over 1 s",
    "tests/test_payout_zh.py::test_approved_lines_keep_their_codes": "a database closed via CLI",
    "tests/test_app_zh_engine.py::"
    "test_chinese_compliance_page_shows_details_in_chinese": "over 1 s",
    "tests/test_app_selection.py::test_a_preset_is_the_window_every_figure_uses": "over 1 s",
    "tests/test_import_rules.py::test_duplicate_ids_within_a_file": "over 1 s",
    "tests/test_app_pages.py::test_a_bookmarked_url_opens_the_same_view": "over 1 s",
    "tests/test_import_rules.py::test_strict_also_covers_conflicts_with_loaded_rows": "over 1 s",
    "tests/test_import_rules.py::"
    "test_snapshot_replace_is_whole_and_undo_restores_the_previous": "over 1 s",
    "tests/test_payout_approval.py::"
    "test_approved_figures_are_shown_even_if_today_cannot_be_computed": "over 1 s",
    "tests/reliability/test_security_sql.py::"
    "test_hostile_approver_and_reason_are_stored_as_written": "over 1 s",
    "tests/reliability/test_exports.py::test_kpi_report_csv_neutralises_formulas": "over 1 s",
    "tests/test_payout_zh.py::test_english_lines_are_unchanged": "over 1 s",
    # Seeded random portfolios against an independent computation (each builds three worlds
    # through the importer); the hand-made books of the same modules stay fast.
    "tests/test_cases_reports.py::test_legal_against_pandas": "random worlds",
    "tests/test_contact_timing.py::test_contact_timing_against_pandas": "random worlds",
    "tests/test_forecasts.py::test_recovery_forecast_against_pandas": "random worlds",
    "tests/test_forecasts.py::test_recovery_backtest_against_pandas": "random worlds",
    "tests/test_forecasts.py::test_balance_forecast_against_exact_fractions": "random worlds",
    "tests/test_forecasts.py::test_balance_backtest_against_exact_fractions": "random worlds",
    "tests/reliability/test_security_sql.py::test_injection_through_report_filters": "40 reports",
    "tests/reliability/test_security_sql.py::test_hostile_names_in_the_plan_file_and_the_roster": (
        "payouts computed, approved and exported"
    ),
    "tests/reliability/test_exports.py::test_payout_exports_neutralise_formulas": "every export",
    "tests/reliability/test_exports.py::test_approved_period_exports_neutralise_formulas": (
        "approval, then every export"
    ),
    "tests/test_app_data.py::test_the_welcome_state_loads_the_sample": "the whole sample imported",
    "tests/test_app_data.py::test_unknown_headers_are_mapped_remembered_and_imported": (
        "two uploads and a remembered mapping"
    ),
    "tests/test_app_pages.py::test_page_on_an_empty_database_offers_the_welcome": "every page",
    "tests/test_app_screen.py::test_a_capped_payout_bar_is_the_paid_amount_with_the_cut_above_it": (
        "CLI child"
    ),
    "tests/test_app_screen.py::test_cards_show_compact_money_with_the_exact_value_on_hover": (
        "CLI child"
    ),
    "tests/test_app_zh_engine.py::"
    "test_chinese_data_page_says_a_conflict_and_a_refused_file_in_chinese": "two uploads",
    "tests/test_app_payouts.py::test_prepare_approve_then_new_data_shows_an_adjustment": (
        "approve, import, recompute in the app"
    ),
    "tests/test_app_pages.py::test_page_renders_on_the_sample": "every page on the whole sample",
    "tests/test_app_pages.py::test_page_renders_in_chinese": "every page again, in Chinese",
    "tests/test_app_pages.py::test_headline_collected_matches_the_csv_and_follows_the_filters": (
        "pages on the whole sample"
    ),
    "tests/test_app_pages.py::test_bucket_table_follows_snapshot_and_portfolio": "pages",
    "tests/test_payout_approval.py::test_approve_then_new_data_shows_an_adjustment": (
        "approve, import, recompute"
    ),
    "tests/test_payout_approval.py::test_approving_twice_is_refused_and_reopen_needs_a_reason": (
        "approve, reopen, approve again"
    ),
    "tests/test_payout_zh.py::test_chinese_payouts_page": "the Payouts page on the whole sample",
    "tests/test_app_selection.py::test_filters_a_page_does_not_use_say_so": "every page",
    "tests/test_app_selection.py::test_page_choices_in_a_link_are_what_the_pages_use": "CLI",
    "tests/test_app_selection.py::test_payouts_show_the_agents_of_the_team_filter": "CLI",
    "tests/test_app_selection.py::test_reset_puts_every_control_and_every_choice_back": "pages",
    "tests/test_app_selection.py::test_a_link_made_in_the_other_language_opens_the_same_view": (
        "pages"
    ),
    "tests/test_app_selection.py::test_an_invalid_window_stops_only_the_pages_that_need_it": (
        "every page"
    ),
    "tests/test_app_selection.py::test_the_snapshot_follows_the_window_end_unless_pinned": "pages",
    "tests/test_app_selection.py::test_one_agent_adds_up_to_the_leaderboard": "pages and CLI",
    "tests/test_app_selection.py::test_an_agent_who_left_the_leaderboard_is_not_kept": "pages",
    "tests/test_payout_exports.py::test_statements_html_and_pdf": "PDF with fonts",
    "tests/test_payout_exports.py::test_pdf_with_chinese_needs_a_font": "PDF with fonts",
    "tests/test_payout_documents.py::test_chinese_statement_pdf": "PDF with fonts, several pages",
    "tests/test_payout_zh.py::test_cli_xlsx_in_chinese": "workbook written and read back",
    "tests/test_payout_zh.py::test_cli_csv_and_statements_in_chinese": "statements",
    # Two or three exports of the whole sample, an import, every table read back and compared
    # (test_export_equals_the_database, one export, stays fast).
    "tests/test_lake.py::test_after_an_import_only_changed_partitions_are_written": "over 1 s",
    "tests/test_lake.py::test_an_interrupted_export_leaves_the_previous_version": "over 1 s",
    "tests/test_lake.py::test_a_lake_folder_is_reused_and_old_versions_go": "over 1 s",
}
# Fast modules of a slow folder: each area keeps some tests in `make test-fast`.
FAST = {"tests/reliability/test_exports.py", "tests/reliability/test_security_sql.py"}


def is_slow(path: str, function: str) -> bool:
    """Whether the test ``function`` of the module at ``path`` (from the repository) is slow."""
    if f"{path}::{function}" in SLOW:
        return True
    if path in FAST or path in SLOW:
        return path in SLOW
    return any(key.endswith("/") and path.startswith(key) for key in SLOW)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.resolve().relative_to(ROOT).as_posix()
        function = getattr(item, "originalname", item.name)
        if is_slow(path, function):
            item.add_marker(pytest.mark.slow)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def built_once(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    build: Callable[[Path], object],
) -> Path:
    """A database file built once per test run, however many xdist workers: the first worker
    to ask builds it (the others wait on a lock), each worker gets its own copy of it."""
    mine = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    if worker_id == "master":  # one process: nothing to share
        build(mine)
        return mine
    run_folder = tmp_path_factory.getbasetemp().parent  # this run's, shared by its workers
    shared = run_folder / f"shared_{name}.duckdb"
    with open(run_folder / f"shared_{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shared.exists():
            partial = run_folder / f"partial_{name}" / f"{name}.duckdb"
            partial.parent.mkdir()
            build(partial)
            partial.rename(shared)
    shutil.copyfile(shared, mine)
    return mine


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The sample data loaded once per test run (a copy per test process); tests that write
    use a copy (``on_sample``), read commands may read it as it is."""
    from tests.e2e.sample import build_sample_db

    return built_once(tmp_path_factory, worker_id, "sample", build_sample_db)


@pytest.fixture(scope="session")
def sample_closed(
    sample_db: Path, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Path:
    """The sample with every month up to 2026-09 closed, as finance closes the books: each
    prepared by 王伟 and approved by 李娜, oldest first (built once per test run, a copy per
    test process; copy it before writing). 2026-10 is the open period."""
    from dashboard.paths import SAMPLE_DATA
    from dashboard.payouts.plan_file import load_plans
    from dashboard.payouts.values import Period
    from tests.payout_fixtures import close_through

    def build(path: Path) -> None:
        shutil.copy(sample_db, path)
        book = load_plans(SAMPLE_DATA / "plans.yaml")
        close_through(path, Period(2026, 9), book, preparer="王伟", approver="李娜")

    return built_once(tmp_path_factory, worker_id, "closed", build)


@pytest.fixture
def on_sample(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the sample database, which the app (``DASHBOARD_DB``) opens."""
    path = tmp_path / "db.duckdb"
    shutil.copy(sample_db, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file under tmp_path; text is encoded as asked."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``python -m dashboard ARGS`` in-process; returns exit code and captured output."""

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def query(db: Path, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a query on a database file (read-only, closed afterwards)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()
