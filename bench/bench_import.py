"""Import throughput: our importer against DuckDB's bare CSV reader, on the same file, same run.

Writes a payments file of N rows (default 10,000,000) with DuckDB itself, then times
  1. bare:   ``create table t as select * from read_csv(file)`` in a fresh database;
  2. import: ``python -m dashboard import`` into a fresh database (parse, check every value,
             write, refresh derived tables), in a child process, with its peak memory;
  3. again:  the same file imported a second time (every row a duplicate: the idempotency path).
Prints rows/s and the ratio to the bare read; writes bench/out/import.json.

Usage: python -m bench.bench_import [--rows N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def make_file(path: Path, rows: int) -> None:
    con = duckdb.connect()
    con.execute(
        f"""copy (
            select 'P' || lpad(cast(i as varchar), 9, '0') as payment_id,
                'A' || lpad(cast(i % 1000000 as varchar), 7, '0') as account_id,
                date '2025-11-01' + cast(i % 365 as integer) as payment_date,
                cast(((i * 7919) % 500000 + 100) / 100 as decimal(18, 2)) as amount,
                'AG' || lpad(cast(i % 400 as varchar), 3, '0') as agent_id,
                case i % 4 when 0 then 'bank_transfer' when 1 then 'card' when 2 then 'cash'
                    else 'wallet' end as channel,
                null as reverses_payment_id
            from range({rows}) as t(i)
        ) to '{path}' (header)"""
    )
    con.close()


def timed_child(args: list[str]) -> tuple[float, int, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
    return seconds, max(peak_kb, before), proc.stdout.strip().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    csv, bare_db, our_db = OUT / "payments_big.csv", OUT / "bare.duckdb", OUT / "import.duckdb"
    for p in (bare_db, our_db, Path(f"{bare_db}.wal"), Path(f"{our_db}.wal")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    make_file(csv, args.rows)
    took = time.perf_counter() - t
    print(f"wrote {csv.stat().st_size / 1e6:,.0f} MB, {args.rows:,} rows in {took:.1f} s")

    bare_code = (
        "import duckdb,sys; con=duckdb.connect(sys.argv[1]); "
        'con.execute("create table t as select * from read_csv(?)", [sys.argv[2]]); '
        "print(con.execute('select count(*) from t').fetchall()[0][0])"
    )
    bare_s, _, _ = timed_child([sys.executable, "-c", bare_code, str(bare_db), str(csv)])
    imp_s, imp_kb, imp_line = timed_child(
        [sys.executable, "-m", "dashboard", "import", "--db", str(our_db), str(csv)]
    )
    again_s, _, again_line = timed_child(
        [sys.executable, "-m", "dashboard", "import", "--db", str(our_db), str(csv)]
    )
    result = {
        "rows": args.rows,
        "file_mb": round(csv.stat().st_size / 1e6, 1),
        "bare_read_csv_s": round(bare_s, 2),
        "bare_rows_per_s": round(args.rows / bare_s),
        "import_s": round(imp_s, 2),
        "import_rows_per_s": round(args.rows / imp_s),
        "import_vs_bare": round(imp_s / bare_s, 2),
        "import_peak_rss_mb": round(imp_kb / 1024),
        "reimport_s": round(again_s, 2),
        "reimport_vs_bare": round(again_s / bare_s, 2),
        "import_summary": imp_line,
        "reimport_summary": again_line,
    }
    for k, v in result.items():
        print(f"{k:22} {v}")
    (OUT / "import.json").write_text(json.dumps(result, indent=1))
    if not args.keep:
        for p in (csv, bare_db, our_db):
            p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
