"""Golden outputs: the payout reports on the committed sample data, pinned as CSV.

As tests/test_kpi_golden.py pins the KPIs: ``report payouts`` and ``report payout-lines``
(English, CSV) of the sample's last five months, which hold every kind of payout line (a
negative basis carried out in 2026-06 and carried in from 2026-07 on, capped totals, early
bonuses, compliance factors below 1, team pools reached and not). A changed golden file is a
diff a person reads before accepting it. To regenerate after an intended change:
``PAYOUT_GOLDEN_UPDATE=1 pytest tests/test_payout_golden.py``, then read the diff.

The goldens were not only blessed: ``test_goldens_agree_with_an_independent_computation``
recomputes every row of the payouts files from the sample CSVs with plain pandas and Decimal,
never through the engine: who is paid, the crediting rule of domain.md (basis, tasks), the
sample plan file's rates, bands, team pools (largest remainder), early bonus, cap, compliance
factor and the deficit carried from month to month; only each agent's count of violations and
complaints is taken from the golden row (the compliance report counts them; its own goldens
pin it). It also checks that each agent's lines hold its credited payments, add up to its
basis and end with its payout. Checked by hand as well: 2026-06 AG001 (2 % of 121,835.64 =
2,436.71; T1's 415,896.22 is below its 500,000 target: no pool), AG008 (T2 net 236,779.08 >=
180,000: pool 1,183.90, its share 121,114.08 / 237,073.08 of it = 604.82), AG014 (500.00 +
2 % of 12,530.00 = 750.60), AG003 (41 tasks: 3 % of 161,917.00 = 4,857.51, + 809.58 pool +
500.00 bonus = 6,167.09, capped at 5,000.00) and AG020 (-294.00 x 2 % = -5.88: pays 0.00 and
carries -5.88 into 2026-07).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboard.paths import SAMPLE_DATA
from dashboard.reports import PAYOUT_REPORTS, REPORTS
from tests.e2e.sample import accounts

GOLDEN = Path(__file__).resolve().parent / "golden" / "payouts"
PERIODS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
CASES = {
    **{f"payouts_{p}": ["payouts", "--period", p] for p in PERIODS},
    **{f"lines_{p}": ["payout-lines", "--period", p] for p in PERIODS},
}
# Payout reports of the registry pinned elsewhere, and why.
ELSEWHERE = {
    "payout-whatif": "needs a candidate plan file: tests/test_payout_whatif.py",
    "payout-log": "empty on the sample (nothing approved): tests/test_payout_approval.py",
}


def test_every_payout_report_of_the_registry_is_pinned() -> None:
    pinned = {args[0] for args in CASES.values()}
    assert pinned | set(ELSEWHERE) == {r.name for r in PAYOUT_REPORTS}
    assert not pinned & set(ELSEWHERE)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_golden_file_has_the_declared_columns(case: str) -> None:
    header = (GOLDEN / f"{case}.csv").read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == REPORTS[CASES[case][0]].columns


@pytest.mark.parametrize("case", sorted(CASES))
def test_payout_report_matches_its_golden_csv(
    case: str, sample_db: Path, cli: Callable[..., Any]
) -> None:
    result = cli("report", *CASES[case], "--db", sample_db, "--format", "csv")
    assert result.code == 0, result.err
    golden = GOLDEN / f"{case}.csv"
    if os.environ.get("PAYOUT_GOLDEN_UPDATE"):
        golden.write_text(result.out, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with PAYOUT_GOLDEN_UPDATE=1"
    assert result.out == golden.read_text(encoding="utf-8"), f"{case} differs from {golden}"


# --- an independent computation of the goldens' rows, from the sample CSVs ------------------

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The sample's plan file (sample_data/plans.yaml), written again by hand.
LADDER = ((0, Decimal("0.015")), (10, Decimal("0.02")), (20, Decimal("0.03")))
BANDS = ((Decimal(0), Decimal("0.01")), (Decimal(50000), Decimal("0.02")),
         (Decimal(100000), Decimal("0.03")))  # fmt: skip
POOLS = {"T1": Decimal(500000), "T2": Decimal(180000), "T3": Decimal(650000)}  # rate 0.5 %
BONUS_TARGET, BONUS_DAYS, BONUS, CAP = Decimal(60000), 7, Decimal(500), Decimal(5000)


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _credited() -> pd.DataFrame:
    """Every payment with the agent domain.md credits it to: the agent on the row; blank: for
    a reversal the agent credited with the payment it reverses, otherwise the account's agent
    in the latest snapshot on or before the payment date, else in its earliest snapshot.
    Payments on accounts in no snapshot, and reversals of payments not loaded, credit nobody."""
    pay = pd.read_csv(SAMPLE_DATA / "payments.csv", dtype=str, keep_default_na=False)
    pay["payment_date"] = pd.to_datetime(pay["payment_date"]).dt.date
    pay["amount"] = pay["amount"].map(Decimal)
    snaps = accounts()[["account_id", "as_of_date", "agent_id"]].fillna("")
    by_account = {a: g.sort_values("as_of_date") for a, g in snaps.groupby("account_id")}
    rows = {r["payment_id"]: r for r in pay.to_dict("records")}

    def agent(r: dict[str, Any]) -> str:
        if r["agent_id"]:
            return r["agent_id"]
        if r["reverses_payment_id"]:
            return agent(rows[r["reverses_payment_id"]])
        s = by_account[r["account_id"]]
        before = s[s["as_of_date"] <= r["payment_date"]]
        return (before.iloc[-1] if len(before) else s.iloc[0])["agent_id"]

    def counts(r: dict[str, Any]) -> bool:
        if r["account_id"] not in by_account:
            return False
        original = rows.get(r["reverses_payment_id"]) if r["reverses_payment_id"] else r
        return original is not None and original["account_id"] == r["account_id"]

    pay = pay[[counts(r) for r in pay.to_dict("records")]].copy()
    pay["credited"] = [agent(r) for r in pay.to_dict("records")]
    pay["month"] = [f"{d:%Y-%m}" for d in pay["payment_date"]]
    return pay[pay["credited"] != ""]


def _split(pool: Decimal, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Largest remainder in cents, ties by agent_id (domain.md rule 3)."""
    w = {k: max(v, ZERO) for k, v in weights.items()}
    total, cents = sum(w.values(), ZERO), int(pool / CENT)
    exact = {k: Fraction(cents) * Fraction(v) / Fraction(total) for k, v in w.items()}
    share = {k: int(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: (share[k] - exact[k], k))[: cents - sum(share.values())]:
        share[k] += 1
    return {k: Decimal(c) * CENT for k, c in share.items()}


def _marginal(basis: Decimal) -> Decimal:
    """Each band of the basis at its own rate (a basis <= 0: at the first band's rate)."""
    if basis <= 0:
        return _cents(BANDS[0][1] * basis)
    highs = [low for low, _ in BANDS[1:]] + [basis]
    bands = zip(BANDS, highs, strict=True)
    return sum((_cents(r * (min(basis, hi) - lo)) for (lo, r), hi in bands if basis > lo), ZERO)


def _own_targets() -> dict[tuple[str, str], Decimal]:
    """(period, agent_id) -> the agent's own target in the sample's targets.csv."""
    rows = pd.read_csv(SAMPLE_DATA / "targets.csv", dtype=str).to_dict("records")
    return {(r["period"], r["id"]): Decimal(r["target"]) for r in rows if r["level"] == "agent"}


def _early_bonus(month: pd.DataFrame, last: date, target: Decimal) -> Decimal:
    """The bonus if cumulative net collected reaches the target, and stays there to the
    month's end, from a day at least BONUS_DAYS before its last day."""
    since, total = None, ZERO
    for day, amount in sorted(month.groupby("payment_date")["amount"].sum().items()):
        total += amount
        since = (since or day) if total >= target else None
    return BONUS if since is not None and (last - since).days >= BONUS_DAYS else ZERO


def _expected(
    period: str,
    pay: pd.DataFrame,
    carried: dict[str, Decimal],
    conduct: dict[str, tuple[int, int]],
) -> dict[str, dict[str, Any]]:
    """Each agent's payout row for ``period`` (``conduct``: agent -> violations, complaints,
    as the compliance report counts them)."""
    agents = pd.read_csv(SAMPLE_DATA / "agents.csv", dtype=str, keep_default_na=False)
    last = (pd.Timestamp(f"{period}-01") + pd.offsets.MonthEnd(0)).date()
    month = pay[pay["month"] == period]
    roster = {
        a["agent_id"]: a
        for a in agents.to_dict("records")
        if (a["active"] == "true" and date.fromisoformat(a["hire_date"]) <= last)
        or a["agent_id"] in set(month["credited"])
        or carried.get(a["agent_id"])
    }
    basis = {i: sum(month[month["credited"] == i]["amount"], ZERO) for i in roster}
    tasks = {
        i: int((month[month["credited"] == i].groupby("account_id")["amount"].sum() > 0).sum())
        for i in roster
    }
    shares = {i: ZERO for i in roster}
    for team, target in POOLS.items():
        members = {i: basis[i] for i, a in roster.items() if a["team"] == team}
        if sum(members.values(), ZERO) >= target:
            shares |= _split(_cents(Decimal("0.005") * sum(members.values(), ZERO)), members)
    out = {}
    for i, a in roster.items():
        plan, b = a["plan"] or "standard", basis[i]
        factor, level, rate, cap = Decimal(1), None, Decimal("0.02"), None
        if plan == "standard":
            base = _cents(rate * b)
        elif plan == "bigticket":
            base = _marginal(b)
            level, rate = max((lo, r) for lo, r in BANDS if lo <= max(b, ZERO))
        else:  # ladder
            level, rate = max((Decimal(m), r) for m, r in LADDER if m <= tasks[i])
            base, cap = _cents(rate * b), CAP
            v, c = conduct.get(i, (0, 0))
            factor = max(Decimal("0.5"), 1 - Decimal("0.02") * v - Decimal("0.05") * c)
        after = _cents(base * factor) if base > 0 else base
        # The agent's own target of the month when the targets extract gives one (domain.md,
        # "targets extract"), else the plan's.
        target = _own_targets().get((period, i), BONUS_TARGET)
        own = month[month["credited"] == i]
        bonus = _early_bonus(own, last, target) if plan == "ladder" else ZERO
        total = after + shares[i] + bonus + carried.get(i, ZERO)
        payout = ZERO if total < 0 else min(total, cap) if cap is not None else total
        out[i] = {
            "agent_name": a["agent_name"], "team": a["team"], "plan": plan, "basis": b,
            "tasks": tasks[i], "level_min": level, "rate": rate, "base_commission": base,
            "compliance_factor": factor, "base_after_compliance": after,
            "team_bonus": shares[i], "early_bonus": bonus, "carried_in": carried.get(i, ZERO),
            "total": total, "cap_applied": cap is not None and total > cap, "payout": payout,
            "carry_out": min(total, ZERO),
            # Nothing is approved on the sample: no correction is booked into any month.
            "adjustment_in": ZERO,
        }  # fmt: skip
    return out


def _read(name: str) -> list[dict[str, str]]:
    with (GOLDEN / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_goldens_agree_with_an_independent_computation() -> None:
    pay = _credited()
    earlier = pay[pay["month"] < PERIODS[0]].groupby(["credited", "month"])["amount"].sum()
    assert (earlier >= 0).all()  # no deficit before the first golden month: none carried in
    carried: dict[str, Decimal] = {}
    for period in PERIODS:
        rows = {r["agent_id"]: r for r in _read(f"payouts_{period}.csv")}
        conduct = {i: (int(r["violations"]), int(r["complaints"])) for i, r in rows.items()}
        expected = _expected(period, pay, carried, conduct)
        assert sorted(rows) == sorted(expected), period
        for agent_id, want in expected.items():
            got = rows[agent_id]
            for key, value in want.items():
                if isinstance(value, bool):
                    text = "true" if value else "false"
                    assert got[key] == text, (period, agent_id, key)
                elif isinstance(value, Decimal):
                    assert Decimal(got[key]) == value, (period, agent_id, key, got[key], value)
                elif value is None:
                    assert got[key] == "", (period, agent_id, key)
                else:
                    assert got[key] == str(value), (period, agent_id, key)
        carried = {i: r["carry_out"] for i, r in expected.items() if r["carry_out"]}
        # The audit lines of each agent add up to its basis and end with its payout.
        month = pay[pay["month"] == period]
        lines = _read(f"lines_{period}.csv")
        for agent_id, want in expected.items():
            own = [ln for ln in lines if ln["agent_id"] == agent_id]
            money = [ln for ln in own if ln["kind"] in ("payment", "reversal")]
            assert len(money) == int((month["credited"] == agent_id).sum()), (period, agent_id)
            assert sum((Decimal(ln["amount"]) for ln in money), ZERO) == want["basis"]
            assert own[-1]["kind"] == "payout" and Decimal(own[-1]["amount"]) == want["payout"]
