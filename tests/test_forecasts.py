"""forecast-recovery and forecast-backtest (README.md, Reports; domain.md, "recovery forecast"):
the chain ladder worked out by hand on small triangles, and on seeded random portfolios against
an independent computation (pandas pivot of tests/test_kpi_properties.py's reference vintage
triangle, never the engine's)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from dashboard import db
from dashboard.engine import forecasts
from dashboard.engine.forecasts import Cohort
from dashboard.engine.kpi_common import Filters, ReportError
from dashboard.engine.settings import default_settings
from tests.kpi_fixtures import build_db, random_world
from tests.test_kpi_properties import (
    FILTERS,
    NAMES,
    SEEDS,
    World,
    ref_buckets,
    ref_roll_rates,
    ref_vintage,
)

m = Decimal


def test_development_factors_and_projection_by_hand() -> None:
    a = Cohort("2026-01", 1, m("1000.00"), (m("100.00"), m("150.00"), m("180.00")))
    b = Cohort("2026-02", 1, m("1000.00"), (m("200.00"), m("260.00")))
    c = Cohort("2026-03", 1, m("1000.00"), (m("50.00"),))
    f = forecasts.development_factors([a, b, c])
    # f(0) = (150 + 260) / (100 + 200) = 1.3666667 -> 1.366667; f(1) = 180 / 150 = 1.2.
    assert f == {0: m("1.366667"), 1: m("1.200000")}
    # B: 260 x 1.2 = 312.00, then no factor past month 2: flat. C: 50 x 1.366667 = 68.33335
    # -> 68.33; 68.33 x 1.2 = 81.996 -> 82.00; flat after.
    assert forecasts.project(b, f, 2) == [m("312.00"), m("312.00")]
    assert forecasts.project(c, f, 3) == [m("68.33"), m("82.00"), m("82.00")]
    assert forecasts.project(a, f, 1) == [m("180.00")]
    # No collection at month 0 in any cohort observed twice: no evidence, f(0) = 1.
    zero = replace(a, cum=(m("0.00"), m("0.00")))
    assert forecasts.development_factors([zero, c]) == {0: m("1")}


# Three accounts placed in 2026-01 (X1), 2026-02 (X2) and 2026-03 (X3), 1,000.00 each;
# payments by month.
ACCOUNTS = [
    ("X1", "2026-04-30", "P1", "2026-01-10", "1000.00", "500.00", 90, "G1", "open"),
    ("X2", "2026-04-30", "P1", "2026-02-10", "1000.00", "800.00", 60, "G1", "open"),
    ("X3", "2026-04-30", "P1", "2026-03-10", "1000.00", "910.00", 30, "G1", "open"),
]
PAYMENTS = [
    ("Y1", "X1", "2026-01-20", "100.00"), ("Y2", "X1", "2026-02-20", "50.00"),
    ("Y3", "X1", "2026-03-20", "30.00"), ("Y4", "X1", "2026-04-20", "20.00"),
    ("Y5", "X2", "2026-02-20", "200.00"), ("Y6", "X2", "2026-03-20", "100.00"),
    ("Y7", "X2", "2026-04-20", "40.00"),
    ("Y8", "X3", "2026-03-20", "60.00"), ("Y9", "X3", "2026-04-20", "30.00"),
]  # fmt: skip


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(
        tmp_path_factory.mktemp("forecast"),
        accounts=ACCOUNTS,
        payments=PAYMENTS,
        agents=[("G1", "Ann", "T1")],
    )


def test_recovery_forecast_on_a_small_book(small: Path) -> None:
    cfg = replace(default_settings(), forecast_months=2)
    with db.connect(small) as con:
        rows = forecasts.recovery_forecast(con, settings=cfg).to_pylist()
    # Triangle (as of 2026-04): 2026-01: 100, 150, 180, 200; 2026-02: 200, 300, 340;
    # 2026-03: 60, 90. f(0) = (150 + 300 + 90) / (100 + 200 + 60) = 1.5; f(1) = (180 + 340) /
    # (150 + 300) = 1.155556; f(2) = 200 / 180 = 1.111111. 2026-02 at month 3: 340 x 1.111111
    # = 377.777774 -> 377.78, then flat (no f(3)); 2026-01 stays flat at 200.00; 2026-03:
    # 90 x 1.155556 = 104.00004 -> 104.00, then 104 x 1.111111 = 115.555544 -> 115.56.
    got = [(r["placement_month"], r["months_since_placement"], r["month"], r["collected_cum"],
            r["is_projection"], r["development_factor"], r["expected_in_month"],
            r["expected_future"]) for r in rows]  # fmt: skip
    assert got == [
        ("2026-01", 0, "2026-01", m("100.00"), False, None, None, None),
        ("2026-01", 1, "2026-02", m("150.00"), False, m("1.500000"), None, None),
        ("2026-01", 2, "2026-03", m("180.00"), False, m("1.155556"), None, None),
        ("2026-01", 3, "2026-04", m("200.00"), False, m("1.111111"), None, None),
        ("2026-01", 4, "2026-05", m("200.00"), True, m("1"), m("0.00"), m("0.00")),
        ("2026-01", 5, "2026-06", m("200.00"), True, m("1"), m("0.00"), m("0.00")),
        ("2026-02", 0, "2026-02", m("200.00"), False, None, None, None),
        ("2026-02", 1, "2026-03", m("300.00"), False, m("1.500000"), None, None),
        ("2026-02", 2, "2026-04", m("340.00"), False, m("1.155556"), None, None),
        ("2026-02", 3, "2026-05", m("377.78"), True, m("1.111111"), m("37.78"), m("37.78")),
        ("2026-02", 4, "2026-06", m("377.78"), True, m("1"), m("0.00"), m("37.78")),
        ("2026-03", 0, "2026-03", m("60.00"), False, None, None, None),
        ("2026-03", 1, "2026-04", m("90.00"), False, m("1.500000"), None, None),
        ("2026-03", 2, "2026-05", m("104.00"), True, m("1.155556"), m("14.00"), m("14.00")),
        ("2026-03", 3, "2026-06", m("115.56"), True, m("1.111111"), m("11.56"), m("25.56")),
    ]
    assert rows[9]["recovery_rate"] == m("0.377780")


def test_a_forecast_from_too_little_history_says_so(small: Path) -> None:
    # As of 2026-02: two placement months (2026-01, 2026-02), one short of MIN_COHORTS = 3.
    # One snapshot (2026-04-30): no pair at all, two short of MIN_PAIRS = 2.
    with db.connect(small) as con:
        with pytest.raises(ReportError, match="only 2 placement month") as few:
            forecasts.recovery_forecast(con, Filters(as_of=date(2026, 2, 28)))
        with pytest.raises(ReportError, match="only 0 pair") as none:
            forecasts.balance_forecast(con)
    assert few.value.args[0].text("zh") == (
        "截至 2026-02-28 只有 2 个委案月份：回收预测至少需要 3 个才能推算"
    )
    assert "needs at least 2" in str(none.value)


def test_recovery_backtest_on_a_small_book(small: Path) -> None:
    cfg = replace(default_settings(), backtest_months=2)
    with db.connect(small) as con:
        rows = forecasts.recovery_backtest(con, settings=cfg).to_pylist()
        assert {r["method"] for r in rows} == {"chain_ladder"}  # one snapshot: no roll_rate
        too_early = replace(default_settings(), backtest_months=4)
        with pytest.raises(ReportError, match="no cohort was placed by 2025-12"):
            forecasts.recovery_backtest(con, settings=too_early)
    # Cut at the end of 2026-02: 2026-01: 100, 150; 2026-02: 200. f(0) = 150 / 100 = 1.5,
    # nothing past month 1. 2026-01 at 150 stays flat: forecast 0, 0; actual 30 (March),
    # 50 (to April). 2026-02: 200 x 1.5 = 300 in March (+100), flat in April (+100);
    # actual +100, +140.
    got = [(r["method"], r["cut_off"], r["horizon"], r["segment"], r["forecast"], r["actual"],
            r["abs_pct_error"]) for r in rows]  # fmt: skip
    assert got == [
        ("chain_ladder", "2026-02", 1, "2026-01", m("0.00"), m("30.00"), m("1.000000")),
        ("chain_ladder", "2026-02", 1, "2026-02", m("100.00"), m("100.00"), m("0.000000")),
        ("chain_ladder", "2026-02", 1, "total", m("100.00"), m("130.00"), m("0.230769")),
        ("chain_ladder", "2026-02", 2, "2026-01", m("0.00"), m("50.00"), m("1.000000")),
        ("chain_ladder", "2026-02", 2, "2026-02", m("100.00"), m("140.00"), m("0.285714")),
        ("chain_ladder", "2026-02", 2, "total", m("100.00"), m("190.00"), m("0.473684")),
    ]


# -- random portfolios ------------------------------------------------------------------------


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    raw = random_world(request.param)
    path = build_db(tmp_path_factory.mktemp(f"forecast{request.param}"), **raw)
    return path, World(raw)


def chain_ladder(
    triangle: pd.DataFrame, months: int
) -> tuple[dict[int, Decimal], dict[tuple[str, int], Decimal]]:
    """Factors and the projected cells of a cohort x k triangle (Decimal cells, NaN where not
    observed), column by column as an actuary's spreadsheet does it."""
    factors: dict[int, Decimal] = {}
    width = triangle.shape[1]
    for k in range(width - 1):
        both = triangle[k + 1].notna()
        num, den = sum(triangle.loc[both, k + 1]), sum(triangle.loc[both, k])
        factors[k] = (num / den).quantize(m("0.000001"), ROUND_HALF_UP) if den else m(1)
    projected = {}
    for cohort, row in triangle.iterrows():
        seen = row.dropna()
        value, k = seen.iloc[-1], int(seen.index[-1])
        for j in range(1, months + 1):
            value = (value * factors.get(k + j - 1, m(1))).quantize(m("0.01"), ROUND_HALF_UP)
            projected[(cohort, k + j)] = value
    return factors, projected


