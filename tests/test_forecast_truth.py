"""The forecasts recover a known truth (issue 15, "Done when"): books generated from a fixed
development pattern and from a fixed roll matrix, imported through the real importer, and the
forecasts compared with what the generating process says must happen (within 2 %).

- Recovery: twelve monthly cohorts of 40 accounts each; an account of placed balance B pays in
  its k-th month since placement B x (F(k) - F(k-1)) x (1 + u), u drawn uniformly in
  [-10 %, +10 %] (seeded), with F(k) = 0.6 x (1 - 0.75^(k + 1)): the cohort's expected
  cumulative collection is B_c x F(k). The chain ladder, fed only the observed triangle, must
  project every unobserved cell within 2 % of B_c x F(k).
- Balance: three month-end snapshots in which the accounts of every bucket move to the next
  snapshot in exactly the proportions of a fixed matrix P (ten accounts or a multiple, equal
  balances). The forecast must be the latest open balances times P, P^2, ... (exact fractions).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from dashboard import db
from dashboard.engine import forecasts
from dashboard.engine.settings import default_settings
from tests.kpi_fixtures import build_db

m = Decimal
AGENTS = [("G1", "Ann", "T1")]
COHORTS = 12
PER_COHORT = 40
AS_OF = date(2025, 12, 31)


def pattern(k: int) -> Fraction:
    """F(k): the share of the placed balance collected by the end of month k since placement."""
    return Fraction(3, 5) * (1 - Fraction(3, 4) ** (k + 1))


def month(year: int, mon: int, plus: int) -> tuple[int, int]:
    n = year * 12 + mon - 1 + plus
    return n // 12, n % 12 + 1


@pytest.fixture(scope="module")
def recovery_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Decimal]]:
    rng = random.Random(15)
    accounts, payments, placed = [], [], {}
    for c in range(COHORTS):
        y, mo = month(2025, 1, c)
        cohort = f"{y}-{mo:02d}"
        placed[cohort] = m(0)
        for i in range(PER_COHORT):
            acct = f"C{c:02d}{i:03d}"
            balance = m(rng.randrange(50_000, 500_000)) / 100
            placed[cohort] += balance
            accounts.append((acct, AS_OF.isoformat(), "P1", f"{y}-{mo:02d}-05", str(balance),
                             str(balance), 30, "G1", "open"))  # fmt: skip
            for k in range(COHORTS - c):  # the months observed up to AS_OF
                py, pm = month(y, mo, k)
                share = (pattern(k) - (pattern(k - 1) if k else 0)) * Fraction(
                    100 + rng.randint(-10, 10), 100
                )
                amount = (balance * m(share.numerator) / m(share.denominator)).quantize(
                    m("0.01"), ROUND_HALF_UP
                )
                payments.append((f"Y{acct}{k:02d}", acct, f"{py}-{pm:02d}-15", str(amount)))
    path = build_db(
        tmp_path_factory.mktemp("truth_recovery"),
        accounts=accounts,
        payments=payments,
        agents=AGENTS,
    )
    return path, placed


def test_the_chain_ladder_recovers_a_fixed_development_pattern(
    recovery_book: tuple[Path, dict[str, Decimal]],
) -> None:
    path, placed = recovery_book
    cfg = replace(default_settings(), forecast_months=COHORTS)
    with db.connect(path) as con:
        rows = forecasts.recovery_forecast(con, settings=cfg).to_pylist()
    projected = [r for r in rows if r["is_projection"] and r["months_since_placement"] < COHORTS]
    # Every cohort but the oldest has unobserved months up to month 11 (the oldest's age).
    assert len(projected) == sum(range(COHORTS)), len(projected)
    worst = Fraction(0)
    for r in projected:
        truth = Fraction(placed[r["placement_month"]]) * pattern(r["months_since_placement"])
        error = abs(Fraction(r["collected_cum"]) - truth) / truth
        worst = max(worst, error)
        assert error <= Fraction(2, 100), (r["placement_month"], r["months_since_placement"],
                                           r["collected_cum"], float(truth))  # fmt: skip
    assert worst > 0  # the noise is real: the test is not comparing a book with itself


BUCKETS = ("Current", "M1", "M2", "M3", "M4", "M5", "M6", "M7+")
DPD = {"Current": 0, "M1": 15, "M2": 45, "M3": 75, "M4": 105, "M5": 135, "M6": 165, "M7+": 200}
SNAPSHOTS = (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31))
BALANCE = m("1000.00")


def matrix() -> dict[str, dict[str, Fraction]]:
    """P: the share of a bucket's balance that each state holds one snapshot later."""
    tenth = Fraction(1, 10)
    p: dict[str, dict[str, Fraction]] = {"Current": {"Current": 8 * tenth, "M1": tenth,
                                                     "Closed": tenth}}  # fmt: skip
    for i, b in enumerate(BUCKETS[1:-1], start=1):
        p[b] = {"Current": tenth, b: 3 * tenth, BUCKETS[i + 1]: 5 * tenth, "Closed": tenth}
    p["M7+"] = {"M7+": 9 * tenth, "Closed": tenth}
    return p


