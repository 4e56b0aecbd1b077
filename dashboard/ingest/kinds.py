"""The extract kinds of the data contract (domain.md): columns, types, header synonyms.

Everything the importer knows about a kind lives here as data, so the header mapping, the
validation SQL and the documentation are all generated from one description. The codes an
enumerated column takes, and their accepted spellings, are the domain's (``dashboard.vocab``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from dashboard import vocab
from dashboard.messages import Message

ColumnType = Literal[
    "id", "text", "date", "timestamp", "month", "money", "int", "bool", "enum", "rate"
]

MAX_ID_LENGTH = 64
MAX_TEXT_LENGTH = 500
MAX_NOTE_LENGTH = 2000  # a contact's note (contacts.notes): free text, longer than a label


@dataclass(frozen=True)
class Column:
    """One canonical column of an extract."""

    name: str
    type: ColumnType
    required: bool = False
    synonyms: tuple[str, ...] = ()
    non_negative: bool = False
    non_zero: bool = False
    positive: bool = False  # money: zero and negative values are refused
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # accepted spelling -> choice
    default: str | None = None  # value used when blank (already canonical)
    personal: bool = False  # personal data: masked at import, never stored in clear
    # Free text that may hold personal data (phone, id and card numbers, e-mail addresses):
    # each of those inside it is masked at import (queries/import/macros.sql, mask_in_text).
    masks_inside: bool = False
    max_length: int = MAX_TEXT_LENGTH  # text: longer values are refused
    minimum: int | None = None  # int: smaller values are refused (installment_no >= 1)

    @property
    def mask(self) -> str | None:
        """The masking macro (queries/import/macros.sql) its values pass through before they
        are stored or shown, or None for a column that holds no personal data."""
        if self.personal:
            return "mask_name" if self.name == "customer_name" else "mask_number"
        return "mask_in_text" if self.masks_inside else None


@dataclass(frozen=True)
class Kind:
    """An extract kind: its columns and the raw table its rows go to."""

    name: str
    table: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def title(self) -> Message:
        """The kind's name as a message value: "payments" in English, 还款 in Chinese."""
        return Message(f"kindname.{self.name}")


ACCOUNT_ID = (
    "账号",
    "账户号",
    "账户",
    "卡号",
    "客户账号",
    "账户编号",
    "account",
    "account_no",
    "account_number",
    "acct_id",
    "acct_no",
    "acct",
)
AGENT_ID = (
    "催收员编号",
    "催收员工号",
    "催收员",
    "工号",
    "坐席工号",
    "坐席",
    "agent",
    "collector_id",
    "collector",
    "agent_no",
)

ACCOUNTS = Kind(
    "accounts",
    "raw_accounts",
    (
        Column("account_id", "id", True, ACCOUNT_ID),
        Column(
            "as_of_date",
            "date",
            True,
            (
                "快照日期",
                "数据日期",
                "统计日期",
                "报表日期",
                "snapshot_date",
                "as_of",
                "report_date",
                "asof_date",
            ),
        ),
        Column(
            "portfolio",
            "text",
            True,
            (
                "资产包",
                "产品",
                "委托方",
                "委案批次",
                "批次",
                "portfolio_name",
                "product",
                "client",
            ),
        ),
        Column(
            "placement_date",
            "date",
            True,
            (
                "委案日期",
                "委托日期",
                "入催日期",
                "分案日期",
                "placed_date",
                "placement",
            ),
        ),
        Column(
            "placed_balance",
            "money",
            True,
            ("委案金额", "委托金额", "入催金额", "placed_amount", "placement_balance"),
            non_negative=True,
        ),
        Column(
            "current_balance",
            "money",
            True,
            (
                "当前余额",
                "剩余欠款",
                "欠款余额",
                "当前欠款",
                "balance",
                "outstanding",
                "outstanding_balance",
            ),
            non_negative=True,
        ),
        Column(
            "days_past_due",
            "int",
            True,
            ("逾期天数", "dpd", "days_overdue", "overdue_days"),
            non_negative=True,
        ),
        Column("agent_id", "id", False, AGENT_ID),
        Column(
            "status",
            "enum",
            False,
            ("状态", "账户状态", "account_status"),
            choices=vocab.STATUSES,
            aliases=vocab.STATUS_ALIASES,
            default=vocab.STATUS_DEFAULT,
        ),
        Column(
            "region",
            "text",
            False,
            ("地区", "区域", "省份", "城市", "province", "city"),
        ),
        Column(
            "customer_name",
            "text",
            False,
            ("客户姓名", "姓名", "客户名称", "name", "debtor_name"),
            personal=True,
        ),
        Column(
            "phone",
            "text",
            False,
            (
                "手机号",
                "手机号码",
                "电话",
                "手机",
                "联系电话",
                "mobile",
                "phone_number",
                "tel",
            ),
            personal=True,
        ),
        Column(
            "id_number",
            "text",
            False,
            (
                "身份证号",
                "身份证号码",
                "证件号码",
                "证件号",
                "身份证",
                "id_no",
                "id_card",
            ),
            personal=True,
        ),
        Column(
            "agency_id",
            "id",
            False,
            (
                "委外机构",
                "委外机构编号",
                "委外机构代码",
                "委外公司",
                "外包机构",
                "催收机构",
                "agency",
                "agency_code",
                "agency_no",
            ),
        ),
    ),
)

