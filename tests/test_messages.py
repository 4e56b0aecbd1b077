"""Engine texts by code: the message catalogue, Chinese renderings, Chinese channel values.

Expected channel values come from domain.md's payments table (bank_transfer, card, cash,
wallet); expected reasons are read off the files by hand.
"""

from __future__ import annotations

from tests.conftest import query

PAY_HEADER = "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"


def test_chinese_payment_channels_map_to_the_canonical_ones(cli, db_path, write_csv):
    text = (
        "还款流水号,账号,还款日期,还款金额,催收员,还款渠道\n"
        "P1,A1,2026-10-01,10.00,G1,银行转账\n"
        "P2,A1,2026-10-02,10.00,G1,微信\n"
        "P3,A1,2026-10-03,10.00,G1,支付宝\n"
        "P4,A1,2026-10-04,10.00,G1,现金\n"
        "P5,A1,2026-10-05,10.00,G1, 银行卡 \n"
        "P6,A1,2026-10-06,10.00,G1,Bank Transfer\n"
        "P7,A1,2026-10-07,10.00,G1,cheque\n"
        "P8,A1,2026-10-08,10.00,G1,\n"
    )
    f = write_csv("还款.csv", text, encoding="gbk")
    r = cli("import", "--db", db_path, "--payments", f)
    assert r.code == 0, r.out
    rows = query(db_path, "select payment_id, channel from raw_payments order by 1")
    assert rows == [
        ("P1", "bank_transfer"),
        ("P2", "wallet"),
        ("P3", "wallet"),
        ("P4", "cash"),
        ("P5", "card"),
        ("P6", "bank_transfer"),
        ("P7", "cheque"),  # open list: an unknown channel is kept as written
        ("P8", None),
    ]


# --- Importer messages carry a code (issue 11): each difference of a conflict, the reasons an
# import wrote nothing, an undo refused, a kind or mapping refused. Expected texts written by
# hand from the files below and the catalogue's templates.
def _import(db_path, path, **kw):
    from dashboard.ingest.importer import FileSpec, import_files

    return import_files([FileSpec(path)], db_path=db_path, user="tester", **kw)


def test_a_conflicting_row_lists_its_differences_in_the_readers_language(db_path, write_csv):
    from dashboard.ingest.refused import in_language
    from dashboard.messages import render, render_table

    first = write_csv("p1.csv", PAY_HEADER + "P1,A1,2026-10-01,100.00,G1,card,\n")
    assert _import(db_path, first).committed
    changed = write_csv(
        "p2.csv",
        PAY_HEADER + "P1,A1,2026-10-01,120.00,G2,,\nP2,A1,2026-10-02,5.00,G1,card,\n",
    )
    result = _import(db_path, changed)
    (report,) = result.files
    assert report.problems is not None
    (row,) = report.problems.to_pylist()
    english = (
        "payment_id P1 was already imported with different content (import #1, line 2: "
        "amount 100.00 (now 120.00); agent_id G1 (now G2); channel card (now blank)); "
        "refused, not overwritten"
    )
    chinese = (
        "payment_id P1 已以不同内容导入过（第 #1 次导入，第 2 行：amount 原为 100.00，现为 "
        "120.00；agent_id 原为 G1，现为 G2；channel 原为 card，现为 空）；已拒收，未覆盖"
    )
    assert row["reason"] == english  # what the CLI prints, as before
    assert row["reason_code"] == "import.already_imported"
    assert render(row["reason_code"], row["reason_args"]) == english  # SQL and Python agree
    assert render(row["reason_code"], row["reason_args"], "zh") == chinese
    assert render_table(report.problems, "zh").column("reason").to_pylist() == [chinese]
    assert report.refused_rows is not None
    download = in_language(report.refused_rows, report.problems, "zh").to_pylist()
    assert [r[report.refused_rows.column_names[-1]] for r in download] == [chinese]


def test_a_kind_refused_is_said_in_the_readers_language(db_path, write_csv):
    from dashboard.messages import code_of, localise, render

    odd = write_csv("odd.csv", "Buchung,Konto\nQ1,Z1\n")
    result = _import(db_path, odd)
    (report,) = result.files
    assert report.refused_whole == (
        "cannot tell what kind of extract this is from its header (Buchung, Konto); "
        "expected accounts, payments, agents, contacts, repayment plans, agencies, complaints or "
        "targets"
    )
    assert render(report.refused_code or "", report.refused_values, "zh") == (
        "无法根据表头（Buchung, Konto）判断这是哪一类数据文件；应为账户、还款、催收员、催收记录、"
        "还款计划、委外机构、投诉或目标"
    )
    assert result.message == "a file was refused whole: nothing was imported"
    assert code_of(result.message)[0] == "import.result_refused_whole"
    assert localise(result.message, "zh") == "有文件被整体拒收：未导入任何数据"


