"""The Data page through AppTest: upload with refused rows and their reasons, the column-mapping
step (remembered for next time), undo from the history, and loading the sample from the
welcome state of an empty database.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest.mappings import load_mappings
from tests.e2e.sample import money, net_collected

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")

AGENTS = "agent_id,agent_name,team\nX1,Ann,T9\nX2,Bob,T9\n"
ACCOUNTS = (
    "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,"
    "days_past_due,agent_id\n"
    "Z1,2026-01-31,P,2026-01-02,1000.00,900.00,10,X1\n"
    "Z2,2026-01-31,P,2026-01-02,500.00,500.00,-3,X2\n"
    "Z3,2026-01-31,P,2026-01-05,800.00,abc,40,X2\n"
)
PAYMENTS_UNKNOWN_HEADER = (
    "Buchungsnummer,Kontonummer,payment_date,amount\nQ1,Z1,2026-01-20,100.00\n"
)


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at.switch_page("views/data.py").run()


def upload(at: AppTest, *files: tuple[str, str]) -> AppTest:
    return at.file_uploader[0].set_value([(n, t.encode(), "text/csv") for n, t in files]).run()


def click_import(at: AppTest) -> AppTest:
    button = next(b for b in at.button if b.label == "Import")
    return button.click().run()


def test_refused_rows_are_listed_with_their_reasons(empty_db: Path) -> None:
    at = data_page()
    upload(at, ("agents.csv", AGENTS), ("accounts.csv", ACCOUNTS))
    click_import(at)
    assert not at.exception
    assert any("some rows were refused" in w.value for w in at.warning)
    report = at.dataframe[0].value
    row = report[report["file_name"] == "accounts.csv"].iloc[0]
    assert (row["rows_accepted"], row["rows_refused"]) == (1, 2)
    reasons = " | ".join(
        str(r) for df in (d.value for d in at.dataframe) if "reason" in df for r in df["reason"]
    )
    assert "days_past_due -3 is negative" in reasons
    assert "current_balance 'abc' is not an amount of money" in reasons
    assert any(b.label.startswith("Download CSV (2 rows)") for b in at.get("download_button"))


def test_unknown_headers_are_mapped_remembered_and_imported(empty_db: Path) -> None:
    at = data_page()
    upload(at, ("agents.csv", AGENTS), ("accounts.csv", ACCOUNTS.replace(",abc,", ",1.00,")))
    click_import(at)
    upload(at, ("bank_export.csv", PAYMENTS_UNKNOWN_HEADER))
    click_import(at)
    assert any("Nothing was written" in e.value for e in at.error)
    assert "Map the columns" in [h.value for h in at.subheader]
    kind = at.selectbox(key="map_kind_0")
    assert kind.value == "payments"
    at.selectbox(key="map_0_payments_0").set_value("payment_id")
    at.selectbox(key="map_0_payments_1").set_value("account_id").run()
    at.button(key="map_apply").click().run()
    assert not at.exception
    assert any("every row was accepted" in s.value for s in at.success)
    con = duckdb.connect(str(empty_db))
    try:
        assert load_mappings(con) == {"buchungsnummer": "payment_id", "kontonummer": "account_id"}
        assert con.execute("select count(*) from raw_payments").fetchone() == (1,)
    finally:
        con.close()


def test_undo_from_the_history(empty_db: Path) -> None:
    at = data_page()
    upload(at, ("agents.csv", AGENTS))
    click_import(at)
    at.button(key="undo_1").click().run()
    assert not at.exception
    assert any("Import #1 undone" in s.value for s in at.success)
    history = next(d.value for d in at.dataframe if "status" in d.value)
    assert list(history["status"]) == ["undone"]


def test_the_welcome_state_loads_the_sample(empty_db: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    next(b for b in at.button if b.label == "Load sample data").click().run()
    assert not at.exception
    # The card is compact (issue 10); its exact value is in its hover text.
    card = next(m for m in at.metric if m.label == "Net collected")
    exact = money(net_collected(date(2026, 10, 1), date(2026, 10, 31)))
    assert exact in card.proto.help, card.proto.help


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("English", "The sample data could not be loaded: a file was refused whole"),
        ("中文", "示例数据加载失败：有文件被整体拒收：未导入任何数据"),
    ],
)
def test_a_sample_that_fails_to_load_says_why_in_the_readers_language(
    empty_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    folder = tmp_path / "sample"
    folder.mkdir()
    (folder / "notes.csv").write_text("what,when\nlunch,noon\n", encoding="utf-8")  # no kind
    monkeypatch.setattr("dashboard.ui.upload_flow.SAMPLE_DATA", folder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lang": lang})
    at.run()
    load = {"English": "Load sample data", "中文": "加载示例数据"}[lang]
    next(b for b in at.button if b.label == load).click().run()
    assert not at.exception
    assert [e.value for e in at.error if said in e.value], [e.value for e in at.error]
    assert duckdb.connect(str(empty_db)).execute("select count(*) from imports").fetchall() == [
        (0,)
    ]


def test_imported_by_is_required_and_remembered_for_the_session(
    empty_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DASHBOARD_USER", raising=False)
    import getpass

    at = data_page()
    field = at.text_input(key="data_imported_by")
    assert field.value == "" and field.value != getpass.getuser()
    upload(at, ("agents.csv", AGENTS))
    click_import(at)
    assert any("Enter who is importing" in e.value for e in at.error)
    assert duckdb.connect(str(empty_db)).execute("select count(*) from imports").fetchall() == [
        (0,)
    ]
    at.text_input(key="data_imported_by").input("Li Lei").run()
    click_import(at)
    assert not at.error
    con = duckdb.connect(str(empty_db))
    assert con.execute("select imported_by from imports").fetchall() == [("Li Lei",)]
    con.close()
    at.switch_page("views/overview.py").run()
    at.switch_page("views/data.py").run()
    assert at.text_input(key="data_imported_by").value == "Li Lei"


def test_a_reimport_is_an_info_and_adds_nothing_to_undo(empty_db: Path) -> None:
    at = data_page()
    upload(at, ("agents.csv", AGENTS))
    click_import(at)
    undo_buttons = sorted(b.key for b in at.button if b.key and b.key.startswith("undo_"))
    assert undo_buttons == ["undo_1"]
    upload(at, ("agents.csv", AGENTS))
    click_import(at)
    assert not at.exception
    assert not any("every row was accepted" in s.value for s in at.success)
    assert any("already imported as #1" in i.value and "nothing new" in i.value for i in at.info)
    assert sorted(b.key for b in at.button if b.key and b.key.startswith("undo_")) == ["undo_1"]
    history = next(d.value for d in at.dataframe if "status" in d.value)
    assert len(history) == 1
