"""Shared by the app tests: a database loaded with sample_data/, and numbers computed from the
CSV files with plain pandas (never through the engine), to check what the pages show.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from dashboard.ingest.importer import FileSpec, import_files
from dashboard.paths import SAMPLE_DATA

CLOSED = {"settled", "paid_in_full", "recalled"}
BUCKET_MIN = {"Current": 0, "M1": 1, "M2": 31, "M3": 61, "M4": 91, "M5": 121, "M6": 151, "M7+": 181}


def build_sample_db(path: Path) -> Path:
    """Load every sample CSV into a new database at ``path`` (as `dashboard init` does)."""
    files = [FileSpec(f) for f in sorted(SAMPLE_DATA.glob("*.csv"))]
    result = import_files(files, db_path=path, user="sample")
    assert result.committed, result.message
    return path


def accounts() -> pd.DataFrame:
    """Every snapshot row of the sample, as text (money kept exact as Decimal)."""
    frames = [pd.read_csv(f, dtype=str) for f in sorted(SAMPLE_DATA.glob("accounts_*.csv"))]
    df = pd.concat(frames, ignore_index=True)
    df["as_of_date"] = pd.to_datetime(df["as_of_date"]).dt.date
    df["current_balance"] = df["current_balance"].map(Decimal)
    df["days_past_due"] = df["days_past_due"].astype(int)
    return df


def latest_portfolio() -> dict[str, str]:
    """account_id -> portfolio in the latest snapshot that holds the account."""
    df = accounts().sort_values("as_of_date")
    return dict(zip(df["account_id"], df["portfolio"], strict=True))


def net_collected(start: date, end: date, portfolio: str | None = None) -> Decimal:
    """Sum of payment amounts dated in [start, end] on accounts in some snapshot."""
    pay = pd.read_csv(SAMPLE_DATA / "payments.csv", dtype=str)
    pay["payment_date"] = pd.to_datetime(pay["payment_date"]).dt.date
    owner = latest_portfolio()
    keep = pay[pay["account_id"].isin(owner)]
    keep = keep[(keep["payment_date"] >= start) & (keep["payment_date"] <= end)]
    if portfolio:
        keep = keep[keep["account_id"].map(owner) == portfolio]
    return sum((Decimal(a) for a in keep["amount"]), Decimal("0.00"))


def credited_payments() -> pd.DataFrame:
    """Every payment on an account in some snapshot, with the agent it is credited to and the
    rule that credits it, by domain.md (queries/derived/payments_credited.sql's header): a
    reversal naming a payment that is not loaded, is on another account or is itself a
    reversal credits nobody (unmatched_reversal); else the agent given on the row (given); if
    blank, for a reversal the agent of the payment it reverses (reversed_payment_agent),
    otherwise the account's agent in the latest snapshot on or before the payment date
    (account_snapshot), else in its earliest snapshot (account_earliest_snapshot). Also the
    account's portfolio (latest snapshot holding it)."""
    pay = pd.read_csv(SAMPLE_DATA / "payments.csv", dtype=str, keep_default_na=False)
    pay["payment_date"] = pd.to_datetime(pay["payment_date"]).dt.date
    history: dict[str, list[tuple[date, str]]] = {}
    for r in accounts().sort_values("as_of_date").itertuples():
        history.setdefault(r.account_id, []).append(
            (r.as_of_date, r.agent_id if isinstance(r.agent_id, str) else "")
        )
    pay = pay[pay["account_id"].isin(history)].copy()
    by_id = {r.payment_id: r for r in pay.itertuples()}
    credited: dict[str, tuple[str, str]] = {}
    reversals_last = pay.sort_values("reverses_payment_id", key=lambda s: s != "")
    for row in reversals_last.itertuples():
        original = by_id.get(row.reverses_payment_id) if row.reverses_payment_id else None
        if row.reverses_payment_id and (
            original is None
            or original.account_id != row.account_id
            or Decimal(original.amount) < 0
        ):
            credited[row.payment_id] = ("", "unmatched_reversal")
        elif row.agent_id:
            credited[row.payment_id] = (row.agent_id, "given")
        elif row.reverses_payment_id:
            agent = credited.get(row.reverses_payment_id, ("", ""))[0]
            credited[row.payment_id] = (agent, "reversed_payment_agent")
        else:
            seen = history[row.account_id]
            before = [a for d, a in seen if d <= row.payment_date]
            if before:
                credited[row.payment_id] = (before[-1], "account_snapshot")
            else:
                credited[row.payment_id] = (seen[0][1], "account_earliest_snapshot")
    pay["agent"] = pay["payment_id"].map(lambda p: credited[p][0])
    pay["rule"] = pay["payment_id"].map(lambda p: credited[p][1])
    pay["portfolio"] = pay["account_id"].map(latest_portfolio())
    return pay


def credit_rules(agent: str, start: date, end: date) -> set[str]:
    """The rules that credit ``agent`` with payments dated in [start, end]."""
    pay = credited_payments()
    keep = pay[(pay["agent"] == agent) & (pay["payment_date"] >= start)]
    return set(keep[keep["payment_date"] <= end]["rule"])


def bucket_counts(as_of: date, portfolio: str | None = None) -> dict[str, int]:
    """Accounts per delinquency bucket (and Closed) in one snapshot, by domain.md's rules."""
    df = accounts()
    snap = df[df["as_of_date"] == as_of]
    if portfolio:
        snap = snap[snap["portfolio"] == portfolio]
    out: dict[str, int] = {}
    for _, r in snap.iterrows():
        if r["status"] in CLOSED or r["current_balance"] == 0:
            state = "Closed"
        else:
            state = [b for b, lo in BUCKET_MIN.items() if r["days_past_due"] >= lo][-1]
        out[state] = out.get(state, 0) + 1
    return out


def compact(value: Decimal) -> str:
    """As a card shows money (English): one decimal of the largest unit the value reaches (K,
    M, B), half up, and the next unit when that rounds to 1,000 of it; below a thousand the
    exact value. ¥1,516,125.35 -> ¥1.5M, 999,960 -> ¥1.0M."""
    units = [(Decimal(10) ** 3, "K"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 9, "B")]
    size = abs(value)
    reached = [i for i, (scale, _) in enumerate(units) if size >= scale]
    if not reached:
        return money(value)
    i = reached[-1]
    n = (size / units[i][0]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if n >= 1000 and i + 1 < len(units):
        i += 1
        n = (size / units[i][0]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{'-' if value < 0 else ''}¥{n:,}{units[i][1]}"


def money(value: Decimal) -> str:
    """As the app shows money with the default currency: ¥1,234.50."""
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


RIGHT_PARTY = {"right_party", "promise_to_pay", "refused", "dispute", "complaint"}


def contact_stages(agent: str, start: date, end: date) -> tuple[int, int, int, int]:
    """(contacts, right-party contacts, promises, promises kept) of an agent's contacts dated
    in [start, end], by domain.md: right party = outcome in RIGHT_PARTY, a promise =
    promise_to_pay, kept when the net payments on its account from the contact date through
    promise_date + 3 days reach promise_amount."""
    con = pd.read_csv(SAMPLE_DATA / "contacts.csv", dtype=str, keep_default_na=False)
    con["day"] = pd.to_datetime(con["contacted_at"]).dt.date
    mine = con[(con["agent_id"] == agent) & (con["day"] >= start) & (con["day"] <= end)]
    promises = mine[mine["outcome"] == "promise_to_pay"]
    pay = pd.read_csv(SAMPLE_DATA / "payments.csv", dtype=str, keep_default_na=False)
    pay["day"] = pd.to_datetime(pay["payment_date"]).dt.date
    kept = 0
    for p in promises.itertuples():
        until = date.fromisoformat(p.promise_date) + timedelta(days=3)
        on = pay[(pay["account_id"] == p.account_id) & (pay["day"] >= p.day)]
        paid = sum((Decimal(a) for a in on[on["day"] <= until]["amount"]), Decimal(0))
        kept += paid >= Decimal(p.promise_amount)
    right_party = int(mine["outcome"].isin(RIGHT_PARTY).sum())
    return len(mine), right_party, len(promises), kept


def placement_months(as_of: date) -> list[str]:
    """The vintage cohorts: placement months (YYYY-MM) of the accounts in the snapshots up to
    ``as_of``."""
    df = accounts()
    held = df[df["as_of_date"] <= as_of]
    return sorted({str(d)[:7] for d in held["placement_date"]})


def percent(part: int, whole: int) -> str:
    """A rate as the app writes it (domain.md, ui/fmt.py's rule): one decimal, half up."""
    value = (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"
