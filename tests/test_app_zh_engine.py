"""Chinese pages show the engine's texts in Chinese (issue 10: a catalogue miss is a failure).

The engine emits refused-row reasons, file refusals and compliance details by code
(dashboard/messages.py). A static check finds every code the engine's sources can emit and
requires a Chinese entry with the same fields; the AppTest renders the Chinese Data page with
refused rows and the Chinese Compliance page, and fails if a reason or detail shown there is
an English sentence (three English words in a row, or a phrase of the English texts).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app_pages import open_page

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
ENGLISH_RUN = re.compile(r"[a-z]+(?:[ ,;:()']+[a-z]+){2,}")  # lower-case words: not YYYY-MM-DD
# Phrases of the English renderings (and DuckDB's own reader text) that must not be shown.
ENGLISH_PHRASES = (
    "fewer fields",
    "more fields",
    "Expected Number of Columns",
    "is not an amount",
    "is negative",
    "is not a date",
    "is outside",
    "more than",
    "day(s) after",
    "missing required",
)
# Refused rows of every sort the CSV reader and the checks give, values without English words.
PAYMENTS = (
    "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
    "P1,A1,2026-01-10,100.00,G1,card,\n"
    "P2,A1\n"  # 2 fields where the header has 7
    "P3,A1,2026-01-12,12.345,G1,card,\n"
    "P4,A1,2026-01-13,0,G1,card,,9\n"  # 8 fields
    "P5,A1,2026-02-30,10.00,G1,card,\n"
    "P6,A1,2026-01-15,-5.00,G1,card,P6\n"
    "P7,,2026-01-16,10.00,G1,card,\n"
    "P8,A1,31/01/2026,10.00,G1,card,\n"
)


def english_in(texts: list[str]) -> list[str]:
    return [t for t in texts if ENGLISH_RUN.search(t) or any(p in t for p in ENGLISH_PHRASES)]


def column_texts(at: AppTest, column: str) -> list[str]:
    return [str(v) for df in (d.value for d in at.dataframe) if column in df for v in df[column]]


def test_every_code_the_engine_emits_has_a_chinese_entry() -> None:
    from dashboard.ingest.stage import STRUCTURAL_CODES
    from dashboard.messages import MESSAGES, fields

    sources = [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "queries").rglob("*.sql")]
    sources = [p for p in sources if "ui" not in p.parts]
    literal = re.compile(r"""["']((?:import|row|file|payout)\.[a-z_]+)["']""")
    codes = {m for p in sources for m in literal.findall(p.read_text(encoding="utf-8"))}
    codes |= payout_codes()
    codes |= set(STRUCTURAL_CODES.values())
    codes |= {f"{c}_uncounted" for c in ("row.fewer_fields", "row.more_fields")}
    codes |= {f"file.missing_column{s}{h}" for s in ("", "s") for h in ("", "_delimiter")}
    codes |= {"file.missing_column_as_of"}
    rules = duckdb.sql(
        "select distinct regexp_extract(l, '''([a-z_]+)'' as rule', 1) as r "
        "from (select unnest(string_split($t, chr(10))) as l) where r <> ''",
        params={"t": (ROOT / "queries/compliance/violations.sql").read_text()},
    ).fetchall()
    codes |= {f"compliance.{r[0]}" for r in rules}
    assert len(codes) > 150, sorted(codes)
    missing = sorted(c for c in codes if c not in MESSAGES)
    assert not missing, missing
    for code in codes:
        zh = MESSAGES[code][1]
        assert zh and not english_in([re.sub(r"\{[a-z_]+\}", "值", zh)]), (code, zh)
        assert set(re.findall(r"\{([a-z_]+)\}", zh)) <= fields(code) | {"delimiter_zh"}, code


def payout_codes() -> set[str]:
    """The payout codes built from a name (``payout.kind_<kind>``, ``payout.fig_<figure>``,
    ``payout.credit_<rule>``): every kind of line, every statement figure, every credit rule
    a credited payment can have (queries/derived/payments_credited.sql; 'none' and
    'unmatched_reversal' credit nobody, so they are on no line)."""
    from dashboard.payouts.statements import FIGURES
    from dashboard.payouts.values import KINDS

    sql = (ROOT / "queries/derived/payments_credited.sql").read_text(encoding="utf-8")
    rules = set(re.findall(r"'([a-z_]+)'", sql)) - {"none", "unmatched_reversal"}
    assert len(rules) >= 4, rules
    codes = {f"payout.credit_{r}" for r in rules}
    codes |= {f"payout.kind_{k}" for k in KINDS} | {f"payout.fig_{k}" for k, _ in FIGURES}
    return codes


def test_sql_and_python_render_the_same_english() -> None:
    from dashboard.messages import MESSAGES, fields, render, sql_params, sql_render

    con = duckdb.connect()
    for code in MESSAGES:
        args = {f: f"<{f} {{x}} '1'>" for f in fields(code)}  # braces and quotes stay as is
        got = con.execute(
            f"select {sql_render('$code', '$args')}",
            {"code": code, "args": __import__("json").dumps(args), **sql_params()},
        ).fetchall()[0][0]
        assert got == render(code, args), code


def test_chinese_data_page_shows_refused_rows_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "data.duckdb"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "中文"})
    at.run()
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value([("pay.csv", PAYMENTS.encode(), "text/csv")]).run()
    next(b for b in at.button if b.label == "导入").click().run()
    assert not at.exception, [e.value for e in at.exception]
    reasons = column_texts(at, "reason")
    assert len(reasons) >= 7, reasons  # every refused row is listed
    assert not english_in(reasons), english_in(reasons)
    shown = " ".join(m.value for m in at.markdown)
    assert not any(p in shown for p in ENGLISH_PHRASES), shown
    assert any("2 个，表头有 7 个" in r for r in reasons), reasons


