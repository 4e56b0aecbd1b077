"""Issue 9, items 6, 15 and 22: what the app shows of untrusted text, long upload names, and
uploaded bytes left on disk.

- Item 6, markdown injection: Streamlit renders markdown in almost every element (bodies,
  captions, alerts, every widget, expander and popover label, help tooltips). A file name,
  agent name, plan note, approver name, header cell or refused value must be shown as text.
  Checked three ways: in the code (every markdown-rendering call gets catalogue text or text
  escaped by ``dashboard.ui.safe``), through the real app in AppTest (hostile values reach
  Streamlit only escaped: every markdown character behind a backslash, so read back by
  CommonMark's escape rule they are the value itself), and in a real browser (a file named
  ``![px](http://127.0.0.1:PORT/px.png) march.csv`` makes no request to that port and renders
  no link or image; its name is shown as typed).
- Item 15: an upload whose name is over 255 bytes imports, and is shown and logged under the
  user's name.
- Item 22: uploaded bytes live only as long as the import that reads them. After an import in
  the app (committed, refused whole, run into a full disk), after a CLI import killed with
  SIGKILL and the next import (or app start) after it, no ``dashboard-*`` folder in TMPDIR holds
  a clear value of the base data's personal data (the files' bytes are scanned, as UTF-8, GBK
  and UTF-16); a live process's folder is kept; every private folder is 0700 and carries its
  owner's pid.

Every test uses its own TMPDIR (in-process and for child processes), so the scans see only
what the test made.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest.importer import FileSpec, import_files
from dashboard.payouts.plan_file import load_plans
from dashboard.payouts.values import Period
from tests.payout_fixtures import close_through
from tests.reliability.app_server import CHROMIUM, LAUNCH_ARGS, ROOT, open_page, serve, settle
from tests.reliability.base import ACC_HEADER, PERSONAL, SEP
from tests.reliability.conftest import child_env
from tests.reliability.figures import record
from tests.reliability.invariants import assert_invariants

APP = str(ROOT / "dashboard" / "app.py")
TRAP = "http://127.0.0.1:9"  # nothing listens there; the browser test uses a real listener
WJ = "\u2060"  # WORD JOINER: invisible; dashboard.ui.safe may put it inside a value

# Hostile values, each with a marker word to find where it is shown.
FILE_A = f"![px]({TRAP}/px.png) [Session expired]({TRAP}/login) :material/face: $x^2$ march.csv"
FILE_B = f"<img src={TRAP}/b.png> :red[**urgent**] a -> b www.evil.example april.csv"
VALUE = f"![v]({TRAP}/v.png)"  # a refused amount: the reason quotes it
HEADER = f"[Session expired]({TRAP}/header) :streamlit: Kopfzeile"
AGENT_NAME = f"Zed ![a]({TRAP}/a.png) :material_face: [Login]({TRAP}/agent) x@evil.example"
PLAN_NOTE = f"Rulebook [Session expired]({TRAP}/plan) `code` $$y$$ :blue-badge[new] > quote"
APPROVER = f"Boss [Session expired]({TRAP}/boss) **bold** -- ~=  :smile:"
PLAN_FILE = "[Session expired](javascript:alert(document.cookie)) plans.yaml"  # no "/": a name
TEAM = f'T<a href="{TRAP}/team">9</a>'

PAYMENTS = (
    "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
    "H1,A1,2026-10-21,100.00,,card,\n"
    f"H2,A1,2026-10-22,{VALUE},,card,\n"
)


# --- helpers ---------------------------------------------------------------------------


def app(page: str | None = None, timeout: float = 180) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    return at


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(n, data, "text/csv") for n, data in files]).run()
    return next(b for b in at.button if b.label == "Import").click().run()


MD_FIELDS = {"body", "label", "help", "text", "content"}
PLAIN_TYPES = {"Text", "Code", "Arrow", "ArrowNamedDataSet", "PlotlyChart", "Html"}


def _strings(msg: Any) -> Iterator[str]:
    """Every string of a proto that Streamlit draws as markdown (bodies, labels, help)."""
    if msg.DESCRIPTOR.name in PLAIN_TYPES:
        return
    for field, value in msg.ListFields():
        if field.type == field.TYPE_MESSAGE:
            items = value if field.is_repeated else [value]
            for item in items:
                yield from _strings(item)
        elif field.type == field.TYPE_STRING and field.name in MD_FIELDS:
            yield from (value if field.is_repeated else [value])


def markdown_sources(at: AppTest) -> list[str]:
    """Every markdown text of the page as Streamlit received it (the frontend renders it)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            out.extend(_strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


# Characters that start a construct wherever they stand (CommonMark and GFM: code, emphasis,
# links and images, autolinks and HTML, entities, tables, strikethrough; Streamlit: $ LaTeX,
# :directives[...] and :material/icons:). An "_" may stay bare between two letters or digits.
LIVE = set("\\`*[]<>$&|~:")
# What Streamlit rewrites in the *text* after parsing, where escapes no longer count (from its
# frontend: remark-gfm's autolink literals, the :material_x: and :streamlit: replacements, the
# typographic symbols, remark-emoji's shortcodes: every gemoji name has a letter, + or -, but
# 100 and 1234).
REWRITES = (
    re.compile(r":material_\w+:"),
    re.compile(r":streamlit:"),
    re.compile(r"https?://", re.I),
    re.compile(r"(?<![\w.])www\.", re.I),
    re.compile(r"[-.\w+]@[-\w]+\.[-\w]"),
    re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
    re.compile(r":(?=[\w+-]*[A-Za-z+-])[\w+-]+:|:(100|1234):"),
)


def _unescape(source: str) -> str:
    """CommonMark's escape rule: backslash + ASCII punctuation is that character."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


def read_back(source: str) -> str:
    """A markdown text as a person reads it: escapes resolved, the invisible word joiner
    dropped, white space collapsed."""
    return " ".join(_unescape(source).replace(WJ, "").split())


def escaped(value: str) -> re.Pattern[str]:
    """``value`` as it must appear in a markdown source: each ``LIVE`` character behind a
    backslash, word joiners allowed between characters."""
    parts = []
    for c in " ".join(value.split()):
        if c == " ":
            parts.append(r"\s+")
        elif c in LIVE:
            parts.append("\\\\" + re.escape(c))
        elif c == "_":
            parts.append(r"\\?_")
        else:
            parts.append(re.escape(c))
    return re.compile(f"{WJ}*".join(parts))


def assert_shown_literally(at: AppTest, value: str, marker: str) -> int:
    """Every markdown text that shows ``value`` (found by its marker) holds it escaped, and
    nothing in it is left for Streamlit's text rewrites; at least one text shows it. Returns
    how many."""
    sources = [s for s in markdown_sources(at) if marker in read_back(s)]
    assert sources, f"{marker!r} is not shown at all"
    pattern = escaped(value)
    raw = [s for s in sources if not pattern.search(s)]
    assert raw == [], f"{value!r} reaches Streamlit's markdown unescaped: {raw[:3]}"
    rewritten = [(r.pattern, s) for s in sources for r in REWRITES if r.search(_unescape(s))]
    assert rewritten == [], f"{value!r} would be rewritten by Streamlit: {rewritten[:3]}"
    whole = " ".join(value.split())
    assert [s for s in sources if whole not in read_back(s)] == []  # shown whole, as typed
    record("injection_inputs")
    return len(sources)


# --- item 6: the code ------------------------------------------------------------------

# Streamlit calls whose text is markdown: (method name) -> positional index of that text
# (None: only keywords). ``help=`` of any call is markdown too.
MARKDOWN_CALLS: dict[str, int | None] = {
    **dict.fromkeys(
        (
            "markdown",
            "write",
            "caption",
            "info",
            "warning",
            "error",
            "success",
            "toast",
            "title",
            "header",
            "subheader",
            "expander",
            "popover",
            "button",
            "download_button",
            "form_submit_button",
            "link_button",
            "selectbox",
            "multiselect",
            "radio",
            "checkbox",
            "toggle",
            "text_input",
            "text_area",
            "number_input",
            "date_input",
            "time_input",
            "file_uploader",
            "segmented_control",
            "pills",
            "slider",
            "select_slider",
            "metric",
            "status",
            "spinner",
            "color_picker",
            "chat_input",
            "camera_input",
            "tabs",
        ),
        0,
    ),
    "progress": None,  # st.progress(value, text=...)
    "page_link": None,  # st.page_link(page, label=...)
}
MARKDOWN_KEYWORDS = {"body", "label", "text", "help"}
OPTION_CALLS = {"radio", "segmented_control", "pills"}  # their options are markdown too
SOURCES = sorted(
    [*(ROOT / "dashboard" / "ui").glob("*.py"), *(ROOT / "dashboard" / "views").glob("*.py"),
     ROOT / "dashboard" / "app.py"]
)  # fmt: skip


def trusted(node: ast.expr) -> bool:
    """Text that is ours: a literal, a catalogue text ``t(key)`` without fields, anything from
    ``dashboard.ui.safe`` (which escapes what it is given), or a join of those."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(
            trusted(v.value) if isinstance(v, ast.FormattedValue) else True for v in node.values
        )
    if isinstance(node, ast.IfExp):
        return trusted(node.body) and trusted(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return trusted(node.left) and trusted(node.right)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(trusted(e) for e in node.elts)
    if isinstance(node, ast.Call):
        f = node.func
        if isinstance(f, ast.Name) and f.id == "t":  # i18n.t: a catalogue text
            key_ok = all(isinstance(a, (ast.Constant, ast.JoinedStr)) for a in node.args)
            return key_ok and not node.keywords
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            return f.value.id == "safe"
    return False


def untrusted_markdown_calls(path: Path) -> list[str]:
    """Every call in ``path`` that hands Streamlit markdown which is not ``trusted``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if name == "write" and ast.unparse(node.func) != "st.write":
            continue  # zipfile's and files' write; st.write is the markdown one
        if isinstance(node.func, ast.IfExp):  # (st.success if ok else st.error)(text)
            name = "error"
        checked: list[ast.expr] = [k.value for k in node.keywords if k.arg == "help"]
        for k in node.keywords:
            if k.arg == "unsafe_allow_html":
                checked.append(ast.Name(id="unsafe_allow_html"))  # never trusted
        if name == "html":
            ok = [isinstance(a, ast.Attribute) and ast.unparse(a) == "style.CSS" for a in node.args]
            if not all(ok):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:120]}")
            continue
        if name in MARKDOWN_CALLS:
            index = MARKDOWN_CALLS[name]
            if index is not None and len(node.args) > index:
                checked.append(node.args[index])
            checked += [k.value for k in node.keywords if k.arg in MARKDOWN_KEYWORDS - {"help"}]
            if name in OPTION_CALLS:
                fmt = next((k.value for k in node.keywords if k.arg == "format_func"), None)
                if fmt is not None:
                    checked.append(fmt.body if isinstance(fmt, ast.Lambda) else fmt)
        bad = [c for c in checked if not trusted(c)]
        if bad:
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:120]}")
    return found


# A wrapper passes its caller's text on: its callers are checked instead (a call of
# ``uploader.file_uploader`` is a ``file_uploader`` call to the check). ui/uploader.py's style
# sheet holds catalogue text only, each character but letters, digits and spaces escaped.
WRAPPERS = {"uploader.py"}


def test_markdown_calls_receive_only_catalogue_text_or_escaped_values() -> None:
    assert len(SOURCES) > 20
    found = [
        line
        for path in SOURCES
        if path.name not in WRAPPERS
        for line in untrusted_markdown_calls(path)
    ]
    assert found == [], "markdown calls with untrusted text:\n" + "\n".join(found)


def test_the_check_itself_sees_untrusted_text(tmp_path: Path) -> None:
    """The code check above flags what it must (so its silence means something)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "st.markdown(f'**{name}**')\n"
        "st.error(t('data.file_refused', file=f.file_name))\n"
        "c1.markdown(label('kind', k))\n"
        "st.expander(name)\n"
        "st.multiselect(t('x'), opts, help=', '.join(names))\n"
        "st.progress(0.5, text=message)\n"
        "st.segmented_control(t('x'), opts, format_func=lambda p: label('preset', p))\n"
        "(st.success if ok else st.error)(note)\n"
        "st.markdown(t('x'), unsafe_allow_html=True)\n"
        "st.html(user_text)\n"
        # trusted ones
        "st.markdown(f\"**{t('x')}**\")\n"
        "st.error(safe.t('data.file_refused', file=f.file_name))\n"
        "st.caption(t(f'page.{page}.about'))\n",
        encoding="utf-8",
    )
    assert [line.split(":")[1] for line in untrusted_markdown_calls(sample)] == [
        str(n) for n in range(1, 11)
    ]


