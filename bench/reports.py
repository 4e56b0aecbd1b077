"""Report figures: every report of the registry (``dashboard/reports/catalogue.py``) over the
whole book, in-process after connecting (a fresh connection per report), best of 3, against a
bare DuckDB group-by-and-sum of the table it mostly reads (best of 3, same run).

The reports are not listed here: each entry of ``reports.REPORTS`` that returns a table is run
with every date it declares spanning the whole book (from the first payment to the latest
snapshot), its other options at their defaults, and the values a required option needs
(``REQUIRED``: the latest month for the payout reports, the candidate plan file, an account
with a plan and a complaint). The table it mostly reads is found, not declared: the query files
it runs are recorded while it runs (``db.query_text``), and of the tables they name the one
with the most rows is it. ``BARE`` holds one group-by-and-sum per table, not per report.

Then the compliance listing of a year (``report compliance --detail``) from the command line,
in a child: the time to its first row on stdout against the time to its last, and its peak
RSS: a listing that streams shows its first rows long before its last.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from bench import child
from bench.figures import Figure, at_most, memory
from dashboard import db, reports
from dashboard.engine.kpi_common import Filters, latest_snapshot
from dashboard.payouts.values import Period

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
PAYOUTS_GOAL_S = 1.5
TABLE = re.compile(r"\b(?:(?:rpt|stg|raw)_[a-z_]+|payments_credited)\b")
# The bare baseline of each table a report may mostly read: group by a key, count, sum.
BARE = {
    "rpt_snapshots": "select as_of_date, count(*), sum(current_balance) from rpt_snapshots "
    "group by as_of_date",
    "stg_accounts": "select as_of_date, count(*), sum(current_balance) from stg_accounts "
    "group by as_of_date",
    "raw_accounts": "select as_of_date, count(*), sum(current_balance) from raw_accounts "
    "group by as_of_date",
    "rpt_payments": "select credited_agent_id, count(*), sum(amount) from rpt_payments "
    "group by credited_agent_id",
    "payments_credited": "select credited_agent_id, count(*), sum(amount) "
    "from payments_credited group by credited_agent_id",
    "stg_payments": "select agent_id, count(*), sum(amount) from stg_payments group by agent_id",
    "raw_payments": "select agent_id, count(*), sum(amount) from raw_payments group by agent_id",
    "rpt_contacts": "select agent_id, count(*), sum(promise_amount) from rpt_contacts "
    "group by agent_id",
    "stg_contacts": "select agent_id, count(*), sum(promise_amount) from stg_contacts "
    "group by agent_id",
    "raw_contacts": "select agent_id, count(*), sum(promise_amount) from raw_contacts "
    "group by agent_id",
    "rpt_promises": "select agent_id, count(*), sum(promise_amount) from rpt_promises "
    "group by agent_id",
    "rpt_accounts": "select portfolio, count(*), sum(placed_balance) from rpt_accounts "
    "group by portfolio",
    "stg_account_latest": "select portfolio, count(*), sum(placed_balance) "
    "from stg_account_latest group by portfolio",
    "stg_repayment_plans": "select plan_type, count(*), sum(amount) from stg_repayment_plans "
    "group by plan_type",
    "rpt_complaints": "select category, count(*) from rpt_complaints group by category",
    "stg_complaints": "select category, count(*) from stg_complaints group by category",
}


def _required(con: duckdb.DuckDBPyConnection, latest: date) -> dict[str, Any]:
    found = con.execute(
        "select c.account_id from stg_complaints c join stg_repayment_plans p using (account_id) "
        "order by c.account_id limit 1"
    ).fetchall()
    row = found[0] if found else None
    return {
        "period": Period.parse(f"{latest:%Y-%m}"),
        "candidate": ROOT / "config" / "plans_candidate.yaml",
        "account": row[0] if row else "A00000000",
    }


def _arguments(
    report: reports.Report, first: date, last: date, values: dict[str, Any]
) -> tuple[Filters, dict[str, Any]]:
    dates = {name: {"date_from": first, "date_to": last}[name]
             for name in report.dates if name in ("date_from", "date_to")}  # fmt: skip
    options = {}
    for p in report.options:
        if p.name in values:
            options[p.name] = values[p.name]
        elif p.required or p.positional:
            raise ValueError(f"report {report.name}: the bench has no value for {p.option}")
    return Filters(**dates), options


def best_of(fn: Callable[[], Any], runs: int = RUNS) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _recorded(fn: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Run ``fn`` once, recording the query files it reads."""
    seen: list[str] = []
    original = db.query_text

    def recording(name: str) -> str:
        seen.append(name)
        return original(name)

    db.query_text = recording  # type: ignore[assignment]
    try:
        return fn(), seen
    finally:
        db.query_text = original


