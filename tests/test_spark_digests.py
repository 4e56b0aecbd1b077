"""An approval's digests are the same whichever engine read the facts (issue 16).

payouts/fact_digests (the facts_digest's inputs: MD5 of canonical row text, macros.sql
digest_text) run on DuckDB and on Spark from a lake of the same database give the same digest
for every kind and month, so the facts_digest of every month is the same; the day rows the
data fingerprint digests (``digests.table_text`` of payouts/agent_days) are the same bytes.
The sample data has no approvals, so the reports of test_spark_equality never read these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import db, lake
from dashboard.payouts import digests, facts
from dashboard.payouts.values import Period
from tests.spark_support import spark_session

pytestmark = pytest.mark.xdist_group("spark")


@pytest.fixture(scope="module")
def spark(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from dashboard import spark as engine

    session = spark_session()
    folder = tmp_path_factory.mktemp("lake") / "lake"
    with db.connect(sample_db, read_only=True) as con:
        lake.export(con, folder)
    engine.register_lake(session, folder)
    yield session


def test_fact_digests_are_the_same_on_spark(spark: Any, sample_db: Path) -> None:
    from dashboard import spark as engine

    with db.connect(sample_db, read_only=True) as con:
        want = db.run(con, "payouts/fact_digests")
        first = facts.first_activity(con)
    got = engine.run(spark, "payouts/fact_digests")
    assert got.schema == want.schema
    key = ["kind", "period"]
    assert got.sort_by([(k, "ascending") for k in key]).to_pylist() == want.to_pylist()
    kinds = {r["kind"] for r in want.to_pylist()}
    assert {"payments", "contacts", "complaints", "agents"} <= kinds
    rows = want.to_pylist()
    digested = {(r["kind"], Period.parse(r["period"]) if r["period"] else None): r["digest"]
                for r in rows}  # fmt: skip
    on_spark = {(r["kind"], Period.parse(r["period"]) if r["period"] else None): r["digest"]
                for r in got.to_pylist()}  # fmt: skip
    months = sorted({p for _, p in digested if p is not None})
    for month in months:
        ours = facts.facts_digest(month, digested, first)
        assert ours == facts.facts_digest(month, on_spark, first)
        assert ours.startswith(digests.VERSION)


def test_the_day_rows_digest_alike_on_spark(spark: Any, sample_db: Path) -> None:
    from dashboard import spark as engine

    with db.connect(sample_db, read_only=True) as con:
        sql = "select min(payment_date), max(payment_date) from stg_payments"
        ((lo, hi),) = con.execute(sql).fetchall()
        params = {"date_from": lo, "date_to": hi}
        want = db.run(con, "payouts/agent_days", params)
    got = engine.run(spark, "payouts/agent_days", params)
    assert want.num_rows > 100
    cols = ["agent_id", "payment_date", "net_amount"]
    got = got.sort_by([("agent_id", "ascending"), ("payment_date", "ascending")])
    ours = hashlib.sha256(digests.table_text(want.select(cols))).hexdigest()
    assert hashlib.sha256(digests.table_text(got.select(cols))).hexdigest() == ours