def test_no_catalogue_text_glues_a_field_to_a_pattern_opener() -> None:
    """Escaping a field cannot stop a pattern that our own text opens right before it
    (``:{x}:`` would make an emoji or icon of a field): no catalogue text does that."""
    from dashboard.ui.catalogue import CATALOGUE

    glued = [k for k, pair in CATALOGUE.items() for s in pair if re.search(r"[:@/$]\{", s)]
    assert glued == []


# --- item 6: the app -------------------------------------------------------------------


@pytest.fixture
def hostile_db(base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The base database with an agent G4 of a hostile name, and G3 moved to a team of a
    hostile name."""
    agents = tmp_path / "agents_extra.csv"
    team = TEAM.replace('"', '""')
    agents.write_text(
        "agent_id,agent_name,team,plan,hire_date,active\n"
        f'G3,Zhang Wei,"{team}",,2021-06-01,true\n'
        f'G4,"{AGENT_NAME}",T2,,2022-01-01,true\n',
        encoding="utf-8",
    )
    assert import_files([FileSpec(agents, "agents")], db_path=base_db, user="base").exit_code == 0
    monkeypatch.setenv("DASHBOARD_DB", str(base_db))
    private_tmp(tmp_path, monkeypatch)
    return base_db


def test_hostile_file_names_values_and_headers_on_the_data_page(hostile_db: Path) -> None:
    at = app("data")
    upload(at, (FILE_A, PAYMENTS.encode()))
    assert not at.exception, [e.message for e in at.exception]
    assert any("some rows were refused" in w.value for w in at.warning)
    assert_shown_literally(at, FILE_A, "march.csv")  # the report's expander, history, undo
    assert_shown_literally(at, VALUE, "v.png")  # the refused row's reason quotes the value

    unknown = f"{HEADER},Kontonummer\nX1,A1\n".encode()
    upload(at, (FILE_B, unknown))
    assert not at.exception, [e.message for e in at.exception]
    assert any("Nothing was written" in e.value for e in at.error)
    assert_shown_literally(at, FILE_B, "april.csv")  # refused whole, the mapping step
    assert_shown_literally(at, HEADER, "Kopfzeile")  # the reason lists it; a mapping label
    assert_invariants(hostile_db)


def test_hostile_agent_name_plan_note_and_approver_on_the_payouts_page(
    hostile_db: Path, tmp_path: Path
) -> None:
    # September (the month before with payments) is closed first: October can be prepared.
    close_through(hostile_db, Period(2026, 9), load_plans(ROOT / "sample_data" / "plans.yaml"))
    at = app("payouts")
    assert not at.exception, [e.message for e in at.exception]
    assert_shown_literally(at, AGENT_NAME, "Zed")  # the agent filter's help lists the names
    plans = (ROOT / "sample_data" / "plans.yaml").read_text("utf-8")
    quoted = PLAN_NOTE.replace("\\", "\\\\").replace('"', '\\"')
    plans = plans.replace(
        "standard: {rate: 0.02}", f'standard: {{rate: 0.02, description: "{quoted}"}}'
    )
    at.file_uploader(key="plan_up").set_value((PLAN_FILE, plans.encode(), "application/yaml")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="pay_agent").value == "G1"  # default plan: its rules show the note
    assert_shown_literally(at, PLAN_NOTE, "Rulebook")
    assert_shown_literally(at, PLAN_FILE, "plans")  # the caption names the plan file
    at.text_input(key="prepare_by").input(APPROVER)  # four eyes: a hostile preparer, then
    next(b for b in at.button if b.label.startswith("Prepare 2026-")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert_shown_literally(at, APPROVER, "Boss")  # "Prepared by ..."
    at.text_input(key="approve_by").input("Li Na")  # another person approves
    next(b for b in at.button if b.label.startswith("Approve 2026-")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Approved by Li Na" in s.value for s in at.success)
    assert_shown_literally(at, APPROVER, "Boss")  # "... (prepared by ...)"
    assert_invariants(hostile_db)


def test_hostile_team_in_charts_is_text_not_plotly_html(hostile_db: Path) -> None:
    """Plotly draws its own pseudo-HTML in titles, ticks and legends (``<a href>`` is a live
    link there): a team named ``T<a href=...>9</a>`` must reach it escaped."""
    at = app("agents")
    assert not at.exception, [e.message for e in at.exception]
    texts = [s for c in at.get("plotly_chart") for s in json_strings(json.loads(c.proto.spec))]
    assert any("team" in s and "href" in s for s in texts)  # the team is on a chart
    assert [s for s in texts if "<a" in s] == []
    record("injection_inputs")


def json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_strings(v)


class _Trap(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Trap.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


def browse(url: str, name: str, csv_file: str, port: str) -> dict[str, Any]:
    """Upload ``csv_file`` as ``name`` on the Data page in Chromium and import it; what the page
    then shows (its text) and holds (links or images pointing at ``port``). Run in a child
    process (``python -m tests.reliability.test_app_defects browse ...``): Playwright's sync API
    allows one loop per process, and the e2e tests' browser may hold this worker's."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/data")
        with page.expect_file_chooser() as chooser:
            page.locator('[data-testid="stFileUploaderDropzone"]').click()
        data = Path(csv_file).read_bytes()
        chooser.value.set_files([{"name": name, "mimeType": "text/csv", "buffer": data}])
        page.get_by_text("march.csv").first.wait_for(timeout=60_000)
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_text("every row was accepted").first.wait_for(timeout=120_000)
        settle(page)
        page.wait_for_timeout(2000)  # time for any image to be fetched
        main = page.locator('[data-testid="stMain"]')
        selector = f'a[href*="{port}"], img[src*="{port}"]'
        links = main.evaluate(f"n => Array.from(n.querySelectorAll('{selector}'))"
                              ".map(e => e.outerHTML)")  # fmt: skip
        text = main.inner_text()
        browser.close()
    return {"text": text, "links": links}