def measure(db_path: Path) -> tuple[list[Figure], list[str]]:
    """Every report, then the payouts goal; the figures and any problem met."""
    figures: list[Figure] = []
    problems: list[str] = []
    rows_of: dict[str, int] = {}
    bare_s: dict[str, float] = {}
    with db.connect(db_path, read_only=True) as con:
        latest = latest_snapshot(con)
        assert latest is not None, "no snapshot in the book"
        (earliest,) = con.execute("select min(payment_date) from stg_payments").fetchall()[0]
        first = min(earliest or latest, latest.replace(day=1))
        values = _required(con, latest)

        def rows(table: str) -> int:
            if table not in rows_of:
                found = con.execute(f"select count(*) from {table}").fetchall()  # code's name
                rows_of[table] = int(found[0][0])
            return rows_of[table]

        for name, report in reports.REPORTS.items():
            if report.run is None:
                continue
            filters, options = _arguments(report, first, latest, values)

            try:
                # Each report on a connection of its own, as the CLI and a page see it: what
                # an earlier report left behind (temporary tables, a warmed plan) is not its.
                with db.connect(db_path, read_only=True) as own:

                    def once(name: str = name, filters: Filters = filters,
                             options: dict[str, Any] = options,
                             own: duckdb.DuckDBPyConnection = own) -> Any:  # fmt: skip
                        return reports.run(own, name, filters, **options)

                    _, queries = _recorded(once)
                    seconds, table = best_of(once)
            except Exception as exc:  # a report that fails is a finding, not a crash
                problems.append(f"report {name}: {type(exc).__name__}: {exc}")
                continue
            tables = {t for q in queries for t in TABLE.findall(db.query_text(q))}
            read = max(sorted(tables), key=rows) if tables else ""
            if read and read not in bare_s:
                sql = BARE.get(read, f"select count(*) from {read}")
                bare_s[read], _ = best_of(lambda sql=sql: con.execute(sql).fetchall())
            base = bare_s.get(read)
            note = f"{table.num_rows:,} rows out; " + (
                f"reads {read} ({rows(read):,} rows)" if read else "reads no table of the book"
            )
            if "account" in options:
                note += f"; account {options['account']}"
            if read and read not in BARE:
                note += "; baseline: count(*) only"
            label = f"report {name}"
            if base:
                figures.append(at_most("reports", label, seconds, base, 3, note=note))
            else:
                figures.append(Figure("reports", label, seconds, "s", note=note))
            if name == "payouts":
                figures.append(Figure(
                    "payouts", f"payouts for {values['period']}", seconds, "s",
                    goal=f"<= {PAYOUTS_GOAL_S:g} s", met=seconds <= PAYOUTS_GOAL_S,
                    note="the payouts report, best of 3, in-process",
                ))  # fmt: skip
    return figures, problems


def listing(db_path: Path) -> list[Figure]:
    """The compliance listing of the 12 months to the latest snapshot, from the command line.

    It streams when its first row reaches stdout before the whole result could have been
    computed: sooner than the same report takes in-process (once, after connecting). A
    listing that is computed whole and then written shows its first row only after that.
    """
    with db.connect(db_path, read_only=True) as con:
        latest = latest_snapshot(con)
        assert latest is not None
        start = (latest.replace(day=1) - timedelta(days=330)).replace(day=1)
        year = Filters(date_from=start, date_to=latest)
        whole_s, _ = best_of(lambda: reports.run(con, "compliance", year, detail=True), runs=1)
    run = child.dashboard(
        "report", "compliance", "--db", str(db_path), "--detail", "--from", start.isoformat(),
        "--to", latest.isoformat(), "--format", "csv",
    )  # fmt: skip
    if run.returncode != 0:
        raise RuntimeError(f"compliance listing failed: {run.stderr_tail}")
    first = run.first_output_s if run.first_output_s is not None else run.seconds
    streams = first < whole_s
    how = "streams" if streams else "not streaming: the first row comes after the whole result"
    size = f"{run.stdout_lines - 1:,} rows, {run.stdout_bytes / 1e6:,.0f} MB of CSV"
    note = f"{size}, the last at {run.seconds:.2f} s; {how}; baseline: the whole result in-process"
    name = f"compliance --detail {start:%Y-%m}..{latest:%Y-%m}"
    return [
        Figure("listing", f"{name}: first rows", first, "s", whole_s, first / whole_s,
               "streams", streams, note=note),
        memory("listing", f"{name}: peak RSS", run.peak_mb, None, note="the CLI process"),
    ]  # fmt: skip


def startup() -> Figure:
    """What every imported file pays before reading it: the command line's start-up."""
    run = child.dashboard("--help")
    return Figure("context", "CLI start-up (python -m dashboard --help)", run.seconds, "s",
                  note="included in every import figure")  # fmt: skip
