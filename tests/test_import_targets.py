"""The targets extract (domain.md, "targets extract") through the importer: every refusal with
its reason, targets of agents or teams not loaded, conflicts and deliveries across imports, undo,
GBK with Chinese headers and values, an .xlsx whose month is a date cell, and the Data page.

Every file is written here by hand; the expected lines, reasons and stored rows are read off the
file and the contract: period YYYY-MM, level agent or team, id an agent_id or team of the agents
loaded, target money above zero.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from tests.conftest import query

HEADER = "period,level,id,target\n"
AGENTS = "agent_id,agent_name,team\nAG1,Ann,T1\nAG2,Bob,T1\nAG3,Cy,T2\n"


def out_lines(r) -> list[str]:
    return [x.strip() for x in r.out.splitlines() if x.startswith("  ")]


def targets(db: Path) -> list[tuple]:
    return query(db, "select period, level, id, target from stg_targets order by all")


def test_each_refusal_has_its_reason_and_the_valid_rows_are_imported(cli, db_path, write_csv):
    agents = write_csv("agents.csv", AGENTS)
    f = write_csv(
        "targets.csv",
        HEADER
        + "2026-10,agent,AG1,60000\n"  # 2
        + '2026/10,agent,AG2,"50,000.00"\n'  # 3
        + "202610,team,T1,120000\n"  # 4
        + "2026年10月,个人,AG3,1000\n"  # 5: Chinese month and level
        + "2026-10-01,团队,T2,5000\n"  # 6: the 1st as a date is the month
        + "2026-10-15,agent,AG1,100\n"  # 7: another day is no month
        + "2026-13,agent,AG1,100\n"  # 8
        + "2026-10,agent,AG9,100\n"  # 9: no such agent
        + "2026-10,team,T9,100\n"  # 10: no such team
        + "2026-11,agent,AG1,0\n"  # 11
        + "2026-11,boss,AG1,10\n"  # 12
        + "2026-11,agent,AG1,10\n"  # 13: two different targets of one key
        + "2026-11,agent,AG1,11\n"  # 14
        + "2026-12,agent,AG1,10\n"  # 15
        + "2026-12,agent,AG1,10.00\n"  # 16: an identical copy
        + "3000-01,agent,AG1,10\n"  # 17
        + "2026-12,team,,10\n",  # 18
    )
    r = cli("import", "--db", db_path, agents, f)  # the kind of each detected from its header
    assert r.code == 1
    conflict = "id: the target of agent AG1 for 2026-11 appears with different content on lines "
    month = "is not a month (expected YYYY-MM, e.g. 2026-10)"
    assert out_lines(r) == [
        f"targets.csv:7: period: period '2026-10-15' {month}",
        f"targets.csv:8: period: period '2026-13' {month}",
        (
            "targets.csv:9: id: agent AG9 is not in the agents extract loaded: a target for "
            "2026-10 needs the agent (import the agents first, or in the same import)"
        ),
        (
            "targets.csv:10: id: team T9 is no agent's team in the agents extract loaded: a target "
            "for 2026-10 needs the team (import the agents first, or in the same import)"
        ),
        "targets.csv:11: target: target 0.00 is not above zero",
        "targets.csv:12: level: level 'boss' is not one of: agent, team",
        f"targets.csv:13: {conflict}13, 14",
        f"targets.csv:14: {conflict}13, 14",
        "targets.csv:17: period: period 3000-01 is outside the supported range 1900-2100",
        "targets.csv:18: id: missing required value: id",
    ]
    assert targets(db_path) == [
        ("2026-10", "agent", "AG1", Decimal("60000.00")),
        ("2026-10", "agent", "AG2", Decimal("50000.00")),
        ("2026-10", "agent", "AG3", Decimal("1000.00")),
        ("2026-10", "team", "T1", Decimal("120000.00")),
        ("2026-10", "team", "T2", Decimal("5000.00")),
        ("2026-12", "agent", "AG1", Decimal("10.00")),
    ]
    log = query(
        db_path,
        "select kind, rows_in_file, rows_accepted, rows_duplicate, rows_refused from imports "
        "where kind = 'targets'",
    )
    assert log == [("targets", 17, 6, 1, 10)]


def test_targets_before_their_agents_are_refused_and_import_once_the_agents_are(
    cli, db_path, write_csv
):
    f = write_csv("t.csv", HEADER + "2026-10,agent,AG1,60000\n2026-10,team,T1,90000\n")
    agents = write_csv("agents.csv", AGENTS)
    r = cli("import", "--db", db_path, "--targets", f)
    assert r.code == 1
    assert [x.split(": ")[1] for x in out_lines(r)] == ["id", "id"]
    assert "agent AG1 is not in the agents extract loaded" in r.out
    assert "team T1 is no agent's team in the agents extract loaded" in r.out
    assert targets(db_path) == []
    assert cli("import", "--db", db_path, agents).code == 0
    r = cli("import", "--db", db_path, f)  # the same file again, now that the agents are in
    assert r.code == 0, r.out
    assert targets(db_path) == [
        ("2026-10", "agent", "AG1", Decimal("60000.00")),
        ("2026-10", "team", "T1", Decimal("90000.00")),
    ]


def test_targets_and_their_agents_in_one_import_whatever_the_order(cli, db_path, write_csv):
    f = write_csv("t.csv", HEADER + "2026-10,agent,AG3,60000\n2026-10,team,T2,90000\n")
    agents = write_csv("agents.csv", AGENTS)
    r = cli("import", "--db", db_path, f, agents)  # agents are applied first
    assert r.code == 0, r.out
    assert len(targets(db_path)) == 2


def test_another_target_for_a_key_is_a_conflict_and_undo_hands_deliveries_over(
    cli, db_path, write_csv
):
    agents = write_csv("agents.csv", AGENTS)
    first = write_csv("t1.csv", HEADER + "2026-10,agent,AG1,60000\n2026-10,agent,AG2,50000\n")
    second = write_csv("t2.csv", HEADER + "2026-10,agent,AG1,65000\n2026-10,agent,AG2,50000.00\n")
    assert cli("import", "--db", db_path, agents, first).code == 0
    r = cli("import", "--db", db_path, second)
    assert r.code == 1
    assert out_lines(r) == [
        (
            "t2.csv:2: id: id AG1 (agent, 2026-10) was already imported with different content "
            "(import #2, line 2: target 60000.00 (now 65000.00)); refused, not overwritten"
        )
    ]
    assert "0 new rows, 1 already present, 1 refused" in r.out
    assert cli("undo", "--db", db_path, "2").code == 0  # AG2's target: delivered by #3 too
    assert targets(db_path) == [("2026-10", "agent", "AG2", Decimal("50000.00"))]
    assert query(db_path, "select import_id from stg_targets") == [(3,)]
    assert cli("import", "--db", db_path, write_csv("t3.csv", HEADER + "2026-10,agent,AG1,65000\n"))
    assert targets(db_path)[0] == ("2026-10", "agent", "AG1", Decimal("65000.00"))


def test_gbk_file_with_chinese_headers_and_values(cli, db_path, write_csv):
    agents = write_csv("agents.csv", AGENTS)
    zh = write_csv(
        "目标.csv",
        '考核月份,级别,编号,目标回款\n2026-09,坐席,AG1,"1,000"\n2026-09,组,T1,2000\n',
        encoding="gbk",
    )
    zh2 = write_csv("目标2.csv", "月份,层级,工号,目标金额\n2026-08,催收员,AG2,￥300\n", "gbk")
    r = cli("import", "--db", db_path, agents, zh, zh2)
    assert r.code == 0, r.out
    assert targets(db_path) == [
        ("2026-08", "agent", "AG2", Decimal("300.00")),
        ("2026-09", "agent", "AG1", Decimal("1000.00")),
        ("2026-09", "team", "T1", Decimal("2000.00")),
    ]
    assert query(db_path, "select distinct encoding from imports where kind = 'targets'") == [
        ("gb18030",)
    ]


def test_an_xlsx_whose_month_is_a_date_cell(cli, db_path, tmp_path, write_csv):
    path = tmp_path / "targets.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("目标")
    dated = book.add_format({"num_format": "yyyy-mm"})
    sheet.write_row(0, 0, ["期间", "层级", "团队", "目标"])
    sheet.write_datetime(1, 0, date(2026, 10, 1), dated)  # Excel turns 2026-10 into the 1st
    sheet.write_row(1, 1, ["team", "T2", 80000])
    sheet.write_row(2, 0, ["2026-11", "team", "T2", 80000.5])
    book.close()
    assert cli("import", "--db", db_path, write_csv("agents.csv", AGENTS)).code == 0
    r = cli("import", "--db", db_path, path)
    assert r.code == 0, r.out
    assert targets(db_path) == [
        ("2026-10", "team", "T2", Decimal("80000.00")),
        ("2026-11", "team", "T2", Decimal("80000.50")),
    ]


def test_a_reason_is_said_in_chinese_too(db_path, write_csv):
    from dashboard.ingest.importer import FileSpec, import_files
    from dashboard.messages import render

    f = write_csv("t.csv", HEADER + "2026-10,agent,AG7,10\n")
    (report,) = import_files([FileSpec(f)], db_path=db_path).files
    (problem,) = report.problems.to_pylist()
    assert render(problem["reason_code"], json.loads(problem["reason_args"]), "zh") == (
        "催收员 AG7 不在已导入的催收员数据中：2026-10 的目标需要该催收员"
        "（请先导入催收员数据，或在同一次导入中一起导入）"
    )


def test_the_data_page_takes_a_targets_file(tmp_path, monkeypatch):
    from tests.test_app_data import click_import, data_page, upload

    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "data.duckdb"))
    at = data_page()
    upload(at, ("agents.csv", AGENTS), ("目标.csv", "期间,层级,编号,目标\n2026-10,团队,T1,9\n"))
    click_import(at)
    assert not at.exception and not at.error
    report = at.dataframe[0].value
    assert list(report["kind"]) == ["agents", "targets"]
    assert targets(tmp_path / "data.duckdb") == [("2026-10", "team", "T1", Decimal("9.00"))]
