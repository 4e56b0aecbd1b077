"""The SQL layer: every rule the queries share is written once, in queries/macros.sql.

A change to a shared rule (the team filter, the rate's rounding, the bucket of a DPD, what is
Closed) is then a change in one place, and a second SQL engine (issue 16, Spark) means writing
that one file again. These tests hold the queries to it:

- no predicate or expression is pasted into more than two query files, and no long passage
  into two (the duplicate finder below: token n-grams of the files, their comments dropped);
- every macro is used, and none hides a DuckDB function of the same name;
- the DuckDB-only constructs of the queries appear in the macro file only (the exceptions are
  listed with their reason);
- the macros compute what domain.md and the README say (hand-computed cases);
- macros, staging views and derived tables are built in dependency order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard import db
from dashboard.paths import QUERIES
from tests.kpi_fixtures import build_db

MACRO_FILE = QUERIES / "macros.sql"

# --- The duplicate finder ----------------------------------------------------------------

TOKEN = re.compile(
    r"""
    --[^\n]*                                   # a comment (dropped)
  | '(?:[^']|'')*'                             # a string
  | \$\w+                                      # a bound parameter
  | \d+(?:\.\d+)?                              # a number
  | [a-z_][a-z0-9_]*\.\*                       # alias.* (a star)
  | [a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*    # a name, maybe qualified by an alias
  | <>|<=|>=|!=|//|\|\||::|\S                  # an operator or punctuation
    """,
    re.X,
)
OPERATORS = {"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "/", "//", "%", "||", "::"}
PREDICATE_WORDS = {"and", "or", "not", "in", "is", "null", "between", "like", "exists"}
# Words followed by "(" that are syntax or the plainest aggregates, not a computation.
NOT_CALLS = {
    *("count", "sum", "min", "max", "as", "in", "over", "filter", "exists", "values", "from"),
    *("join", "select", "where", "and", "or", "not", "on", "by", "using", "when", "then"),
    *("else", "case", "union", "all"),
}
NGRAM = 8  # tokens: the shortest rule worth a macro (`x >= $a and x < $b + 1` is 9)
MIN_LOGIC = 3  # operators, predicate words, literals, function calls among them
PASSAGE = 40  # tokens of any kind that two files may not share (a copied block)


def query_files(root: Path = QUERIES) -> list[Path]:
    """Every query file: all of queries/ but the schema DDL and the macro files (the two
    DuckDB ones, and queries/macros_spark.sql: the Spark bodies, issue 16)."""
    return sorted(
        p
        for p in root.rglob("*.sql")
        if p.parent.name != "schema" and p.name not in ("macros.sql", "macros_spark.sql")
    )


def tokens(text: str) -> list[str]:
    """The file's tokens, lower case, comments dropped, table aliases dropped (``c.x`` -> x)."""
    out = []
    for t in TOKEN.findall(text.lower()):
        if t.startswith("--"):
            continue
        if t.endswith(".*"):
            t = "*"
        elif "." in t and (t[0].isalpha() or t[0] == "_"):
            t = t.rsplit(".", 1)[1]
        out.append(t)
    return out


def logic_tokens(gram: tuple[str, ...], before: str | None) -> int:
    """How many tokens of ``gram`` compute something: an operator (a ``*`` that is not a
    star), a predicate word, a literal, a function or macro call. Names, parameters,
    parentheses and commas do not: a column list or a macro's arguments is no rule."""
    n = 0
    prev = before
    for i, t in enumerate(gram):
        nxt = gram[i + 1] if i + 1 < len(gram) else None
        if t in OPERATORS or t in PREDICATE_WORDS or t[0].isdigit() or t[0] == "'":
            n += 1
        elif t == "*" and prev not in ("select", ",", "(", "distinct"):
            n += 1
        elif nxt == "(" and re.fullmatch(r"[a-z_]\w*", t) and t not in NOT_CALLS:
            n += 1
        prev = t
    return n


def ngrams(files: Iterable[Path], n: int, min_logic: int) -> dict[tuple[str, ...], set[str]]:
    """Each n-gram of at least ``min_logic`` logic tokens -> the files that hold it."""
    where: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for path in files:
        tk = tokens(path.read_text(encoding="utf-8"))
        for i in range(len(tk) - n + 1):
            gram = tuple(tk[i : i + n])
            if logic_tokens(gram, tk[i - 1] if i else None) >= min_logic:
                where[gram].add(f"{path.parent.name}/{path.name}")
    return where


def pasted(root: Path = QUERIES) -> dict[tuple[str, ...], set[str]]:
    """Predicates and expressions (n-grams of ``NGRAM`` tokens, ``MIN_LOGIC`` of them logic)
    that occur in more than two query files."""
    found = ngrams(query_files(root), NGRAM, MIN_LOGIC)
    return {g: fs for g, fs in found.items() if len(fs) > 2}


def copied(root: Path = QUERIES) -> dict[tuple[str, ...], set[str]]:
    """Passages of ``PASSAGE`` tokens, whatever they hold, that occur in two or more files."""
    found = ngrams(query_files(root), PASSAGE, 0)
    return {g: fs for g, fs in found.items() if len(fs) > 1}


def _show(found: dict[tuple[str, ...], set[str]]) -> str:
    lines = [f"{' '.join(g)}   <- {', '.join(sorted(fs))}" for g, fs in found.items()]
    return f"{len(found)} found:\n" + "\n".join(sorted(lines)[:40])


def test_no_predicate_or_expression_is_pasted_into_more_than_two_query_files() -> None:
    found = pasted()
    assert not found, "write it once in queries/macros.sql and call it: " + _show(found)


def test_no_passage_is_copied_between_two_query_files() -> None:
    found = copied()
    assert not found, "a copied block (merge the queries, or a macro): " + _show(found)


def test_the_finder_finds_a_pasted_rule(tmp_path: Path) -> None:
    # The finder itself: the team filter as it was pasted, in three files, is found; in two
    # it is allowed; a macro call with the same arguments in three files is not a rule.
    team = (
        "select * from t where (len($teams) = 0 or agent_id in "
        "(select agent_id from stg_agents where list_contains($teams, team)))"
    )
    call = "select * from t where dims_ok(portfolio, agent_id, $portfolios, $teams, $agents)"
    for name in ("a", "b"):
        (tmp_path / "kpi").mkdir(exist_ok=True)
        (tmp_path / "kpi" / f"{name}.sql").write_text(f"-- {name}\n{team}\n", encoding="utf-8")
    assert pasted(tmp_path) == {}
    (tmp_path / "kpi" / "c.sql").write_text(f"with x as ({team}) select * from x\n", "utf-8")
    three = {"kpi/a.sql", "kpi/b.sql", "kpi/c.sql"}
    assert pasted(tmp_path) and all(fs == three for fs in pasted(tmp_path).values())
    for name in ("a", "b", "c"):
        (tmp_path / "kpi" / f"{name}.sql").write_text(f"{call}\n", encoding="utf-8")
    assert pasted(tmp_path) == {}
    # ... and a copied block of two files (the two recovery queries of old) is found.
    block = "\n".join(f"select a{i}, b{i}, c{i} from t{i} union all" for i in range(5))
    for name in ("a", "b"):
        (tmp_path / "kpi" / f"{name}.sql").write_text(f"{block}\nselect 1\n", encoding="utf-8")
    assert copied(tmp_path)


# --- The macro file ----------------------------------------------------------------------


def test_every_macro_is_used_by_a_query_or_a_used_macro() -> None:
    macros = db.macros()
    texts = [" ".join(tokens(p.read_text(encoding="utf-8"))) for p in query_files()]
    used = {m for m in macros if any(re.search(rf"\b{m} \(", t) for t in texts)}
    grew = True
    while grew:  # a macro only another used macro calls is used too
        more = {
            m
            for m in macros
            if m not in used
            and any(re.search(rf"\b{m}\s*\(", macros[u].split(" as", 1)[1]) for u in used)
        }
        used |= more
        grew = bool(more)
    assert set(macros) - used == set()


def test_no_macro_hides_a_duckdb_function() -> None:
    con = duckdb.connect()
    builtin = {r[0] for r in con.execute("select function_name from duckdb_functions()").fetchall()}
    assert set(db.macros()) & builtin == set()


# The constructs of DuckDB's dialect that Spark SQL lacks or reads differently (issue 16 and
# /work/shared/ecosystem-notes.md: sqlglot passes several through unchanged or silently
# wrong). They may appear in queries/macros.sql only, but for these exceptions (file: the
# constructs it keeps, and why).
DUCKDB_ONLY = {
    "list functions": r"\b(?:list_\w+|len|array_length|unnest|generate_series)\s*\(",
    "lambda": r"\blambda\b|->",
    "list index": r"\$\w+\s*\[",
    "hugeint": r"\bhugeint\b",
    "integer division": r"//",
    "arg_max/arg_min": r"\barg_(?:max|min)(?:_null)?\s*\(",
    "month arithmetic": r"\b(?:to_months|datediff|date_diff|date_trunc)\s*\(",
    "strftime": r"\bstrftime\s*\(",
    "json_object": r"\bjson_object\s*\(",
    "time cast": r"\bas\s+time\b",
    "exclude in a frame": r"\bexclude\s+(?:current|group|ties)\b",
    "asof join": r"\basof\b",
    "cte materialization": r"\bmaterialized\b",
    "semi/anti join": r"(?<!left )\b(?:semi|anti)\s+join\b",
    "qualify": r"\bqualify\b",
    "star modifiers": r"\*\s*(?:replace|exclude|rename)\s*\(",
    "double-colon cast": r"::",
    "regexp_full_match": r"\bregexp_full_match\s*\(",
    "file readers": r"\bread_(?:csv|parquet|json)\w*\s*\(",
}
KEPT: dict[str, dict[str, str]] = {
    "checks/personal_data_in_clear.sql": {
        "integer division": "an invariant, not a report: it restates the masking rule "
        "independently of the importer's macros on purpose",
        "regexp_full_match": "(same)",
    },
    "checks/import_log_inconsistent.sql": {"semi/anti join": "an invariant, not a report"},
    "checks/rejects_without_import.sql": {"semi/anti join": "an invariant, not a report"},
    "checks/snapshot_loads_without_rows.sql": {
        "semi/anti join": "an invariant, not a report",
        "double-colon cast": "an invariant, not a report",
    },
}


def duckdb_only(root: Path = QUERIES) -> dict[str, set[str]]:
    """File -> the DuckDB-only constructs it uses (comments dropped). The importer's own
    queries (queries/import/) are left out: the importer stays on DuckDB (issue 16)."""
    out: dict[str, set[str]] = {}
    for path in query_files(root):
        if path.parent.name == "import":
            continue
        code = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8").lower())
        found = {name for name, pattern in DUCKDB_ONLY.items() if re.search(pattern, code)}
        if found:
            out[f"{path.parent.name}/{path.name}"] = found
    return out


def test_duckdb_only_constructs_live_in_the_macro_file() -> None:
    found = duckdb_only()
    unexplained = {f: c - set(KEPT.get(f, {})) for f, c in found.items()}
    assert {f: c for f, c in unexplained.items() if c} == {}
    stale = {f: set(c) - found.get(f, set()) for f, c in KEPT.items()}
    assert {f: c for f, c in stale.items() if c} == {}, "an exception no longer needed"


# --- What the macros compute (hand-computed from domain.md and the README) ---------------


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A database with a roster only (G1 on team T1, G2 on T2), imported for real."""
    path = build_db(
        tmp_path_factory.mktemp("sql"), agents=[("G1", "Ann", "T1"), ("G2", "Bo", "T2")]
    )
    with db.connect(path, read_only=True) as c:
        yield c


def value(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> Any:
    return con.execute(f"select {sql}", params or {}).fetchall()[0][0]


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        ("1", "3", "0.333333"),
        ("2", "3", "0.666667"),
        ("1", "8", "0.125000"),
        ("1", "2000000", "0.000001"),  # 0.0000005: half rounds away from zero
        ("-1", "2000000", "-0.000001"),
        ("999999", "2000000", "0.500000"),  # 0.4999995
        ("1", "0", None),
        ("cast(0.01 as decimal(18, 2))", "cast(3.00 as decimal(18, 2))", "0.003333"),
        ("cast(2.50 as decimal(38, 2))", "cast(0.00 as decimal(38, 2))", None),
        ("cast(123456789012.35 as decimal(38, 2))", "cast(0.07 as decimal(18, 2))",
         "1763668414462.142857"),
    ],
)  # fmt: skip
def test_rate6_is_six_places_half_away_from_zero(
    con: duckdb.DuckDBPyConnection, num: str, den: str, expected: str | None
) -> None:
    got = value(con, f"rate6({num}, {den})")
    assert got == (None if expected is None else Decimal(expected))
    assert value(con, f"typeof(rate6({num}, {den}))") == "DECIMAL(38,6)"


@pytest.mark.parametrize(
    ("total", "n", "expected"),
    [
        ("1.050000", 3, "0.350000"),
        ("1.333333", 3, "0.444444"),  # 0.4444443..
        ("2.000000", 3, "0.666667"),  # 0.6666666..: half away from zero
        ("0.000001", 2, "0.000001"),  # 0.0000005
        ("-0.000001", 2, "-0.000001"),
        ("-1.000000", 3, "-0.333333"),
        ("1.000000", 0, None),
    ],
)
def test_rate_mean_is_the_mean_of_rates_to_six_places(
    con: duckdb.DuckDBPyConnection, total: str, n: int, expected: str | None
) -> None:
    got = value(con, f"rate_mean(cast({total} as decimal(38, 6)), {n})")
    assert got == (None if expected is None else Decimal(expected))
    assert value(con, "typeof(rate_mean(cast(1 as decimal(38, 6)), 3))") == "DECIMAL(38,6)"


@pytest.mark.parametrize(
    ("amount", "rate", "expected"),
    [
        ("700.00", "0.350000", "2000.00"),
        ("100.00", "0.444444", "225.00"),  # 225.000225
        ("400.00", "0.666667", "600.00"),  # 599.99970
        ("0.01", "0.400000", "0.03"),  # 0.025: half away from zero
        ("-0.01", "0.400000", "-0.03"),
        ("1.00", "3.000000", "0.33"),
        ("5.00", "0.000000", None),
    ],
)
def test_money_over_a_rate_is_to_the_cent(
    con: duckdb.DuckDBPyConnection, amount: str, rate: str, expected: str | None
) -> None:
    money_sql = f"cast({amount} as decimal(38, 2))"
    got = value(con, f"money_over({money_sql}, cast({rate} as decimal(38, 6)))")
    assert got == (None if expected is None else Decimal(expected))


def test_money_is_decimal_38_2(con: duckdb.DuckDBPyConnection) -> None:
    assert value(con, "typeof(money(sum(x))) from (values (1.25), (2.50)) as t(x)") == (
        "DECIMAL(38,2)"
    )
    assert value(con, "money(sum(x)) from (values (1.25), (2.50)) as t(x)") == Decimal("3.75")


# config/kpi.yaml's buckets: Current 0, M1 1-30, M2 31-60, M3 61-90, M4 91-120, M5 121-150,
# M6 151-180, M7+ from 181 (domain.md, delinquency buckets).
MIN_DPD = [0, 1, 31, 61, 91, 121, 151, 181]
NAMES = ["Current", "M1", "M2", "M3", "M4", "M5", "M6", "M7+"]


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [(0, "Current"), (1, "M1"), (30, "M1"), (31, "M2"), (180, "M6"), (181, "M7+"), (999, "M7+")],
)
def test_the_bucket_of_a_dpd(con: duckdb.DuckDBPyConnection, dpd: int, bucket: str) -> None:
    p = {"dpd": dpd, "m": MIN_DPD}
    assert value(con, "bucket_name(bucket_no($dpd, $m), $n)", {**p, "n": NAMES}) == bucket
    assert value(con, "delinquent($dpd, $m)", p) is (bucket != "Current")


def test_states_after_the_buckets(con: duckdb.DuckDBPyConnection) -> None:
    p = {"n": NAMES}
    assert value(con, "[closed_no($n), missing_no($n)]", p) == [9, 10]
    assert value(con, "bucket_name(closed_no($n), $n)", p) is None


@pytest.mark.parametrize(
    ("status", "balance", "closed"),
    [("open", "10.00", False), ("open", "0.00", True), ("settled", "5.00", True),
     ("legal", "5.00", False)],
)  # fmt: skip
def test_closed_is_a_closed_status_or_nothing_left(
    con: duckdb.DuckDBPyConnection, status: str, balance: str, closed: bool
) -> None:
    p = {"s": status, "b": Decimal(balance), "c": ["settled", "paid_in_full", "recalled"]}
    assert value(con, "is_closed($s, $b, $c)", p) is closed


def test_the_report_filters(con: duckdb.DuckDBPyConnection) -> None:
    # An empty filter keeps every row; a team filter keeps the agents of the team's roster
    # (G1 is on T1, G2 on T2; G9 is on no roster and passes no team filter).
    assert value(con, "filter_ok('P1', [])") is True
    assert value(con, "filter_ok('P1', ['P2'])") is False
    assert value(con, "filter_ok(null, [])") is True
    assert value(con, "team_filter_ok('G1', ['T1'])") is True
    assert value(con, "team_filter_ok('G2', ['T1'])") is False
    assert value(con, "team_filter_ok('G9', ['T1'])") is False
    assert value(con, "team_filter_ok('G9', [])") is True
    assert value(con, "dims_ok('P1', 'G1', ['P1'], ['T1'], ['G1'])") is True
    assert value(con, "dims_ok('P1', 'G1', ['P1'], ['T1'], ['G2'])") is False
    assert value(con, "dims_ok('P2', 'G1', ['P1'], [], [])") is False
    # An account in no snapshot (rpt_accounts is empty) passes only an empty portfolio filter.
    assert value(con, "account_filter_ok('A1', [])") is True
    assert value(con, "account_filter_ok('A1', ['P1'])") is False


def test_dates_and_times(con: duckdb.DuckDBPyConnection) -> None:
    p = {"lo": date(2026, 10, 1), "hi": date(2026, 10, 31)}
    assert value(con, "on_days(timestamp '2026-10-31 23:59:59', $lo, $hi)", p) is True
    assert value(con, "on_days(timestamp '2026-11-01 00:00:00', $lo, $hi)", p) is False
    assert value(con, "on_days(timestamp '2026-10-01 00:00:00', $lo, $hi)", p) is True
    assert value(con, "in_range(date '2026-09-30', $lo, null)", {"lo": p["lo"]}) is False
    assert value(con, "in_range(date '1999-01-01', null, $hi)", {"hi": p["hi"]}) is True
    assert value(con, "in_range(date '2026-11-01', null, null)") is True
    assert value(con, "days_between(date '2026-10-25', date '2026-11-01')") == 7
    assert value(con, "time_of_day(timestamp '2026-10-01 21:00:01')") == time(21, 0, 1)
    assert value(con, "clock_text(timestamp '2026-10-01 08:05:09')") == "08:05:09"
    assert value(con, "timestamp_text(timestamp '2026-10-01 08:05:09.5')") == (
        "2026-10-01 08:05:09"
    )
    assert value(con, "month_start(date '2026-02-17')") == datetime(2026, 2, 1)
    assert value(con, "month_text(date '2026-02-17')") == "2026-02"
    assert value(con, "months_between(date '2025-11-30', date '2026-02-01')") == 3
    assert value(con, "plus_months(date '2026-01-31', 1)") == datetime(2026, 2, 28)
    assert con.execute("select each_of_0_to(2) as k").fetchall() == [(0,), (1,), (2,)]


def test_latest_and_json(con: duckdb.DuckDBPyConnection) -> None:
    rows = "(values ('a', 1), (null, 2)) as t(v, w)"
    assert value(con, f"latest_given(v, w) from {rows}") == "a"  # the latest that gives one
    assert value(con, f"latest_of(v, w) from {rows}") is None  # the latest, blank or not
    assert value(con, "json2('a', 1, 'b', 'x')::varchar") == '{"a":1,"b":"x"}'
    assert value(con, "json1('limit', '6')::varchar") == '{"limit":"6"}'


# --- Build order -------------------------------------------------------------------------


def test_everything_is_built_after_what_it_reads() -> None:
    order = db.build_order()
    assert sorted(order) == sorted(db._objects())
    position = {name: i for i, name in enumerate(order)}
    for name, reads in db._depends().items():
        assert all(position[r] < position[name] for r in reads), (name, sorted(reads))
    # The ones name order would get wrong: a macro reads a derived table and a view, and
    # views and derived tables call macros.
    assert position["rpt_accounts"] < position["account_filter_ok"]
    assert position["stg_account_latest"] < position["known_account"]
    assert position["import_in_force"] < position["stg_payments"]
    assert position["latest_given"] < position["rpt_accounts"]


def test_a_database_without_the_macros_is_read_through_temporary_ones(tmp_path: Path) -> None:
    # A database written before the macro file existed, read where it cannot be upgraded
    # (a read-only file): the reports read it through temporary macros, views and tables.
    path = tmp_path / "old.duckdb"
    with db.connect(path) as c:
        kinds = {"macro": "macro", "view": "view", "derived": "table"}
        for name in reversed(db.build_order()):
            c.execute(f"drop {kinds[db._objects()[name].kind]} {name}")
    c = duckdb.connect(str(path), read_only=True)
    try:
        with pytest.raises(duckdb.CatalogException):
            c.execute("select rate6(1, 3)")
        db._temporary_schema(c)
        assert value(c, "rate6(1, 3)") == Decimal("0.333333")
        assert value(c, "count(*) from rpt_snapshots") == 0
        macros = c.execute(
            "select count(distinct function_name) from duckdb_functions() "
            "where function_type = 'macro' and database_name = 'temp'"
        ).fetchall()[0][0]
        assert macros == len(db.macros())
    finally:
        c.close()
