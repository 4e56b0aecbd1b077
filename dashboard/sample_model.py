"""The statistical model behind the synthetic sample portfolio (``python -m dashboard sample``).

Collections managers judge the dashboard by whether its charts look like their book, so the
sample is drawn from a small, explicit model rather than from independent random columns:
accounts are placed in monthly cohorts, roll between delinquency buckets month by month with
bucket-dependent probabilities (cure, pay, settle, roll forward, recall, write off, ...), pay
in cents that are taken off their balance, and are worked by agents whose contacts, promises
and (rare) conduct breaches follow from the same monthly step. Everything is vectorised over a
chunk of accounts with numpy, so a million accounts stream through in bounded memory.

The tunable numbers are the tables below (staffing is in ``dashboard.sample_world``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard import vocab
from dashboard.sample_world import PORTFOLIOS, Agents, Calendar

PORTFOLIO_WEIGHTS = np.array([0.45, 0.35, 0.20])
# Per portfolio: median placed balance (yuan), lognormal sigma, DPD range at placement, and how
# readily its debtors pay (B is a late-stage placement, C a consumer loan with big balances).
MEDIAN_YUAN = np.array([15_000.0, 9_000.0, 30_000.0])
SIGMA = np.array([0.8, 0.9, 0.7])
PLACED_DPD = np.array([[31, 90], [91, 180], [1, 60]])
PROPENSITY = np.array([1.0, 0.6, 1.15])

# Region (pinyin), first three digits of its resident-ID codes, share of accounts.
REGIONS = (
    ("Guangdong", "440", 0.14), ("Jiangsu", "320", 0.09), ("Zhejiang", "330", 0.08),
    ("Shandong", "370", 0.08), ("Henan", "410", 0.08), ("Sichuan", "510", 0.07),
    ("Hubei", "420", 0.06), ("Hunan", "430", 0.06), ("Hebei", "130", 0.06),
    ("Fujian", "350", 0.05), ("Beijing", "110", 0.05), ("Shanghai", "310", 0.05),
    ("Anhui", "340", 0.05), ("Chongqing", "500", 0.04), ("Shaanxi", "610", 0.04),
)  # fmt: skip

# A status is its index in the domain's list (dashboard.vocab); the first four are still worked.
STATUSES = vocab.STATUSES
OPEN, PLAN_ST, LEGAL_ST, DISPUTED_ST, SETTLED, PAID, RECALLED, WRITTEN_OFF = range(len(STATUSES))
ACTIVE_STATUSES = 4  # statuses below this one are still being worked

# Monthly events. ROLL (no event: DPD grows by the month's days) takes the leftover probability.
PAYOFF, SETTLE, RECALL, WRITEOFF, CURE, PLAN, PARTIAL, REGULAR, LEGAL, DISPUTE, RESOLVE = range(11)
ROLL = 11
N_EVENTS = 11
TERMINAL_EVENTS = (PAYOFF, SETTLE, RECALL, WRITEOFF)
AGENT_DRIVEN = (PAYOFF, SETTLE, CURE, PLAN, PARTIAL)  # scaled by propensity x agent skill
# Event probabilities per status, per bucket (Current, M1, ..., M7+).
_EVENT_P: dict[int, dict[int, list[float]]] = {
    OPEN: {
        PAYOFF: [0.020, 0.030, 0.020, 0.012, 0.008, 0.006, 0.005, 0.004],
        SETTLE: [0.000, 0.005, 0.012, 0.018, 0.020, 0.020, 0.020, 0.018],
        RECALL: [0.004, 0.006, 0.008, 0.010, 0.012, 0.016, 0.030, 0.050],
        WRITEOFF: [0, 0, 0, 0, 0, 0, 0, 0.040],
        CURE: [0.000, 0.300, 0.140, 0.080, 0.050, 0.035, 0.025, 0.012],
        PLAN: [0.000, 0.040, 0.050, 0.050, 0.040, 0.030, 0.025, 0.015],
        PARTIAL: [0.000, 0.100, 0.100, 0.090, 0.080, 0.070, 0.060, 0.050],
        REGULAR: [0.620, 0, 0, 0, 0, 0, 0, 0],
        LEGAL: [0, 0, 0, 0, 0.020, 0.025, 0.030, 0.030],
        DISPUTE: [0.002, 0.004, 0.005, 0.005, 0.005, 0.005, 0.004, 0.004],
    },
    PLAN_ST: {
        PAYOFF: [0.020] * 8, RECALL: [0.003] * 8, DISPUTE: [0.002] * 8,
        REGULAR: [0.820, 0.500, 0.400, 0.300, 0.300, 0.300, 0.300, 0.300],
    },
    LEGAL_ST: {
        PAYOFF: [0.006] * 8, SETTLE: [0.030] * 8, PARTIAL: [0.060] * 8, RECALL: [0.010] * 8,
        PLAN: [0.020] * 8, WRITEOFF: [0, 0, 0, 0, 0, 0, 0, 0.030],
    },
    DISPUTED_ST: {RESOLVE: [0.300] * 8, RECALL: [0.050] * 8, SETTLE: [0.020] * 8},
}  # fmt: skip
# Snapshots in which a closed account still shows (0 = it vanishes at once): probabilities.
LINGER_P = {PAYOFF: [0.15, 0.45, 0.40], SETTLE: [0.15, 0.45, 0.40],
            RECALL: [0.60, 0.40, 0.00], WRITEOFF: [0.30, 0.40, 0.30]}  # fmt: skip

# Share of payments by channel (codes of dashboard.vocab), drawn in this order.
PAY_CHANNEL_MIX = {"bank_transfer": 0.45, "wallet": 0.30, "card": 0.15, "cash": 0.10}
PAY_CHANNELS = tuple(PAY_CHANNEL_MIX)
PAY_CHANNEL_P = np.array(list(PAY_CHANNEL_MIX.values()))
PAYMENT_AGENT_BLANK = 0.12
REVERSAL_P = 0.025

REASSIGN_P = 0.02
PLACEMENT_TERM, TERM_RECALL_P = 9, 0.10  # months; banks take back hopeless accounts
BACK_BOOK_SHARE = 0.3


def bucket(dpd: np.ndarray) -> np.ndarray:
    """Delinquency bucket index (0 Current, 1 M1 = 1-30 DPD, ..., 7 M7+ = 181 and over)."""
    return np.where(dpd <= 0, 0, np.minimum(7, (dpd - 1) // 30 + 1))


def event_table() -> np.ndarray:
    """Probabilities, shape (4 statuses x 8 buckets, N_EVENTS), row = status * 8 + bucket."""
    table = np.zeros((ACTIVE_STATUSES * 8, N_EVENTS))
    for status, events in _EVENT_P.items():
        for event, probs in events.items():
            table[status * 8 : status * 8 + 8, event] = probs
    return table


@dataclass
class Book:
    """One chunk of accounts: static attributes and the state carried from month to month."""

    number: np.ndarray  # account number (the id is derived from it)
    portfolio: np.ndarray
    region: np.ndarray
    place_month: np.ndarray
    place_day: np.ndarray
    placed: np.ndarray  # cents
    balance: np.ndarray  # cents
    dpd: np.ndarray
    status: np.ndarray
    agent: np.ndarray  # -1 until placed
    installment: np.ndarray  # cents, for payment plans
    quiet_until: np.ndarray  # no contact before this day (after a right-party conversation)
    pending: np.ndarray  # reversals of last month's payments, added back next month
    closed_month: np.ndarray  # month of the closing event
    linger: np.ndarray  # snapshots a closed account still shows in
    pay_seq: np.ndarray  # payments so far (numbers the payment ids)
    contact_seq: np.ndarray

    @classmethod
    def draw(cls, rng: np.random.Generator, first: int, n: int, cal: Calendar) -> Book:
        portfolio = rng.choice(len(PORTFOLIOS), n, p=PORTFOLIO_WEIGHTS)
        region = rng.choice(len(REGIONS), n, p=[w for _, _, w in REGIONS])
        back = rng.random(n) < (BACK_BOOK_SHARE if cal.back else 0.0)
        place_month = np.where(
            back, rng.integers(-cal.back, 0, n) if cal.back else 0, rng.integers(0, cal.months, n)
        )
        lo, hi = cal.starts[place_month + cal.back], cal.ends[place_month + cal.back]
        place_day = lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64)
        yuan = MEDIAN_YUAN[portfolio] * np.exp(rng.normal(0.0, 1.0, n) * SIGMA[portfolio])
        placed = (yuan.clip(300, 500_000) * 100).astype(np.int64) + rng.integers(0, 100, n)
        dpd_lo, dpd_hi = PLACED_DPD[portfolio, 0], PLACED_DPD[portfolio, 1]
        state = ("installment", "quiet_until", "pending", "linger", "pay_seq", "contact_seq")
        return cls(
            number=np.arange(first + 1, first + n + 1, dtype=np.int64),
            portfolio=portfolio,
            region=region,
            place_month=place_month,
            place_day=place_day,
            placed=placed,
            balance=placed.copy(),
            dpd=dpd_lo + (rng.random(n) * (dpd_hi - dpd_lo + 1)).astype(np.int64),
            status=np.zeros(n, dtype=np.int8),
            agent=np.full(n, -1, dtype=np.int64),
            closed_month=np.full(n, 10**6, dtype=np.int64),
            **{name: np.zeros(n, dtype=np.int64) for name in state},
        )

    def shown(self, t: int) -> np.ndarray:
        """Mask of the accounts that appear in month t's snapshot."""
        is_open = self.status < ACTIVE_STATUSES
        return (self.place_month <= t) & (is_open | (t < self.closed_month + self.linger))