def pivot(vintage: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(vintage, columns=["cohort", "k", "accounts", "placed", "cum", "rate"])
    return frame.pivot(index="cohort", columns="k", values="cum").sort_index()


@pytest.mark.parametrize("f", FILTERS)
def test_recovery_forecast_against_pandas(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    months = 5
    cfg = replace(default_settings(), forecast_months=months)
    triangle = pivot(ref_vintage(w, f, w.dates[-1]))
    factors, cells = chain_ladder(triangle, months)
    with db.connect(path) as con:
        rows = forecasts.recovery_forecast(con, Filters(**f), settings=cfg).to_pylist()
    projected = {(r["placement_month"], r["months_since_placement"]): r["collected_cum"]
                 for r in rows if r["is_projection"]}  # fmt: skip
    assert projected == cells
    assert f or len(factors) > 2, "a world with a triangle to develop"
    for r in rows:
        k = r["months_since_placement"]
        assert r["development_factor"] == (factors.get(k - 1, m(1)) if k else None)


@pytest.mark.parametrize("f", FILTERS)
def test_recovery_backtest_against_pandas(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    months = 2
    cfg = replace(default_settings(), backtest_months=months)
    latest = w.dates[-1]
    cut = date(latest.year, latest.month, 1) - pd.DateOffset(months=months - 1)
    cut_end = (pd.Timestamp(cut) - pd.Timedelta(days=1)).date()
    known = pivot(ref_vintage(w, f, cut_end))
    full = pivot(ref_vintage(w, f, latest))
    _factors, cells = chain_ladder(known, months)
    expected = []
    for h in range(1, months + 1):
        total_f, total_a = m(0), m(0)
        for cohort, row in known.iterrows():
            k = int(row.dropna().index[-1])
            forecast = cells[(cohort, k + h)] - row[k]
            actual = full.loc[cohort, k + h] - full.loc[cohort, k]
            total_f, total_a = total_f + forecast, total_a + actual
            expected.append((h, cohort, forecast, actual))
        expected.append((h, "total", total_f, total_a))
    with db.connect(path) as con:
        rows = forecasts.recovery_backtest(con, Filters(**f), settings=cfg).to_pylist()
    rows = [r for r in rows if r["method"] == "chain_ladder"]
    assert {r["cut_off"] for r in rows} == {cut_end.strftime("%Y-%m")}
    assert [(r["horizon"], r["segment"], r["forecast"], r["actual"]) for r in rows] == expected


# -- the balance forecast ---------------------------------------------------------------------

D1, D2, D3 = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)


def test_roll_matrix_and_roll_forward_by_hand() -> None:
    roll = pa.Table.from_pylist([
        {"to_date": D2, "from_bucket": "Current", "to_state": "Current", "balance": m("600.00")},
        {"to_date": D2, "from_bucket": "Current", "to_state": "M1", "balance": m("400.00")},
        {"to_date": D2, "from_bucket": "M1", "to_state": "M2", "balance": m("100.00")},
        {"to_date": D2, "from_bucket": "M1", "to_state": "Closed", "balance": m("100.00")},
        {"to_date": D3, "from_bucket": "Current", "to_state": "Current", "balance": m("1000.00")},
        {"to_date": D3, "from_bucket": "M1", "to_state": "Current", "balance": m("200.00")},
        {"to_date": D1, "from_bucket": "M2", "to_state": "M1", "balance": m("999.00")},  # older
    ])  # fmt: skip
    p = forecasts.roll_matrix(roll, [D2, D3], ["Current", "M1", "M2"])
    # Current: 1,600 stayed of 2,000 (0.8), 400 to M1 (0.2). M1: 400 in all: 100 to M2, 100
    # closed, 200 cured. M2: in no pair of the window: stays.
    assert p == {
        "Current": {"Current": m("0.8"), "M1": m("0.2")},
        "M1": {"M2": m("0.25"), "Closed": m("0.25"), "Current": m("0.5")},
        "M2": {"M2": m(1)},
    }
    steps = forecasts.roll_forward({"Current": m(1000), "M1": m(100), "M2": m(50)}, p, 2)
    # Step 1: Current 800 + 50 (M1 cured) = 850; M1 200; M2 25 + 50 = 75; Closed 25.
    # Step 2: Current 680 + 100 = 780; M1 170; M2 50 + 75 = 125; Closed 25 + 50 = 75 (absorbs).
    assert steps[0] == (
        {"Current": m(850), "M1": m(200), "M2": m(75), "Closed": m(25)},
        {"Current": m(50), "M1": m(200), "M2": m(25), "Closed": m(25)},
    )
    assert steps[1][0] == {"Current": m(780), "M1": m(170), "M2": m(125), "Closed": m(75)}


def fraction_forecast(
    w: World, f: dict[str, list[str]], upto: date, window: int, steps: int
) -> list[dict[str, Fraction]]:
    """The balance forecast in exact fractions, from the pandas references of roll-rates and
    buckets (tests/test_kpi_properties.py)."""
    dates = [d for d in w.dates if d <= upto]
    pairs = set(dates[1:][-window:])
    moved: dict[str, dict[str, Fraction]] = {b: {} for b in NAMES}
    for _s0, s1, b0, to, _n, bal, *_ in ref_roll_rates(w, f):
        if s1 in pairs:
            moved[b0][to] = moved[b0].get(to, Fraction(0)) + Fraction(bal)
    p = {}
    for b in NAMES:
        total = sum(moved[b].values(), Fraction(0))
        p[b] = {s: v / total for s, v in moved[b].items()} if total else {b: Fraction(1)}
    vec = {b: Fraction(bal) for d, b, _n, bal, *_ in ref_buckets(w, f) if d == dates[-1]
           and b in NAMES}  # fmt: skip
    out = []
    for _ in range(steps):
        nxt: dict[str, Fraction] = {}
        for state, value in vec.items():
            for to, share in p.get(state, {state: Fraction(1)}).items():
                nxt[to] = nxt.get(to, Fraction(0)) + value * share
        vec = nxt
        out.append(vec)
    return out


def cents(x: Fraction) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(m("0.01"), ROUND_HALF_UP)


@pytest.mark.parametrize("f", FILTERS)
def test_balance_forecast_against_exact_fractions(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    cfg = replace(default_settings(), forecast_months=3, roll_window=2)
    expected = fraction_forecast(w, f, w.dates[-1], 2, 3)
    with db.connect(path) as con:
        rows = forecasts.balance_forecast(con, Filters(**f), settings=cfg).to_pylist()
    actual = [r for r in rows if not r["is_projection"]]
    want = {(d, b): bal for d, b, _n, bal, *_ in ref_buckets(w, f) if b in NAMES}
    assert {(r["as_of_date"], r["bucket"]): r["balance"] for r in actual} == {
        (d, b): want.get((d, b), m("0.00")) for d in w.dates for b in NAMES
    }
    projected = [r for r in rows if r["is_projection"]]
    ends = sorted({r["as_of_date"] for r in projected})
    assert ends[0] > w.dates[-1] and len(ends) == 3
    for step, when in enumerate(ends):
        got = {r["bucket"]: r["balance"] for r in projected if r["as_of_date"] == when}
        assert got == {b: cents(expected[step].get(b, Fraction(0))) for b in NAMES}, step


@pytest.mark.parametrize("f", FILTERS)
def test_balance_backtest_against_exact_fractions(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    months = 2
    cfg = replace(default_settings(), backtest_months=months, roll_window=2)
    cut = w.dates[-1 - months]
    expected_steps = fraction_forecast(w, f, cut, 2, months)
    open_balance = {(d, b): bal for d, b, _n, bal, *_ in ref_buckets(w, f) if b in NAMES}
    expected = []
    for h in range(1, months + 1):
        later = w.dates[-1 - months + h]
        forecast = {b: cents(expected_steps[h - 1].get(b, Fraction(0))) for b in NAMES}
        actual = {b: open_balance.get((later, b), m("0.00")) for b in NAMES}
        expected += [(h, b, forecast[b], actual[b]) for b in NAMES]
        expected.append((h, "total", sum(forecast.values()), sum(actual.values())))
    with db.connect(path) as con:
        rows = forecasts.recovery_backtest(con, Filters(**f), settings=cfg).to_pylist()
    rows = [r for r in rows if r["method"] == "roll_rate"]
    assert {r["cut_off"] for r in rows} == {cut.strftime("%Y-%m")}
    assert [(r["horizon"], r["segment"], r["forecast"], r["actual"]) for r in rows] == expected


def test_a_projection_beyond_the_money_type_is_refused_with_the_reason() -> None:
    a = Cohort("2026-01", 1, m("1.00"), (m("0.01"), m("1" + "0" * 30)))
    b = Cohort("2026-02", 1, m("1.00"), (m("10000000000.00"),))
    f = forecasts.development_factors([a, b])
    assert f[0] == m("1" + "0" * 32)  # many digits: the factor itself is exact
    with pytest.raises(ReportError, match=r"more than DECIMAL\(38,2\) holds for cohort 2026-02"):
        forecasts.project(b, f, 1)
