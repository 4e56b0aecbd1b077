"""The statistical model behind the synthetic sample portfolio (``python -m dashboard sample``).

Collections managers judge the dashboard by whether its charts look like their book, so the
sample is drawn from a small, explicit model rather than from independent random columns:
accounts are placed in monthly cohorts, roll between delinquency buckets month by month with
bucket-dependent probabilities (cure, pay, settle, roll forward, recall, write off, ...), pay
in cents that are taken off their balance, and are worked by agents whose contacts, promises
and (rare) conduct breaches follow from the same monthly step. Everything is vectorised over a
chunk of accounts with numpy, so a million accounts stream through in bounded memory.

All the tunable numbers sit in the tables at the top of this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

PORTFOLIOS = ("BANK_A_CARD", "BANK_B_CARD", "BANK_C_CONSUMER")
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
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗", ("Wang", "Li", "Zhang", "Liu", "Chen",
            "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He",
            "Lin", "Gao", "Luo"))  # fmt: skip
PHONE_PREFIXES = tuple(str(p) for p in (*range(130, 140), 150, 151, 152, 155, 158, 159, 186, 188))

STATUSES = ("open", "payment_plan", "legal", "disputed",
            "paid_in_full", "settled", "recalled", "written_off")  # fmt: skip
OPEN, PLAN_ST, LEGAL_ST, DISPUTED_ST, PAID, SETTLED, RECALLED, WRITTEN_OFF = range(8)
ACTIVE_STATUSES = 4  # statuses below this one are still being worked

# Monthly events. ROLL (no event: DPD grows by the month's days) takes the leftover probability.
PAYOFF, SETTLE, RECALL, WRITEOFF, CURE, PLAN, PARTIAL, REGULAR, LEGAL, DISPUTE, RESOLVE = range(11)
ROLL = 11
N_EVENTS = 11
TERMINAL_EVENTS = (PAYOFF, SETTLE, RECALL, WRITEOFF)
AGENT_DRIVEN = (PAYOFF, SETTLE, CURE, PLAN, PARTIAL)  # scaled by propensity x agent skill
PAYING = (PAYOFF, SETTLE, CURE, PLAN, PARTIAL, REGULAR)
# Event probabilities per status, per bucket (Current, M1, ..., M7+).
_EVENT_P: dict[int, dict[int, list[float]]] = {
    OPEN: {
        PAYOFF: [0.020, 0.030, 0.020, 0.012, 0.008, 0.006, 0.005, 0.004],
        SETTLE: [0.000, 0.005, 0.012, 0.018, 0.020, 0.020, 0.020, 0.018],
        RECALL: [0.004, 0.006, 0.008, 0.010, 0.012, 0.014, 0.016, 0.020],
        WRITEOFF: [0, 0, 0, 0, 0, 0, 0, 0.030],
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

PAY_CHANNELS = ("bank_transfer", "wallet", "card", "cash")
PAY_CHANNEL_P = np.array([0.45, 0.30, 0.15, 0.10])
PAYMENT_AGENT_BLANK = 0.12
REVERSAL_P = 0.025

PLAN_NAMES = ("", "standard", "ladder", "bigticket")
PLAN_P = np.array([0.35, 0.15, 0.35, 0.15])
ACCOUNTS_PER_AGENT = 250
AGENTS_PER_TEAM = 4
REASSIGN_P = 0.02
BACK_BOOK_MONTHS = 6  # the book already held when the window opens was placed this far back
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


@dataclass(frozen=True)
class Calendar:
    """Month boundaries as day numbers (days since 1970-01-01), indexed by month t.

    Month 0 is the first snapshot month, ``months - 1`` the last (its end is ``end`` itself);
    negative months are the back book's history, simulated for payments only.
    """

    starts: np.ndarray
    ends: np.ndarray
    back: int
    months: int
    first_month: int  # month number (months since 1970-01) of month 0

    @classmethod
    def build(cls, end: date, months: int, back: int = BACK_BOOK_MONTHS) -> Calendar:
        last = np.datetime64(end, "M").astype(np.int64)
        month_nos = np.arange(last - months + 1 - back, last + 1)
        starts = month_nos.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        ends = (month_nos + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        ends = ends - 1
        ends[-1] = np.datetime64(end, "D").astype(np.int64)
        return cls(starts, ends, back, months, int(last - months + 1))

    def start(self, t: int) -> int:
        return int(self.starts[t + self.back])

    def end(self, t: int) -> int:
        return int(self.ends[t + self.back])

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Month index t of each day number."""
        month_nos = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        return month_nos - self.first_month