@pytest.fixture(scope="module")
def roll_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = matrix()
    rows: list[tuple] = []
    serial = iter(range(10**6))

    def snap(acct: str, day: date, state: str) -> tuple:
        closed = state == "Closed"
        return (acct, day.isoformat(), "P1", "2025-06-01", str(BALANCE),
                "0.00" if closed else str(BALANCE), 0 if closed else DPD[state], "G1",
                "paid_in_full" if closed else "open")  # fmt: skip

    where = {b: [f"R{next(serial):05d}" for _ in range(10)] for b in BUCKETS}  # at SNAPSHOTS[0]
    for t, day in enumerate(SNAPSHOTS):
        for b, accts in where.items():
            rows += [snap(a, day, b) for a in accts]
        if t == len(SNAPSHOTS) - 1:
            break
        moved: dict[str, list[str]] = {b: [] for b in BUCKETS}
        for b, accts in where.items():
            at = 0
            for to, share in p[b].items():
                n = int(share * len(accts))  # exact: len is a multiple of 10
                if to != "Closed":
                    moved[to] += accts[at : at + n]
                else:
                    rows += [snap(a, SNAPSHOTS[t + 1], "Closed") for a in accts[at : at + n]]
                at += n
            assert at == len(accts)
        # Top every bucket up to a multiple of ten with accounts new in the next snapshot.
        for b in BUCKETS:
            moved[b] += [f"R{next(serial):05d}" for _ in range(-len(moved[b]) % 10 or 0)]
        where = moved
    return build_db(tmp_path_factory.mktemp("truth_roll"), accounts=rows, agents=AGENTS)


def test_the_balance_forecast_recovers_a_fixed_roll_matrix(roll_book: Path) -> None:
    p = matrix()
    steps = 4
    cfg = replace(default_settings(), forecast_months=steps, roll_window=2)
    with db.connect(roll_book) as con:
        rows = forecasts.balance_forecast(con, settings=cfg).to_pylist()
    latest = {r["bucket"]: r["balance"] for r in rows
              if not r["is_projection"] and r["as_of_date"] == SNAPSHOTS[-1]}  # fmt: skip
    vec = {b: Fraction(latest[b]) for b in BUCKETS}
    ends = sorted({r["as_of_date"] for r in rows if r["is_projection"]})
    assert len(ends) == steps
    for when in ends:
        nxt: dict[str, Fraction] = {}
        for state, value in vec.items():
            for to, share in p.get(state, {state: Fraction(1)}).items():
                nxt[to] = nxt.get(to, Fraction(0)) + value * share
        vec = nxt
        got = {r["bucket"]: r["balance"] for r in rows
               if r["is_projection"] and r["as_of_date"] == when}  # fmt: skip
        for b in BUCKETS:
            truth = vec.get(b, Fraction(0))
            assert abs(Fraction(got[b]) - truth) <= Fraction(2, 100) * truth + Fraction(1, 100), (
                when, b, got[b], float(truth))  # fmt: skip
