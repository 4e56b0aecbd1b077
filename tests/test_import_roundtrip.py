"""Round trip: generated extracts -> import -> the database holds exactly what the files say.

Expected counts and sums are computed independently from the CSV files with plain pandas
(text columns, money summed as Decimal), never from the importer.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.ingest.importer import FileSpec, import_files
from dashboard.paths import SAMPLE_DATA
from tests.conftest import query

pytestmark = pytest.mark.xdist_group("heavy")


def dec_sum(series: pd.Series) -> Decimal:
    return sum((Decimal(v) for v in series.dropna()), Decimal("0.00"))


def expected(folder: Path) -> dict[str, object]:
    acc = pd.concat(
        [
            pd.read_csv(p, dtype=str, keep_default_na=False)
            for p in sorted(folder.glob("accounts_*.csv"))
        ]
    )
    pay = pd.read_csv(folder / "payments.csv", dtype=str, keep_default_na=False)
    con = pd.read_csv(folder / "contacts.csv", dtype=str, keep_default_na=False)
    agents = pd.read_csv(folder / "agents.csv", dtype=str, keep_default_na=False)
    by_date = acc.groupby("as_of_date").agg(
        n=("account_id", "size"),
        balance=("current_balance", dec_sum),
        placed=("placed_balance", dec_sum),
        dpd=("days_past_due", lambda s: sum(int(v) for v in s)),
    )
    return {
        "snapshots": sorted(
            (pd.Timestamp(d).date(), int(r.n), r.balance, r.placed, int(r.dpd))
            for d, r in by_date.iterrows()
        ),
        "payments": (
            len(pay),
            dec_sum(pay["amount"]),
            int((pay["amount"].str.startswith("-")).sum()),
        ),
        "contacts": sorted(con.groupby("outcome").size().items()),
        "promised": dec_sum(con["promise_amount"].replace("", None)),
        "agents": sorted(agents["agent_id"]),
        "teams": sorted(agents["team"].unique()),
    }


def actual(db_path: Path) -> dict[str, object]:
    return {
        "snapshots": query(
            db_path,
            "select as_of_date, count(*), sum(current_balance), sum(placed_balance), "
            "sum(days_past_due) from stg_accounts group by 1 order by 1",
        ),
        "payments": query(
            db_path,
            "select count(*), sum(amount), count(*) filter (where amount < 0) from stg_payments",
        )[0],
        "contacts": query(
            db_path, "select outcome, count(*) from stg_contacts group by 1 order by 1"
        ),
        "promised": query(db_path, "select sum(promise_amount) from stg_contacts")[0][0],
        "agents": [r[0] for r in query(db_path, "select agent_id from stg_agents order by 1")],
        "teams": [r[0] for r in query(db_path, "select distinct team from stg_agents order by 1")],
    }


def check_round_trip(folder: Path, db_path: Path) -> None:
    files = sorted(folder.glob("*.csv"))
    result = import_files([FileSpec(f) for f in files], db_path=db_path)
    assert result.committed and result.exit_code == 0, [
        (f.file_name, f.refused_whole, f.rows_refused) for f in result.files
    ]
    want, got = expected(folder), actual(db_path)
    for key in want:
        assert got[key] == want[key], key
    # Every row of every file is accounted for in the import log.
    rows = sum(len(pd.read_csv(f, dtype=str)) for f in files)
    assert query(
        db_path, "select sum(rows_accepted + rows_duplicate + rows_refused) from imports"
    ) == [(rows,)]


def test_committed_sample_round_trip(tmp_path: Path) -> None:
    check_round_trip(SAMPLE_DATA, tmp_path / "s.duckdb")


def test_generated_sample_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert (
        main(["sample", "--out", str(out), "--accounts", "800", "--months", "4", "--seed", "7"])
        == 0
    )
    check_round_trip(out, tmp_path / "g.duckdb")


def test_init_loads_the_sample_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "i.duckdb"
    assert main(["init", "--db", str(db_path)]) == 0
    n = query(db_path, "select count(*) from imports")[0][0]
    assert n == len(list(SAMPLE_DATA.glob("*.csv")))
    assert main(["init", "--db", str(db_path)]) == 0
    assert "already holds data" in capsys.readouterr().out
    assert query(db_path, "select count(*) from imports")[0][0] == n
