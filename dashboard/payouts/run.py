"""Computing a period's payouts: the deficit chain, month by month, the adjustments booked
into it, and its fingerprint.

A period's payout depends on earlier periods (a deficit carries into the next month), so the
run computes every month in order and keeps only the asked period's payouts; of a month before
it only what it carries out matters, so only the agents who may end it below zero are computed
(``rules.carry_out_of_period``) and only their days read (``facts.DayRows``). The chain starts
at the month after the latest *frozen* (prepared or approved) period before the asked one, from
its frozen carry_out (what finance signed is what was carried); without one it starts at the
month of the first payment in any basis.

Adjustments (domain.md "closing the loop"): the first period after the latest frozen one (the
open period) books, per agent, the corrections of every approved period: what the agent's
position at the end of that period (payout + deficit carried out) is when recomputed today,
less what was approved, less what later frozen periods already booked for it. Nothing is
stored for this: the amount is derived each time, so reading it twice books nothing twice,
and reopening and approving the earlier period again (its approval then holds today's figures)
leaves nothing to book. Once the open period is prepared, its adjustment lines are frozen with
it and count as booked. An approved period is recomputed with the plan book and compliance
preset frozen with it (a plan edit applies from the open period on, never retroactively); a
frozen period's own recomputation uses the adjustments frozen with it.

The facts come from ``facts.py``, the rules are the pure functions of ``rules.py``; this module
only chains them and fingerprints what it used, so an approval can tell later whether anything
it was built from has changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from dashboard.messages import Message
from dashboard.payouts import digests, facts
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.plan_file import check_agent_plans
from dashboard.payouts.plan_json import book_from_json
from dashboard.payouts.rules import (
    carry_out_of_period,
    compute_period,
    may_carry_out,
    never_negative,
)
from dashboard.payouts.values import ZERO, Agent, AgentFacts, AgentPayout, Booking, Period

Bookings = dict[str, list[Booking]]  # agent_id -> the corrections booked into one month


class PayoutInputError(ValueError):
    """The payouts cannot be computed from this database and plan file; the message says why."""


@dataclass(frozen=True)
class PayoutRun:
    """The payouts of one period, with what they were computed from."""

    period: Period
    book: PlanBook
    payouts: tuple[AgentPayout, ...]
    fingerprint: str  # digest of every fact used (agents, bases, days, conduct, carry start)
    carry_from: str  # where the deficit chain started, in words (a Message)
    booked_into: Period | None = None  # the open period, when the chain books adjustments
    bookings: tuple[tuple[str, Booking], ...] = ()  # (agent_id, booking) in booked_into
    notes: tuple[str, ...] = ()  # Messages: corrections that could not be computed
    # The fingerprint by the first formula (repr of the facts, no version prefix), computed
    # only when asked (``compute_run(legacy_fingerprint=True)``): an approval made with it
    # is compared with it (``fingerprint_matches``).
    legacy_fingerprint: str | None = None

    def fingerprint_matches(self, stored: str) -> bool:
        """Whether an approval's stored ``data_fingerprint`` is this run's, by the formula it
        was made with (a stored one without ``digests.VERSION``: the first; it needs a run
        computed with ``legacy_fingerprint=True``, else it reads as changed)."""
        if digests.is_current(stored):
            return stored == self.fingerprint
        return stored == self.legacy_fingerprint

    @property
    def booked_total(self) -> Decimal:
        """The sum of the adjustments booked into ``booked_into``."""
        return sum((b.amount for _, b in self.bookings), ZERO)


def _roster(
    period: Period,
    agents: dict[str, dict[str, Any]],
    active_ids: set[str],
    carry: dict[str, Decimal],
    booked: Iterable[str] = (),
) -> list[Agent]:
    """Who is paid in a period: active agents (hired by its end), the credited, the indebted,
    and those with an adjustment booked."""
    ids = set(active_ids) | {k for k, v in carry.items() if v} | set(booked)
    for agent_id, a in agents.items():
        hired = a.get("hire_date")
        if a.get("active") and (hired is None or hired <= period.last_day):
            ids.add(agent_id)
    rows = {i: agents.get(i, {}) for i in sorted(ids)}
    return [Agent(i, a.get("agent_name"), a.get("team"), a.get("plan")) for i, a in rows.items()]


Facts = dict[tuple[Any, ...], Any]  # what compute_run read, by fact and arguments


class _Fingerprint:
    """A run's fingerprint: a row of canonical fields per fact (``digests``), and the first
    formula's (the repr of the facts) only when asked: approvals made with it compare it."""

    def __init__(self, legacy: bool) -> None:
        self._h = hashlib.sha256()
        self._old = hashlib.sha256() if legacy else None

    @property
    def legacy(self) -> bool:
        return self._old is not None

    def add(self, *values: Any) -> None:
        self._h.update(digests.fields(values).encode())
        self._h.update(b"\n")

    def add_legacy(self, text: str) -> None:
        if self._old is not None:
            self._old.update(text.encode())

    def hexdigest(self) -> str:
        return digests.VERSION + self._h.hexdigest()

    def legacy_hexdigest(self) -> str | None:
        return self._old.hexdigest() if self._old is not None else None