PAYMENTS = Kind(
    "payments",
    "raw_payments",
    (
        Column(
            "payment_id",
            "id",
            True,
            (
                "还款流水号",
                "流水号",
                "交易流水号",
                "还款编号",
                "transaction_id",
                "txn_id",
                "payment_no",
            ),
        ),
        Column("account_id", "id", True, ACCOUNT_ID),
        Column(
            "payment_date",
            "date",
            True,
            ("还款日期", "交易日期", "入账日期", "paid_on", "transaction_date", "date"),
        ),
        Column(
            "amount",
            "money",
            True,
            ("还款金额", "金额", "交易金额", "payment_amount"),
            non_zero=True,
        ),
        Column("agent_id", "id", False, AGENT_ID),
        Column(
            "channel",
            "text",
            False,
            ("渠道", "还款渠道", "还款方式", "payment_channel", "method"),
            choices=vocab.PAYMENT_CHANNELS,
            aliases=vocab.PAYMENT_CHANNEL_ALIASES,
        ),
        Column(
            "reverses_payment_id",
            "id",
            False,
            (
                "冲正流水号",
                "原流水号",
                "原还款流水号",
                "reversal_of",
                "original_payment_id",
            ),
        ),
    ),
)

AGENTS = Kind(
    "agents",
    "raw_agents",
    (
        Column("agent_id", "id", True, AGENT_ID),
        Column("agent_name", "text", False, ("催收员姓名", "坐席姓名", "姓名", "name")),
        Column("team", "text", True, ("团队", "小组", "组别", "team_name", "group")),
        Column("plan", "text", False, ("佣金方案", "提成方案", "commission_plan")),
        Column("hire_date", "date", False, ("入职日期", "hired_on")),
        Column("active", "bool", False, ("在职", "是否在职", "is_active"), default="true"),
        Column("employee_no", "text", False, ("员工编号", "人事编号", "员工号", "employee_id")),
        Column("cost_center", "text", False, ("成本中心", "成本中心编码", "cost_centre")),
    ),
)

