"""The case reports legal and account-history (README.md, Reports; domain.md, "Case
management"): hand-made portfolios whose figures are worked out below, and seeded random
portfolios against an independent computation in pandas."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dashboard import db
from dashboard.engine import cases
from dashboard.engine.kpi_common import Filters, ReportError
from dashboard.reports import REPORTS
from tests.kpi_fixtures import build_db, random_world
from tests.test_kpi_properties import FILTERS, SEEDS, World, tuples

m = Decimal
S1, S2, S3, S4 = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)
AGENTS = [("G1", "Ann", "T1"), ("G2", "Bo", "T2")]


def snap(acct: str, as_of: date, balance: str, status: str, agent: str = "G1") -> tuple:
    portfolio = "P2" if acct == "L4" else "P1"
    return (acct, as_of, portfolio, "2025-10-01", "5000.00", balance, 200, agent, status)


# L1: legal S1..S2, open in S3 (the stay ends at S3), legal again in S4 (a second stay).
# L2: open S1, legal S2..S4 (still in legal).
# L3: legal S1, absent from S2 (the stay ends there), open in S3.
# L4: legal in S3 and S4, agent G2, portfolio P2.
ACCOUNTS = [
    snap("L1", S1, "1000.00", "legal"), snap("L1", S2, "900.00", "legal"),
    snap("L1", S3, "800.00", "open"), snap("L1", S4, "700.00", "legal"),
    snap("L2", S1, "2000.00", "open"), snap("L2", S2, "2000.00", "legal"),
    snap("L2", S3, "1900.00", "legal"), snap("L2", S4, "1500.00", "legal"),
    snap("L3", S1, "300.00", "legal"), snap("L3", S3, "300.00", "open"),
    snap("L4", S3, "4000.00", "legal", "G2"), snap("L4", S4, "4000.00", "legal", "G2"),
]  # fmt: skip
PAYMENTS = [
    ("P1", "L1", "2026-01-31", "50.00"),   # on L1's entry date: not after entry
    ("P2", "L1", "2026-02-10", "100.00"),  # in L1's first stay
    ("P3", "L1", "2026-03-31", "100.00"),  # on the exit snapshot's date: still in the stay
    ("P4", "L1", "2026-04-05", "70.00"),   # after the first stay, during the second
    ("P5", "L2", "2026-03-01", "100.00"),
    ("P6", "L2", "2026-04-01", "400.00"),
    ("P7", "L2", "2026-04-02", "-100.00", None, "P6"),  # a reversal of part: net 300
    ("P8", "L3", "2026-02-15", "30.00"),   # before S2, the snapshot that ends L3's stay
]  # fmt: skip


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("legal"), accounts=ACCOUNTS, payments=PAYMENTS, agents=AGENTS
    )


def test_legal_by_hand(hand: Path) -> None:
    with db.connect(hand) as con:
        got = tuples(cases.legal(con))
        before_s3 = tuples(cases.legal(con, Filters(as_of=date(2026, 3, 15))))
        g2 = tuples(cases.legal(con, Filters(agents=["G2"])))
        p1 = tuples(cases.legal(con, Filters(portfolios=["P1"])))
    # 2026-01: L1's first stay (1000.00, exit S3: 2 months; in legal P2 + P3 = 200; after
    # entry P2+P3+P4 = 270) and L3 (300.00, absent from S2, which ends the stay: 1 month; P8
    # is dated before S2: 30 in legal and after entry). 2 stays, 1300.00, none still in legal,
    # (2 + 1) / 2 = 1.5 months, in legal 230, recovery 300 / 1300 = 0.2307692 -> 0.230769.
    jan = ("2026-01", 2, m("1300.00"), 0, m("1.5"), m("230.00"), m("300.00"), m("0.230769"))
    # 2026-02: L2 (2000.00, still in legal: S2 -> S4 = 2 months; P5 + P6 + P7 = 400 in legal).
    feb = ("2026-02", 1, m("2000.00"), 1, m("2.0"), m("400.00"), m("400.00"), m("0.200000"))
    # 2026-03: L4 (4000.00, G2, still in legal, 1 month, nothing paid).
    mar = ("2026-03", 1, m("4000.00"), 1, m("1.0"), m("0.00"), m("0.00"), m("0.000000"))
    # 2026-04: L1's second stay (700.00, 0 months; nothing paid after 2026-04-30).
    apr = ("2026-04", 1, m("700.00"), 1, m("0.0"), m("0.00"), m("0.00"), m("0.000000"))
    assert got == [jan, feb, mar, apr]
    # Up to 2026-03-15: snapshots S1, S2; L1's stay is not over (2026-02 is the latest), L3's
    # is; payments up to 2026-03-15: P2 for L1 (1 month S1 -> S2), P8 for L3, P5 for L2.
    assert before_s3 == [
        ("2026-01", 2, m("1300.00"), 1, m("1.0"), m("130.00"), m("130.00"), m("0.100000")),
        ("2026-02", 1, m("2000.00"), 1, m("0.0"), m("100.00"), m("100.00"), m("0.050000")),
    ]
    assert g2 == [mar]
    assert p1 == [jan, feb, apr]


def test_legal_refuses_an_as_of_before_the_first_snapshot(hand: Path) -> None:
    with db.connect(hand) as con, pytest.raises(ReportError, match="no snapshot on or before"):
        cases.legal(con, Filters(as_of=S1 - timedelta(days=1)))


# -- random portfolios ------------------------------------------------------------------------


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    raw = random_world(request.param)
    path = build_db(tmp_path_factory.mktemp(f"legal{request.param}"), **raw)
    return path, World(raw)


def ref_legal(w: World, f: dict[str, list[str]], as_of: date) -> list[tuple[Any, ...]]:
    """domain.md's legal escalation, by walking each account's snapshots in date order."""
    dates = [d for d in w.dates if d <= as_of]
    rows = w.acc[w.acc["as_of_date"] <= as_of].set_index(["account_id", "as_of_date"])
    per: dict[date, list[Any]] = {}
    for acct in sorted(w.acc["account_id"].unique()):
        stay: dict[str, Any] | None = None
        stays = []
        for d in dates:
            legal = (acct, d) in rows.index and rows.loc[(acct, d), "status"] == "legal"
            if legal and stay is None:
                r = rows.loc[(acct, d)]
                stay = {"entry": d, "balance": r["current_balance"], "agent": r["agent_id"]}
            elif not legal and stay is not None:
                stays.append({**stay, "exit": d})
                stay = None
        if stay is not None:
            stays.append({**stay, "exit": None})
        pays = w.pay[(w.pay["account_id"] == acct) & (w.pay["payment_date"] <= as_of)]
        for s in stays:
            if not (w.account_ok(acct, f) and w.agent_ok(s["agent"], f)):
                continue
            after = pays[pays["payment_date"] > s["entry"]]
            inside = after if s["exit"] is None else after[after["payment_date"] <= s["exit"]]
            end = s["exit"] or dates[-1]
            months = (end.year - s["entry"].year) * 12 + end.month - s["entry"].month
            acc = per.setdefault(s["entry"].replace(day=1), [0, m(0), 0, 0, m(0), m(0)])
            acc[0] += 1
            acc[1] += s["balance"]
            acc[2] += s["exit"] is None
            acc[3] += months
            acc[4] += sum(inside["amount"], m(0))
            acc[5] += sum(after["amount"], m(0))
    six, tenth = m("0.000001"), m("0.1")
    out = []
    for month, (n, bal, now, months, inside, after) in sorted(per.items()):
        recovery = None if bal == 0 else (after / bal).quantize(six, "ROUND_HALF_UP")
        out.append((
            month.strftime("%Y-%m"), n, bal, now, (m(months) / n).quantize(tenth, "ROUND_HALF_UP"),
            inside, after, recovery,
        ))  # fmt: skip
    return out


@pytest.mark.parametrize("f", FILTERS)
def test_legal_against_pandas(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    with db.connect(path) as con:
        for as_of in (w.dates[-1], w.dates[len(w.dates) // 2]):
            expected = ref_legal(w, f, as_of)
            assert f or any(r[1] for r in expected), "a world with accounts in legal"
            assert tuples(cases.legal(con, Filters(as_of=as_of, **f))) == expected


# -- account history --------------------------------------------------------------------------

HISTORY_CONTACTS = [
    ("K1", "L2", "G1", "2026-03-01T09:30:00", "call", "promise_to_pay", "100.00", "2026-03-05"),
    ("K2", "L2", "G2", "2026-03-01T08:00:00", "sms", "no_answer"),
    ("K3", "L2", "G1", "2026-04-01T10:00:00", "call", "promise_to_pay", "500.00", "2026-04-02"),
]  # fmt: skip


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("history"),
        accounts=ACCOUNTS,
        payments=PAYMENTS,
        agents=AGENTS,
        contacts=HISTORY_CONTACTS,
    )


def test_account_history_by_hand(story: Path) -> None:
    with db.connect(story) as con:
        got = cases.account_history(con, account="L2").to_pylist()
    row = dict.fromkeys(REPORTS["account-history"].columns)

    def ev(day: date, event: str, **values: Any) -> dict[str, Any]:
        return {**row, "account_id": "L2", "event_date": day, "event": event, **values}

    def snapshot(day: date, balance: str, status: str) -> dict[str, Any]:
        return ev(day, "snapshot", agent_id="G1", balance=m(balance), days_past_due=200,
                  state="M7+", status=status)  # fmt: skip

    # L2: the snapshots S1 (open, dpd 200: bucket M7+ by default settings), S2..S4 (legal);
    # P5 on 03-01 after the two contacts of that day (08:00 before 09:30); P6 and its
    # reversal P7; K1 promised 100 by 03-05: P5 (100 on 03-01) keeps it; K3 promised 500 by
    # 04-02: P6 400 - P7 100 = 300 through 04-05 does not.
    mar1, apr1 = date(2026, 3, 1), date(2026, 4, 1)
    expected = [
        snapshot(S1, "2000.00", "open"),
        snapshot(S2, "2000.00", "legal"),
        ev(mar1, "contact", event_time="08:00:00", ref="K2", agent_id="G2", channel="sms",
           outcome="no_answer"),
        ev(mar1, "contact", event_time="09:30:00", ref="K1", agent_id="G1", amount=m("100.00"),
           channel="call", outcome="promise_to_pay", promise_date=date(2026, 3, 5),
           promise_kept=True),
        ev(mar1, "payment", ref="P5", agent_id="G1", amount=m("100.00")),
        snapshot(S3, "1900.00", "legal"),
        ev(apr1, "contact", event_time="10:00:00", ref="K3", agent_id="G1", amount=m("500.00"),
           channel="call", outcome="promise_to_pay", promise_date=date(2026, 4, 2),
           promise_kept=False),
        ev(apr1, "payment", ref="P6", agent_id="G1", amount=m("400.00")),
        ev(date(2026, 4, 2), "reversal", ref="P7", agent_id="G1", amount=m("-100.00")),
        snapshot(S4, "1500.00", "legal"),
    ]  # fmt: skip
    assert got == expected


def test_account_history_takes_a_masked_id_that_matches_one_account(story: Path) -> None:
    with db.connect(story) as con:
        with pytest.raises(ReportError, match="4 accounts match L\\*"):
            cases.match_account(con, "L*")
        with pytest.raises(ReportError, match="no account L5"):
            cases.match_account(con, "L5")
        with pytest.raises(ReportError, match="no account L_"):  # _ is no wildcard
            cases.match_account(con, "L_")
        assert cases.match_account(con, " *4 ") == "L4"
        assert (
            cases.account_history(con, account="*3").column("account_id").to_pylist() == ["L3"] * 3
        )  # S1, S3 and P8