def _read(memo: Facts | None, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(con, *args)``'s facts, read once per ``memo`` (None: read now)."""
    if memo is None:
        return fn(*args)
    key = (fn.__name__, *args[1:])
    if key not in memo:
        memo[key] = fn(*args)
    return memo[key]


def compute_run(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    book: PlanBook,
    preset: str = "cn",
    *,
    memo: Facts | None = None,
    legacy_fingerprint: bool = False,
) -> PayoutRun:
    """The payouts of ``period`` computed from the database and the plan book.

    Args:
        con: an open connection.
        period: the month to pay.
        book: a valid plan book.
        preset: the compliance preset counting violations for the compliance factor.
        memo: facts already read on this connection, for a caller computing the same data
            with several plan books (the what-if); filled with what this run reads. The
            caller keeps it only while the data cannot change.
        legacy_fingerprint: also compute the fingerprint by the first formula, for an
            approval made with it (``PayoutRun.fingerprint_matches``).

    Raises:
        PayoutInputError: no agents and no payments at all, or an agent's plan is not in
            the plan file.
    """
    agents = _read(memo, facts.agents, con)
    first = _read(memo, facts.first_activity, con)
    if not agents and first is None:
        raise PayoutInputError(Message("payout.input_empty"))
    problems = check_agent_plans(book, {k: v.get("plan") for k, v in agents.items()})
    if problems:
        raise PayoutInputError(
            "agents name plans that the plan file does not have:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    frozen = _read(memo, facts.frozen_carry_before, con, period)
    if frozen is not None:
        start, carry = frozen[0].next(), dict(frozen[1])
        code = "payout.carry_frozen" if frozen[2] == "approved" else "payout.carry_frozen_prepared"
        carry_from: str = Message(code, period=str(frozen[0]))
    else:
        start = min(first, period) if first else period
        carry = {}
        carry_from = (
            Message("payout.carry_first", start=str(start))
            if first and first <= period
            else Message("payout.carry_none")
        )
    rounds = _read(memo, facts.rounds_in_force, con)
    booked: dict[Period, Bookings] = {}
    into: Period | None = None
    notes: list[str] = []
    if period in rounds:  # a frozen period recomputed: with the adjustments frozen with it
        booked[period] = _frozen_bookings(con, rounds[period]["approval_id"])
    elif rounds and start <= max(rounds).next() <= period:
        into = max(rounds).next()
        booked[into], notes = open_bookings(con, rounds, book, preset)
    months = _read(memo, facts.months, con, period)
    days, days_digest = _read(memo, facts.days, con, start, period)
    own_targets = _read(memo, facts.agent_targets, con, start, period)
    fingerprint = _Fingerprint(legacy_fingerprint)
    fingerprint.add("preset", preset)
    for agent_id, row in sorted(agents.items()):
        fingerprint.add("agent", agent_id, row)
    fingerprint.add("carry", sorted(carry.items()))
    fingerprint.add("bookings", _booking_key(booked))
    fingerprint.add("days", start, period, days_digest)  # every (agent, day, net) of the chain
    fingerprint.add_legacy(preset)
    if fingerprint.legacy:
        fingerprint.add_legacy(repr(sorted(agents.items())))
        fingerprint.add_legacy(repr(sorted(carry.items())))
        fingerprint.add_legacy(repr(_booking_key(booked)))
    needs_conduct = any(p.compliance is not None for p in book.plans.values())
    counts_upheld = any(
        p.compliance is not None and p.compliance.per_upheld_complaint for p in book.plans.values()
    )
    pays_nothing_negative = never_negative(book)
    current = start
    while True:
        facts_rows = months.get(current, {})
        last = current == period
        month_bookings = booked.get(current, {})
        roster = _roster(current, agents, set(facts_rows), carry, month_bookings)
        conduct: dict[str, dict] = {}
        upheld: dict[str, int] = {}
        # Conduct changes a payout only through the compliance factor; an earlier month's
        # figures matter here only through a deficit, so they need it only when one carries
        # (or an adjustment may make one).
        if last or (
            needs_conduct and (month_bookings or any(carry.get(a.agent_id) for a in roster))
        ):
            conduct = _read(memo, facts.conduct, con, current, preset)
            if counts_upheld:
                upheld = _read(memo, facts.upheld_complaints, con, current)
        month_facts = {}
        every_day = last or fingerprint.legacy or not pays_nothing_negative
        for a in roster:
            row = facts_rows.get(a.agent_id, {})
            c = conduct.get(a.agent_id, {})
            basis = row.get("basis_amount", ZERO)
            # Before the last month only an agent that may carry a deficit out is computed
            # (rules.carry_out_of_period): the others' days are never read.
            booked_for = bool(month_bookings.get(a.agent_id))
            needed = every_day or may_carry_out(basis, carry.get(a.agent_id), booked_for)
            month_facts[a.agent_id] = AgentFacts(
                basis=basis,
                tasks=int(row.get("tasks", 0)),
                daily=tuple(days.get((current, a.agent_id), ())) if needed else (),
                contacts=int(c.get("contacts") or 0),
                violations=int(c.get("violations") or 0),
                complaints=int(c.get("complaints") or 0),
                upheld_complaints=upheld.get(a.agent_id, 0),
                target=own_targets.get((current, a.agent_id)),
            )
        for agent_id, f in sorted(month_facts.items()):
            fingerprint.add(
                "month", current, agent_id, f.basis, f.tasks, f.contacts, f.violations,
                f.complaints, f.upheld_complaints, f.target,
            )  # fmt: skip
        if fingerprint.legacy:
            _legacy_month(fingerprint, current, month_facts, upheld, own_targets)
        if last:
            payouts = compute_period(book, current, roster, month_facts, carry, month_bookings)
            into_bookings = booked.get(into, {}) if into is not None else {}
            lines = tuple((a, b) for a, bs in sorted(into_bookings.items()) for b in bs)
            return PayoutRun(
                period,
                book,
                tuple(payouts),
                fingerprint.hexdigest(),
                carry_from,
                into,
                lines if into is not None else (),
                tuple(notes),
                fingerprint.legacy_hexdigest(),
            )
        carry = carry_out_of_period(book, current, roster, month_facts, carry, month_bookings)
        current = current.next()


def _legacy_month(
    fingerprint: _Fingerprint,
    current: Period,
    month_facts: dict[str, AgentFacts],
    upheld: dict[str, int],
    own_targets: dict[tuple[Period, str], Decimal],
) -> None:
    """What the first formula took from a month (the repr of its facts)."""
    fingerprint.add_legacy(f"{current}|{sorted(month_facts.items())!r}")
    if upheld:  # not in AgentFacts' repr: fingerprints made before the count stay valid
        fingerprint.add_legacy(f"{current}|upheld|{sorted(upheld.items())!r}")
    targeted = sorted((a, t) for (m, a), t in own_targets.items() if m == current)
    if targeted:  # likewise: a month without targets keeps its fingerprint
        fingerprint.add_legacy(f"{current}|targets|{targeted!r}")


def _booking_key(booked: dict[Period, Bookings]) -> list[Any]:
    """What the fingerprint takes from the bookings: each one's month, agent, period, amount."""
    return sorted(
        (str(m), a, str(b.corrects), b.amount)
        for m, v in booked.items()
        for a, bs in v.items()
        for b in bs
    )


def _frozen_bookings(con: duckdb.DuckDBPyConnection, approval_id: int) -> Bookings:
    """The adjustments frozen with a round (its adjustment lines), per agent."""
    out: Bookings = {}
    for r in facts.booked_adjustments(con):
        if r["approval_id"] == approval_id:
            # The figures the line was computed from are in its reason; the amount is what
            # counts (approved and recomputed are kept only for the words).
            b = Booking(Period.parse(r["corrects_period"]), r["amount"], ZERO, r["amount"])
            out.setdefault(r["agent_id"], []).append(b)
    return out


def frozen_book(round_row: dict[str, Any], today: PlanBook | None) -> PlanBook:
    """The plan book frozen with a round (today's for approvals made before it was stored).

    Raises:
        PayoutInputError: the stored book cannot be read (or there is none, nor today's).
    """
    text = round_row.get("plans_book")
    if not text:
        if today is None:
            raise PayoutInputError(Message("payout.note_no_plan_file"))
        return today
    try:
        return book_from_json(text)
    except ValueError as exc:
        raise PayoutInputError(str(exc)) from exc


def open_bookings(
    con: duckdb.DuckDBPyConnection,
    rounds: dict[Period, dict[str, Any]],
    today: PlanBook,
    preset: str = "cn",
) -> tuple[Bookings, list[str]]:
    """The corrections of every approved period not yet booked, per agent, for the open
    period (the month after the latest frozen one), and notes on periods that could not be
    recomputed (their corrections wait until they can).

    Args:
        con: an open connection.
        rounds: the rounds in force (``facts.rounds_in_force``).
        today: the plan book for approvals that did not store theirs.
        preset: the compliance preset for approvals that did not store theirs.
    """
    already: dict[tuple[Period, str], Decimal] = {}
    for r in facts.booked_adjustments(con):
        key = (Period.parse(r["corrects_period"]), r["agent_id"])
        already[key] = already.get(key, ZERO) + r["amount"]
    out: Bookings = {}
    notes: list[str] = []
    digested = (facts.fact_digests(con), facts.first_activity(con))
    legacy: dict[str, Any] = {}  # the first formula's inputs, read once if an approval needs them
    for period, r in rounds.items():
        if r["status"] != "approved":
            continue
        if facts.facts_digest_matches(con, r.get("facts_digest"), period, digested, legacy):
            # Nothing it was computed from changed: recomputed, it is its frozen figures, so
            # only what was booked for it meanwhile (data changed, then changed back) returns.
            for (p, agent_id), amount in sorted(already.items()):
                if p == period and amount:
                    was = facts.approved_positions(con, r["approval_id"]).get(agent_id, ZERO)
                    out.setdefault(agent_id, []).append(Booking(period, -amount, was, was))
            continue
        try:
            book = frozen_book(r, today)
            run = compute_run(con, period, book, r["preset"] or preset)
        except PayoutInputError as exc:
            why = exc.args[0] if exc.args else str(exc)
            notes.append(Message("payout.note_not_booked", period=str(period), why=why))
            continue
        approved = facts.approved_positions(con, r["approval_id"])
        now = {p.agent_id: p.payout + p.carry_out for p in run.payouts}
        for agent_id in sorted(set(approved) | set(now)):
            was, is_ = approved.get(agent_id, ZERO), now.get(agent_id, ZERO)
            amount = is_ - was - already.get((period, agent_id), ZERO)
            if amount:
                out.setdefault(agent_id, []).append(Booking(period, amount, was, is_))
    return out, notes
