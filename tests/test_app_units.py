"""The app's shared layer without a browser: texts in both languages, formats, the header
mappings store, labels for every report column, and the page scripts' hygiene.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dashboard import db
from dashboard.engine import kpi_breakdowns, kpis
from dashboard.engine.kpi_common import Filters
from dashboard.ingest.mappings import (
    MappingRefused,
    forget_mapping,
    list_mappings,
    load_mappings,
    save_mapping,
)
from dashboard.messages import HELPER_COLUMNS
from dashboard.payouts.report import REPORT_SCHEMA
from dashboard.payouts.tables import LINE_SCHEMA
from dashboard.reports import REPORTS
from dashboard.ui import blocks, fmt
from dashboard.ui.catalogue import CATALOGUE
from dashboard.ui.reads import READS

ROOT = Path(__file__).resolve().parent.parent
UI_SOURCES = [
    *sorted((ROOT / "dashboard" / "ui").glob("*.py")),
    *sorted((ROOT / "dashboard" / "views").glob("*.py")),
    ROOT / "dashboard" / "app.py",
]


@pytest.fixture
def con(sample_db: Path):  # type: ignore[no-untyped-def]
    """The session's sample database (tests/conftest.py), read only."""
    with db.connect(sample_db, read_only=True) as c:
        yield c


def test_every_text_key_used_exists_in_both_languages() -> None:
    used: set[str] = set()
    for path in UI_SOURCES:
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[\w.]+)\"", path.read_text(encoding="utf-8")))
    used |= {
        f"page.{p}"
        for p in ("overview", "delinquency", "recovery", "agents", "compliance", "payouts", "data")
    }
    used |= {f"page.{p}.about" for p in ("overview", "delinquency", "recovery", "agents")}
    used |= {f"kpi.{k}" for k, _, _ in blocks.HEADLINE} | {
        f"def.{k}" for k, _, _ in blocks.HEADLINE
    }
    used |= {f"col.{k}" for k in blocks.FIGURES}
    missing = sorted(k for k in used if k not in CATALOGUE)
    assert not missing, missing
    for key, (en, zh) in CATALOGUE.items():
        assert en.strip() and zh.strip(), key
        assert re.findall(r"{(\w+)}", en) == re.findall(r"{(\w+)}", zh) or sorted(
            re.findall(r"{(\w+)}", en)
        ) == sorted(re.findall(r"{(\w+)}", zh)), f"{key}: fields differ between languages"


def test_every_report_column_has_a_label(con: duckdb.DuckDBPyConnection) -> None:
    window = {"date_from": date(2026, 10, 1), "date_to": date(2026, 10, 31)}
    tables = [
        kpis.headline(con, Filters(**window)),
        kpis.buckets(con),
        kpis.roll_rates(con),
        kpis.recovery(con),
        kpis.vintage(con),
        kpis.agents(con, Filters(**window)),
        kpis.compliance_by_rule(con, Filters(**window)),
        kpis.compliance_detail(con, Filters(**window)),
        kpis.compliance_agents(con, Filters(**window)),
        kpis.recovery(con, by="region"),
        kpi_breakdowns.collections(con, Filters(**window), by=tuple(kpi_breakdowns.DIMENSIONS)),
        kpi_breakdowns.contact_mix(con, Filters(**window)),
        kpi_breakdowns.roll_accounts(con),
        kpi_breakdowns.roll_summary(con),
        kpi_breakdowns.teams(con, Filters(**window)),
        db.run(con, "checks/orphan_payments"),
        db.run(con, "import/import_log"),
    ]
    names = {n for t in tables for n in t.column_names}
    names |= {c for r in REPORTS.values() for c in r.columns}  # as the registry declares them
    names |= set(REPORT_SCHEMA.names) | set(LINE_SCHEMA.names)
    # The code columns behind a message column are dropped before a table is drawn.
    names -= HELPER_COLUMNS
    missing = sorted(n for n in names if f"col.{n}" not in CATALOGUE)
    assert not missing, missing


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1516125.35"), "¥1,516,125.35"),
        (Decimal("-0.5"), "-¥0.50"),
        (Decimal("0.005"), "¥0.01"),  # half-up, as the payout engine rounds
        (None, "–"),
    ],
)
def test_money_format(value: Decimal | None, text: str) -> None:
    assert fmt.money(value) == text


def test_rates_and_points() -> None:
    assert fmt.rate(Decimal("0.246603")) == "24.7%"
    assert fmt.points(Decimal("-0.0862"), lang="en") == "-8.6 pp"
    assert fmt.count(1234567) == "1,234,567"


def test_header_mappings_are_remembered_and_forgotten(tmp_path: Path) -> None:
    with db.connect(tmp_path / "m.duckdb") as c:
        save_mapping(c, "payments", " Kontonummer ", "account_id")
        save_mapping(c, "payments", "kontonummer", "payment_id")  # a new answer replaces it
        save_mapping(c, "accounts", "Saldo Aktuell", "current_balance")
        assert load_mappings(c, "payments") == {"kontonummer": "payment_id"}
        assert load_mappings(c) == {"kontonummer": "payment_id", "saldo_aktuell": "current_balance"}
        assert [m[:3] for m in list_mappings(c)] == [
            ("accounts", "saldo_aktuell", "current_balance"),
            ("payments", "kontonummer", "payment_id"),
        ]
        forget_mapping(c, "payments", "KONTONUMMER")
        assert load_mappings(c, "payments") == {}
        with pytest.raises(MappingRefused, match="payments has no column 'balance'"):
            save_mapping(c, "payments", "x", "balance")
        with pytest.raises(MappingRefused, match="unknown extract kind"):
            save_mapping(c, "loans", "x", "account_id")


def test_every_read_of_the_app_is_callable() -> None:
    assert all(callable(r.run) for r in REPORTS.values())
    assert all(callable(f) for f in READS.values())
    assert not set(READS) & set(REPORTS)  # one name, one read


def test_pages_hold_no_sql_and_no_styling_literals() -> None:
    for path in sorted((ROOT / "dashboard" / "views").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(select|insert|update|delete)\b\s+[\w*]", text, re.I), path
        assert not re.search(r"#[0-9A-Fa-f]{6}\b", text), path
        assert "unsafe_allow_html" not in text, path
        assert len(text.splitlines()) < 80, f"{path.name} is long: move sections into dashboard/ui"


def test_every_text_a_page_asks_for_is_in_the_catalogue() -> None:
    # t() shows an unknown key as it is ("recovery.new_table" on the page, in both
    # languages): a text added to a page without its catalogue entry fails here instead.
    root = Path(__file__).resolve().parent.parent / "dashboard"
    used: dict[str, str] = {}
    for path in [*(root / "ui").glob("*.py"), *(root / "views").glob("*.py"), root / "app.py"]:
        text = path.read_text(encoding="utf-8")
        for key in re.findall(r"""(?<![\w.])(?:safe\.)?t\(\s*["']([\w.]+)["']""", text):
            used.setdefault(key, path.name)
    assert len(used) > 100  # the pattern finds the calls
    missing = {k: where for k, where in used.items() if k not in CATALOGUE}
    assert not missing, f"texts without a catalogue entry (dashboard/ui/catalogue.py): {missing}"