@dataclass(frozen=True)
class Agents:
    """The collectors: who they are, and how well, how hard and how correctly they work."""

    team: np.ndarray  # team index: team name is f"T{team + 1}"
    plan: np.ndarray  # index into PLAN_NAMES
    name: list[str]
    hire_day: np.ndarray
    hire_month: np.ndarray
    leave_month: np.ndarray  # first month no longer working; huge for active agents
    skill: np.ndarray  # multiplies the odds that a debtor pays
    intensity: np.ndarray  # multiplies the number of contacts
    careless: np.ndarray  # bool: breaks conduct rules far more often
    n_teams: int

    @property
    def active(self) -> np.ndarray:
        return self.leave_month > 10**6

    @classmethod
    def draw(cls, rng: np.random.Generator, accounts: int, cal: Calendar) -> Agents:
        n = max(6, round(accounts / ACCOUNTS_PER_AGENT))
        n_teams = max(2, n // AGENTS_PER_TEAM)
        team = np.arange(n) % n_teams
        core = np.arange(n) < 2 * n_teams  # two per team, always there: no team is ever empty
        start = cal.start(0)
        hired_in_window = ~core & (rng.random(n) < 0.3) & (cal.months > 1)
        hire_day = np.where(
            hired_in_window,
            rng.integers(cal.start(min(1, cal.months - 1)), cal.end(cal.months - 1) + 1, n),
            start - rng.integers(60, 2_000, n) - np.where(core, 200, 0),
        )
        hire_month = cal.month_of(hire_day)
        first_leave = np.maximum(hire_month + 2, 1)
        leaves = ~core & (rng.random(n) < 0.25) & (first_leave <= cal.months - 1)
        left = rng.integers(np.minimum(first_leave, cal.months - 1), max(cal.months, 1))
        leave_month = np.where(leaves, left, 10**9)
        surname = rng.integers(0, len(SURNAMES[1]), n)
        initial = rng.integers(0, 26, n)
        names = [f"{SURNAMES[1][s]} {chr(65 + i)}." for s, i in zip(surname, initial, strict=True)]
        return cls(
            team=team,
            plan=rng.choice(len(PLAN_NAMES), n, p=PLAN_P),
            name=names,
            hire_day=hire_day,
            hire_month=hire_month,
            leave_month=leave_month,
            skill=np.exp(rng.normal(0.0, 0.22, n)).clip(0.6, 1.5),
            intensity=rng.uniform(0.8, 1.25, n),
            careless=(rng.random(n) < 0.12) | (np.arange(n) == n - 1),
            n_teams=n_teams,
        )

    def eligible(self, t: int) -> np.ndarray:
        """Mask of agents working in month t."""
        return (self.hire_month <= t) & (t < self.leave_month)

    def assign(self, rng: np.random.Generator, t: int, portfolio: np.ndarray) -> np.ndarray:
        """An agent for each account: mostly from a team specialised in its portfolio."""
        n = len(portfolio)
        elig = self.eligible(t)
        order = np.lexsort((np.arange(len(self.team)), self.team))
        order = order[elig[order]]
        cnt = np.bincount(self.team[order], minlength=self.n_teams)
        off = np.concatenate(([0], np.cumsum(cnt)[:-1]))
        q = min(len(PORTFOLIOS), self.n_teams)
        r = portfolio % q
        team = r + q * (rng.random(n) * ((self.n_teams - r + q - 1) // q)).astype(np.int64)
        team = np.where(rng.random(n) < 0.15, rng.integers(0, self.n_teams, n), team)
        return order[off[team] + (rng.random(n) * cnt[team]).astype(np.int64)]


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
        zeros = np.zeros(n, dtype=np.int64)
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
            installment=zeros.copy(),
            quiet_until=zeros.copy(),
            pending=zeros.copy(),
            closed_month=np.full(n, 10**6, dtype=np.int64),
            linger=zeros.copy(),
            pay_seq=zeros.copy(),
            contact_seq=zeros.copy(),
        )

    def shown(self, t: int) -> np.ndarray:
        """Mask of the accounts that appear in month t's snapshot."""
        is_open = self.status < ACTIVE_STATUSES
        return (self.place_month <= t) & (is_open | (t < self.closed_month + self.linger))


def round_to(cents: np.ndarray, unit: int) -> np.ndarray:
    """Round cents to a multiple of ``unit`` (half up); people pay round amounts."""
    return (cents + unit // 2) // unit * unit


# Contacts ------------------------------------------------------------------------------------
CONTACT_CHANNELS = ("call", "sms", "email", "letter", "visit")
CALL, VISIT = 0, 4
OUTCOMES = ("no_answer", "wrong_party", "right_party", "promise_to_pay", "refused", "dispute",
            "complaint")  # fmt: skip
PROMISE, COMPLAINT = 3, 6
RIGHT_PARTY_FROM = 2  # outcomes from right_party on are right-party conversations
MAX_CONTACTS = 8
# Mean contacts per account-month, per status, per bucket.
CONTACT_MEAN = np.array([
    [0.6, 2.5, 3.0, 3.0, 2.6, 2.2, 2.0, 1.6],  # open
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
KEPT_PROMISE_P, BROKEN_PROMISE_P = 0.6, 0.12


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


@dataclass
class Month:
    """The rows one month of one chunk produces: column name -> array (``idx`` = row in chunk)."""

    payments: dict[str, np.ndarray]
    contacts: dict[str, np.ndarray] | None  # None before the window opens


def step(
    rng: np.random.Generator, book: Book, t: int, cal: Calendar, agents: Agents, table: np.ndarray
) -> Month:
    """Advance ``book`` through month t: events, payments, reversals and contacts.

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
    bal = book.balance[live] + book.pending[live]
    book.pending[live] = 0
    status = book.status[live].astype(np.int64)
    dpd = book.dpd[live]
    lo = np.maximum(s, book.place_day[live])  # first day the account is worked this month
    span = e - lo + 1
    adv = e - np.maximum(s - 1, book.place_day[live])  # days DPD grows if nothing happens
    b = bucket(dpd)

    p = table[status * 8 + b]
    p[:, AGENT_DRIVEN] *= (PROPENSITY[book.portfolio[live]] * agents.skill[agent])[:, None]
    if t < 0:  # the back book is what survived until the window opened
        p[:, TERMINAL_EVENTS] = 0.0
    p *= (span / (e - s + 1))[:, None]
    p *= np.minimum(1.0, 0.97 / np.maximum(p.sum(axis=1), 1e-9))[:, None]
    ev = (rng.random(m)[:, None] >= np.cumsum(p, axis=1)).sum(axis=1)

    amt, ev = _amounts(rng, book, live, ev, bal, status, t)
    new_status = np.select(
        [ev == e_ for e_ in (PAYOFF, SETTLE, RECALL, WRITEOFF, CURE, PLAN, LEGAL, DISPUTE, RESOLVE)],
        [PAID, SETTLED, RECALLED, WRITTEN_OFF, OPEN, PLAN_ST, LEGAL_ST, DISPUTED_ST, OPEN],
        np.where((ev == ROLL) & (status == PLAN_ST) & (dpd > 0), OPEN, status),
    )
    first_missed = 1 + (rng.random(m) * np.maximum(adv, 1)).astype(np.int64)
    book.dpd[live] = np.select(
        [np.isin(ev, (PAYOFF, SETTLE, CURE, PLAN, REGULAR)), ev == PARTIAL, (ev == ROLL) & (dpd == 0)],
        [0, dpd, first_missed],
        dpd + adv,
    )
    closing = np.isin(ev, TERMINAL_EVENTS)
    linger_cum = np.zeros((N_EVENTS + 1, 3))
    for event, probs in LINGER_P.items():
        linger_cum[event] = np.cumsum(probs)
    linger = (rng.random(m)[:, None] >= linger_cum[ev]).sum(axis=1)
    linger = np.where(t == np.maximum(book.place_month[live], 0), np.maximum(linger, 1), linger)
    book.closed_month[live[closing]] = t
    book.linger[live[closing]] = linger[closing]
    book.status[live] = new_status

    window = t >= 0
    paying = amt > 0
    k = np.minimum(rng.poisson(CONTACT_MEAN[status * 8 + b] * agents.intensity[agent]), MAX_CONTACTS)
    k = np.where(window, (k * span) // (e - s + 1), 0)
    kept = paying & (rng.random(m) < np.where(ev == REGULAR, 0.25, KEPT_PROMISE_P))
    broken = ~paying & ~closing & np.isin(status, (OPEN, LEGAL_ST)) & (b >= 1)
    broken &= rng.random(m) < BROKEN_PROMISE_P
    promise = (kept | broken) & window
    k = np.where(promise, np.maximum(k, 1), k)
    gapmax = np.maximum(1, 2 * span // (k + 1))
    first_day = np.maximum(lo, book.quiet_until[live])
    c0 = first_day + (rng.random(m) * (gapmax + 1)).astype(np.int64)
    promise &= c0 <= e
    promise_gap = rng.integers(3, 15, m)
    lag = (rng.random(m) * (np.clip(np.minimum(promise_gap, e - c0), 0, None) + 1)).astype(np.int64)
    day1 = np.where(promise & paying, c0 + lag, lo + (rng.random(m) * span).astype(np.int64))

    two = np.isin(ev, (PAYOFF, SETTLE)) & (amt >= 200) & (rng.random(m) < 0.25)
    part = np.clip(round_to((amt * rng.uniform(0.3, 0.7, m)).astype(np.int64), 100), 1, amt - 1)
    a1 = np.where(two, part, amt)
    day2 = day1 + (rng.random(m) * (e - day1 + 1)).astype(np.int64)
    random_day = lo + (rng.random(m) * span).astype(np.int64)
    last_day = np.select(
        [np.isin(ev, (PAYOFF, SETTLE)), closing], [np.where(two, day2, day1), random_day], e
    )
    new_bal = np.where(ev == SETTLE, 0, bal - amt)
    payments = _payments(rng, book, live, agent, paying, two, a1, amt - a1, day1, day2,
                         closing, new_bal, e, cal.end(cal.months - 1))  # fmt: skip
    book.balance[live] = new_bal

    contacts = None
    if window:
        promised = np.where(
            paying,
            np.where(rng.random(m) < 0.85, a1, round_to(a1, 10_000) + 10_000),
            np.minimum(bal, np.maximum(10_000, round_to((bal * rng.uniform(0.03, 0.15, m)).astype(np.int64), 10_000))),
        )
        contacts = _contacts(rng, book, live, agent, agents.careless[agent], status, b, k,
                             gapmax, c0, promise, promised, c0 + promise_gap, lo,
                             np.minimum(last_day, e))  # fmt: skip
    return Month(payments, contacts)


def _amounts(
    rng: np.random.Generator,
    book: Book,
    live: np.ndarray,
    ev: np.ndarray,
    bal: np.ndarray,
    status: np.ndarray,
    t: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Amount paid (cents) for each event; an event that pays the whole balance is a payoff."""
    m = len(ev)
    u = rng.random(m)

    def share(lo: float, hi: float) -> np.ndarray:
        return (bal * (lo + (hi - lo) * u)).astype(np.int64)

    n_inst = np.array([6, 12, 18, 24])[rng.integers(0, 4, m)]
    new_inst = np.maximum(10_000, -(-bal // (n_inst * 100)) * 100)
    minimum = np.maximum(10_000, round_to(share(0.03, 0.10), 100))
    inst = book.installment[live]
    amt = np.select(
        [ev == PAYOFF, ev == SETTLE, ev == CURE, ev == PLAN, ev == PARTIAL, ev == REGULAR],
        [
            bal,
            np.maximum(10_000, share(0.35, 0.75) // 10_000 * 10_000),
            np.maximum(10_000, round_to(share(0.05, 0.18), 100)),
            new_inst,
            np.maximum(5_000, round_to(share(0.01, 0.06), 1_000)),
            np.where((status == PLAN_ST) & (inst > 0), inst, minimum),
        ],
        0,
    )
    amt = np.minimum(amt, bal // 2 if t < 0 else bal)
    ev = np.where((amt == bal) & (amt > 0) & (ev != SETTLE), PAYOFF, ev)
    book.installment[live[ev == PLAN]] = new_inst[ev == PLAN]
    return amt, ev


def _payments(
    rng: np.random.Generator,
    book: Book,
    live: np.ndarray,
    agent: np.ndarray,
    paying: np.ndarray,
    two: np.ndarray,
    a1: np.ndarray,
    a2: np.ndarray,
    day1: np.ndarray,
    day2: np.ndarray,
    closing: np.ndarray,
    new_bal: np.ndarray,
    month_end: int,
    last_day: int,
) -> dict[str, np.ndarray]:
    """Payment rows (one or two pieces) and reversals; a reversal is added back to the balance
    (in ``new_bal`` if dated this month, else next month through ``book.pending``)."""
    m = len(live)
    base = book.pay_seq[live]
    channel = _pick(rng, np.broadcast_to(_PAY_CHANNEL_CUM, (m, len(PAY_CHANNELS))))
    pay_agent = np.where(rng.random(m) < PAYMENT_AGENT_BLANK, -1, agent)
    rev_day = day1 + rng.integers(3, 31, m)
    rev = paying & ~closing & (rng.random(m) < REVERSAL_P) & (rev_day <= last_day)
    part = round_to((a1 * rng.uniform(0.2, 0.9, m)).astype(np.int64), 100)
    rev_amt = np.where(rng.random(m) < 0.9, a1, np.clip(part, 1, a1))
    now = rev & (rev_day <= month_end)
    new_bal += np.where(now, rev_amt, 0)
    later = rev & ~now
    book.pending[live[later]] += rev_amt[later]
    rev_agent = np.where(rng.random(m) < 0.5, pay_agent, -1)
    book.pay_seq[live] = base + paying + two + rev
    i1, i2, ir = np.flatnonzero(paying), np.flatnonzero(two), np.flatnonzero(rev)
    cat = np.concatenate
    return {
        "idx": cat([live[i1], live[i2], live[ir]]),
        "seq": cat([base[i1], base[i2] + 1, base[ir] + 1]),  # reversed payments are single
        "day": cat([day1[i1], day2[i2], rev_day[ir]]),
        "cents": cat([a1[i1], a2[i2], -rev_amt[ir]]),
        "agent": cat([pay_agent[i1], pay_agent[i2], rev_agent[ir]]),
        "channel": cat([channel[i1], channel[i2], channel[ir]]),
        "reverses": cat([np.full(len(i1) + len(i2), -1), base[ir]]),
    }


def _contacts(
    rng: np.random.Generator,
    book: Book,
    live: np.ndarray,
    agent: np.ndarray,
    careless: np.ndarray,
    status: np.ndarray,
    b: np.ndarray,
    k: np.ndarray,
    gapmax: np.ndarray,
    c0: np.ndarray,
    promise: np.ndarray,
    promised: np.ndarray,
    promise_day: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> dict[str, np.ndarray]:
    """Contact rows of one month: up to k contacts per account spread over [lo, hi], silent
    for 7 days after a right-party conversation; the first is the promise, if any; plus the
    rare conduct breaches (night calls, bursts of unanswered calls, calls too soon)."""
    m = len(live)
    careless = careless.astype(np.int64)
    group = np.select([status == LEGAL_ST, status == DISPUTED_ST, b >= 4], [2, 3, 1], 0)
    d = np.maximum(lo, book.quiet_until[live])
    force_call = np.zeros(m, dtype=bool)
    parts: list[tuple[np.ndarray, ...]] = []
    for j in range(MAX_CONTACTS):
        day = c0 if j == 0 else d + (rng.random(m) * (gapmax + 1)).astype(np.int64)
        ok = (j < k) & (day <= hi)
        if not ok.any():
            break
        ch = np.where(force_call, CALL, _pick(rng, _CHANNEL_CUM[group]))
        out = _pick(rng, _OUTCOME_CUM[ch, careless])
        is_promise = promise if j == 0 else np.zeros(m, dtype=bool)
        ch, out = np.where(is_promise, CALL, ch), np.where(is_promise, PROMISE, out)
        rpc = ok & (out >= RIGHT_PARTY_FROM)
        slip = rpc & (rng.random(m) < QUIET_BREACH_P[careless])
        d = np.where(rpc, day + np.where(slip, rng.integers(1, 7, m), 8), np.where(ok, day, d))
        force_call = slip
        night = (ch == CALL) & (rng.random(m) < NIGHT_CALL_P[careless])
        hour = np.where(night, NIGHT_HOURS[rng.integers(0, 4, m)], _pick(rng, _HOUR_CUM[ch]))
        secs = day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, m)
        sel = np.flatnonzero(ok)
        p_cents = np.where(is_promise, promised, -1)
        p_day = np.where(is_promise, promise_day, -1)
        parts.append((sel, secs[sel], ch[sel], out[sel], p_cents[sel], p_day[sel]))
    book.quiet_until[live] = d

    burst = (status == OPEN) & (b >= 1) & (hi >= lo) & (rng.random(m) < BURST_P[careless])
    sel = np.flatnonzero(burst)
    n = rng.integers(7, 10, len(sel))
    rows = np.repeat(sel, n)
    i = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n)
    day = (lo + (rng.random(m) * (hi - lo + 1)).astype(np.int64))[rows]
    start = np.repeat(rng.integers(9 * 3_600, 12 * 3_600, len(sel)), n)
    secs = day * 86_400 + start + i * np.repeat(rng.integers(600, 2_400, len(sel)), n)
    none = np.full(len(rows), -1)
    parts.append((rows, secs, np.full(len(rows), CALL), np.zeros(len(rows), np.int64), none, none))

    local, ts, channel, outcome, p_cents, p_day = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((ts, local))
    local = local[order]
    starts = np.flatnonzero(np.r_[True, local[1:] != local[:-1]])
    rank = np.arange(len(local)) - np.repeat(starts, np.diff(np.r_[starts, len(local)]))
    counts = np.bincount(local, minlength=m)
    seq = book.contact_seq[live][local] + rank
    book.contact_seq[live] += counts
    return {
        "idx": live[local],
        "seq": seq,
        "ts": ts[order],
        "agent": agent[local],
        "channel": channel[order],
        "outcome": outcome[order],
        "promise_cents": p_cents[order],
        "promise_day": p_day[order],
    }
