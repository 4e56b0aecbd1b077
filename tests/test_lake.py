"""The lake (``python -m dashboard lake export``): Parquet equal to the database, written whole or
not at all, and again only where rows changed.

The lake is read back with pyarrow (not through DuckDB, which wrote it) and compared with the
database's tables row by row; which partitions an import changes is found by comparing the old
version's files with the database, and for the import made here by hand (one payment in
2026-10).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from dashboard import db, lake
from dashboard.ingest.importer import FileSpec, import_files
from dashboard.paths import SAMPLE_DATA
from tests.conftest import CliResult

Cli = Callable[..., CliResult]

# Read from queries/ by hand: every staging view and derived table, and the payout tables the
# queries of queries/payouts read (approvals, approved rows, lines, rules, audit log, steps).
STAGED = {
    "stg_accounts", "stg_account_latest", "stg_agencies", "stg_agents", "stg_complaints",
    "stg_contacts", "stg_imports", "stg_payments", "stg_repayment_plans", "stg_targets",
}  # fmt: skip
DERIVED = {
    "payments_credited", "rpt_accounts", "rpt_complaints", "rpt_contacts", "rpt_payments",
    "rpt_payout_days", "rpt_payout_months", "rpt_promises", "rpt_snapshots",
}  # fmt: skip
PAYOUT_STATE = {
    "payout_approvals", "payout_approved", "payout_approved_lines", "payout_approved_rules",
    "payout_audit_log", "payout_steps",
}  # fmt: skip
NEW_PAYMENT = (
    "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
    "P9999999-001,A0003005,2026-10-25,123.45,AG014,bank_transfer,\n"
)


def export(cli: Cli, db_path: Path, folder: Path) -> dict[str, Any]:
    r = cli("lake", "export", "--db", db_path, "--to", folder)
    assert r.code == 0, r.err
    return json.loads((folder / lake.MANIFEST).read_text(encoding="utf-8"))


def read_lake(folder: Path, entry: dict[str, Any]) -> pa.Table:
    """A table of the lake as pyarrow reads it (the partition column, text, dropped)."""
    path = folder / entry["path"]
    if entry["partition_by"]:
        month = ds.partitioning(pa.schema([(entry["partition_by"], pa.string())]), flavor="hive")
        table = ds.dataset(path, format="parquet", partitioning=month).to_table()
        return table.drop_columns([entry["partition_by"]])
    return ds.dataset(path, format="parquet").to_table()


def db_tables(db_path: Path, names: list[str]) -> dict[str, pa.Table]:
    with db.connect(db_path, read_only=True) as con:
        return {name: con.table(name).to_arrow_table() for name in names}


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return ordered(table).to_pylist()


def ordered(table: pa.Table) -> pa.Table:
    keys = [(c, "ascending") for c in table.column_names]
    return table.sort_by(keys) if table.num_rows else table


def assert_equals_database(db_path: Path, folder: Path, manifest: dict[str, Any]) -> None:
    tables = db_tables(db_path, list(manifest["tables"]))
    for name, entry in manifest["tables"].items():
        want, got = tables[name], read_lake(folder, entry)
        assert got.column_names == want.column_names, name
        for column in want.column_names:  # the same Arrow types: decimals, dates, naive times
            assert got.schema.field(column).type == want.schema.field(column).type, (name, column)
        assert got.num_rows == want.num_rows == entry["rows"], name
        want, got = ordered(want), ordered(got)
        for column in want.column_names:  # value by value, exactly (decimals as decimals)
            assert got.column(column).equals(want.column(column)), (name, column)


def test_export_equals_the_database(cli: Cli, sample_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lake"
    manifest = export(cli, sample_db, folder)
    assert set(manifest["tables"]) == STAGED | DERIVED | PAYOUT_STATE
    assert not any(t.startswith("raw_") for t in manifest["tables"])
    with db.connect(sample_db, read_only=True) as con:
        assert lake.is_current(manifest, con)
        ids = [r[0] for r in con.execute("select import_id from imports order by 1").fetchall()]
    assert manifest["database"]["imports_in_force"] == ids
    assert_equals_database(sample_db, folder, manifest)

    # Money to the cent: the sum of every amount, in Python over the Parquet values, against
    # the sample's CSV (an independent reading of the same payments).
    payments = read_lake(folder, manifest["tables"]["stg_payments"])
    want = db_tables(sample_db, ["stg_payments"])["stg_payments"]
    assert rows(payments) == rows(want)  # as Python values: Decimal, date, str
    csv = pd.read_csv(SAMPLE_DATA / "payments.csv", dtype=str)
    assert sum(payments.column("amount").to_pylist()) == sum(map(Decimal, csv["amount"]))
    months = {d[:7] for d in csv["payment_date"]}
    assert set(manifest["tables"]["stg_payments"]["partitions"]) == months
    assert manifest["tables"]["stg_payments"]["partition_by"] == "month"
    assert manifest["tables"]["stg_agents"]["partition_by"] is None

    # Each file as Parquet stores it: DECIMAL kept with its precision and scale, timestamps
    # without a time zone; and the manifest's types are the database's.
    for name, entry in manifest["tables"].items():
        types = {c["name"]: c["type"] for c in entry["columns"]}
        for file in (folder / entry["path"]).rglob("*.parquet"):
            schema = pq.read_schema(file)
            for column, kind in types.items():
                t = schema.field(column).type
                if kind.startswith("DECIMAL"):
                    p, s = kind[8:-1].split(",")
                    assert t == pa.decimal128(int(p), int(s)), (name, column, t)
                if kind == "TIMESTAMP":
                    assert pa.types.is_timestamp(t) and t.tz is None, (name, column, t)
    with db.connect(sample_db, read_only=True) as con:
        for name, entry in manifest["tables"].items():
            got = con.table(name)
            assert [c["type"] for c in entry["columns"]] == [str(t) for t in got.types], name


def partition_files(folder: Path, manifest: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """The stat of each partition's one file, by table and partition."""
    out = {}
    for name, entry in manifest["tables"].items():
        for part, info in entry["partitions"].items():
            where = folder / entry["path"]
            if entry["partition_by"]:
                where = where / f"{entry['partition_by']}={part}"
            (file,) = info["files"]
            out[(name, part)] = (where / file).stat()
    return out


