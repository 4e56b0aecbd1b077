"""The pacing report (README.md, Reports, pacing; domain.md, "pacing") on a hand-made book with
hand-computed figures, its edges (a month with nothing or less collected, too little history,
a day beyond a short month, the month's last day), and against an independent plain-pandas
computation on seeded random books.

Every share is a month's net collected through day D over its net collected, to 6 places half
away from zero; the expected share their mean, to 6 places; projected = collected to date /
expected share, to the cent; attainment = projected / target, to 6 places.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from dashboard import db
from dashboard.engine.kpi_common import Filters, ReportError
from dashboard.engine.pacing import PACING_SCHEMA, pacing, pacing_total
from tests.kpi_fixtures import build_db

D = Decimal
AGENTS = [("G1", "Gao", "T1"), ("G2", "Hu", "T1"), ("G3", "Li", "T2"), ("G4", "Ma", "T2")]
ACCOUNTS = [
    (a, "2026-01-31", "P1", "2025-09-01", "1000.00", "900.00", 10, g)
    for a, g in (("A1", "G1"), ("A2", "G2"), ("A3", "G3"))
]
# As of 2026-05-15 (D = 15): the period is May, the previous months April, March, February;
# the first payment (January 10) is before February 1, so all three are complete.
PAYMENTS = [
    ("J1", "A1", "2026-01-10", "100.00", "G1"),
    # G1: Feb 300 by the 15th of 1,000.00 (0.3), Mar 400 of 800 (0.5), Apr 250 of 1,000 (0.25):
    # mean 0.35; May 700.00 to date (the 16th's 5,000.00 is after d): 700 / 0.35 = 2,000.00,
    # target 2,500.00: 0.8.
    ("G1a", "A1", "2026-02-05", "300.00", "G1"),
    ("G1b", "A1", "2026-02-20", "700.00", "G1"),
    ("G1c", "A1", "2026-03-10", "400.00", "G1"),
    ("G1d", "A1", "2026-03-25", "400.00", "G1"),
    ("G1e", "A1", "2026-04-15", "250.00", "G1"),  # the 15th itself counts
    ("G1f", "A1", "2026-04-16", "750.00", "G1"),
    ("G1g", "A1", "2026-05-03", "700.00", "G1"),
    ("G1h", "A1", "2026-05-16", "5000.00", "G1"),
    # G2: Feb 600 (all by the 1st); March 500 on the 3rd and the February payment reversed on
    # the 20th: net -100.00, not above 0: no projection; May 200.00 to date.
    ("G2a", "A2", "2026-02-01", "600.00", "G2"),
    ("G2b", "A2", "2026-03-03", "500.00", "G2"),
    ("G2c", "A2", "2026-03-20", "-600.00", "G2", "G2a"),
    ("G2d", "A2", "2026-04-30", "300.00", "G2"),
    ("G2e", "A2", "2026-05-10", "200.00", "G2"),
    # G3 (team T2): Feb 900 on the 28th (0), Mar 300 on the 1st (1), Apr 100 of 300 (0.333333):
    # mean 1.333333 / 3 = 0.444444; May 100.00: 100 / 0.444444 = 225.000225 -> 225.00.
    ("G3a", "A3", "2026-02-28", "900.00", "G3"),
    ("G3b", "A3", "2026-03-01", "300.00", "G3"),
    ("G3c", "A3", "2026-04-02", "100.00", "G3"),
    ("G3d", "A3", "2026-04-29", "200.00", "G3"),
    ("G3e", "A3", "2026-05-01", "100.00", "G3"),
    ("X1", "ORPHAN", "2026-05-02", "999.00", "G1"),  # no snapshot holds it: counts nowhere
]
TARGETS = [
    ("2026-05", "agent", "G1", "2500"),
    ("2026-05", "agent", "G4", "1000"),  # G4 collects nothing: shown, not projected
    ("2026-05", "team", "T1", "3000"),
    ("2026-05", "team", "T2", "500"),
    ("2026-04", "team", "T1", "1"),  # another month's: not this one's
]
COLUMNS = ("level", "id", "target", "collected_to_date", "expected_share", "projected",
           "projected_attainment", "no_projection")  # fmt: skip


def run(path: Path, as_of: date | None = None) -> list[tuple]:
    with db.connect(path, read_only=True) as con:
        table = pacing(con, Filters(as_of=as_of))
    assert table.schema == PACING_SCHEMA
    return [tuple(r[c] for c in COLUMNS) for r in table.to_pylist()]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    payments = [(*p[:5], p[5] if len(p) > 5 else None) for p in PAYMENTS]
    return build_db(
        tmp_path_factory.mktemp("pacing"),
        agents=AGENTS,
        accounts=ACCOUNTS,
        payments=payments,
        targets=TARGETS,
    )


def test_pacing_by_hand(book: Path) -> None:
    assert run(book, date(2026, 5, 15)) == [
        ("agent", "G1", D("2500.00"), D("700.00"), D("0.35"), D("2000.00"), D("0.8"), None),
        ("agent", "G2", None, D("200.00"), None, None, None, "month_not_positive"),
        ("agent", "G3", None, D("100.00"), D("0.444444"), D("225.00"), None, None),
        ("agent", "G4", D("1000.00"), D("0.00"), None, None, None, "month_not_positive"),
        # T1 = G1 + G2. Feb: 900 of 1,600 (0.5625); Mar: 900 of 700 (1.285714); Apr: 250 of
        # 1,300 (0.192308); mean 2.040522 / 3 = 0.680174; May 900.00 / 0.680174 = 1,323.1909
        # -> 1,323.19; / 3,000.00 = 0.441063.
        ("team", "T1", D("3000.00"), D("900.00"), D("0.680174"), D("1323.19"), D("0.441063"),
         None),
        # T2 = G3 (G4 collects nothing): G3's figures; 225.00 / 500.00 = 0.45.
        ("team", "T2", D("500.00"), D("100.00"), D("0.444444"), D("225.00"), D("0.45"), None),
        # Everyone. Feb: 900 of 2,500 (0.36); Mar: 1,200 of 1,000 (1.2); Apr: 350 of 1,600
        # (0.21875); mean 1.77875 / 3 = 0.592917; 1,000.00 / 0.592917 = 1,686.5767 -> 1,686.58;
        # the teams' targets 3,500.00: 0.481880.
        ("total", None, D("3500.00"), D("1000.00"), D("0.592917"), D("1686.58"), D("0.48188"),
         None),
    ]  # fmt: skip


def test_the_default_as_of_is_the_latest_payment_and_too_little_history_is_said(book: Path):
    # Default d: the latest payment, 2026-05-16 (G1's 5,000.00 now counts).
    with db.connect(book, read_only=True) as con:
        table = pacing(con)
    total = pacing_total(table)
    assert total is not None
    assert (total["period"], total["date_to"]) == ("2026-05", date(2026, 5, 16))
    assert total["collected_to_date"] == D("6000.00")
    # As of 2026-04-15 the 3 months before April are January to March: the payments begin
    # on January 10, so January is incomplete: nothing is projected.
    rows = run(book, date(2026, 4, 15))
    assert {r[-1] for r in rows} == {"short_history"}
    assert {r[4] for r in rows} | {r[5] for r in rows} == {None}
    # April to the 15th: G1's 250.00 and G3's 100.00; the April target of T1 is the total's.
    assert [r[:4] for r in rows] == [
        ("agent", "G1", None, D("250.00")),
        ("agent", "G3", None, D("100.00")),
        ("team", "T1", D("1.00"), D("250.00")),
        ("team", "T2", None, D("100.00")),
        ("total", None, D("1.00"), D("350.00")),
    ]


@pytest.fixture(scope="module")
def short_months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    payments = [
        ("H1", "A1", "2025-10-05", "10.00", "G1"),
        ("H2", "A1", "2025-11-05", "10.00", "G1"),
        ("D1", "A1", "2025-12-30", "100.00", "G1"),
        ("D2", "A1", "2025-12-31", "100.00", "G1"),
        ("J1", "A1", "2026-01-30", "200.00", "G1"),
        ("J2", "A1", "2026-01-31", "200.00", "G1"),
        ("F1", "A1", "2026-02-28", "300.00", "G1"),
        ("M1", "A1", "2026-03-30", "400.00", "G1"),
    ]
    return build_db(
        tmp_path_factory.mktemp("short"),
        agents=AGENTS[:1],
        accounts=ACCOUNTS[:1],
        payments=[(*p, None) for p in payments],
    )


def test_a_day_beyond_a_short_month_is_its_last_day(short_months: Path) -> None:
    # As of 2026-03-30: Dec through the 30th 100 of 200 (0.5), Jan through the 30th 200 of 400
    # (0.5), Feb through the 30th is all of February (1): mean 0.666667; 400 / 0.666667 =
    # 599.9997 -> 600.00.
    (agent, _, total) = run(short_months, date(2026, 3, 30))
    assert agent[:6] == ("agent", "G1", None, D("400.00"), D("0.666667"), D("600.00"))
    assert total[3:6] == (D("400.00"), D("0.666667"), D("600.00"))


def test_on_the_last_day_of_a_month_every_month_counts_whole(short_months: Path) -> None:
    # As of 2026-02-28, February's last day: the month is complete, so each earlier month counts
    # to its end (Nov, Dec, Jan: 1 each), not to the 28th (January's share would be 0).
    (agent, _, _) = run(short_months, date(2026, 2, 28))
    assert agent[3:6] == (D("300.00"), D("1.000000"), D("300.00"))
    (agent, _, _) = run(short_months, date(2026, 3, 31))
    assert agent[3:6] == (D("400.00"), D("1.000000"), D("400.00"))


def test_no_payment_at_all_is_refused_and_the_cli_says_why(tmp_path: Path, cli) -> None:
    path = build_db(tmp_path, agents=AGENTS, accounts=ACCOUNTS)
    with db.connect(path, read_only=True) as con, pytest.raises(ReportError, match="no payment"):
        pacing(con)
    r = cli("report", "pacing", "--db", path)
    assert r.code == 2 and "error: no payment is loaded" in r.err
    # With --as-of, nothing collected and nothing to project from, and said so.
    rows = run(path, date(2026, 5, 1))
    assert rows == [("total", None, None, D("0.00"), None, None, None, "short_history")]
    r = cli("report", "pacing", "--db", path, "--team", "T1")
    assert r.code == 2  # no dimension filters: targets are the agents' and teams'


# --- against plain pandas on random books --------------------------------------------------


def _random_book(seed: int) -> tuple[dict, date]:
    rnd = random.Random(seed)
    agents = [("G1", "A", "T1"), ("G2", "B", "T1"), ("G3", "C", "T2"), ("G4", "D", "T3")]
    owners = {f"R{n:02d}": rnd.choice(["G1", "G2", "G3", "G4", "G5"]) for n in range(25)}
    accounts = [(a, "2026-01-31", "P1", "2025-06-01", "100.00", "50.00", 5, g)
                for a, g in owners.items()]  # fmt: skip
    as_of = date(2026, 2, 1) + timedelta(days=rnd.randrange(0, 150))
    first = date(2025, 9, 1) + timedelta(days=rnd.randrange(0, 150))  # maybe too little history
    payments: list[tuple] = []
    span = (as_of - first).days + 20  # a few after d too
    for n in range(rnd.randrange(40, 160)):
        acct = rnd.choice([*owners, "ORPHAN"])
        day = first + timedelta(days=rnd.randrange(span))
        agent = rnd.choice(["G1", "G2", "G3", "G4", "G5"])
        payments.append((f"Y{n}", acct, day.isoformat(), f"{rnd.randrange(1, 90000) / 100:.2f}",
                         agent, None))  # fmt: skip
    for n in range(rnd.randrange(0, 25)):
        orig = rnd.choice(payments[:40])
        day = date.fromisoformat(orig[2]) + timedelta(days=rnd.randrange(0, 50))
        payments.append((f"V{n}", orig[1], day.isoformat(), f"-{orig[3]}", orig[4], orig[0]))
    period = f"{as_of:%Y-%m}"
    targets = [(period, "agent", g, f"{rnd.randrange(1, 500000) / 100:.2f}")
               for g in ("G1", "G2", "G3", "G4") if rnd.random() < 0.7]  # fmt: skip
    targets += [(period, "team", t, f"{rnd.randrange(1, 900000) / 100:.2f}")
                for t in ("T1", "T2", "T3") if rnd.random() < 0.7]  # fmt: skip
    data = {"agents": agents, "accounts": accounts, "payments": payments, "targets": targets}
    return data, as_of


def _r6(x: Decimal) -> Decimal:
    return x.quantize(D("0.000001"), rounding=ROUND_HALF_UP)


def _expected(data: dict, as_of: date) -> list[tuple]:
    """README's definition, computed with pandas and Decimal from the rows written."""
    pay = pd.DataFrame(data["payments"], columns=["id", "acct", "day", "amount", "agent", "rev"])
    pay["day"] = pd.to_datetime(pay["day"]).dt.date
    pay["amount"] = pay["amount"].map(D)
    first = pay["day"].min()
    known = {a[0] for a in data["accounts"]}
    pay = pay[pay["acct"].isin(known) & (pay["day"] <= as_of)].copy()
    team = {a: t for a, _, t in data["agents"]}
    pay["team"] = pay["agent"].map(team)
    start = as_of.replace(day=1)

    def month_back(d: date) -> int:
        return (start.year - d.year) * 12 + start.month - d.month

    pay["k"] = pay["day"].map(month_back)
    pay = pay[pay["k"] <= 3]
    last = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    day_no = 31 if as_of == last else as_of.day
    pay["by_day"] = pay["day"].map(lambda d: d.day <= day_no)
    three_back = date(start.year - (start.month <= 3), (start.month - 4) % 12 + 1, 1)
    complete = first < three_back
    targets = {(lv, i): D(t) for _, lv, i, t in data["targets"]}
    team_targets = [t for (lv, _), t in targets.items() if lv == "team"]

    def measure(level: str, who: str | None, rows: pd.DataFrame) -> tuple:
        target = sum(team_targets, D(0)) if level == "total" and team_targets else None
        target = targets.get((level, who), target)
        collected = sum(rows.loc[rows["k"] == 0, "amount"], D("0.00"))
        shares, positive = [], True
        for k in (1, 2, 3):
            month = rows[rows["k"] == k]
            net = sum(month["amount"], D(0))
            if net <= 0:
                positive = False
                break
            shares.append(_r6(sum(month.loc[month["by_day"], "amount"], D(0)) / net))
        share = _r6(sum(shares, D(0)) / 3) if positive else None
        reason = (
            "short_history" if not complete
            else "month_not_positive" if not positive
            else "share_not_positive" if share is not None and share <= 0 else None
        )  # fmt: skip
        projected = None
        attained = None
        if reason is None:
            projected = (collected / share).quantize(D("0.01"), rounding=ROUND_HALF_UP)
            attained = _r6(projected / target) if target else None
        shown = share if reason in (None, "share_not_positive") else None
        return (level, who, target, collected, shown, projected, attained, reason)

    out = []
    period_rows = pay[pay["k"] == 0]
    agents = sorted({i for lv, i in targets if lv == "agent"} | set(period_rows["agent"]))
    out += [measure("agent", a, pay[pay["agent"] == a]) for a in agents]
    teams = {i for lv, i in targets if lv == "team"} | set(period_rows["team"].dropna())
    out += [measure("team", t, pay[pay["team"] == t]) for t in sorted(teams)]
    out.append(measure("total", None, pay))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_pacing_matches_plain_pandas_on_random_books(tmp_path: Path, seed: int) -> None:
    data, as_of = _random_book(seed)
    path = build_db(tmp_path, **data)
    assert run(path, as_of) == _expected(data, as_of), (seed, as_of)