def test_a_mapping_refused_is_said_in_the_readers_language(db_path, write_csv):
    from dashboard.messages import render

    f = write_csv(
        "p.csv", PAY_HEADER.replace(",channel,", ",客户姓名,") + "P1,A1,2026-10-01,1.00,G1,x,\n"
    )
    (report,) = _import(db_path, f, user_map={"客户姓名": "channel"}).files
    assert report.refused_code == "file.mapping_refused"
    assert report.refused_whole == (
        "the column mapping 客户姓名 -> channel is refused: '客户姓名' names personal data "
        "(customer_name): it can be mapped only onto a personal column (customer_name, phone, "
        "id_number of accounts, masked at import), never onto channel"
    )
    assert render(report.refused_code, report.refused_values, "zh") == (
        "列映射 客户姓名 -> channel 被拒绝：'客户姓名' 表示个人信息（customer_name）：只能映射到"
        "个人信息列（账户数据文件的 customer_name、phone、id_number，导入时脱敏），"
        "不能映射到 channel"
    )


def test_an_undo_refused_carries_its_code(db_path, write_csv):
    from dashboard.ingest.importer import UndoRefused, undo_import
    from dashboard.messages import localise

    assert _import(
        db_path, write_csv("p.csv", PAY_HEADER + "P1,A1,2026-10-01,1.00,G1,,\n")
    ).committed
    undo_import(1, db_path=db_path, user="tester")
    for import_id, en, zh in (
        (1, "import #1 was already undone", "导入 #1 已经撤销过"),
        (7, "there is no import #7", "不存在导入 #7"),
    ):
        try:
            undo_import(import_id, db_path=db_path, user="tester")
        except UndoRefused as exc:
            assert (str(exc), localise(exc.message, "zh")) == (en, zh)
        else:
            raise AssertionError(f"undo #{import_id} was not refused")


def test_the_ui_matches_no_engine_text() -> None:
    """The app translates the importer's messages by code: no text in a page module holds a
    piece of an engine message's English to compare with (the catalogue's own texts aside)."""
    import ast
    import re
    from pathlib import Path

    from dashboard.messages import MESSAGES

    def texts(path: Path) -> list[str]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return [
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]

    root = Path(__file__).resolve().parent.parent / "dashboard"
    pieces = {
        p.strip()
        for en, _ in MESSAGES.values()
        for p in re.split(r"\{[a-z_]+\}", en)
        if len(p.strip()) >= 20
    }
    assert len(pieces) > 50
    sources = [*root.glob("ui/*.py"), *root.glob("views/*.py")]
    found = [
        (p.name, piece)
        for p in sources
        if p.name != "catalogue.py"
        for text in texts(p)
        for piece in pieces
        if piece in text
    ]
    assert not found, found


# --- A refusal names the kind of extract as a coded value (issue 10): the Chinese says 还款, not
# "payments". Expected Chinese written by hand from the catalogue's kind names (domain.md's
# extracts: 账户, 还款, 催收员, 催收记录); column names stay as the header must spell them.
def test_a_missing_column_names_the_kind_in_the_readers_language(db_path, write_csv):
    from dashboard.messages import render

    f = write_csv(
        "no_amount.csv", "payment_id,account_id,payment_date,agent_id\nP1,A1,2026-10-01,G1\n"
    )
    (report,) = _import(db_path, f).files
    assert report.refused_whole == "missing required column amount for a payments extract"
    assert render(report.refused_code or "", report.refused_values, "zh") == (
        "还款数据文件缺少必填列 amount"
    )


def test_a_file_of_another_kind_names_both_kinds_in_the_readers_language(db_path, write_csv):
    from dashboard.ingest.importer import FileSpec, import_files
    from dashboard.messages import render

    f = write_csv(
        "acc.csv",
        "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,dpd,"
        "agent_id,status\nA1,2026-10-31,BANK_A,2026-01-05,1000.00,900.00,3,G1,open\n",
    )
    result = import_files([FileSpec(f, kind="payments")], db_path=db_path, user="tester")
    (report,) = result.files
    assert report.refused_whole == (
        "this looks like a accounts extract, not payments (no payment_id, payment_date, "
        "amount column)"
    )
    assert render(report.refused_code or "", report.refused_values, "zh") == (
        "这看起来是账户数据文件，而不是还款数据文件（没有 payment_id, payment_date, amount 列）"
    )


def test_a_mapping_onto_a_known_header_names_the_kind_in_the_readers_language() -> None:
    from dashboard.ingest.kinds import PAYMENTS, mapping_problem

    problem = mapping_problem(PAYMENTS, "amount", "channel")
    assert problem is not None
    assert (
        problem
        == "'amount' already means amount in payments extracts: a mapping cannot make it channel"
    )
    assert problem.text("zh") == "'amount' 在还款数据文件中已表示 amount：映射不能把它改为 channel"


def test_a_personal_mapping_names_the_accounts_extract_in_chinese() -> None:
    from dashboard.ingest.kinds import PAYMENTS, mapping_problem

    problem = mapping_problem(PAYMENTS, "手机号", "channel")
    assert problem is not None
    assert "accounts" not in problem.text("zh"), problem.text("zh")
    assert "账户数据文件的 customer_name、phone、id_number" in problem.text("zh")