@pytest.mark.browser
@pytest.mark.xdist_group("browser")  # one browser at a time: with the e2e tests' worker
@pytest.mark.timeout(600)
def test_hostile_file_name_in_a_real_browser(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real upload in Chromium: no request to the port the name points at, no link, no
    image; the name is shown as typed. The uploaded file holds debtors' personal data: after
    the import, and after the server stops, none of it is left in TMPDIR."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    trap = HTTPServer(("127.0.0.1", 0), _Trap)
    port = trap.server_address[1]
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    here = f"http://127.0.0.1:{port}"
    name = f"![px]({here}/px.png) [Session expired]({here}/login) march.csv"
    csv_file = tmp_path / "upload.csv"  # a new snapshot, with clear personal data
    csv_file.write_text(SEP.replace("2026-09-30", "2026-11-30"), encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    browser_env = child_env()  # (without the server's TMPDIR: chromium's socket path)
    monkeypatch.setenv("TMPDIR", str(temp))  # serve() passes os.environ to the server
    try:
        with serve(base_db, tmp_path / "streamlit.log") as server:
            r = subprocess.run(
                [sys.executable, "-m", "tests.reliability.test_app_defects", "browse",
                 server.url, name, str(csv_file), str(port)],
                cwd=ROOT, env=browser_env, capture_output=True, text=True, timeout=500,
            )  # fmt: skip
            assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
            shown = json.loads(r.stdout.strip().splitlines()[-1])
            left_during = scan(temp)
    finally:
        trap.shutdown()
    assert _Trap.hits == [], _Trap.hits
    assert shown["links"] == [], shown["links"]
    text = " ".join(shown["text"].replace(WJ, "").split())
    assert name in text, text[:2000]  # the history lists it as typed
    assert left_during == {}, left_during
    assert scan(temp) == {}  # the server has stopped: nothing of the upload is left
    record("injection_inputs")
    record("pii_sources", 2)
    con = duckdb.connect(str(base_db), read_only=True)
    try:
        logged = con.execute("select file_name from imports order by import_id desc limit 1")
        assert logged.fetchall() == [(name,)]
    finally:
        con.close()
    assert_invariants(base_db)


# --- item 15: a long upload name -------------------------------------------------------


def test_an_upload_named_over_255_bytes_is_imported_under_its_name(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(base_db))
    private_tmp(tmp_path, monkeypatch)
    name = "二零二六年十一月催收回款明细" * 7 + "_payments.csv"  # 98 characters, 307 bytes
    assert len(name.encode("utf-8")) > 255
    payments = PAYMENTS.replace(VALUE, "50.00").encode()
    at = app("data")
    upload(at, (name, payments))
    assert not at.exception, [e.message for e in at.exception]
    assert any("every row was accepted" in s.value for s in at.success), at.error
    shown = next(d.value for d in at.dataframe if "import_id" in d.value and "status" in d.value)
    assert name in list(shown["file_name"])  # the history shows the user's name, whole
    con = duckdb.connect(str(base_db), read_only=True)
    try:
        logged = con.execute("select file_name, rows_accepted from imports where kind = 'payments' "
                             "order by import_id desc limit 1").fetchall()  # fmt: skip
    finally:
        con.close()
    assert logged == [(name, 2)]
    assert_invariants(base_db)


# --- item 22: uploaded bytes on disk ---------------------------------------------------


def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A TMPDIR of this test's own, for this process and its children."""
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


def clear_values() -> dict[bytes, str]:
    """The base data's clear personal values as bytes in every encoding an upload may have."""
    out = {}
    for values in PERSONAL.values():
        for v in values:
            for enc in ("utf-8", "gb18030", "utf-16-le"):
                out[v.encode(enc)] = v
    return out


def scan(temp: Path) -> dict[str, list[str]]:
    """Files under TMPDIR's ``dashboard-*`` entries that hold a clear personal value."""
    found: dict[str, list[str]] = {}
    values = clear_values()
    for entry in temp.glob("dashboard-*"):
        files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
        for f in files:
            data = f.read_bytes()
            hits = sorted({v for b, v in values.items() if b in data})
            if hits:
                found[str(f.relative_to(temp))] = hits
    return found


def ours(temp: Path) -> list[str]:
    return sorted(p.name for p in temp.glob("dashboard-*"))


def accounts_with_pii(as_of: str = "2026-11-30") -> str:
    return SEP.replace("2026-09-30", as_of)


def test_an_import_in_the_app_leaves_no_upload_on_disk(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(base_db))
    temp = private_tmp(tmp_path, monkeypatch)
    at = app("data")
    upload(at, ("accounts_nov.csv", accounts_with_pii().encode("gb18030")))
    assert not at.exception, [e.message for e in at.exception]
    assert any("every row was accepted" in s.value for s in at.success), at.error
    record("pii_sources")
    assert scan(temp) == {}
    assert ours(temp) == []
    at.run()  # the session goes on: still nothing
    assert ours(temp) == []
    assert_invariants(base_db)


def test_an_import_refused_whole_keeps_the_upload_in_memory_only(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose header needs mapping: the app must hold it between the runs of the
    mapping step, and holds it in memory, never in TMPDIR; the mapped import then lands."""
    monkeypatch.setenv("DASHBOARD_DB", str(base_db))
    temp = private_tmp(tmp_path, monkeypatch)
    text = (
        accounts_with_pii()
        .replace("customer_name", "Kundenname")
        .replace("account_id", "Kontonummer")
    )
    at = app("data")
    upload(at, ("konten.csv", text.encode("gb18030")))
    assert not at.exception, [e.message for e in at.exception]
    assert any("Nothing was written" in e.value for e in at.error)
    assert scan(temp) == {} and ours(temp) == []
    kind = at.selectbox(key="map_kind_0")
    assert kind.value == "accounts"
    labels = {s.label: s for s in at.selectbox if s.key and s.key.startswith("map_0_")}
    next(s for s in labels.values() if "Kontonummer" in s.label).set_value("account_id")
    next(s for s in labels.values() if "Kundenname" in s.label).set_value("customer_name").run()
    assert scan(temp) == {} and ours(temp) == []
    at.button(key="map_apply").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("every row was accepted" in s.value for s in at.success), at.error
    record("pii_sources", 3)
    assert scan(temp) == {} and ours(temp) == []
    con = duckdb.connect(str(base_db), read_only=True)
    try:
        stored = con.execute(
            "select count(*) from raw_accounts where as_of_date = date '2026-11-30'"
        ).fetchall()
    finally:
        con.close()
    assert stored == [(4,)]
    assert_invariants(base_db)


@pytest.fixture
def small_tmp(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs as TMPDIR (skipped where mounting is not permitted)."""
    mount = tmp_path / "small"
    mount.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)],
                       capture_output=True, text=True)  # fmt: skip
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {r.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def big_gbk_accounts(rows: int, as_of: str = "2026-11-30") -> bytes:
    """An accounts snapshot in GBK (the importer transcodes it: a clear UTF-8 copy on disk)."""
    lines = [ACC_HEADER.rstrip("\n")]
    names, phones, ids = PERSONAL["names"], PERSONAL["phones"], PERSONAL["ids"]
    for i in range(rows):
        lines.append(
            f"N{i:07d},{as_of},BANK_A,2026-01-15,1000.00,900.00,{i % 120},G1,open,上海,"
            f"{names[i % 4]},{phones[i % 4]},{ids[i % 4]}"
        )
    return ("\n".join(lines) + "\n").encode("gb18030")


@pytest.mark.xdist_group("disk")
def test_an_import_run_into_a_full_disk_leaves_no_upload_on_disk(
    base_db: Path, small_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(base_db))
    monkeypatch.setenv("TMPDIR", str(small_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(small_tmp))
    data = big_gbk_accounts(40_000)  # about 4 MB: it fits, its UTF-8 copy beside it does not
    assert 3_000_000 < len(data) < 5_000_000
    at = app("data")
    upload(at, ("accounts_big.csv", data))
    assert not at.exception, [e.message for e in at.exception]
    assert any("is full" in e.value for e in at.error), [e.value for e in at.error]
    record("pii_sources")
    assert scan(small_tmp) == {}
    assert ours(small_tmp) == []
    assert_invariants(base_db)


def kill_during_import(db_path: Path, temp: Path, source: Path) -> Path:
    """A CLI import of ``source`` killed with SIGKILL once its private folder holds a clear
    copy of the data; returns that folder (left behind: nothing runs after SIGKILL)."""
    for _attempt in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "import", "--db", str(db_path),
             "--accounts", str(source)],
            cwd=ROOT, env=child_env(TMPDIR=str(temp)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        victim = None
        while time.monotonic() < deadline and proc.poll() is None and victim is None:
            for folder in temp.glob("dashboard-import-*"):
                copies = [p for p in folder.glob("*.csv") if p.stat().st_size > 1_000_000]
                if copies:
                    victim = folder
            time.sleep(0.01)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if victim is not None and victim.exists() and scan(temp):
            return victim
        shutil.rmtree(victim or temp / "none", ignore_errors=True)
    raise AssertionError("the import never left a clear copy behind to kill it at")


@pytest.fixture
def killed(base_db: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """(database, TMPDIR, the killed import's folder with clear personal data in it)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    source = tmp_path / "accounts_big.csv"
    source.write_bytes(big_gbk_accounts(200_000))
    return base_db, temp, kill_during_import(base_db, temp, source)


def test_a_killed_import_is_swept_by_the_next_import(killed: tuple[Path, Path, Path]) -> None:
    db_path, temp, victim = killed
    assert victim.exists() and scan(temp)  # what a SIGKILL leaves: a clear copy of the data
    small = temp.parent / "payments.csv"
    small.write_text(PAYMENTS.replace(VALUE, "50.00"), encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", "--db", str(db_path), "--payments",
         str(small)],
        cwd=ROOT, env=child_env(TMPDIR=str(temp)), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    record("pii_sources")
    assert not victim.exists()
    assert scan(temp) == {}
    assert ours(temp) == []
    assert_invariants(db_path)


def test_the_app_start_sweeps_a_killed_import(
    killed: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path, temp, victim = killed
    monkeypatch.setenv("DASHBOARD_DB", str(db_path))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    assert victim.exists() and scan(temp)
    at = app()
    assert not at.exception, [e.message for e in at.exception]
    assert not victim.exists()
    assert scan(temp) == {}
    assert_invariants(db_path)


def test_a_live_process_keeps_its_folder_and_a_dead_one_loses_it(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep is by owner: a folder of a process that still runs is in use and stays (the
    next import leaves it); once that process is gone, the next import removes it."""
    temp = private_tmp(tmp_path, monkeypatch)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         ("import sys, time; from dashboard import scratch; p = scratch.make('upload'); "
          "(p / 'held.csv').write_text(sys.argv[1]); print(p, flush=True); time.sleep(120)"),
         PERSONAL["phones"][0]],
        cwd=ROOT, env=child_env(TMPDIR=str(temp)), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    payments = tmp_path / "payments.csv"
    payments.write_text(PAYMENTS.replace(VALUE, "50.00"), encoding="utf-8")
    try:
        assert holder.stdout is not None
        held = Path(holder.stdout.readline().strip())
        assert held.parent == temp and (held / "held.csv").exists()
        assert import_files([FileSpec(payments, "payments")], db_path=base_db).committed
        assert (held / "held.csv").exists()  # its owner still runs
    finally:
        holder.kill()
        holder.wait()
    again = import_files([FileSpec(payments, "payments")], db_path=base_db)  # a no-op re-import
    assert again.committed
    assert not held.exists()
    assert scan(temp) == {} and ours(temp) == []
    assert_invariants(base_db)


def test_private_folders_are_0700_named_with_the_pid_and_gone_after_the_import(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = private_tmp(tmp_path, monkeypatch)
    source = tmp_path / "accounts.csv"
    source.write_bytes(accounts_with_pii().encode("gb18030"))
    seen: list[tuple[str, int]] = []

    def progress(_fraction: float, _message: str) -> None:
        seen.extend((p.name, p.stat().st_mode & 0o777) for p in temp.glob("dashboard-*"))

    result = import_files([FileSpec(source, "accounts")], db_path=base_db, progress=progress)
    assert result.committed, result.message
    assert seen, "no private folder during the import"
    assert {mode for _, mode in seen} == {0o700}
    assert all(f"-{os.getpid()}-" in name for name, _ in seen), seen
    assert ours(temp) == []
    assert_invariants(base_db)


def test_the_sweep_removes_only_real_folders_of_dead_owners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the sweep must leave alone: a symlink (never followed), folders of another naming
    (older versions, other programs), this process's own, a pid the system cannot have."""
    from dashboard import scratch

    temp = private_tmp(tmp_path, monkeypatch)
    own = scratch.make("upload")  # (make sweeps too: made before the others)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.csv").write_text(PERSONAL["ids"][0], encoding="utf-8")
    dead = temp / "dashboard-import-999999999-12345-abcd"  # above any pid_max: no such process
    dead.mkdir()
    (dead / "copy.csv").write_text(PERSONAL["ids"][0], encoding="utf-8")
    (temp / "dashboard-import-999999998-12345-link").symlink_to(outside, target_is_directory=True)
    kept = [
        temp / "dashboard-upload-k3j2h1g0",  # another naming: not ours to judge
        temp / "other-999999999-12345-x",
        temp / "dashboard-import-99999999999999999999999-1-big",
    ]
    for k in kept:
        k.mkdir()
    try:
        removed = scratch.sweep()
        assert removed == [dead]
        assert not dead.exists() and (outside / "keep.csv").exists()
        assert all(k.is_dir() for k in kept) and own.is_dir()
        assert (temp / "dashboard-import-999999998-12345-link").is_symlink()
    finally:
        scratch.remove(own)
    assert not own.exists()


if __name__ == "__main__" and sys.argv[1:2] == ["browse"]:
    print(json.dumps(browse(*sys.argv[2:6])))
