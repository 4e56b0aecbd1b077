"""``python -m dashboard report NAME``: output formats and clear errors (exit status 2)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dashboard import db
from dashboard.reports import KPI_REPORTS
from tests.kpi_fixtures import DELINQUENCY_AGENTS, build_db, delinquency_accounts

PAYMENTS = [
    ("P1", "A01", "2026-02-15", "1234.50"),
    ("P2", "A01", "2026-03-10", "-100.00", None, "P1"),
    ("P3", "A04", "2026-03-05", "50.00"),
]
CONTACTS = [
    ("K1", "A02", "G1", "2026-03-02 23:10:00", "call", "no_answer"),
    ("K2", "A02", "G1", "2026-03-02 10:00:00", "call", "right_party"),
    ("K3", "A02", "G1", "2026-03-03 09:00:00", "call", "no_answer"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("cli"),
        accounts=delinquency_accounts(),
        agents=DELINQUENCY_AGENTS,
        payments=PAYMENTS,
        contacts=CONTACTS,
    )


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_prints_money_with_two_places_and_plain_rates(
    world: Path, cli: Callable[..., Any]
) -> None:
    out = cli("report", "recovery", "--db", world)
    assert out.code == 0, out.err
    assert out.out.splitlines()[0] == "portfolio,accounts,placed_balance,collected,recovery_rate"
    p1 = rows(out.out)[0]
    # P1: A01 1234.50 - 100.00 = 1134.50 over placed 1000 + 500 + 80 + 250 + 50 + 120 = 2000.00
    # (A03 is P2 in its latest snapshot); 1134.50 / 2000 = 0.56725.
    assert p1 == {
        "portfolio": "P1",
        "accounts": "6",
        "placed_balance": "2000.00",
        "collected": "1134.50",
        "recovery_rate": "0.567250",
    }
    big = cli("report", "buckets", "--db", world, "--as-of", "2026-01-31")
    assert rows(big.out)[0]["balance"] == "1000.00"  # no thousands separator


def test_json_and_table(world: Path, cli: Callable[..., Any]) -> None:
    out = cli("report", "kpis", "--db", world, "--format", "json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert [r["period"] for r in data] == ["current", "previous"]
    assert data[0]["collected"] == "-50.00"  # exact decimal as text: March -100 + 50
    table = cli("report", "vintage", "--db", world, "--format", "table")
    assert table.out.split()[:3] == ["placement_month", "months_since_placement", "accounts"]


def test_compliance_presets_and_detail(world: Path, cli: Callable[..., Any]) -> None:
    cn = rows(cli("report", "compliance", "--db", world, "--from", "2026-03-01").out)
    assert [(r["rule"], r["violations"]) for r in cn] == [
        ("contact_hours", "1"),  # K1 at 23:10
        ("unanswered_calls_per_day", "0"),
    ]
    detail = rows(cli("report", "compliance", "--db", world, "--detail", "--rules", "us").out)
    # us: K1 after 21:00 and after the right-party call K2; K3 the next day, after K2.
    assert [(r["contact_id"], r["rule"]) for r in detail] == [
        ("K1", "call_after_conversation"),
        ("K1", "contact_hours"),
        ("K3", "call_after_conversation"),
    ]
    assert detail[0]["contacted_at"].startswith("2026-03-02")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["agents", "--from", "2026-03-10", "--to", "2026-03-01"], "is after"),
        (["roll-rates", "--from", "2026-03-10", "--to", "2026-03-01"], "is after"),
        (["buckets", "--portfolio", "NOPE"], "unknown portfolio NOPE"),
        (
            ["agents", "--team", "T9", "--agent", "G9"],
            "unknown team T9 (known: T1, T2); unknown agent G9",
        ),
        (["buckets", "--as-of", "2025-01-01"], "no snapshot on or before 2025-01-01"),
        (["roll-accounts", "--as-of", "2026-02-15"], "no snapshot before 2026-01-31"),
        (["collections", "--from", "2026-03-10", "--to", "2026-03-01"], "is after"),
        (["contact-mix", "--agent", "G9"], "unknown agent G9"),
    ],
)
def test_bad_input_is_a_message_and_exit_2(
    world: Path, cli: Callable[..., Any], args: list[str], message: str
) -> None:
    out = cli("report", *args, "--db", world)
    assert out.code == 2
    assert out.out == ""
    assert message in out.err and "Traceback" not in out.err


def test_argument_errors_exit_2(world: Path, cli: Callable[..., Any]) -> None:
    assert cli("report", "agents", "--db", world, "--from", "2026-02-30").code == 2
    assert cli("report", "compliance", "--db", world, "--rules", "eu").code == 2
    assert cli("report", "recovery", "--db", world, "--as-of", "2026-01-01").code == 2
    assert cli("report", "recovery", "--db", world, "--by", "channel").code == 2
    assert cli("report", "collections", "--db", world, "--by", "region").code == 2
    assert cli("report", "roll-accounts", "--db", world, "--to-state", "Gone").code == 2


def test_breakdown_reports(world: Path, cli: Callable[..., Any]) -> None:
    # A01 pays 1234.50 on Feb 15 and -100.00 on Mar 10 (reversal); A04 pays 50.00 on Mar 5.
    out = cli("report", "collections", "--db", world, "--by", "month", "--by", "portfolio")
    assert out.code == 0, out.err
    assert rows(out.out) == [
        {"month": "2026-02-01", "portfolio": "P1", "collected": "1234.50", "payments": "1"},
        {"month": "2026-03-01", "portfolio": "P1", "collected": "-100.00", "payments": "1"},
        {"month": "2026-03-01", "portfolio": "P2", "collected": "50.00", "payments": "1"},
    ]
    # S2 -> S3: M1 A12 -> M2 (the only cell), with its agent G3 of team T2.
    cell = cli("report", "roll-accounts", "--db", world, "--from-bucket", "M1", "--to-state", "M2")
    assert [(r["account_id"], r["agent_id"], r["team"]) for r in rows(cell.out)] == [
        ("A12", "G3", "T2")
    ]
    mix = cli("report", "contact-mix", "--db", world, "--format", "json")
    assert mix.code == 0, mix.err
    assert json.loads(mix.out) == [
        {"channel": "call", "outcome": "no_answer", "contacts": 2},
        {"channel": "call", "outcome": "right_party", "contacts": 1},
    ]


def test_missing_and_empty_databases(tmp_path: Path, cli: Callable[..., Any]) -> None:
    missing = cli("report", "buckets", "--db", tmp_path / "none.duckdb")
    assert missing.code == 2 and "does not exist" in missing.err
    assert not (tmp_path / "none.duckdb").exists()
    with db.connect(tmp_path / "empty.duckdb"):
        pass
    for name in KPI_REPORTS:  # the payout reports need a month first
        given = ["A1" for p in KPI_REPORTS[name].params if p.positional]  # an account id
        empty = cli("report", name, *given, "--db", tmp_path / "empty.duckdb")
        assert empty.code == 2 and "no account snapshot" in empty.err, (name, empty.err)
