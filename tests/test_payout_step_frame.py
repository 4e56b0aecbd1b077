"""The frame every closing step runs in (``approvals._step_transaction``): one transaction,
committed when the step ends, rolled back when it fails, the error kept or turned into a
refusal for a person; and the steps' writes are query files with bound parameters."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from dashboard import db
from dashboard.payouts import approvals
from dashboard.payouts.approvals import ApprovalRefused
from dashboard.payouts.values import Period

ROOT = Path(__file__).resolve().parent.parent
OCT = Period(2026, 10)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("create table t (k integer primary key)")
    return c


def rows(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in con.execute("select k from t order by k").fetchall()]


def test_a_step_that_ends_is_committed(con: duckdb.DuckDBPyConnection) -> None:
    with approvals._step_transaction(con, OCT, "approve"):
        con.execute("insert into t values (1)")
    assert rows(con) == [1]


def test_a_step_that_fails_leaves_nothing_and_keeps_its_error(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(RuntimeError, match="half way"):
        with approvals._step_transaction(con, OCT, "prepare"):
            con.execute("insert into t values (1)")
            raise RuntimeError("half way")
    assert rows(con) == []
    with pytest.raises(ApprovalRefused, match="not prepared"):
        with approvals._step_transaction(con, OCT, "approve"):
            con.execute("insert into t values (2)")
            raise ApprovalRefused(approvals.Message("payout.refuse_not_prepared", period="x"))
    assert rows(con) == []


def test_a_step_that_lost_to_another_is_refused_for_a_person(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute("insert into t values (1)")
    with pytest.raises(ApprovalRefused) as refused:
        with approvals._step_transaction(con, OCT, "reopen"):
            con.execute("insert into t values (2)")
            con.execute("insert into t values (1)")  # the key refuses it, as payout_steps'
    assert "2026-10" in str(refused.value)
    assert isinstance(refused.value.__cause__, duckdb.ConstraintException)
    assert rows(con) == [1]


def test_every_step_uses_the_one_frame_and_its_updates_are_query_files() -> None:
    source = (ROOT / "dashboard" / "payouts" / "approvals.py").read_text(encoding="utf-8")
    assert source.count('"begin transaction"') == 1  # the frame's, not one per step
    assert source.count("_step_transaction(con, period, ") == 3  # prepare, approve, reopen
    assert not re.search(r"\bupdate\s+payout_approvals\b", source, re.I)
    for name in ("approve", "reopen"):
        text = db.query_text(f"payouts/{name}")
        assert re.search(r"^update payout_approvals$", text, re.M) and "$id" in text