def test_chinese_compliance_page_shows_details_in_chinese(on_sample: Path) -> None:
    at = open_page("compliance", {"lang": "中文"})
    assert not at.exception, [e.value for e in at.exception]
    details = column_texts(at, "detail")
    assert details, "the sample has violations"
    assert not english_in(details), english_in(details)[:5]


def test_chinese_data_page_says_a_conflict_and_a_refused_file_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: the differences of a row already imported with other content, and a file of no
    known kind, are said in Chinese (they were English fragments inside a Chinese sentence)."""
    from dashboard.ingest.importer import FileSpec, import_files

    db = tmp_path / "data.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    header = PAYMENTS.splitlines()[0] + "\n"
    first = tmp_path / "first.csv"
    first.write_text(header + "P1,A1,2026-01-10,100.00,G1,card,\n", encoding="utf-8")
    assert import_files([FileSpec(first)], db_path=db, user="tester").committed
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "中文"})
    at.run()
    at.switch_page("views/data.py").run()
    changed = header + "P1,A1,2026-01-10,120.00,G1,,\n"
    at.file_uploader[0].set_value([("pay.csv", changed.encode(), "text/csv")]).run()
    next(b for b in at.button if b.label == "导入").click().run()
    assert not at.exception, [e.value for e in at.exception]
    reasons = column_texts(at, "reason")
    expected = (
        "payment_id P1 已以不同内容导入过（第 #1 次导入，第 2 行：amount 原为 100.00，现为 "
        "120.00；channel 原为 card，现为 空）；已拒收，未覆盖"
    )
    assert reasons == [expected]
    shown = " ".join([*reasons, *(m.value for m in at.markdown)])
    assert "(now" not in shown and "blank" not in shown, shown

    odd = b"Buchung,Konto\nQ1,Z1\n"
    at.file_uploader[0].set_value([("odd.csv", odd, "text/csv")]).run()
    next(b for b in at.button if b.label == "导入").click().run()
    errors = [e.value for e in at.error]
    assert any("无法根据表头（Buchung, Konto）判断这是哪一类数据文件" in e for e in errors), errors
    assert any("有文件被整体拒收：本次未导入任何数据。" in e for e in errors), errors
    assert not english_in(errors), errors
