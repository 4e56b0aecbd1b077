"""The sample's case-management extracts: repayment plans, agencies, complaints, contact notes.

Drawn from the simulated book (``sample_model``) as it stands month by month, with random
streams of their own (``case_rng``): the accounts, payments, agents and contacts the older
extracts hold are exactly what they were, so every report on them is too; only new files
(``repayment_plans.csv``, ``agencies.csv``, ``complaints.csv``) and new columns
(``accounts.agency_id``, ``contacts.notes``) are added.

- A plan is agreed when an account enters the payment_plan status (its installment is the
  model's), mostly installments, some extensions and settlements (with relief); some debtors
  promise more than they pay (their plans break), some renegotiate two months on (the first
  plan ends superseded).
- Three outside agencies hold part of the late book (120+ days past due), fixed per account.
- A complaint is filed for each contact whose outcome is complaint; most are resolved within
  weeks, some upheld.
- Some right-party contacts carry a note, in Chinese or English (no commas: the sample's CSV is
  written unquoted); a few hold a phone number or an e-mail address in clear, which the
  importer masks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import vocab
from dashboard.sample_model import OUTCOMES, PLAN_ST, RIGHT_PARTY_FROM

AGENCY_COLUMNS = ("agency_id", "agency_name", "fee_rate")
PLAN_COLUMNS = ("plan_id", "account_id", "agent_id", "plan_type", "created_date",
                "installment_no", "due_date", "amount")  # fmt: skip
COMPLAINT_COLUMNS = ("complaint_id", "account_id", "agent_id", "received_at", "category",
                     "resolved_at", "upheld")  # fmt: skip
AGENCIES = (
    ("AGY01", "华夏资产管理", "0.18"),
    ("AGY02", "Pacific Collect Ltd", "0.15"),
    ("AGY03", "鲁信法务服务", "0.25"),
)
AGENCY_DPD = 120  # the late book an agency may hold
AGENCY_SHARE = 450  # per mille of those accounts placed with an agency
COMPLAINT = OUTCOMES.index("complaint")
CATEGORY_P = np.array([0.30, 0.15, 0.12, 0.10, 0.18, 0.10, 0.05])  # vocab.COMPLAINT_CATEGORIES
PLAN_TYPE_P = np.array([0.75, 0.12, 0.13])  # vocab.PLAN_TYPES
INSTALLMENTS = np.array([3, 4, 6, 6, 9])
OVERPROMISE_P = 0.22  # the plan asks 1.6x what the debtor pays: it breaks
RENEGOTIATE_P = 0.12  # a second plan two months on supersedes the first

NOTES_ZH = (
    "客户本人接听，称本月工资推迟，下周还款",
    "客户表示已知晓欠款，同意分期处理",
    "客户情绪激动，要求减免利息",
    "与客户协商还款计划，客户需与家人商量",
    "客户称已通过支付宝还款，请核实入账",
    "客户失业，暂无还款能力，建议延期",
    "客户对账单金额有异议，申请复核",
    "已告知逾期后果，客户承诺按期还款",
)
NOTES_EN = (
    "Debtor answered: salary is late this month; will pay next week",
    "Agreed to discuss an installment plan; will call back tomorrow",
    "Debtor disputes the late fees and asks for a statement",
    "Spoke to debtor; promised payment after the holiday",
    "Debtor lost job and asked for an extension of two months",
    "Explained the balance; debtor will pay part now and the rest later",
)
# Phone forms first, then e-mail forms ({value}: the number or the address).
CONTACT_ZH = ("客户更换了新号码 {value}，请更新", "客户要求改用邮箱联系：{value}")
CONTACT_EN = ("Debtor gave a new mobile number {value}", "Send the statement to {value}")
NOTE_P = 0.4  # right-party contacts with a note (the sample stays under 5 MB)
NOTE_CONTACT_P = 0.10  # a note that holds a phone number or an e-mail address
NOTE_EN_P = 0.3


def case_rng(seed: int, chunk: int) -> np.random.Generator:
    """The random stream of a chunk's cases: a spawn key the older extracts never use."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(chunk + 2, 7)))


def agencies_table() -> pa.Table:
    return pa.table({c: pa.array([a[i] for a in AGENCIES]) for i, c in enumerate(AGENCY_COLUMNS)})


