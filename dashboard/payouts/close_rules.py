"""The rules of closing the books (domain.md "closing the loop"), checked before each step.

A period is prepared or approved only once it has ended in the data (its last day on or before
the latest loaded snapshot's as_of_date) and only when every earlier period with payouts is
approved; a later period frozen (prepared or approved) forbids preparing or reopening an
earlier one; the same person cannot prepare and approve. Each check raises ``ApprovalRefused``
with a Message that names what was wrong. Two steps of one round at the same instant are kept
apart by the database (``payout_steps``' key, a write-write conflict): ``refuse_if_conflict``
turns the loser's error into a refusal. Reads only (``facts.py``); no writes.
"""

from __future__ import annotations

import duckdb

from dashboard.messages import Message
from dashboard.payouts import facts
from dashboard.payouts.values import Period


class ApprovalRefused(Exception):
    """The step is not allowed; ``str(exc)`` says why (in English; ``exc.args[0]`` is the
    Message, to be shown in another language)."""


def same_person(a: str | None, b: str | None) -> bool:
    """Whether two names are one person's (case and spacing aside: ``Li Na`` = `` li  na``)."""
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def check_ended(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """The period's last day is on or before the latest snapshot's as_of_date."""
    end = facts.data_end(con)
    if end is None:
        raise ApprovalRefused(Message("payout.refuse_no_snapshot", period=str(period)))
    if period.last_day > end:
        raise ApprovalRefused(
            Message(
                "payout.refuse_not_ended",
                period=str(period),
                last_day=period.last_day.isoformat(),
                as_of=end.isoformat(),
            )
        )


def check_earlier(
    con: duckdb.DuckDBPyConnection, period: Period, booked_before: Period | None = None
) -> None:
    """Every earlier period with payouts approved (``booked_before``: an earlier open period
    that has adjustments booked, so payouts too)."""
    rounds = facts.rounds_in_force(con)
    months = set(facts.payment_months(con, period))
    months |= {m for m, r in rounds.items() if m < period and r["status"] == "prepared"}
    if booked_before is not None:
        months.add(booked_before)
    items: list[str] = []
    for m in sorted(months):
        r = rounds.get(m)
        if r is None:
            booked = booked_before == m
            items.append(Message("payout.earlier_booked", period=str(m)) if booked else str(m))
        elif r["status"] == "prepared":
            items.append(Message("payout.earlier_prepared", period=str(m), by=r["prepared_by"]))
    if items:
        raise ApprovalRefused(
            Message("payout.refuse_earlier_open", period=str(period), periods=_joined(items))
        )


def _joined(items: list[str]) -> list[str]:
    """The periods to name (a list value: joined in the reader's language), at most 12."""
    more = [Message("payout.earlier_more", n=len(items) - 12)] if len(items) > 12 else []
    return items[:12] + more


def check_no_later_frozen(con: duckdb.DuckDBPyConnection, period: Period, code: str) -> None:
    """Refuse (message ``code``) when a period after ``period`` is prepared or approved,
    naming the latest such period and its status."""
    later = [(m, r["status"]) for m, r in facts.rounds_in_force(con).items() if m > period]
    if later:
        month, status = later[-1]
        raise ApprovalRefused(
            Message(
                code,
                period=str(period),
                later=str(month),
                status=Message(f"payout.status_value_{status}"),
            )
        )


_CONFLICT_WORDS = ("conflict", "duplicate key", "constraint violation")


def refuse_if_conflict(exc: BaseException, period: Period, step: str) -> None:
    """Refuse a step that lost to another one of the same round saved at the same instant
    (the database refused the second: a write-write conflict or ``payout_steps``' key)."""
    if not isinstance(exc, duckdb.TransactionException | duckdb.ConstraintException):
        return
    if not any(w in str(exc).lower() for w in _CONFLICT_WORDS):
        return
    raise ApprovalRefused(
        Message("payout.refuse_concurrent", step=Message(f"payout.step_{step}"), period=str(period))
    ) from exc
