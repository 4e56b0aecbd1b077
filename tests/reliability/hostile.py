"""Hostile inputs shared by the security tests: SQL-injection strings, a database whose names
are such strings, and a recorder of every SQL text sent to DuckDB.

The recorder is the proof that values are bound, never pasted: while it is installed, every
``execute``/``sql``/``query`` of every connection (the shared database and the importer's
scratch one) is logged, and no logged SQL text may contain a piece of a hostile value.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import yaml

from dashboard.ingest.importer import FileSpec, import_files

INJECTIONS = (
    "'; DROP TABLE raw_payments; --",
    "' OR '1'='1",
    '"; DROP TABLE imports; --',
    "x') UNION ALL SELECT customer_name, phone FROM raw_accounts --",
    "'; COPY (SELECT * FROM raw_accounts) TO '/tmp/pwned.csv'; --",
    "1; ATTACH '/tmp/pwned.duckdb' AS pwned; --",
    "\\'; DELETE FROM raw_agents; --",
    "$portfolios",
    "{teams}",
    "%s%s%n",
)
# Pieces of the strings above that no legitimate SQL of the product contains (case matters:
# the product writes its SQL in lower case).
MARKERS = (
    "DROP TABLE raw_payments",
    "DROP TABLE imports",
    "OR '1'='1",
    "UNION ALL SELECT customer_name",
    "pwned",
    "DELETE FROM raw_agents",
    "DELETE FROM imports",
)
PWNED = (Path("/tmp/pwned.csv"), Path("/tmp/pwned.duckdb"))

# Names in the database that are themselves injection strings (all valid ids: <= 64 chars).
AGENT = "G'; DROP TABLE raw_payments; --"
TEAM = "T'); DROP TABLE imports; --"
PLAN = "p' OR '1'='1"
PORTFOLIO = "BANK'; DELETE FROM raw_agents; --"
ACCOUNT = "A'--"


def build(base_db: Path, db_path: Path, folder: Path) -> tuple[Path, Path]:
    """A copy of the base database plus an agent, team, plan, portfolio and account named by
    injection strings (with a payment in October 2026); returns (database, plans file)."""
    shutil.copyfile(base_db, db_path)
    files = {
        "hostile_agents.csv": (
            "agents",
            "agent_id,agent_name,team,plan\n"
            + _csv_row([AGENT, "Mallory'); --", TEAM, PLAN])
            + _csv_row(["G2", "韩梅梅", "T1", "ladder"]),
        ),
        "hostile_accounts.csv": (
            "accounts",
            "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,"
            "days_past_due,agent_id\n"
            + _csv_row(
                [ACCOUNT, "2026-10-31", PORTFOLIO, "2026-03-01", "700.00", "650.00", "61", AGENT]
            ),
        ),
        "hostile_payments.csv": (
            "payments",
            "payment_id,account_id,payment_date,amount,agent_id\n"
            + _csv_row(["H'1", ACCOUNT, "2026-10-09", "320.00", ""]),
        ),
    }
    specs = []
    for name, (kind, text) in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        specs.append(FileSpec(path, kind))
    # The hostile account alone replaces the October snapshot (confirmed: --replace).
    result = import_files(specs, db_path=db_path, user="hostile", replace=True)
    assert result.exit_code == 0, [f.problems for f in result.files]
    plans = folder / "hostile_plans.yaml"
    plans.write_text(
        yaml.safe_dump(
            {
                "default_plan": "standard",
                "plans": {
                    "standard": {"rate": 0.02},
                    "ladder": {"rate": 0.025},
                    PLAN: {"rate": 0.03},
                },
                "teams": {TEAM: {"pool_rate": 0.01, "target": 100}},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return db_path, plans


def _csv_row(cells: list[str]) -> str:
    return ",".join('"' + c.replace('"', '""') + '"' for c in cells) + "\n"


class Recorder:
    """A DuckDB connection that logs the SQL text of every statement it is given."""

    def __init__(self, con: Any, log: list[str]) -> None:
        self._con, self._log = con, log

    def execute(self, query: object, *args: Any, **kwargs: Any) -> Recorder:
        self._log.append(str(query))
        self._con.execute(query, *args, **kwargs)
        return self

    def sql(self, query: object, *args: Any, **kwargs: Any) -> Any:
        self._log.append(str(query))
        return self._con.sql(query, *args, **kwargs)

    def query(self, query: object, *args: Any, **kwargs: Any) -> Any:
        self._log.append(str(query))
        return self._con.query(query, *args, **kwargs)

    def cursor(self) -> Recorder:
        return Recorder(self._con.cursor(), self._log)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self._con.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


@contextmanager
def recording() -> Iterator[list[str]]:
    """Log the SQL text of every DuckDB statement run while the block runs."""
    log: list[str] = []
    real = duckdb.connect

    def connect(*args: Any, **kwargs: Any) -> Recorder:
        return Recorder(real(*args, **kwargs), log)

    duckdb.connect = connect  # type: ignore[assignment]
    try:
        yield log
    finally:
        duckdb.connect = real  # type: ignore[assignment]


def pasted(log: list[str]) -> list[str]:
    """The logged statements that contain a piece of a hostile value."""
    return [sql for sql in log if any(m in sql for m in MARKERS)]
