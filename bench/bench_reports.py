"""Report speed at scale: every KPI report against a bare DuckDB scan-and-sum, same run.

Builds (once; reused while its parameters match) a portfolio with the project's own sample
generator (``python -m dashboard sample --accounts N --months 12``), scales payments and
contacts up to the target volumes when the generator writes fewer (copies of existing rows
with new ids: same accounts, dates and amounts; reversals point at their copied payment),
and imports everything through the real importer. Then, per report, the median of a few runs,
each on a cold connection opened as the app opens it (``db.connect``), next to the median of a
bare ``select count(*), sum(...)`` over the table the report mostly reads. Prints the table
and writes bench/out/bench_reports.json.

Usage: python -m bench.bench_reports [--accounts N] [--payments N] [--contacts N] [--runs K]
           [--work DIR] [--rebuild]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from dashboard import db
from dashboard.engine import compliance, kpis
from dashboard.engine.kpi_common import Filters, latest_snapshot
from dashboard.ingest.importer import FileSpec, import_files

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

# The bare scans: the table each report mostly reads, counted and summed.
BARE = {
    "rpt_snapshots": "select count(*), sum(current_balance) from rpt_snapshots",
    "rpt_payments": "select count(*), sum(amount) from rpt_payments",
    "rpt_contacts": "select count(*), sum(epoch(contacted_at)) from rpt_contacts",
    "stg_contacts": "select count(*), sum(epoch(contacted_at)) from stg_contacts",
    "stg_accounts": "select count(*), sum(current_balance) from stg_accounts",
    "stg_payments": "select count(*), sum(amount) from stg_payments",
}


def _run(args: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "dashboard", *args], check=True, cwd=ROOT)


def _copies(key: str, have: int, target: int) -> str:
    """FROM/WHERE text choosing copies k = 1, 2, ... of each row so that about ``target``
    rows exist in all: every row is copied ``whole`` times, a hashed share once more."""
    extra = max(target - have, 0) / have if have else 0
    whole = int(extra)
    part = int((extra - whole) * 1000)
    return (
        f"range(1, {whole + 2}) as r(k) "
        f"where k <= {whole} or (k = {whole + 1} and hash({key}) % 1000 < {part})"
    )


def build(work: Path, accounts: int, payments: int, contacts: int) -> dict[str, Any]:
    """Generate, scale and import the portfolio; return what was built and how long it took."""
    work.mkdir(parents=True, exist_ok=True)
    csv_dir = work / "csv"
    path = work / "bench.duckdb"
    for p in (path, path.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    _run(["sample", "--out", str(csv_dir), "--accounts", str(accounts), "--months", "12"])
    generated = time.perf_counter() - t0
    specs = [FileSpec(csv_dir / "agents.csv", "agents")]
    specs += [FileSpec(p, "accounts") for p in sorted(csv_dir.glob("accounts_*.csv"))]
    specs += [FileSpec(csv_dir / "payments.csv", "payments")]
    specs += [FileSpec(csv_dir / "contacts.csv", "contacts")]
    t0 = time.perf_counter()
    result = import_files(specs, db_path=path)
    assert result.committed, result.message
    imported = time.perf_counter() - t0
    scaled: dict[str, float] = {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        have_p = con.execute("select count(*) from stg_payments").fetchall()[0][0]
        have_c = con.execute("select count(*) from stg_contacts").fetchall()[0][0]
        extra = []
        if have_p < payments:
            con.execute(
                f"""copy (
                    select payment_id || '-x' || k as payment_id, account_id,
                        strftime(payment_date, '%Y-%m-%d') as payment_date, amount, agent_id,
                        channel, reverses_payment_id || '-x' || k as reverses_payment_id
                    from stg_payments, {_copies("payment_id", have_p, payments)}
                ) to '{work / "payments_extra.csv"}' (header)"""
            )
            extra.append(FileSpec(work / "payments_extra.csv", "payments"))
        if have_c < contacts:
            con.execute(
                f"""copy (
                    select contact_id || '-x' || k as contact_id, account_id, agent_id,
                        strftime(contacted_at, '%Y-%m-%d %H:%M:%S') as contacted_at, channel,
                        outcome, promise_amount, promise_date
                    from stg_contacts, {_copies("contact_id", have_c, contacts)}
                ) to '{work / "contacts_extra.csv"}' (header)"""
            )
            extra.append(FileSpec(work / "contacts_extra.csv", "contacts"))
    finally:
        con.close()
    for spec in extra:  # one import per kind: the refresh cost of each shows separately
        t0 = time.perf_counter()
        result = import_files([spec], db_path=path)
        assert result.committed, result.message
        scaled[spec.kind or "?"] = round(time.perf_counter() - t0, 1)
    con = duckdb.connect(str(path), read_only=True)
    try:
        counts = {
            t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
            for t in ("stg_accounts", "rpt_accounts", "stg_payments", "stg_contacts", "stg_agents")
        }
    finally:
        con.close()
    return {
        "accounts_arg": accounts,
        "payments_target": payments,
        "contacts_target": contacts,
        "generated_s": round(generated, 1),
        "imported_s": round(imported, 1),
        "scaled_import_s": scaled,
        "rows": counts,
        "payments_scaled_from": have_p,
        "contacts_scaled_from": have_c,
    }


def _median_seconds(
    fn: Callable[[duckdb.DuckDBPyConnection], Any], path: Path, runs: int
) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        with db.connect(path) as con:
            result = fn(con)
        times.append(time.perf_counter() - start)
        rows = getattr(result, "num_rows", 0)
    return statistics.median(times), rows


def cases(latest: date) -> list[tuple[str, str, Callable[[duckdb.DuckDBPyConnection], Any]]]:
    """(name, the table it mostly reads, function) for every report, default and wide."""
    y0, y1 = (
        date(latest.year - 1, latest.month + 1, 1)
        if latest.month < 12
        else date(latest.year, 1, 1),
        latest,
    )  # the 12 months ending with the latest snapshot
    year = Filters(date_from=y0, date_to=y1)
    return [
        ("buckets", "rpt_snapshots", lambda c: kpis.buckets(c)),
        ("buckets --as-of latest", "rpt_snapshots",
         lambda c: kpis.buckets(c, Filters(as_of=latest))),
        ("buckets --team T1", "rpt_snapshots", lambda c: kpis.buckets(c, Filters(teams=["T1"]))),
        ("roll-rates", "rpt_snapshots", lambda c: kpis.roll_rates(c)),
        ("recovery", "rpt_payments", lambda c: kpis.recovery(c)),
        ("vintage", "rpt_payments", lambda c: kpis.vintage(c)),
        ("agents (month)", "rpt_contacts", lambda c: kpis.agents(c)),
        ("agents (12 months)", "rpt_contacts", lambda c: kpis.agents(c, year)),
        ("kpis (month)", "rpt_snapshots", lambda c: kpis.headline(c)),
        ("kpis (12 months)", "rpt_snapshots", lambda c: kpis.headline(c, year)),
        ("compliance cn (month)", "rpt_contacts", lambda c: kpis.compliance_by_rule(c)),
        ("compliance us (month)", "rpt_contacts",
         lambda c: kpis.compliance_by_rule(c, preset="us")),
        ("compliance --detail cn (month)", "rpt_contacts", lambda c: kpis.compliance_detail(c)),
        ("compliance-agents cn (month)", "rpt_contacts", lambda c: kpis.compliance_agents(c)),
        ("compliance --detail cn (12 months)", "rpt_contacts",
         lambda c: kpis.compliance_detail(c, year)),
        ("compliance --detail us (12 months)", "rpt_contacts",
         lambda c: kpis.compliance_detail(c, year, preset="us")),
        ("violation_counts cn (month, payouts)", "rpt_contacts",
         lambda c: compliance.violation_counts(c, latest.replace(day=1), latest)),
    ]  # fmt: skip


def measure(path: Path, runs: int) -> list[dict[str, Any]]:
    with db.connect(path) as con:  # builds the derived tables if the schema changed
        latest = latest_snapshot(con)
    bare: dict[str, float] = {}
    for table, sql in BARE.items():

        def scan(c: duckdb.DuckDBPyConnection, sql: str = sql) -> list[Any]:
            return c.execute(sql).fetchall()

        bare[table], _ = _median_seconds(scan, path, runs)
    out = []
    for name, table, fn in cases(latest):
        seconds, rows = _median_seconds(fn, path, runs)
        out.append({
            "report": name, "seconds": round(seconds, 3), "rows": rows, "reads": table,
            "bare_scan_seconds": round(bare[table], 3),
            "ratio": round(seconds / bare[table], 1) if bare[table] else None,
        })  # fmt: skip
    out.append({"report": "(bare scans)", **{k: round(v, 3) for k, v in bare.items()}})
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--accounts", type=int, default=1_000_000, help="sample --accounts")
    p.add_argument("--payments", type=int, default=10_000_000, help="payments to reach")
    p.add_argument("--contacts", type=int, default=10_000_000, help="contacts to reach")
    p.add_argument("--runs", type=int, default=3, help="runs per report (median)")
    p.add_argument("--work", type=Path, default=OUT / "reports", help="data folder")
    p.add_argument("--rebuild", action="store_true", help="regenerate even if reusable")
    args = p.parse_args(argv)
    marker = args.work / "built.json"
    params = [args.accounts, args.payments, args.contacts]
    built = json.loads(marker.read_text()) if marker.exists() else None
    if args.rebuild or not built or built.get("params") != params:
        print(f"building the portfolio in {args.work} (minutes)...", flush=True)
        built = {"params": params, **build(args.work, *params)}
        marker.write_text(json.dumps(built, indent=1))
    print(json.dumps({k: v for k, v in built.items() if k != "params"}, indent=1))
    results = measure(args.work / "bench.duckdb", args.runs)
    width = max(len(r["report"]) for r in results)
    print(f"\n{'report':<{width}}  {'seconds':>8}  {'rows':>7}  {'reads':<13} "
          f"{'bare scan':>9}  {'ratio':>6}")  # fmt: skip
    for r in results[:-1]:
        print(f"{r['report']:<{width}}  {r['seconds']:>8.3f}  {r['rows']:>7}  {r['reads']:<13} "
              f"{r['bare_scan_seconds']:>9.3f}  {r['ratio']:>6}")  # fmt: skip
    print("bare scans:", results[-1])
    OUT.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": {"python": platform.python_version(), "duckdb": duckdb.__version__,
                    "cpus": os.cpu_count()},
        "built": built,
        "results": results,
    }  # fmt: skip
    (OUT / "bench_reports.json").write_text(json.dumps(report, indent=1, default=str))
    print(f"wrote {OUT / 'bench_reports.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
