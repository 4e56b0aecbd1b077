"""The domain's vocabularies, each defined once: the codes and the spellings the importer accepts.

Account statuses, payment and contact channels, contact outcomes (domain.md, "The extracts"),
the compliance rules, the credit rules of a payment, the roll-rate states and directions, the
statuses of an import and of a payout row. Everything that needs one of these lists imports it
from here: the importer (``ingest.kinds``: choices and aliases), the settings check
(``engine.settings``), the compliance engine, the sample generator. The display labels stay in
the app's catalogue (``ui/catalogue.py``), keyed ``<prefix>.<code>``, and the queries name a
code only where a rule needs that one code; ``tests/test_vocab.py`` fails when a list is written
again somewhere else, or when the catalogue, the sample or a query disagrees with this file.

This module imports nothing of the project: every layer may import it.
"""

from __future__ import annotations

from collections.abc import Iterable

# --- Accounts (accounts.status; blank means open) ----------------------------------------------
STATUSES = (
    "open",
    "payment_plan",
    "legal",
    "disputed",
    "settled",
    "paid_in_full",
    "recalled",
    "written_off",
)
STATUS_DEFAULT = "open"
# domain.md: a delinquent account closed with one of these is cured (config/kpi.yaml may say
# otherwise).
CURE_STATUSES = ("paid_in_full", "settled")
# Accepted spelling (compared lower case, words joined by '_') -> status.
STATUS_ALIASES = {
    "正常": "open",
    "催收中": "open",
    "在催": "open",
    "active": "open",
    "分期": "payment_plan",
    "还款计划": "payment_plan",
    "协商分期": "payment_plan",
    "plan": "payment_plan",
    "诉讼": "legal",
    "法诉": "legal",
    "法律诉讼": "legal",
    "争议": "disputed",
    "dispute": "disputed",
    "和解": "settled",
    "协商结清": "settled",
    "settlement": "settled",
    "结清": "paid_in_full",
    "已结清": "paid_in_full",
    "全额还款": "paid_in_full",
    "paid": "paid_in_full",
    "撤案": "recalled",
    "退案": "recalled",
    "召回": "recalled",
    "recall": "recalled",
    "核销": "written_off",
    "已核销": "written_off",
    "writeoff": "written_off",
    "write_off": "written_off",
}

# --- Payments (payments.channel) ---------------------------------------------------------------
# An open list (domain.md: "bank_transfer, card, cash, wallet, ..."): the spellings below become
# the canonical code, any other text is kept as written.
PAYMENT_CHANNELS = ("bank_transfer", "card", "cash", "wallet")
PAYMENT_CHANNEL_ALIASES = {
    "银行转账": "bank_transfer",
    "转账": "bank_transfer",
    "银行汇款": "bank_transfer",
    "网银": "bank_transfer",
    "网银转账": "bank_transfer",
    "对公转账": "bank_transfer",
    "bank": "bank_transfer",
    "transfer": "bank_transfer",
    "wire": "bank_transfer",
    "wire_transfer": "bank_transfer",
    "银行卡": "card",
    "刷卡": "card",
    "pos": "card",
    "debit_card": "card",
    "现金": "cash",
    "微信": "wallet",
    "微信支付": "wallet",
    "支付宝": "wallet",
    "电子钱包": "wallet",
    "wechat": "wallet",
    "wechat_pay": "wallet",
    "weixin": "wallet",
    "alipay": "wallet",
}

