"""Personal data never appears in clear: not in the database, reports, exports, logs or messages.

The base data holds recognisable fake debtors (王小明, 13812345678, 110101199003078888, ...;
tests/reliability/base.py). On top of it, files that try to make personal data leak: rows
refused for a personal value itself (too long: the rejects store keeps refused values), a
refused row carrying personal data in its other columns, an account listed twice, a row with
too many fields, and a headerless extract whose first line (shown back as "its header") is a
debtor's data. Then every table of the database, the output of every CLI command (reports,
import log, rejects, progress log), every export (CSV, XLSX, HTML statements) and every error
message is scanned for the clear values and for fragments only a clear value has.
(The app's rendered pages are scanned in test_app.py.)
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from dashboard.cli import build_parser, main
from tests.reliability.base import ACC_HEADER, LEAK_MARKERS, PERSONAL
from tests.reliability.figures import record
from tests.reliability.invariants import table_texts

NAME, PHONE, ID_NO = PERSONAL["names"][0], PERSONAL["phones"][0], PERSONAL["ids"][0]


def leaks(text: str) -> list[str]:
    return [m for m in LEAK_MARKERS if m in text]


def pii_files(folder: Path) -> list[tuple[str, Path]]:
    """Files that try to make personal data leak, as (kind or '', path)."""
    long_name = NAME + "很长" * 300  # over 500 characters: refused, value kept in rejects
    rows = [
        f"P1,2026-11-30,BANK_A,2026-01-15,100.00,90.00,5,G1,open,北京,{long_name},{PHONE},{ID_NO}",
        f"P2,2026-11-30,BANK_A,2026-01-15,100.00,90.00,-7,G1,open,北京,{NAME},{PHONE},{ID_NO}",
        f"P3,2026-11-30,BANK_A,2026-01-15,100.00,90.00,5,G1,open,北京,{NAME},{PHONE},{ID_NO}",
        f"P3,2026-11-30,BANK_A,2026-01-15,100.00,90.00,5,G1,open,北京,{NAME},{PHONE},{ID_NO}",
        f"P4,2026-11-30,BANK_A,2026-01-15,100.00,90.00,5,G1,open,北京,{NAME},{PHONE},{ID_NO},x",
        f"P5,2026-11-30,BANK_A,2026-01-15,abc,90.00,5,G1,open,北京,{NAME},{PHONE}{'9' * 500},",
    ]
    accounts = folder / "accounts_pii.csv"
    accounts.write_text(ACC_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    headerless = folder / "no_header.csv"
    headerless.write_text(
        f"{NAME},{PHONE},{ID_NO},A7,2026-11-30,BANK_A,2026-01-15,100.00,90.00,5\n", "utf-8"
    )
    return [("accounts", accounts), ("", headerless), ("accounts", headerless)]


@pytest.fixture
def pii_db(base_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "pii.duckdb"
    shutil.copyfile(base_template, copy)
    return copy


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    """The CLI in-process; returns everything it printed (stdout and stderr)."""

    def go(*args: str | Path) -> str:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
        except SystemExit:
            pass
        out, err = capsys.readouterr()
        return out + err

    return go


def report_commands(db_path: Path, plans: Path, out: Path) -> list[tuple[str, ...]]:
    """Every report of the CLI with the arguments it needs, plus the other read commands."""
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    reports = next(a for a in sub.choices["report"]._actions if a.dest == "report")  # type: ignore[union-attr]
    payout = ("--period", "2026-10", "--plans", str(plans))
    september = ("--period", "2026-09", "--plans", str(plans))  # ended, nothing before it
    window = ("--from", "2026-09-01", "--to", "2026-11-30")
    commands: list[tuple[str, ...]] = []
    for name, parser in reports.choices.items():  # type: ignore[union-attr]
        opts = {o for a in parser._actions for o in a.option_strings}
        args: tuple[str, ...] = ("report", name, "--db", str(db_path))
        if "--plans" in opts:
            args += payout
        elif "--period" in opts:
            args += ("--period", "2026-10")
        if "--from" in opts:
            args += window
        fmt = ("--format", "json") if "--format" in opts else ()
        commands.append(args + fmt)
        if "--detail" in opts:
            commands.append((*args, "--detail", *fmt))
        if "--format" in opts:
            commands.append((*args, "--format", "table"))
    commands += [
        ("imports", "--db", str(db_path), "--format", "csv"),
        ("report", "payouts", "--db", str(db_path), *payout, "--format", "xlsx",
         "--out", str(out / "payouts.xlsx")),
        ("report", "payouts", "--db", str(db_path), *payout, "--format", "csv",
         "--out", str(out / "payouts.csv")),
        ("report", "payout-lines", "--db", str(db_path), *payout, "--out", str(out / "l.csv")),
        ("statements", "--db", str(db_path), *payout, "--out", str(out / "st"), "--format", "html"),
        ("prepare", "--db", str(db_path), *september, "--by", "finance"),
        ("approve", "--db", str(db_path), *september, "--by", "controller"),
        ("report", "payouts", "--db", str(db_path), *payout, "--format", "json"),
    ]  # fmt: skip
    return commands


def file_texts(folder: Path) -> dict[str, str]:
    """Every file written under ``folder`` as text (an XLSX: every XML part inside it)."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                out[path.name] = "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
        elif path.suffix in (".csv", ".html", ".txt"):
            out[path.name] = path.read_text(encoding="utf-8-sig")
    return out


def test_personal_data_is_never_shown_or_stored_in_clear(
    run: Callable[..., str], pii_db: Path, tmp_path: Path
) -> None:
    seen: dict[str, str] = {}
    for kind, path in pii_files(tmp_path):
        args = ["import", "-v", "--db", pii_db]
        args += [f"--{kind}", path] if kind else [path]
        seen[f"import {kind or 'detected'} {path.name}"] = run(*args)
    con = duckdb.connect(str(pii_db), read_only=True)
    try:
        ids = [r[0] for r in con.execute("select import_id from imports").fetchall()]
        refused = con.execute("select count(*) from rejects").fetchall()[0][0]
    finally:
        con.close()
    assert refused >= 5  # the hostile rows really were refused (and kept)
    for i in ids:
        seen[f"rejects {i}"] = run("rejects", "--db", pii_db, str(i), "--format", "csv")
    out = tmp_path / "out"
    out.mkdir()
    plans = Path(__file__).resolve().parents[2] / "sample_data" / "plans.yaml"
    for args in report_commands(pii_db, plans, out):
        seen[" ".join(args[:2])] = run(*args)
    seen.update({f"file {k}": v for k, v in file_texts(out).items()})
    seen.update({f"table {k}": v for k, v in table_texts(pii_db).items()})
    record("pii_sources", len(seen))

    # The scan would see a clear value: the markers are in the files that were imported.
    assert leaks((tmp_path / "accounts_pii.csv").read_text("utf-8"))
    found = {where: leaks(text) for where, text in seen.items() if leaks(text)}
    assert found == {}, found
    # The masked forms are there: the data was imported and shown, only masked.
    assert any("1******5678" in text for text in seen.values())
    assert any("Z************" in text for text in seen.values())  # Zhang Sanfeng