def partition_rows(folder: Path, entry: dict[str, Any], part: str) -> pa.Table:
    path = folder / entry["path"]
    if entry["partition_by"]:
        path = path / f"{entry['partition_by']}={part}"
    return ordered(ds.dataset(path, format="parquet").to_table())


def test_after_an_import_only_changed_partitions_are_written(
    cli: Cli, on_sample: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "lake"
    first = export(cli, on_sample, folder)
    before = partition_files(folder, first)
    payments = tmp_path / "payments_new.csv"
    payments.write_text(NEW_PAYMENT, encoding="utf-8")
    result = import_files([FileSpec(payments, kind="payments")], db_path=on_sample, user="t")
    assert result.committed, result.message
    with db.connect(on_sample, read_only=True) as con:
        assert not lake.is_current(first, con)

    second = export(cli, on_sample, folder)
    assert second["version"] == first["version"] + 1
    assert_equals_database(on_sample, folder, second)
    after = partition_files(folder, second)
    # By hand: one payment of 2026-10 changes that month of the payments and nothing of the
    # snapshots or contacts; the import log (no date) is written again.
    assert second["tables"]["stg_payments"]["written"] == ["2026-10"]
    assert second["tables"]["payments_credited"]["written"] == ["2026-10"]
    assert second["tables"]["stg_imports"]["written"] == [""]
    for name in ("stg_accounts", "rpt_snapshots", "stg_contacts", "rpt_contacts"):
        assert second["tables"][name]["written"] == [], name

    # Every partition: the same file (inode and mtime) when its rows are the old version's,
    # a new one otherwise.
    rewritten = 0
    for (name, part), stat in after.items():
        entry_old, entry_new = first["tables"][name], second["tables"][name]
        same = part in entry_old["partitions"] and partition_rows(folder, entry_old, part).equals(
            partition_rows(folder, entry_new, part)
        )
        old = before.get((name, part))
        if same:
            assert old is not None and (stat.st_ino, stat.st_mtime_ns) == (
                old.st_ino,
                old.st_mtime_ns,
            ), (name, part)
        else:
            assert old is None or stat.st_ino != old.st_ino, (name, part)
            rewritten += 1
        assert (part in entry_new["written"]) == (not same), (name, part)
    assert 0 < rewritten < len(after) / 4
    with db.connect(on_sample, read_only=True) as con:
        assert lake.is_current(second, con)


def test_an_interrupted_export_leaves_the_previous_version(
    cli: Cli, on_sample: Path, sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "lake"
    first = export(cli, on_sample, folder)
    manifest_bytes = (folder / lake.MANIFEST).read_bytes()
    files = {p: p.read_bytes() for p in folder.rglob("*.parquet")}
    payments = tmp_path / "payments_new.csv"
    payments.write_text(NEW_PAYMENT, encoding="utf-8")
    assert import_files([FileSpec(payments, kind="payments")], db_path=on_sample).committed

    real = lake._export_table
    calls = []

    def failing(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 5:
            raise OSError(errno.EIO, "Input/output error")
        return real(*args, **kwargs)

    monkeypatch.setattr(lake, "_export_table", failing)
    r = cli("lake", "export", "--db", on_sample, "--to", folder)
    assert r.code == 2 and "Input/output error" in r.err and "Traceback" not in r.err
    assert (folder / lake.MANIFEST).read_bytes() == manifest_bytes
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [lake.MANIFEST, lake.LOCK, first["path"]]
    )
    assert {p: p.read_bytes() for p in folder.rglob("*.parquet")} == files
    assert_equals_database(sample_db, folder, first)  # the old version: the data before import

    # Killed after the new version's rename, before the manifest switch: a later export
    # removes what no manifest names and writes a whole version.
    (folder / ".tmp-killed").mkdir()
    (folder / "v000002").mkdir()
    monkeypatch.setattr(lake, "_export_table", real)
    second = export(cli, on_sample, folder)
    assert second["version"] == 2 and second["previous"] == [first["path"]]
    assert not (folder / ".tmp-killed").exists()
    assert_equals_database(on_sample, folder, second)


@contextmanager
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """An empty folder that cannot be written: a read-only tmpfs as root, else a mode."""
    mount = tmp_path / "ro"
    mount.mkdir()
    if os.geteuid() != 0:
        mount.chmod(0o555)
        try:
            yield mount
        finally:
            mount.chmod(0o755)
        return
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(mount)])
    if r.returncode != 0:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_bad_folders_are_refused_and_nothing_is_written(
    cli: Cli, sample_db: Path, tmp_path: Path
) -> None:
    a_file = tmp_path / "lake.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "letter.txt").write_text("keep me", encoding="utf-8")
    cases = [
        (a_file, "is a file"),
        (a_file / "lake", "which is a file"),
        (foreign, "it is not a lake"),
    ]
    for folder, message in cases:
        r = cli("lake", "export", "--db", sample_db, "--to", folder)
        assert r.code == 2 and message in r.err and "Traceback" not in r.err, (folder, r.err)
    assert a_file.read_text(encoding="utf-8") == "not a folder"
    assert [p.name for p in foreign.iterdir()] == ["letter.txt"]

    with read_only_folder(tmp_path) as mount:
        for folder in (mount, mount / "lake"):
            r = cli("lake", "export", "--db", sample_db, "--to", folder)
            assert r.code == 2 and "cannot write the lake folder" in r.err, r.err
        assert list(mount.iterdir()) == []


def test_a_missing_or_empty_database_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "lake"
    missing = tmp_path / "nowhere" / "db.duckdb"
    r = cli("lake", "export", "--db", missing, "--to", folder)
    assert r.code == 2 and f"no database at {missing}" in r.err
    empty = tmp_path / "empty.duckdb"
    assert cli("init", "--db", empty, "--no-sample").code == 0
    r = cli("lake", "export", "--db", empty, "--to", folder)
    assert r.code == 2 and "holds no data" in r.err, r.err
    assert not folder.exists() and not missing.parent.exists()


def test_a_lake_folder_is_reused_and_old_versions_go(
    cli: Cli, sample_db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "lake"
    for _ in range(3):
        manifest = export(cli, sample_db, folder)
    assert manifest["version"] == 3 and manifest["previous"] == ["v000002"]
    assert sorted(p.name for p in folder.iterdir()) == [
        lake.LOCK,
        lake.MANIFEST,
        "v000002",
        "v000003",
    ]
    assert_equals_database(sample_db, folder, manifest)
    shutil.rmtree(folder / "v000002")  # what a reader of the new manifest never needs
    assert_equals_database(sample_db, folder, manifest)