CONTACTS = Kind(
    "contacts",
    "raw_contacts",
    (
        Column(
            "contact_id",
            "id",
            True,
            ("催记编号", "记录编号", "联系记录编号", "催收记录编号", "record_id"),
        ),
        Column("account_id", "id", True, ACCOUNT_ID),
        Column("agent_id", "id", True, AGENT_ID),
        Column(
            "contacted_at",
            "timestamp",
            True,
            ("联系时间", "催收时间", "拨打时间", "contact_time", "timestamp"),
        ),
        Column(
            "channel",
            "enum",
            True,
            ("联系方式", "渠道", "方式", "contact_channel"),
            choices=vocab.CONTACT_CHANNELS,
            aliases=vocab.CONTACT_CHANNEL_ALIASES,
        ),
        Column(
            "outcome",
            "enum",
            True,
            ("结果", "联系结果", "催收结果", "result"),
            choices=vocab.OUTCOMES,
            aliases=vocab.OUTCOME_ALIASES,
        ),
        Column(
            "promise_amount",
            "money",
            False,
            ("承诺金额", "承诺还款金额", "ptp_amount"),
            non_negative=True,
        ),
        Column("promise_date", "date", False, ("承诺日期", "承诺还款日期", "ptp_date")),
        Column(
            "notes",
            "text",
            False,
            (
                "催记内容",
                "沟通内容",
                "备注",
                "催记",
                "通话内容",
                "联系内容",
                "记录内容",
                "note",
                "remarks",
                "remark",
                "comment",
                "comments",
                "memo",
            ),
            masks_inside=True,
            max_length=MAX_NOTE_LENGTH,
        ),
    ),
)

REPAYMENT_PLANS = Kind(
    "repayment_plans",
    "raw_repayment_plans",
    (
        Column(
            "plan_id",
            "id",
            True,
            (
                "还款计划编号",
                "计划编号",
                "分期编号",
                "方案编号",
                "协议编号",
                "plan_no",
                "plan_number",
                "arrangement_id",
            ),
        ),
        Column("account_id", "id", True, ACCOUNT_ID),
        Column("agent_id", "id", False, AGENT_ID),
        Column(
            "plan_type",
            "enum",
            True,
            ("计划类型", "方案类型", "分期类型", "还款方式类型", "arrangement_type"),
            choices=vocab.PLAN_TYPES,
            aliases=vocab.PLAN_TYPE_ALIASES,
        ),
        Column(
            "created_date",
            "date",
            True,
            (
                "创建日期",
                "签订日期",
                "协商日期",
                "达成日期",
                "协议日期",
                "agreed_date",
                "agreement_date",
                "plan_date",
                "created_on",
            ),
        ),
        Column(
            "installment_no",
            "int",
            True,
            (
                "期次",
                "期号",
                "第几期",
                "分期期次",
                "installment",
                "installment_number",
                "instalment_no",
                "period_no",
            ),
            minimum=1,
        ),
        Column(
            "due_date",
            "date",
            True,
            (
                "应还日期",
                "约定还款日",
                "到期日",
                "到期日期",
                "还款日",
                "due_on",
                "due",
            ),
        ),
        Column(
            "amount",
            "money",
            True,
            (
                "应还金额",
                "每期金额",
                "分期金额",
                "期供金额",
                "本期应还",
                "installment_amount",
                "amount_due",
                "scheduled_amount",
            ),
            positive=True,
        ),
    ),
)

AGENCIES = Kind(
    "agencies",
    "raw_agencies",
    (
        Column(
            "agency_id",
            "id",
            True,
            (
                "委外机构编号",
                "委外机构代码",
                "机构编号",
                "机构代码",
                "agency",
                "agency_code",
                "agency_no",
            ),
        ),
        Column(
            "agency_name",
            "text",
            False,
            ("委外机构名称", "机构名称", "委外公司名称", "外包公司名称", "agency_title"),
        ),
        Column(
            "fee_rate",
            "rate",
            True,
            (
                "佣金比例",
                "费率",
                "服务费率",
                "佣金率",
                "委外费率",
                "commission_rate",
                "fee_share",
                "rate",
            ),
        ),
    ),
)

COMPLAINTS = Kind(
    "complaints",
    "raw_complaints",
    (
        Column(
            "complaint_id",
            "id",
            True,
            ("投诉编号", "投诉单号", "投诉工单号", "工单号", "complaint_no", "ticket_id"),
        ),
        Column("account_id", "id", True, ACCOUNT_ID),
        Column("agent_id", "id", False, AGENT_ID),
        Column(
            "received_at",
            "timestamp",
            True,
            (
                "投诉时间",
                "受理时间",
                "接收时间",
                "登记时间",
                "received",
                "complaint_time",
                "opened_at",
            ),
        ),
        Column(
            "category",
            "enum",
            False,
            ("投诉类型", "投诉类别", "投诉分类", "complaint_type", "complaint_category"),
            choices=vocab.COMPLAINT_CATEGORIES,
            aliases=vocab.COMPLAINT_CATEGORY_ALIASES,
        ),
        Column(
            "resolved_at",
            "timestamp",
            False,
            ("办结时间", "解决时间", "结案时间", "处理完成时间", "resolved", "closed_at"),
        ),
        Column(
            "upheld",
            "bool",
            False,
            ("是否属实", "投诉成立", "是否成立", "is_upheld", "substantiated"),
            aliases=vocab.UPHELD_ALIASES,
        ),
    ),
)