def round_to(cents: np.ndarray, unit: int) -> np.ndarray:
    """Round cents to a multiple of ``unit`` (half up); people pay round amounts."""
    return (cents + unit // 2) // unit * unit


# Contacts ------------------------------------------------------------------------------------
# Channels and outcomes are their index in the domain's lists (dashboard.vocab): the mixes
# below have one column per code, in that order.
CONTACT_CHANNELS = vocab.CONTACT_CHANNELS
CALL = CONTACT_CHANNELS.index("call")
OUTCOMES = vocab.OUTCOMES
PROMISE = OUTCOMES.index("promise_to_pay")
RIGHT_PARTY_FROM = OUTCOMES.index(vocab.RIGHT_PARTY_OUTCOMES[0])  # from it on: right party
MAX_CONTACTS = 8
# Mean contacts per account-month, per status, per bucket.
CONTACT_MEAN = np.array([
    [0.4, 2.5, 3.0, 3.0, 2.6, 2.2, 2.0, 1.6],  # open
    [0.8, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0],  # payment_plan
    [1.0] * 8,  # legal: mostly letters
    [0.7] * 8,  # disputed: handled carefully
]).ravel()  # fmt: skip
# Channel mix (call, sms, email, letter, visit) for early buckets, late buckets, legal, disputed.
CHANNEL_P = np.array([
    [0.62, 0.28, 0.05, 0.03, 0.02], [0.55, 0.20, 0.03, 0.15, 0.07],
    [0.30, 0.10, 0.00, 0.50, 0.10], [0.40, 0.10, 0.20, 0.30, 0.00],
])  # fmt: skip
# Outcome mix per channel; promises come only from the promise mechanism of ``_contacts``.
OUTCOME_P = np.array([
    [0.580, 0.050, 0.250, 0, 0.090, 0.020, 0.002],  # call: no_answer dominates
    [0.860, 0.020, 0.100, 0, 0.015, 0.004, 0.001],  # sms: a reply counts as right party
    [0.900, 0.010, 0.070, 0, 0.010, 0.010, 0.000],
    [0.950, 0.010, 0.020, 0, 0.000, 0.020, 0.000],
    [0.400, 0.050, 0.370, 0, 0.150, 0.020, 0.010],  # visit
])  # fmt: skip
# Hour-of-day weights (08:00-20:59) per channel; letters and visits keep office hours.
HOUR_W = np.zeros((5, 24))
HOUR_W[0, 8:21] = [3, 8, 10, 9, 4, 5, 9, 9, 8, 7, 6, 7, 5]
HOUR_W[1, 9:21] = 1
HOUR_W[2, 8:21] = 1
HOUR_W[3, 9:17] = 1
HOUR_W[4, 9:19] = 1
NIGHT_HOURS = np.array([22, 23, 6, 7])
# Conduct breaches, for ordinary / careless agents.
NIGHT_CALL_P = np.array([0.0015, 0.03])
QUIET_BREACH_P = np.array([0.01, 0.10])  # called again within 7 days of a right-party talk
BURST_P = np.array([0.0008, 0.01])  # 7-9 unanswered calls in one day, per account-month
KEPT_PROMISE_P, KEPT_REGULAR_P, BROKEN_PROMISE_P = 0.45, 0.15, 0.08


def _cum(p: np.ndarray) -> np.ndarray:
    c = np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)
    c[..., -1] = 1.0
    return c