def agency_ids(number: np.ndarray, dpd: np.ndarray) -> pa.Array:
    """The agency holding each account in a snapshot: fixed per account (a hash of its
    number), for part of the accounts 120+ days past due; blank (in house) otherwise."""
    h = (number.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(1000)
    held = (dpd >= AGENCY_DPD) & (h < AGENCY_SHARE)
    names = pa.array([a[0] for a in AGENCIES])
    index = (number % len(AGENCIES)).astype(np.int64)
    return names.take(pa.array(index, mask=~held))


def note_texts(rng: np.random.Generator, outcome: np.ndarray) -> pa.Array:
    """A note for some right-party contacts (blank for the others), some with contact data;
    built column-wise (a bank-scale sample has millions of contacts)."""
    n = len(outcome)
    has = (outcome >= RIGHT_PARTY_FROM) & (rng.random(n) < NOTE_P)
    english = rng.random(n) < NOTE_EN_P
    pick = rng.integers(0, 1 << 30, n)
    contact = rng.random(n) < NOTE_CONTACT_P
    phone = rng.integers(130_0000_0000, 199_9999_9999, n)
    plain = np.where(english, len(NOTES_ZH) + pick % len(NOTES_EN), pick % len(NOTES_ZH))
    text = pa.array(NOTES_ZH + NOTES_EN).take(pa.array(plain))
    # The four forms of a note with contact data: (Chinese, English) x (phone, e-mail).
    form = english.astype(np.int64) * 2 + pick % 2
    forms = [f.split("{value}") for f in (*CONTACT_ZH, *CONTACT_EN)]
    email = pc.binary_join_element_wise(
        "debtor", pc.cast(pa.array(pick % 100_000), pa.string()), "@example.com", ""
    )
    value = pc.if_else(pa.array(pick % 2 == 0), pc.cast(pa.array(phone), pa.string()), email)
    with_contact = pc.binary_join_element_wise(
        pa.array([f[0] for f in forms]).take(pa.array(form)),
        value,
        pa.array([f[1] for f in forms]).take(pa.array(form)),
        "",
    )
    text = pc.if_else(pa.array(contact), with_contact, text)
    return pc.if_else(pa.array(has), text, pa.nulls(n, pa.string()))


@dataclass
class CaseBook:
    """What a chunk's cases need to remember from month to month."""

    planned: np.ndarray  # bool per account: a plan was agreed already
    plans: list[dict[str, np.ndarray]] = field(default_factory=list)

    @classmethod
    def empty(cls, n: int) -> CaseBook:
        return cls(planned=np.zeros(n, dtype=bool))


def month_plans(
    rng: np.random.Generator,
    cases: CaseBook,
    status: np.ndarray,
    installment: np.ndarray,
    balance: np.ndarray,
    agent: np.ndarray,
    month_start: int,
    renegotiate_start: int | None,
) -> None:
    """The plans agreed in a month: for each account newly in the payment_plan status (and a
    renegotiated one, two months on, for some of them, if that month is simulated)."""
    new = np.flatnonzero((status == PLAN_ST) & ~cases.planned)
    cases.planned[new] = True
    if not len(new):
        return
    k = len(new)
    kind = rng.choice(len(vocab.PLAN_TYPES), k, p=PLAN_TYPE_P)
    n = np.where(kind == 0, rng.choice(INSTALLMENTS, k), np.where(kind == 1, 2, 0))
    n = np.where(kind == 2, rng.integers(1, 4, k), n)
    each = np.maximum(installment[new], 10_000)  # cents: at least 100 yuan
    each = np.where(rng.random(k) < OVERPROMISE_P, each * 16 // 10, each)
    each = np.where(kind == 1, each * 3, each)
    settle_total = balance[new] * rng.integers(55, 80, k) // 100
    each = np.where(kind == 2, np.maximum(settle_total // np.maximum(n, 1), 100), each)
    day = month_start + rng.integers(0, 10, k)
    first_gap = np.where(kind == 1, 60, 30)
    plan = {"idx": new, "seq": np.zeros(k, dtype=np.int64), "type": kind, "n": n,
            "each": each // 100 * 100, "day": day, "gap": first_gap,
            "agent": np.where(rng.random(k) < 0.2, -1, agent[new])}  # fmt: skip
    cases.plans.append(plan)
    if renegotiate_start is None:
        return
    again = rng.random(k) < RENEGOTIATE_P
    if again.any():
        m = int(again.sum())
        cases.plans.append({
            "idx": new[again], "seq": np.ones(m, dtype=np.int64),
            "type": np.zeros(m, dtype=np.int64), "n": n[again] + 3,
            "each": (each[again] * 7 // 10) // 100 * 100,
            "day": renegotiate_start + rng.integers(0, 10, m),
            "gap": np.full(m, 30), "agent": plan["agent"][again],
        })  # fmt: skip


def plan_rows(cases: CaseBook) -> dict[str, np.ndarray]:
    """One row per installment of the chunk's plans: account index, plan number, type, agent,
    created day, installment number, due day, amount in cents."""
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("idx", "seq", "type", "agent", "day", "no", "due", "cents")
    }
    for p in cases.plans:
        reps = p["n"]
        parts["idx"].append(np.repeat(p["idx"], reps))
        parts["seq"].append(np.repeat(p["seq"], reps))
        parts["type"].append(np.repeat(p["type"], reps))
        parts["agent"].append(np.repeat(p["agent"], reps))
        day = np.repeat(p["day"], reps)
        parts["day"].append(day)
        no = np.concatenate([np.arange(1, r + 1) for r in reps]) if reps.sum() else np.zeros(0)
        no = no.astype(np.int64)
        parts["no"].append(no)
        parts["due"].append(day + np.repeat(p["gap"], reps) + (no - 1) * 30)
        parts["cents"].append(np.repeat(p["each"], reps))
    return {k: np.concatenate(v) if v else np.zeros(0, dtype=np.int64) for k, v in parts.items()}


def complaint_rows(
    rng: np.random.Generator, contacts: dict[str, np.ndarray], last_day: int
) -> dict[str, np.ndarray]:
    """A complaint for each contact whose outcome is complaint: received within two hours of
    it, a category, most resolved within six weeks (open when that is after ``last_day``),
    some upheld (blank: not decided)."""
    rows = np.flatnonzero(contacts["outcome"] == COMPLAINT)
    k = len(rows)
    received = contacts["ts"][rows].astype("datetime64[s]").astype(np.int64)
    received = received + rng.integers(600, 7_200, k)
    resolved = received + rng.integers(1, 42, k) * 86_400 + rng.integers(0, 8 * 3_600, k)
    open_ = (resolved // 86_400 > last_day) | (rng.random(k) < 0.08)
    verdict = rng.choice(3, k, p=[0.35, 0.55, 0.10])  # upheld, not upheld, undecided
    return {
        "idx": contacts["idx"][rows],
        "seq": contacts["seq"][rows],
        "agent": contacts["agent"][rows],
        "received": received,
        "category": rng.choice(len(vocab.COMPLAINT_CATEGORIES), k, p=CATEGORY_P),
        "resolved": np.where(open_, -1, resolved),
        "upheld": np.where(open_, 2, verdict),
    }