# A month's target per agent or team (domain.md, "targets extract"): period is a month, kept as
# its text YYYY-MM; id is an agent_id (level agent) or a team (level team) of the agents loaded.
TARGETS = Kind(
    "targets",
    "raw_targets",
    (
        Column(
            "period",
            "month",
            True,
            (
                "期间",
                "月份",
                "考核月份",
                "考核期间",
                "目标月份",
                "统计月份",
                "month",
                "target_month",
                "period_month",
            ),
        ),
        Column(
            "level",
            "enum",
            True,
            ("层级", "级别", "考核层级", "目标层级", "target_level", "scope"),
            choices=vocab.TARGET_LEVELS,
            aliases=vocab.TARGET_LEVEL_ALIASES,
        ),
        Column(
            "id",
            "id",
            True,
            ("编号", "工号", "团队", "考核对象", "对象编号", "target_id", "agent_or_team"),
        ),
        Column(
            "target",
            "money",
            True,
            (
                "目标",
                "目标金额",
                "目标回款",
                "回款目标",
                "考核目标",
                "月度目标",
                "target_amount",
                "goal",
                "monthly_target",
            ),
            positive=True,
        ),
    ),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        ACCOUNTS,
        PAYMENTS,
        AGENTS,
        CONTACTS,
        REPAYMENT_PLANS,
        AGENCIES,
        COMPLAINTS,
        TARGETS,
    )
}
# Order in which kinds are applied when several files are imported together: reference data
# first, so that a payment's account is known when the payment is checked, and a target's agent
# or team when the target is (targets of agents not loaded are refused: ingest.apply).
APPLY_ORDER = (
    "agents",
    "agencies",
    "accounts",
    "payments",
    "contacts",
    "repayment_plans",
    "complaints",
    "targets",
)


def normalize_header(text: str) -> str:
    """Header text as compared: no BOM or quotes, trimmed, lower case, words joined by '_'."""
    text = text.replace("\ufeff", "").strip().strip('"').strip()
    text = re.sub(r"[\s\-./]+", "_", text.lower())
    return text.strip("_")


def _built_in(kind: Kind) -> dict[str, str]:
    """The headers a kind knows by itself: canonical names and synonyms -> column."""
    lookup: dict[str, str] = {}
    for col in kind.columns:
        for name in (col.name, *col.synonyms):
            lookup.setdefault(normalize_header(name), col.name)
    return lookup


# Headers that name personal data in some kind (客户姓名, 手机号, id_number, ...) -> its column.
PERSONAL_HEADERS: dict[str, str] = {
    normalize_header(name): col.name
    for kind in KINDS.values()
    for col in kind.columns
    if col.personal
    for name in (col.name, *col.synonyms)
}


def mapping_problem(kind: Kind, header: str, column: str) -> Message | None:
    """Why a user's mapping ``header`` -> ``column`` cannot be used in ``kind`` extracts (a
    message: its English for the command line, its code for the app).

    Built-in names win: a header the kind already knows keeps its meaning. A header that names
    personal data (a synonym of customer_name, phone or id_number) can be mapped only onto a
    personal column, which is masked at import: a mapping never makes personal data land in
    clear in any column. None when the mapping can be used (or changes nothing).
    """
    key = normalize_header(header)
    known = _built_in(kind).get(key)
    if known == column:
        return None
    if known is not None:
        return Message(
            "file.mapping_known", header=header, known=known, kind=kind.title, column=column
        )
    target = next((c for c in kind.columns if c.name == column), None)
    if key in PERSONAL_HEADERS and (target is None or not target.personal):
        return Message(
            "file.mapping_personal", header=header, personal=PERSONAL_HEADERS[key], column=column
        )
    return None