# --- Contacts (contacts.channel, contacts.outcome) ---------------------------------------------
CONTACT_CHANNELS = ("call", "sms", "email", "letter", "visit")
CONTACT_CHANNEL_ALIASES = {
    "电话": "call",
    "外呼": "call",
    "phone": "call",
    "phone_call": "call",
    "短信": "sms",
    "text": "sms",
    "邮件": "email",
    "电子邮件": "email",
    "e_mail": "email",
    "mail": "email",
    "信函": "letter",
    "律师函": "letter",
    "外访": "visit",
    "上门": "visit",
    "field_visit": "visit",
}
OUTCOMES = (
    "no_answer",
    "wrong_party",
    "right_party",
    "promise_to_pay",
    "refused",
    "dispute",
    "complaint",
)
# domain.md: a right-party contact has one of these outcomes (config/kpi.yaml may say otherwise).
RIGHT_PARTY_OUTCOMES = OUTCOMES[OUTCOMES.index("right_party") :]
OUTCOME_ALIASES = {
    "未接通": "no_answer",
    "无人接听": "no_answer",
    "未接": "no_answer",
    "no_contact": "no_answer",
    "非本人": "wrong_party",
    "第三方": "wrong_party",
    "wrong_number": "wrong_party",
    "本人": "right_party",
    "本人接听": "right_party",
    "rpc": "right_party",
    "承诺还款": "promise_to_pay",
    "ptp": "promise_to_pay",
    "promise": "promise_to_pay",
    "拒绝还款": "refused",
    "拒付": "refused",
    "拒绝": "refused",
    "refusal": "refused",
    "争议": "dispute",
    "异议": "dispute",
    "disputed": "dispute",
    "投诉": "complaint",
}

# --- Case management (domain.md, "Case management") --------------------------------------------
# repayment_plans.plan_type: 分期, 延期, 减免/和解.
PLAN_TYPES = ("installment", "extension", "settlement")
PLAN_TYPE_ALIASES = {
    "分期": "installment",
    "分期还款": "installment",
    "协商分期": "installment",
    "installments": "installment",
    "instalment": "installment",
    "延期": "extension",
    "延期还款": "extension",
    "展期": "extension",
    "缓催": "extension",
    "deferral": "extension",
    "减免": "settlement",
    "和解": "settlement",
    "减免/和解": "settlement",
    "减免和解": "settlement",
    "协商减免": "settlement",
    "一次性结清": "settlement",
    "settle": "settlement",
}
# complaints.category (Chinese names accepted).
# --- Repayment plans: a plan's status and an installment's state (queries/kpi/plan_states.sql)
PLAN_STATUSES = ("active", "completed", "broken", "superseded")
INSTALLMENT_STATES = ("kept", "missed", "pending", "superseded")

COMPLAINT_CATEGORIES = (
    "harassment",
    "contact_time",
    "third_party",
    "privacy",
    "amount_dispute",
    "service",
    "other",
)
COMPLAINT_CATEGORY_ALIASES = {
    "骚扰": "harassment",
    "暴力催收": "harassment",
    "恐吓": "harassment",
    "联系时间": "contact_time",
    "催收时间": "contact_time",
    "夜间催收": "contact_time",
    "时间不当": "contact_time",
    "第三方": "third_party",
    "联系第三方": "third_party",
    "骚扰第三方": "third_party",
    "隐私": "privacy",
    "泄露隐私": "privacy",
    "信息泄露": "privacy",
    "金额争议": "amount_dispute",
    "金额异议": "amount_dispute",
    "账务争议": "amount_dispute",
    "服务": "service",
    "服务态度": "service",
    "其他": "other",
    "其它": "other",
}
# complaints.upheld: the yes/no spellings of every true/false column, and these.
UPHELD_ALIASES = {
    "属实": "true",
    "不属实": "false",
    "成立": "true",
    "不成立": "false",
    "upheld": "true",
    "rejected": "false",
    "not_upheld": "false",
}

# --- Targets (targets.level): whom a monthly target is set for (domain.md, "targets extract").
# Not among VOCABULARIES: "agent" and "team" are also the words of the report filters, which the
# restated-list check would take for this list (tests/test_vocab.py checks these apart).
TARGET_LEVELS = ("agent", "team")
TARGET_LEVEL_ALIASES = {
    "个人": "agent",
    "坐席": "agent",
    "催收员": "agent",
    "员工": "agent",
    "individual": "agent",
    "collector": "agent",
    "团队": "team",
    "组": "team",
    "小组": "team",
    "班组": "team",
    "group": "team",
}

