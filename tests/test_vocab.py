"""One vocabulary (issue 11): each list of codes is defined once, in dashboard/vocab.py.

The checks read the other places that name codes and fail when one disagrees: the code of the
app and the engine may not write a list of codes again (it imports it), the catalogue has a
label for every code and for no unknown one, the sample writes only known codes (and every
one), the importer accepts exactly the codes and spellings of vocab.py, the settings check
refuses others, and every list or comparison of codes in the SQL (queries/ and the SQL inside
Python) agrees with vocab.py. The expected lists come from domain.md ("The extracts").
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from dashboard import vocab

ROOT = Path(__file__).resolve().parent.parent

# domain.md, "The extracts": the codes each column takes.
DOMAIN = {
    "status": "open, payment_plan, legal, disputed, settled, paid_in_full, recalled, written_off",
    "payment_channel": "bank_transfer, card, cash, wallet",
    "contact_channel": "call, sms, email, letter, visit",
    "outcome": "no_answer, wrong_party, right_party, promise_to_pay, refused, dispute, complaint",
}


def test_the_vocabularies_are_the_data_contracts() -> None:
    domain = (ROOT.parent / "shared" / "domain.md").resolve()
    for name, codes in DOMAIN.items():
        assert vocab.VOCABULARIES[name] == tuple(codes.split(", ")), name
    if domain.exists():  # the shared copy of domain.md, where the lead keeps it
        text = domain.read_text(encoding="utf-8")
        for codes in DOMAIN.values():
            assert codes in text, codes
    for name, codes in vocab.VOCABULARIES.items():
        assert len(set(codes)) == len(codes), name
    for name, aliases in vocab.ALIASES.items():
        assert set(aliases.values()) <= set(vocab.VOCABULARIES[name]), name
        assert not set(aliases) & set(vocab.VOCABULARIES[name]), name  # a code is no alias
    assert set(vocab.CREDITING_RULES) < set(vocab.CREDIT_RULES)


def _code_owner() -> dict[str, set[str]]:
    """code -> the vocabularies it belongs to."""
    owner: dict[str, set[str]] = {}
    for name, codes in vocab.VOCABULARIES.items():
        for code in codes:
            owner.setdefault(code, set()).add(name)
    return owner


def _named(vocab_name: str, hits: set[str], starred: bool) -> bool:
    """Whether a literal naming ``hits`` of a vocabulary restates it: three codes or more, every
    code of a shorter vocabulary (``["Closed", "Missing"]``), or a bucket state added to
    another list (``[*buckets, "Closed"]``: the states are ``vocab.bucket_states``)."""
    codes = vocab.VOCABULARIES[vocab_name]
    if len(hits) >= min(3, len(codes)) and len(hits) > 1:
        return True
    return starred and bool(hits) and vocab_name == "bucket_state"


def restated_lists(path: Path) -> list[tuple[str, int, str]]:
    """(name assigned or "", line, vocabulary) of each tuple, list or set literal in a Python
    file that restates a vocabulary (``_named``). A dict keyed by codes (a value per code, as
    ``engine.compliance.active_rules`` has) is no list."""
    owner = _code_owner()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    names[id(node.value)] = t.id
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Tuple | ast.List | ast.Set):
            continue
        strings = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        starred = any(isinstance(e, ast.Starred) for e in node.elts)
        for name in vocab.VOCABULARIES:
            hits = {s for s in strings if isinstance(s, str) and name in owner.get(s, ())}
            if _named(name, hits, starred):
                found.append((names.get(id(node), ""), node.lineno, name))
    return sorted(found, key=lambda f: f[1])


def test_no_module_writes_a_list_of_codes_again() -> None:
    sources = sorted((ROOT / "dashboard").rglob("*.py"))
    assert len(sources) > 40
    restated = [
        (str(p.relative_to(ROOT)), name, line, vocab_name)
        for p in sources
        if p.name != "vocab.py"
        for name, line, vocab_name in restated_lists(p)
    ]
    assert not restated, restated


def test_the_restated_list_check_finds_a_restated_list(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        'CHANNELS = ("call", "sms", "email", "letter", "visit")\n'
        'OK = ("call",)\n'
        'ALSO = [x for x in ["no_answer", "refused", "complaint"]]\n'
        'STATES = [*buckets, "Closed", "Missing"]\n'
        'SHOWN = [b for b in [*buckets, "Closed"] if b in rows]\n'
        'COLOURS = {"Closed": "grey", "Missing": "white"}\n'
        'ONE = x == "Closed" or ("Missing",)\n'
        'UNDONE = ("undone",)\n',
        encoding="utf-8",
    )
    assert restated_lists(bad) == [
        ("CHANNELS", 1, "contact_channel"),
        ("", 3, "outcome"),
        ("STATES", 4, "bucket_state"),
        ("", 5, "bucket_state"),
    ]


# --- The app's catalogue: a label for every code, none for an unknown code ----------------------
def _labelled(prefix: str) -> set[str]:
    from dashboard.ui.catalogue import CATALOGUE

    return {k.removeprefix(f"{prefix}.") for k in CATALOGUE if k.startswith(f"{prefix}.")}


@pytest.mark.parametrize(
    ("prefix", "codes"),
    [
        ("channel", {*vocab.CONTACT_CHANNELS, *vocab.PAYMENT_CHANNELS, "?"}),
        ("outcome", set(vocab.OUTCOMES)),
        ("status", {*vocab.STATUSES, *vocab.IMPORT_STATUSES, *vocab.PAYOUT_STATUSES}),
        ("rule", set(vocab.COMPLIANCE_RULES)),
        ("credit_rule", set(vocab.CREDIT_RULES)),
        ("direction", set(vocab.ROLL_DIRECTIONS)),
        ("event", set(vocab.HISTORY_EVENTS)),
        ("plan_status", set(vocab.PLAN_STATUSES)),
        ("complaint_status", set(vocab.COMPLAINT_STATUSES)),
        ("installment_state", set(vocab.INSTALLMENT_STATES)),
        ("plan_type", set(vocab.PLAN_TYPES)),
        ("category", set(vocab.COMPLAINT_CATEGORIES)),
        (
            "kindname",
            {
                "accounts",
                "payments",
                "agents",
                "contacts",
                "repayment_plans",
                "agencies",
                "complaints",
                "targets",
            },
        ),  # domain.md's extracts, with its "Case management" and "Targets" ones
        ("level", {*vocab.TARGET_LEVELS, "total"}),  # a target's level; total: the reports
        ("no_projection", set(vocab.NO_PROJECTION_REASONS)),
    ],
)
def test_the_catalogue_labels_every_code_and_no_other(prefix: str, codes: set[str]) -> None:
    from dashboard.ui.catalogue import CATALOGUE

    assert _labelled(prefix) == codes, prefix
    for code in codes:
        en, zh = CATALOGUE[f"{prefix}.{code}"]
        assert en and zh and en != zh, code


def test_the_catalogue_labels_the_configured_buckets_only() -> None:
    from dashboard.engine.settings import default_settings

    labelled = _labelled("bucket")
    assert set(vocab.BUCKET_STATES) <= labelled
    assert labelled <= {*default_settings().bucket_names, *vocab.BUCKET_STATES}


def test_the_engine_messages_of_credit_rules_are_the_crediting_rules() -> None:
    from dashboard.messages import MESSAGES

    credit = {c.removeprefix("payout.credit_") for c in MESSAGES if c.startswith("payout.credit_")}
    assert credit == {*vocab.CREDITING_RULES, "other"}  # other: a rule the engine does not know
    words = {
        c.removeprefix("payout.rule_word_") for c in MESSAGES if c.startswith("payout.rule_word_")
    }
    assert words == set(vocab.CREDIT_RULES)  # the workbook's credit-rule column, in words
    rules = {c.removeprefix("compliance.") for c in MESSAGES if c.startswith("compliance.")}
    assert rules == set(vocab.COMPLIANCE_RULES)


# --- The sample: only vocab codes, and every one -----------------------------------------------
def _distinct(sql: str) -> set[str]:
    con = duckdb.connect()
    try:
        return {r[0] for r in con.execute(sql, {"d": str(ROOT / "sample_data")}).fetchall()}
    finally:
        con.close()


def test_the_sample_writes_only_vocab_codes_and_every_one() -> None:
    """The committed sample is what the generator writes (tests/test_sample.py checks it)."""
    accounts = "read_csv($d || '/accounts_*.csv', all_varchar = true)"
    statuses = _distinct(f"select distinct status from {accounts}")
    payments = _distinct(
        "select distinct channel from read_csv($d || '/payments.csv', all_varchar = true)"
    )
    contacts = "read_csv($d || '/contacts.csv', all_varchar = true)"
    channels = _distinct(f"select distinct channel from {contacts}")
    outcomes = _distinct(f"select distinct outcome from {contacts}")
    assert statuses == set(vocab.STATUSES)
    assert payments == set(vocab.PAYMENT_CHANNELS)
    assert channels == set(vocab.CONTACT_CHANNELS)
    assert outcomes == set(vocab.OUTCOMES)


def test_the_sample_model_names_its_codes_by_the_vocab() -> None:
    from dashboard import sample_model as m

    assert m.STATUSES is vocab.STATUSES
    named = {
        m.OPEN: "open", m.PLAN_ST: "payment_plan", m.LEGAL_ST: "legal",
        m.DISPUTED_ST: "disputed", m.SETTLED: "settled", m.PAID: "paid_in_full",
        m.RECALLED: "recalled", m.WRITTEN_OFF: "written_off",
    }  # fmt: skip
    assert {m.STATUSES[i]: c for i, c in named.items()} == {c: c for c in named.values()}
    # The statuses still worked are the first ACTIVE_STATUSES: none is closed by the config.
    assert set(m.STATUSES[: m.ACTIVE_STATUSES]) == {"open", "payment_plan", "legal", "disputed"}
    assert set(m.PAY_CHANNELS) == set(vocab.PAYMENT_CHANNELS)
    assert m.CONTACT_CHANNELS[m.CALL] == "call"
    assert m.OUTCOMES[m.PROMISE] == "promise_to_pay"
    right_party = ["right_party", "promise_to_pay", "refused", "dispute", "complaint"]  # domain
    assert list(m.OUTCOMES[m.RIGHT_PARTY_FROM :]) == right_party
    assert m.CHANNEL_P.shape[1] == len(vocab.CONTACT_CHANNELS)
    assert m.OUTCOME_P.shape == (len(vocab.CONTACT_CHANNELS), len(vocab.OUTCOMES))


# --- The importer and the settings take their lists from vocab.py ------------------------------
def test_the_importer_accepts_the_vocab_codes_and_spellings() -> None:
    from dashboard.ingest.kinds import KINDS

    columns = {
        "status": KINDS["accounts"].column("status"),
        "payment_channel": KINDS["payments"].column("channel"),
        "contact_channel": KINDS["contacts"].column("channel"),
        "outcome": KINDS["contacts"].column("outcome"),
    }
    for name, col in columns.items():
        assert col.choices == vocab.VOCABULARIES[name], name
        assert col.aliases == vocab.ALIASES[name], name
    assert vocab.PAYMENT_CHANNEL_ALIASES["银行转账"] == "bank_transfer"
    assert vocab.PAYMENT_CHANNEL_ALIASES["微信"] == "wallet"
    assert vocab.PAYMENT_CHANNEL_ALIASES["现金"] == "cash"
    level = KINDS["targets"].column("level")  # not in VOCABULARIES (vocab.py says why)
    assert (level.choices, level.aliases) == (vocab.TARGET_LEVELS, vocab.TARGET_LEVEL_ALIASES)
    assert set(level.aliases.values()) == {"agent", "team"} and not set(level.aliases) & {
        "agent",
        "team",
    }


def test_the_settings_refuse_a_code_not_in_the_vocab() -> None:
    import yaml

    from dashboard.engine.settings import SettingsError, parse
    from dashboard.paths import CONFIG

    data = yaml.safe_load((CONFIG / "kpi.yaml").read_text(encoding="utf-8"))
    settings = parse(data)
    assert set(settings.closed_statuses) <= set(vocab.STATUSES)
    assert set(settings.right_party_outcomes) <= set(vocab.OUTCOMES)
    assert parse({**data, "closed_statuses": "all"}).closed_statuses == vocab.STATUSES
    with pytest.raises(SettingsError, match="unknown closed"):
        parse({**data, "closed_statuses": ["closed"]})
    with pytest.raises(SettingsError, match="Closed or Missing"):
        parse(
            {
                **data,
                "buckets": [{"name": "Current", "min_dpd": 0}, {"name": "Closed", "min_dpd": 1}],
            }
        )
    us = data["compliance"]["presets"]["us"]
    wrong = {**us, "contact_hours": {**us["contact_hours"], "channels": ["fax"]}}
    with pytest.raises(SettingsError, match="unknown fax"):
        parse({**data, "compliance": {"presets": {"us": wrong}}})


# --- The SQL: every list or comparison of codes agrees with vocab.py ----------------------------
# A column of the SQL -> the vocabularies its codes may come from.
SQL_COLUMNS = {
    "status": ("status", "import_status", "approval_status", "plan_status"),
    "state": ("installment_state",),
    "plan_type": ("plan_type",),
    "channel": ("payment_channel", "contact_channel"),
    "outcome": ("outcome",),
    "credit_rule": ("credit_rule",),
    "rule": ("compliance_rule",),
    "direction": ("roll_direction",),
}
_LIST = re.compile(r"\b(\w+)\s+(not\s+)?in\s*\(\s*('[^']*'(?:\s*,\s*'[^']*')*)\s*\)", re.I)
_COMPARED = re.compile(r"\b(\w+)\s*(?:=|<>|!=)\s*'([^']*)'")


def _codes_of(name: str) -> tuple[str, ...]:
    return vocab.VOCABULARIES[name]


def sql_disagreements(text: str) -> list[str]:
    """Each list (``col in ('a', 'b')``) or comparison (``col = 'a'``) of a column of
    ``SQL_COLUMNS`` whose codes are not all of one of its vocabularies; a ``not in`` list,
    which says what is allowed, must hold every code of that vocabulary."""
    wrong = []
    for m in _LIST.finditer(text):
        column = m.group(1).lower()
        if column not in SQL_COLUMNS:
            continue
        codes = set(re.findall(r"'([^']*)'", m.group(3)))
        fits = [
            n
            for n in SQL_COLUMNS[column]
            if codes <= set(_codes_of(n)) and (not m.group(2) or codes == set(_codes_of(n)))
        ]
        if not fits:
            wrong.append(m.group(0))
    for m in _COMPARED.finditer(text):
        column, code = m.group(1).lower(), m.group(2)
        if column in SQL_COLUMNS and not any(code in _codes_of(n) for n in SQL_COLUMNS[column]):
            wrong.append(m.group(0))
    return wrong


def _sql_texts() -> dict[str, str]:
    texts = {str(p.relative_to(ROOT)): p.read_text("utf-8") for p in ROOT.glob("queries/**/*.sql")}
    for p in (ROOT / "dashboard").rglob("*.py"):  # SQL written inside Python
        texts[str(p.relative_to(ROOT))] = p.read_text("utf-8")
    return texts


def test_every_list_or_comparison_of_codes_in_the_sql_agrees_with_the_vocab() -> None:
    texts = _sql_texts()
    wrong = {path: w for path, text in texts.items() if (w := sql_disagreements(text))}
    assert not wrong, wrong
    # The checks do find the lists: the invariant on stored rows lists three vocabularies.
    rules = texts["queries/checks/rule_violations_in_force.sql"]
    assert len(_LIST.findall(rules)) == 3


def test_the_sql_check_finds_a_list_that_disagrees() -> None:
    assert sql_disagreements("where channel not in ('call', 'sms')") == [
        "channel not in ('call', 'sms')"
    ]
    assert sql_disagreements("where status in ('open', 'closed')") == [
        "status in ('open', 'closed')"
    ]
    assert sql_disagreements("where outcome = 'promised'") == ["outcome = 'promised'"]
    assert sql_disagreements("where status = 'undone' and channel in ('cash', 'card')") == []


def test_the_rules_the_queries_emit_are_the_vocab() -> None:
    def literals(path: str, pattern: str) -> set[str]:
        return set(re.findall(pattern, (ROOT / path).read_text(encoding="utf-8")))

    assert literals("queries/compliance/violations.sql", r"'([a-z_]+)' as rule") == set(
        vocab.COMPLIANCE_RULES
    )
    assert literals("queries/derived/payments_credited.sql", r"'([a-z_]+)'") == set(
        vocab.CREDIT_RULES
    )
    assert literals("queries/kpi/pacing.sql", r"then '([a-z]+_[a-z_]+)'") == set(
        vocab.NO_PROJECTION_REASONS
    )
    roll = literals("queries/kpi/roll_rates.sql", r"then '(\w+)'|else '(\w+)'")
    assert {c for pair in roll for c in pair if c} == {
        *vocab.ROLL_DIRECTIONS,
        *vocab.BUCKET_STATES,
    }


def test_the_schema_names_the_import_statuses_of_the_vocab() -> None:
    schema = (ROOT / "queries/schema/001_core.sql").read_text(encoding="utf-8")
    line = next(x for x in schema.splitlines() if "status" in x and "--" in x)
    assert line.split("--")[1].strip() == " | ".join(vocab.IMPORT_STATUSES)