def kind_map(
    kind: str,
    user_map: Mapping[str, str] | None = None,
    saved_maps: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, str]:
    """The mappings that apply to one kind: its remembered ones, then the user's of this run.

    Args:
        kind: the extract kind.
        user_map: header -> column given for this import (every kind; ``--map``).
        saved_maps: kind -> (header -> column), the mappings remembered per kind.
    """
    out = {normalize_header(h): c for h, c in (saved_maps or {}).get(kind, {}).items()}
    out.update({normalize_header(h): c for h, c in (user_map or {}).items()})
    return out


def match_headers(
    kind: Kind, headers: list[str], user_map: Mapping[str, str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Map a file's headers onto a kind's canonical columns.

    Args:
        kind: the extract kind.
        headers: the file's header cells, in order.
        user_map: header text -> canonical column, chosen by a user for unknown headers
            (the kind's, see ``kind_map``). A mapping onto a column the kind does not have,
            or one ``mapping_problem`` refuses, is not used.

    Returns:
        (canonical column -> index in the file, headers that map to nothing).
    """
    lookup = _built_in(kind)
    names = {c.name for c in kind.columns}
    for header, target in (user_map or {}).items():
        if target in names and mapping_problem(kind, header, target) is None:
            lookup[normalize_header(header)] = target
    found: dict[str, int] = {}
    unknown: list[str] = []
    for idx, header in enumerate(headers):
        match = lookup.get(normalize_header(header))
        if match is None or match in found:
            unknown.append(header)
        else:
            found[match] = idx
    return found, unknown


def missing_required(kind: Kind, found: Mapping[str, int], as_of: date | None) -> list[str]:
    """The required columns of ``kind`` a file's header lacks (``found``: ``match_headers``).

    A snapshot's date may come from ``--as-of`` (the app's "Snapshot date") instead of an
    ``as_of_date`` column: the one place this rule is written.
    """
    missing = [c for c in kind.required if c not in found]
    if kind.name == "accounts" and as_of is not None and "as_of_date" in missing:
        missing.remove("as_of_date")
    return missing


def detect_kind(
    headers: list[str],
    user_map: Mapping[str, str] | None = None,
    saved_maps: Mapping[str, Mapping[str, str]] | None = None,
) -> Kind | None:
    """The kind whose required columns the headers cover best (all of them), or None.

    Each kind is tried with its own mappings (``kind_map``).
    """
    best: tuple[int, int, Kind] | None = None
    for kind in KINDS.values():
        found, _ = match_headers(kind, headers, kind_map(kind.name, user_map, saved_maps))
        required = sum(1 for c in kind.required if c in found)
        if required < len(kind.required) - (1 if kind.name == "accounts" else 0):
            continue
        score = (required, len(found))
        if best is None or score > best[:2]:
            best = (score[0], score[1], kind)
    return best[2] if best else None


def looks_like(
    headers: list[str],
    user_map: Mapping[str, str] | None = None,
    saved_maps: Mapping[str, Mapping[str, str]] | None = None,
) -> Kind | None:
    """The one kind a header resembles although it lacks some required column, or None.

    A header resembles a kind when it names at least two of its required columns and at least
    half of them; when two kinds resemble it equally, it resembles neither (the user is asked,
    never told a guess). ``detect_kind`` comes first: this is for a header it cannot place,
    so that the file is refused for the columns it lacks ("missing required column amount"),
    not as a file of no known kind.
    """
    scores: list[tuple[int, int, Kind]] = []
    for kind in KINDS.values():
        found, _ = match_headers(kind, headers, kind_map(kind.name, user_map, saved_maps))
        required = sum(1 for c in kind.required if c in found)
        if required >= 2 and 2 * required >= len(kind.required):
            scores.append((required, len(found), kind))
    scores.sort(key=lambda s: s[:2], reverse=True)
    if not scores or (len(scores) > 1 and scores[0][:2] == scores[1][:2]):
        return None
    return scores[0][2]