# Why a pacing row is not projected (queries/kpi/pacing.sql, column no_projection).
NO_PROJECTION_REASONS = ("short_history", "month_not_positive", "share_not_positive")

# --- Compliance (queries/compliance/violations.sql: the rule of a violation) --------------------
COMPLIANCE_RULES = (
    "contact_hours",
    "unanswered_calls_per_day",
    "calls_per_window",
    "call_after_conversation",
)

# --- Why a payment counts for an agent (queries/derived/payments_credited.sql) ------------------
# The first four credit an agent; the last two credit nobody.
CREDIT_RULES = (
    "given",
    "account_snapshot",
    "account_earliest_snapshot",
    "reversed_payment_agent",
    "none",
    "unmatched_reversal",
)
CREDITING_RULES = CREDIT_RULES[:4]

# --- Roll rates: the states beyond the configured buckets, and the direction of a move ----------
CLOSED = "Closed"  # the account is closed in the later snapshot (config: closed_statuses)
MISSING = "Missing"  # the account is not in the later snapshot
BUCKET_STATES = (CLOSED, MISSING)
ROLL_DIRECTIONS = ("worse", "same", "better", "closed", "missing")

# --- Case management: the events of an account's history (queries/kpi/account_history.sql) ---
HISTORY_EVENTS = ("snapshot", "payment", "reversal", "contact", "complaint", "plan", "installment")
# A complaint's status in an account's history.
COMPLAINT_STATUSES = ("open", "upheld", "not_upheld", "resolved")

# --- Imports and payouts ----------------------------------------------------------------------
IMPORT_STATUSES = ("active", "undone")
APPROVAL_STATUSES = (
    "prepared",
    "approved",
    "reopened",
)  # a payout round (queries/schema/010_payouts.sql)
PAYOUT_STATUSES = (
    "draft",
    "prepared",
    "approved",
    "not in the approval",
)  # a payout row on the page


def bucket_states(buckets: Iterable[str]) -> tuple[str, ...]:
    """Every state of an account at a snapshot, in order: the configured buckets
    (``KpiSettings.bucket_names``), then Closed and Missing (a snapshot's own bucket table has
    no Missing: only a roll from one snapshot to the next does)."""
    return (*buckets, *BUCKET_STATES)


# Every vocabulary by name, for the checks (tests/test_vocab.py).
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "status": STATUSES,
    "payment_channel": PAYMENT_CHANNELS,
    "contact_channel": CONTACT_CHANNELS,
    "outcome": OUTCOMES,
    "compliance_rule": COMPLIANCE_RULES,
    "credit_rule": CREDIT_RULES,
    "bucket_state": BUCKET_STATES,
    "roll_direction": ROLL_DIRECTIONS,
    "import_status": IMPORT_STATUSES,
    "approval_status": APPROVAL_STATUSES,
    "payout_status": PAYOUT_STATUSES,
    "plan_type": PLAN_TYPES,
    "complaint_category": COMPLAINT_CATEGORIES,
    "history_event": HISTORY_EVENTS,
    "complaint_status": COMPLAINT_STATUSES,
    "plan_status": PLAN_STATUSES,
    "installment_state": INSTALLMENT_STATES,
    "no_projection": NO_PROJECTION_REASONS,
}
ALIASES: dict[str, dict[str, str]] = {
    "status": STATUS_ALIASES,
    "payment_channel": PAYMENT_CHANNEL_ALIASES,
    "contact_channel": CONTACT_CHANNEL_ALIASES,
    "outcome": OUTCOME_ALIASES,
    "plan_type": PLAN_TYPE_ALIASES,
    "complaint_category": COMPLAINT_CATEGORY_ALIASES,
}
