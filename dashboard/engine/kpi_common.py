"""What every KPI report shares: the filter set, report windows, and input checks.

Reports take one ``Filters`` (their dates and the portfolio, team and agent filters); the
checks that turn bad input into a clear message (a window that ends before it starts, an
unknown portfolio, an empty database) live here once, so the CLI and the app say the same.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import db

RATE_PLACES = Decimal("0.000001")


class ReportError(ValueError):
    """The report cannot run on this input; ``str(exc)`` says why, for a person."""


DIMENSION_FIELDS = ("portfolios", "teams", "agents")
DATE_FIELDS = ("date_from", "date_to", "as_of")


@dataclass(frozen=True)
class Filters:
    """What a report is asked about: its dates and the portfolio/team/agent filters.

    Every report takes one of these. Which dates it reads (a window ``date_from`` ..
    ``date_to``, only ``date_to``, or ``as_of``) and what they mean is the report's own
    (README.md, Reports; ``dashboard/reports/catalogue.py`` declares it); None is the report's
    default. An empty tuple means no filter on that dimension; several values mean
    any of them. Sequences are kept as tuples, so a Filters is hashable (a cache key).
    """

    date_from: date | None = None
    date_to: date | None = None
    as_of: date | None = None
    portfolios: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in DIMENSION_FIELDS:
            values = getattr(self, name)
            if isinstance(values, str):  # Filters(agents="G1") would filter on "G" and "1"
                raise TypeError(f"Filters.{name} takes a sequence of values, not {values!r}")
            object.__setattr__(self, name, tuple(values))

    def dates_given(self) -> tuple[str, ...]:
        """The names of the date fields that are set."""
        return tuple(n for n in DATE_FIELDS if getattr(self, n) is not None)

    def params(self) -> dict[str, list[str]]:
        """The bound parameters every KPI query takes (the three dimensions)."""
        return {
            "portfolios": list(self.portfolios),
            "teams": list(self.teams),
            "agents": list(self.agents),
        }


ALL = Filters()  # no date given, no dimension filtered


def snapshot_dates(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every loaded snapshot date, oldest first."""
    return [r["as_of_date"] for r in db.run(con, "kpi/snapshot_dates").to_pylist()]


def latest_snapshot(con: duckdb.DuckDBPyConnection) -> date:
    """The latest snapshot date.

    Raises:
        ReportError: no snapshot is loaded.
    """
    dates = snapshot_dates(con)
    if not dates:
        raise ReportError("the database holds no account snapshot yet: import accounts first")
    return dates[-1]


def check_as_of(con: duckdb.DuckDBPyConnection, as_of: date | None) -> None:
    """Raise ReportError when as_of is before the first snapshot (none is on or before it)."""
    if as_of is None:
        return
    first = snapshot_dates(con)[0]
    if as_of < first:
        raise ReportError(f"no snapshot on or before {as_of} (the first is {first})")


def check_window(date_from: date | None, date_to: date | None) -> None:
    """Raise ReportError when the window ends before it starts."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ReportError(f"--from {date_from} is after --to {date_to}")


def default_window(
    con: duckdb.DuckDBPyConnection, date_from: date | None, date_to: date | None
) -> tuple[date, date]:
    """Fill in a report window: --to defaults to the latest snapshot, --from to the 1st of
    --to's month (so the default is the latest snapshot's month up to the snapshot).
    """
    check_window(date_from, date_to)
    end = date_to or latest_snapshot(con)
    start = date_from or end.replace(day=1)
    check_window(start, end)
    return start, end


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_window(date_from: date, date_to: date) -> tuple[date, date]:
    """The window of equal length just before [date_from, date_to].

    A window of whole calendar months (from a 1st to a month's last day) is followed back by
    the same number of whole months (October -> September, Q3 -> Q2); any other window by the
    same number of days.

    Raises:
        ReportError: that window would start before the first day a date can be (0001-01-01).
    """
    try:
        if date_from.day == 1 and date_to == _month_end(date_to):
            months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
            start = _add_months(date_from, -months)
            return start, date_from - timedelta(days=1)
        days = (date_to - date_from).days + 1
        return date_from - timedelta(days=days), date_from - timedelta(days=1)
    except (OverflowError, ValueError) as exc:
        raise ReportError(
            f"the window of equal length before {date_from} to {date_to} would start before "
            f"{date.min}: choose a later --from or an earlier --to"
        ) from exc


def prepare(con: duckdb.DuckDBPyConnection, filters: Filters) -> Filters:
    """The filters of a report, checked (and returned as they are).

    Raises:
        ReportError: the database holds no snapshot, or a filter value is unknown.
    """
    latest_snapshot(con)  # raises on an empty database
    check_filters(con, filters)
    return filters


def run_query(
    con: duckdb.DuckDBPyConnection,
    query: str,
    filters: Filters,
    dates: Sequence[str],
    *,
    window: bool = False,
    params: Mapping[str, Any] | None = None,
) -> pa.Table:
    """A report that is one query file: its filters checked, then the query run with the
    ``dates`` it reads, the three dimensions and ``params`` bound.

    Args:
        query: the query file, e.g. ``"kpi/contact_mix"`` (``db.run``).
        filters: what the report is asked about.
        dates: the date fields of ``filters`` the query takes (as parameters of those names).
        window: fill in ``date_from`` and ``date_to`` as ``default_window`` does (the
            latest snapshot's month); otherwise a missing date is bound as NULL.
        params: the query's other parameters (settings, options).

    Raises:
        ReportError: a window ending before it starts, an empty database or an unknown
            filter value.
    """
    check_window(filters.date_from, filters.date_to)
    prepare(con, filters)
    bound: dict[str, Any] = {d: getattr(filters, d) for d in dates}
    if window:
        bound["date_from"], bound["date_to"] = default_window(
            con, filters.date_from, filters.date_to
        )
    return db.run(con, query, {**bound, **(params or {}), **filters.params()})


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator to 6 places, half away from zero (as the SQL rates); None for a
    zero denominator."""
    if not denominator:
        return None
    exact = Decimal(numerator) / Decimal(denominator)
    return exact.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def check_filters(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Raise ReportError naming every filter value the database does not know."""
    if not (filters.portfolios or filters.teams or filters.agents):
        return
    known: dict[str, set[str]] = {"portfolio": set(), "team": set(), "agent": set()}
    for row in db.run(con, "kpi/filter_values").to_pylist():
        known[row["kind"]].add(row["value"])
    problems = []
    for kind, values in (
        ("portfolio", filters.portfolios),
        ("team", filters.teams),
        ("agent", filters.agents),
    ):
        unknown = [v for v in values if v not in known[kind]]
        if unknown:
            sample = ", ".join(sorted(known[kind])[:10]) or "none"
            more = " ..." if len(known[kind]) > 10 else ""
            problems.append(f"unknown {kind} {', '.join(unknown)} (known: {sample}{more})")
    if problems:
        raise ReportError("; ".join(problems))
