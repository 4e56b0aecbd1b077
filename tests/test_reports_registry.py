"""The report registry (``dashboard/reports/``): one declaration per report, read by the CLI
and the app; a caller passing what a report does not read is refused, not ignored; a report
can bring its own command-line runner (the seam the payout reports will use)."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from dashboard import db, reports
from dashboard.cli.report import add_report, call_of
from dashboard.engine import kpi_breakdowns, kpis
from dashboard.engine.kpi_common import Filters, ReportError
from dashboard.payouts.values import Period
from dashboard.reports import REPORTS, Call, Param, Report

ROOT = Path(__file__).resolve().parent.parent
OCTOBER = Filters(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))


def test_filters_keep_tuples_and_refuse_one_string() -> None:
    f = Filters(portfolios=["P1", "P2"], agents=("G1",))
    assert f.portfolios == ("P1", "P2") and f.teams == () and f.agents == ("G1",)
    assert hash(f) == hash(Filters(portfolios=("P1", "P2"), agents=["G1"]))  # a cache key
    assert f.params() == {"portfolios": ["P1", "P2"], "teams": [], "agents": ["G1"]}
    assert Filters(as_of=date(2026, 1, 31)).dates_given() == ("as_of",)
    with pytest.raises(TypeError, match="not 'G1'"):
        Filters(agents="G1")  # type: ignore[arg-type]
    with pytest.raises(FrozenInstanceError):
        f.teams = ("T1",)  # type: ignore[misc]


def test_names_are_the_command_line_spellings() -> None:
    assert {"kpis", "roll-rates", "roll-accounts", "compliance", "compliance-agents"} <= set(
        REPORTS
    )  # one spelling: no headline, roll_rates, compliance_detail beside them
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in REPORTS)
    assert all(r.doc == f"#{name}" for name, r in REPORTS.items())
    with pytest.raises(KeyError, match=r"no report 'headline' \(known: buckets, roll-rates"):
        reports.get("headline")  # the engine function's name is not a report's


def test_the_registry_loads_without_streamlit() -> None:
    code = (
        "import sys, dashboard.reports, dashboard.cli.report\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.parametrize(
    ("name", "filters", "options", "refused"),
    [
        ("recovery", OCTOBER, {}, "date_from"),  # recovery reads date_to only
        ("vintage", Filters(date_to=date(2026, 10, 31)), {}, "date_to"),  # vintage: as_of
        ("kpis", Filters(as_of=date(2026, 10, 31)), {}, "as_of"),
        ("buckets", Filters(), {"by": "region"}, "by"),
        ("compliance", OCTOBER, {"date_from": date(2026, 10, 1)}, "date_from"),  # not an option
        ("agents", OCTOBER, {"settings": None}, "settings"),
    ],
)
def test_what_a_report_does_not_read_is_refused_not_ignored(
    sample_db: Path, name: str, filters: Filters, options: dict[str, Any], refused: str
) -> None:
    with db.connect(sample_db, read_only=True) as con, pytest.raises(TypeError) as exc:
        reports.run(con, name, filters, **options)
    assert f"report {name} takes no {refused} (it takes: " in str(exc.value)


def test_run_is_the_engine_function_with_the_declared_options(sample_db: Path) -> None:
    with db.connect(sample_db, read_only=True) as con:
        detail = reports.run(con, "compliance", OCTOBER, preset="us", detail=True)
        by_rule = reports.run(con, "compliance", OCTOBER, preset="us")
        region = reports.run(con, "recovery", Filters(date_to=date(2026, 6, 30)), by="region")
    assert detail.column_names[:2] == ["contact_id", "agent_id"] and detail.num_rows > 0
    assert by_rule.column_names[:4] == ["agent_id", "agent_name", "team", "rule"]
    assert set(by_rule.column("rule").to_pylist()) == {
        "contact_hours",
        "calls_per_window",
        "call_after_conversation",
    }  # the US preset's rules
    # each violating contact counted once per rule, as in the per-rule counts
    per_rule: dict[str, int] = {}
    for r in detail.to_pylist():
        per_rule[r["rule"]] = per_rule.get(r["rule"], 0) + 1
    counted: dict[str, int] = {}
    for r in by_rule.to_pylist():
        counted[r["rule"]] = counted.get(r["rule"], 0) + r["violations"]
    assert {k: v for k, v in counted.items() if v} == per_rule
    assert region.column_names[0] == "region"


def test_a_report_that_is_one_query_needs_no_engine_function(sample_db: Path) -> None:
    # Declared as a new KPI would be: the query file and one entry. It must give what the
    # hand-written engine functions of the same queries give.
    mix = Report(
        "mix",
        "contacts per channel and outcome",
        query="kpi/contact_mix",
        params=reports.WINDOW,
        default_window=True,
        columns=REPORTS["contact-mix"].columns,
        doc="#contact-mix",
    )
    agents = Report(
        "board",
        "agents",
        query="kpi/agents",
        params=reports.WINDOW,
        default_window=True,
        bind=lambda cfg: {"rpc_outcomes": list(cfg.right_party_outcomes)},
        doc="#agents",
    )
    team = Filters(date_from=date(2026, 7, 1), date_to=date(2026, 9, 30), teams=("T1",))
    assert mix.run is not None and agents.run is not None
    with db.connect(sample_db, read_only=True) as con:
        for f in (Filters(), OCTOBER, team):
            assert mix.run(con, f) == kpi_breakdowns.contact_mix(con, f), f
            assert agents.run(con, f) == kpis.agents(con, f), f
        assert mix.run(con, Filters()).num_rows > 0
        with pytest.raises(ReportError, match="unknown team T9"):
            mix.run(con, Filters(teams=("T9",)))
        with pytest.raises(ReportError, match="is after"):
            mix.run(con, Filters(date_from=date(2026, 10, 2), date_to=date(2026, 10, 1)))
    with pytest.raises(ValueError, match="not both"):
        Report("x", "x", kpis.agents, query="kpi/agents", doc="#x")


def _parser(*entries: Report) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="report", exit_on_error=False)
    names = parser.add_subparsers(dest="report", required=True)
    for entry in entries:
        add_report(names, entry)
    return parser


def test_options_are_built_from_the_declared_parameters() -> None:
    args = _parser(REPORTS["collections"]).parse_args(
        ["collections", "--from", "2026-07-01", "--by", "team", "--by", "month", "--credited",
         "--agent", "AG001", "--agent", "AG002", "--format", "json"]
    )  # fmt: skip
    call = call_of(REPORTS["collections"], args)
    assert call.filters == Filters(date_from=date(2026, 7, 1), agents=("AG001", "AG002"))
    assert call.options == {"by": ("team", "month"), "credited": True}
    assert call.format == "json" and call.db is None
    # an option left out is not passed: the engine function's own default applies
    bare = call_of(REPORTS["roll-accounts"], _parser(REPORTS["roll-accounts"]).parse_args(
        ["roll-accounts"]))  # fmt: skip
    assert bare.options == {} and bare.filters == Filters()


def test_a_report_with_its_own_runner_gets_the_parsed_call(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    got: list[Call] = []

    def month(text: str) -> date:
        year, m = text.split("-")  # "2026-13" -> ValueError from date()
        return date(int(year), int(m), 1)

    def runner(call: Call) -> int:
        got.append(call)
        print(f"{call.options['period']:%Y-%m} {call.format}")
        return 3

    entry = Report(
        "payout-like",
        "a report printing more than one table",
        None,
        params=(
            Param("period", "value", "the month", parse=month, metavar="YYYY-MM", required=True),
            Param("lang", "choice", "language", choices=("en", "zh"), default="en"),
        ),
        columns=("agent_id",),
        doc="#payout-like",
        dims=False,
        formats=("table", "csv", "json", "xlsx"),
        runner=runner,
    )
    monkeypatch.setitem(REPORTS, entry.name, entry)
    out = cli("report", "payout-like", "--period", "2026-10", "--db", tmp_path / "x.duckdb")
    assert (out.code, out.out) == (3, "2026-10 table\n")
    assert got[0].options == {"period": date(2026, 10, 1), "lang": "en"}
    assert got[0].filters == Filters() and got[0].db == tmp_path / "x.duckdb"
    bad = cli("report", "payout-like", "--period", "2026-13")
    assert bad.code == 2 and "argument --period: month must be in 1..12" in bad.err
    assert cli("report", "payout-like", "--period", "2026-10", "--agent", "A").code == 2
    with pytest.raises(TypeError, match="no table to return"):
        reports.run(None, "payout-like")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"doc": "buckets"}, "doc is a README anchor"),
        ({"run": None}, "needs a run function, a query or a runner"),
        ({"params": (Param("as_of", "choice", "x"),)}, "dates are"),
        ({"params": (Param("when", "date", "x"),)}, "dates are"),
        ({"params": (Param("by", "flag", "x"), Param("by", "flag", "y"))}, "declared twice"),
    ],
)
def test_a_malformed_declaration_is_refused(changes: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {
        "name": "x",
        "help": "x",
        "run": lambda con, f: pa.table({}),
        "doc": "#x",
    }
    with pytest.raises(ValueError, match=message):
        Report(**(fields | changes))


def test_app_reads_use_the_registry_names(on_sample: Path) -> None:
    from dashboard.ui import reads

    kpis = reads.report("kpis", OCTOBER)
    assert kpis.column_names == list(REPORTS["kpis"].columns)
    assert kpis.column("period").to_pylist() == ["current", "previous"]
    with pytest.raises(TypeError, match="report recovery takes no date_from"):
        reads.report("recovery", OCTOBER)
    with pytest.raises(KeyError, match="no report 'roll_rates'"):
        reads.report("roll_rates")


def _report_commands() -> set[str]:
    from dashboard.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    report = sub.choices["report"]  # type: ignore[index]
    names = next(a for a in report._actions if a.dest == "report")
    return set(names.choices)  # type: ignore[arg-type]


def test_every_report_command_is_declared_in_the_registry(sample_db: Path) -> None:
    # No command module adds a report of its own beside the registry (the payouts did).
    assert _report_commands() == set(REPORTS)
    assert {"payouts", "payout-lines", "payout-whatif", "payout-log"} <= set(REPORTS)
    golden = ROOT / "tests" / "golden" / "payouts" / "payouts_2026-10.csv"
    with golden.open(encoding="utf-8") as f:
        agents = [line.split(",")[1] for line in f.read().splitlines()[1:]]
    with db.connect(sample_db, read_only=True) as con:
        table = reports.run(con, "payouts", period=Period(2026, 10))
        log = reports.run(con, "payout-log")
        with pytest.raises(TypeError, match="report payouts takes no agents"):
            reports.run(con, "payouts", Filters(agents=("AG001",)), period=Period(2026, 10))
    assert table.column_names == list(REPORTS["payouts"].columns)
    assert table.column("agent_id").to_pylist() == agents
    assert log.column_names == list(REPORTS["payout-log"].columns) and log.num_rows == 0


def test_a_runner_for_a_report_the_registry_does_not_declare_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard.cli import payouts as payout_cli
    from dashboard.cli.report import command_runners

    # The payout reports print their own way, and the compliance listing streams
    # (dashboard/cli/listing.py); every other report is printed whole by the handler.
    assert set(command_runners()) == {r.name for r in reports.PAYOUT_REPORTS} | {"compliance"}
    monkeypatch.setitem(payout_cli.REPORT_RUNNERS, "payout-summary", lambda call: 0)
    with pytest.raises(ValueError, match="a runner for report payout-summary: unknown"):
        command_runners()