def _pick(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """One category per row of ``cum`` (cumulative probabilities, one row per draw)."""
    return (rng.random(len(cum))[:, None] >= cum).sum(axis=1)


_OUTCOME_CUM = _cum(np.stack([OUTCOME_P, OUTCOME_P * [[0.9, 1, 1, 1, 1, 1, 6]]], axis=1))
_CHANNEL_CUM = _cum(CHANNEL_P)
_HOUR_CUM = _cum(HOUR_W)
_PAY_CHANNEL_CUM = _cum(PAY_CHANNEL_P)
_LINGER_CUM = np.zeros((ROLL + 1, 3))
for _event, _p in LINGER_P.items():
    _LINGER_CUM[_event] = np.cumsum(_p)


@dataclass
class Month:
    """The rows one month of one chunk produces: column -> array; ``idx`` is the chunk row."""

    payments: dict[str, np.ndarray]
    contacts: dict[str, np.ndarray] | None  # None before the first snapshot month


@dataclass
class _Worked:
    """The accounts worked in a month, as they stood when it began."""

    rows: np.ndarray  # positions in the chunk
    agent: np.ndarray
    status: np.ndarray
    b: np.ndarray  # bucket
    bal: np.ndarray
    lo: np.ndarray  # first day worked (the placement day in the placement month)
    e: int  # the month's last day


def step(
    rng: np.random.Generator, book: Book, t: int, cal: Calendar, agents: Agents, table: np.ndarray
) -> Month:
    """Advance ``book`` through month t: events, balances, payments, reversals and contacts.

    Args:
        rng: the chunk's random generator.
        book: the chunk's accounts; updated in place to their state at the end of month t.
        t: month index (negative: history before the first snapshot, payments only).
        cal: month boundaries.
        agents: the collectors.
        table: ``event_table()``.

    Returns:
        The payments (and, from month 0 on, the contacts) of month t.
    """
    s, e = cal.start(t), cal.end(t)
    live = np.flatnonzero((book.place_month <= t) & (book.status < ACTIVE_STATUSES))
    m = len(live)
    agent = book.agent[live]
    need = (agent < 0) | ~agents.eligible(t)[agent] | (rng.random(m) < REASSIGN_P)
    agent[need] = agents.assign(rng, t, book.portfolio[live[need]])
    book.agent[live] = agent
    dpd = book.dpd[live]
    bal = book.balance[live] + book.pending[live]  # reversals dated this month
    lo = np.maximum(s, book.place_day[live])
    w = _Worked(live, agent, book.status[live].astype(np.int64), bucket(dpd), bal, lo, e)
    book.pending[live] = 0
    span = e - w.lo + 1
    adv = e - np.maximum(s - 1, book.place_day[live])  # days DPD grows if nothing happens

    p = table[w.status * 8 + w.b]
    p[:, AGENT_DRIVEN] *= (PROPENSITY[book.portfolio[live]] * agents.skill[agent])[:, None]
    term_over = (t - book.place_month[live] >= PLACEMENT_TERM) & (w.status == OPEN) & (w.b >= 5)
    p[:, RECALL] += np.where(term_over, TERM_RECALL_P, 0.0)
    if t < 0:  # the back book is what survived until the window opened
        p[:, TERMINAL_EVENTS] = 0.0
    p *= (span / (e - s + 1))[:, None]
    p *= np.minimum(1.0, 0.97 / np.maximum(p.sum(axis=1), 1e-9))[:, None]
    ev = (rng.random(m)[:, None] >= np.cumsum(p, axis=1)).sum(axis=1)
    amt, ev = _amounts(rng, book, w, ev, t)

    changes = (PAYOFF, SETTLE, RECALL, WRITEOFF, CURE, PLAN, LEGAL, DISPUTE, RESOLVE)
    book.status[live] = np.select(
        [ev == c for c in changes],
        [PAID, SETTLED, RECALLED, WRITTEN_OFF, OPEN, PLAN_ST, LEGAL_ST, DISPUTED_ST, OPEN],
        np.where((ev == ROLL) & (w.status == PLAN_ST) & (dpd > 0), OPEN, w.status),  # plan broken
    )
    first_missed = 1 + (rng.random(m) * np.maximum(adv, 1)).astype(np.int64)
    book.dpd[live] = np.select(
        [np.isin(ev, (PAYOFF, SETTLE, CURE, PLAN, REGULAR)), ev == PARTIAL, ev == ROLL],
        [0, dpd, np.where(dpd == 0, first_missed, dpd + adv)],
        dpd + adv,
    )
    closing = np.isin(ev, TERMINAL_EVENTS)
    linger = (rng.random(m)[:, None] >= _LINGER_CUM[ev]).sum(axis=1)
    first_shown = t == np.maximum(book.place_month[live], 0)  # never vanish unseen
    book.closed_month[live[closing]] = t
    book.linger[live[closing]] = np.where(first_shown, np.maximum(linger, 1), linger)[closing]

    # A promise to pay is made on the month's first contact; kept ones set the payment date.
    paying = amt > 0
    k = np.minimum(rng.poisson(CONTACT_MEAN[w.status * 8 + w.b] * agents.intensity[agent]),
                   MAX_CONTACTS) * span // (e - s + 1) * (t >= 0)  # fmt: skip
    kept = paying & (rng.random(m) < np.where(ev == REGULAR, KEPT_REGULAR_P, KEPT_PROMISE_P))
    broken = ~paying & ~closing & np.isin(w.status, (OPEN, LEGAL_ST)) & (w.b >= 1)
    promise = (kept | broken & (rng.random(m) < BROKEN_PROMISE_P)) & (t >= 0)
    k = np.where(promise, np.maximum(k, 1), k)
    gapmax = np.maximum(1, 2 * span // (k + 1))
    c0 = np.maximum(w.lo, book.quiet_until[live]) + (rng.random(m) * (gapmax + 1)).astype(int)
    promise &= c0 <= e
    promise_gap = rng.integers(3, 15, m)
    lag = rng.random(m) * (np.clip(np.minimum(promise_gap, e - c0), 0, None) + 1)
    day1 = np.where(
        promise & paying, c0 + lag.astype(np.int64), w.lo + (rng.random(m) * span).astype(np.int64)
    )

    two = np.isin(ev, (PAYOFF, SETTLE)) & (amt >= 200) & (rng.random(m) < 0.25)
    part = np.clip(round_to((amt * rng.uniform(0.3, 0.7, m)).astype(np.int64), 100), 1, amt - 1)
    a1 = np.where(two, part, amt)
    day2 = day1 + (rng.random(m) * (e - day1 + 1)).astype(np.int64)
    last_day = np.select(
        [np.isin(ev, (PAYOFF, SETTLE)), closing],
        [np.where(two, day2, day1), w.lo + (rng.random(m) * span).astype(np.int64)],
        e,
    )
    new_bal = np.where(ev == SETTLE, 0, w.bal - amt)
    pieces = ((paying, a1, day1), (two, amt - a1, day2))
    payments = _payments(rng, book, w, pieces, paying & ~closing, new_bal, cal.end(cal.months - 1))
    book.balance[live] = new_bal
    if t < 0:
        return Month(payments, None)
    share = (w.bal * rng.uniform(0.03, 0.15, m)).astype(np.int64)
    promised = np.where(
        paying,
        np.where(rng.random(m) < 0.85, a1, round_to(a1, 10_000) + 10_000),
        np.minimum(w.bal, np.maximum(10_000, round_to(share, 10_000))),
    )
    first = (c0, promise, promised, c0 + promise_gap)
    return Month(payments, _contacts(rng, book, w, agents, k, gapmax, first, last_day))


def _amounts(
    rng: np.random.Generator, book: Book, w: _Worked, ev: np.ndarray, t: int
) -> tuple[np.ndarray, np.ndarray]:
    """Amount paid (cents) for each event; an event that pays the whole balance is a payoff."""
    bal = w.bal
    u = rng.random(len(ev))

    def share(lo: float, hi: float) -> np.ndarray:
        return (bal * (lo + (hi - lo) * u)).astype(np.int64)

    n_inst = np.array([6, 12, 18, 24])[rng.integers(0, 4, len(ev))]
    new_inst = np.maximum(10_000, -(-bal // (n_inst * 100)) * 100)
    minimum = np.maximum(10_000, round_to(share(0.03, 0.10), 100))
    inst = book.installment[w.rows]
    amt = np.select(
        [ev == PAYOFF, ev == SETTLE, ev == CURE, ev == PLAN, ev == PARTIAL, ev == REGULAR],
        [
            bal,
            np.maximum(10_000, share(0.35, 0.75) // 10_000 * 10_000),
            np.maximum(10_000, round_to(share(0.05, 0.18), 100)),
            new_inst,
            np.maximum(5_000, round_to(share(0.01, 0.06), 1_000)),
            np.where((w.status == PLAN_ST) & (inst > 0), inst, minimum),
        ],
        0,
    )
    amt = np.minimum(amt, bal // 2 if t < 0 else bal)
    ev = np.where((amt == bal) & (amt > 0) & (ev != SETTLE), PAYOFF, ev)
    book.installment[w.rows[ev == PLAN]] = new_inst[ev == PLAN]
    return amt, ev


def _payments(
    rng: np.random.Generator,
    book: Book,
    w: _Worked,
    pieces: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...],
    reversible: np.ndarray,
    new_bal: np.ndarray,
    last_day: int,
) -> dict[str, np.ndarray]:
    """Payment rows, one per (mask, cents, day) piece, and reversals of some first pieces.

    A reversal is added back to the balance: in ``new_bal`` when dated this month, else next
    month (``book.pending``), so balances stay consistent with the payments file.
    """
    m = len(w.rows)
    base = book.pay_seq[w.rows]
    channel = _pick(rng, np.broadcast_to(_PAY_CHANNEL_CUM, (m, len(PAY_CHANNELS))))
    pay_agent = np.where(rng.random(m) < PAYMENT_AGENT_BLANK, -1, w.agent)
    (_, a1, day1) = pieces[0]
    rev_day = day1 + rng.integers(3, 31, m)
    rev = reversible & (rng.random(m) < REVERSAL_P) & (rev_day <= last_day)
    part = np.clip(round_to((a1 * rng.uniform(0.2, 0.9, m)).astype(np.int64), 100), 1, a1)
    rev_amt = np.where(rng.random(m) < 0.9, a1, part)
    now = rev & (rev_day <= w.e)
    new_bal += np.where(now, rev_amt, 0)
    book.pending[w.rows[rev & ~now]] += rev_amt[rev & ~now]
    rev_agent = np.where(rng.random(m) < 0.5, pay_agent, -1)
    pieces += ((rev, -rev_amt, rev_day),)
    seq = base.copy()
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("idx", "seq", "day", "cents", "agent",
                                                        "channel", "reverses")}  # fmt: skip
    for i, (mask, cents, day) in enumerate(pieces):
        sel = np.flatnonzero(mask)
        is_rev = i == len(pieces) - 1
        for key, values in (("idx", w.rows), ("seq", seq), ("day", day), ("cents", cents),
                            ("agent", rev_agent if is_rev else pay_agent), ("channel", channel),
                            ("reverses", base if is_rev else np.full(m, -1))):  # fmt: skip
            out[key].append(values[sel])
        seq += mask
    book.pay_seq[w.rows] = seq
    return {key: np.concatenate(parts) for key, parts in out.items()}


def _contacts(
    rng: np.random.Generator,
    book: Book,
    w: _Worked,
    agents: Agents,
    k: np.ndarray,
    gapmax: np.ndarray,
    first: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    hi: np.ndarray,
) -> dict[str, np.ndarray]:
    """Contact rows of one month: up to k per account spread over [lo, hi], none within 7 days
    after a right-party conversation; the first one (on day ``first[0]``) is the promise, if
    any; plus rare conduct breaches (night calls, bursts of unanswered calls, calls too soon)."""
    m = len(w.rows)
    c0, promise, promised, promise_day = first
    careless = agents.careless[w.agent].astype(np.int64)
    group = np.select([w.status == LEGAL_ST, w.status == DISPUTED_ST, w.b >= 4], [2, 3, 1], 0)
    d = np.maximum(w.lo, book.quiet_until[w.rows])
    force_call = np.zeros(m, dtype=bool)
    parts: list[tuple[np.ndarray, ...]] = []
    for j in range(MAX_CONTACTS):
        day = c0 if j == 0 else d + (rng.random(m) * (gapmax + 1)).astype(np.int64)
        ok = (j < k) & (day <= hi)
        if not ok.any():
            break
        ch = np.where(force_call, CALL, _pick(rng, _CHANNEL_CUM[group]))
        out = _pick(rng, _OUTCOME_CUM[ch, careless])
        is_promise = promise & (j == 0)
        ch, out = np.where(is_promise, CALL, ch), np.where(is_promise, PROMISE, out)
        rpc = ok & (out >= RIGHT_PARTY_FROM)
        slip = rpc & (rng.random(m) < QUIET_BREACH_P[careless])
        d = np.where(rpc, day + np.where(slip, rng.integers(1, 7, m), 8), np.where(ok, day, d))
        force_call = slip
        night = (ch == CALL) & (rng.random(m) < NIGHT_CALL_P[careless])
        hour = np.where(night, NIGHT_HOURS[rng.integers(0, 4, m)], _pick(rng, _HOUR_CUM[ch]))
        secs = day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, m)
        sel = np.flatnonzero(ok)
        p_cents, p_day = np.where(is_promise, promised, -1), np.where(is_promise, promise_day, -1)
        parts.append((sel, secs[sel], ch[sel], out[sel], p_cents[sel], p_day[sel]))
    book.quiet_until[w.rows] = d

    burst = (w.status == OPEN) & (w.b >= 1) & (hi >= w.lo) & (rng.random(m) < BURST_P[careless])
    sel = np.flatnonzero(burst)
    n = rng.integers(7, 10, len(sel))
    rows = np.repeat(sel, n)
    i = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n)
    day = (w.lo + (rng.random(m) * (hi - w.lo + 1)).astype(np.int64))[rows]
    start = np.repeat(rng.integers(9 * 3_600, 12 * 3_600, len(sel)), n)
    secs = day * 86_400 + start + i * np.repeat(rng.integers(600, 2_400, len(sel)), n)
    none = np.full(len(rows), -1)
    parts.append((rows, secs, np.full(len(rows), CALL), np.zeros(len(rows), np.int64), none, none))

    local, ts, channel, outcome, p_cents, p_day = (
        np.concatenate(c) for c in zip(*parts, strict=True)
    )
    order = np.lexsort((ts, local))
    local = local[order]
    starts = np.flatnonzero(np.r_[True, local[1:] != local[:-1]])
    rank = np.arange(len(local)) - np.repeat(starts, np.diff(np.r_[starts, len(local)]))
    seq = book.contact_seq[w.rows][local] + rank
    book.contact_seq[w.rows] += np.bincount(local, minlength=m)
    return {
        "idx": w.rows[local], "seq": seq, "ts": ts[order], "agent": w.agent[local],
        "channel": channel[order], "outcome": outcome[order],
        "promise_cents": p_cents[order], "promise_day": p_day[order],
    }  # fmt: skip
