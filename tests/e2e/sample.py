"""Shared by the app tests: a database loaded with sample_data/, and numbers computed from the
CSV files with plain pandas (never through the engine), to check what the pages show.
"""

from __future__ import annotations

from datetime import date
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
