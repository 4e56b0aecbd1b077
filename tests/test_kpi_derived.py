"""The KPI derived tables (queries/derived/rpt_*.sql) follow every import and undo, and only
the imports that change what they read rebuild them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from dashboard import db
from dashboard.engine import kpis
from dashboard.ingest.importer import FileSpec, import_files, undo_import
from tests.kpi_fixtures import PAYMENT_COLUMNS, build_db, write_rows

MINE = {"rpt_accounts", "rpt_snapshots", "rpt_payments", "rpt_contacts", "rpt_promises"}


def test_refresh_rebuilds_only_what_reads_the_changed_kinds(tmp_path: Path) -> None:
    with db.connect(tmp_path / "d.duckdb") as con:
        assert MINE <= set(db.refresh_derived(con))
        assert MINE & set(db.refresh_derived(con, {"agents"})) == set()
        assert MINE & set(db.refresh_derived(con, {"contacts"})) == {"rpt_contacts", "rpt_promises"}
        assert MINE & set(db.refresh_derived(con, {"payments"})) == {"rpt_payments", "rpt_promises"}
        assert MINE & set(db.refresh_derived(con, {"accounts"})) == MINE - {"rpt_contacts"}


def test_reports_follow_an_import_and_its_undo(tmp_path: Path) -> None:
    path = build_db(
        tmp_path,
        accounts=[("A1", "2026-01-31", "P1", "2026-01-01", "100.00", "100.00", 10, "G1")],
        payments=[("Y1", "A1", "2026-01-10", "40.00")],
        agents=[("G1", "Gao", "T1")],
    )
    more = write_rows(tmp_path / "more.csv", PAYMENT_COLUMNS, [("Y2", "A1", "2026-01-11", "5.00")])
    result = import_files([FileSpec(more, "payments")], db_path=path)
    with db.connect(path) as con:
        assert kpis.recovery(con)["collected"].to_pylist() == [Decimal("45.00")]
    undo_import(result.files[0].import_id or 0, db_path=path)
    with db.connect(path) as con:
        assert kpis.recovery(con)["collected"].to_pylist() == [Decimal("40.00")]
