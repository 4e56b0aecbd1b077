"""The real app under load and attack: its configuration, its filters, concurrent sessions.

- Configuration: .streamlit/config.toml binds the server to 127.0.0.1, limits uploads and keeps
  XSRF protection on; a server started without ``--server.address`` answers on 127.0.0.1 and
  on no other address of the machine; an upload without the XSRF token is refused (403), one
  over the size limit too (413).
- Filters from the URL: every page with SQL-injection strings (and names that are injection
  strings) in its query parameters renders without an exception, changes nothing, and no SQL
  text sent to DuckDB holds a piece of them (AppTest, in-process, with the SQL recorder); no
  page shows personal data in clear, tables included (AppTest sees their cells).
- Concurrency: two browser sessions upload different files on the Data page at the same time
  while a third browses every page (some with hostile URL filters) and a CLI import runs too.
  Every import lands, no session shows a lock or busy error (a friendly wait message may show
  and go), each session sees its own file's report and not the other's, and no page, nor the
  server's log, shows personal data in clear.
"""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest

from tests.reliability import hostile
from tests.reliability.app_server import (
    CHROMIUM,
    LAUNCH_ARGS,
    ROOT,
    Server,
    open_page,
    serve,
    settle,
    ws_session,
)
from tests.reliability.base import LEAK_MARKERS
from tests.reliability.conftest import child_env
from tests.reliability.figures import ARTIFACTS, record
from tests.reliability.invariants import assert_invariants, content

pytestmark = pytest.mark.xdist_group("app")

PAGES = ("overview", "delinquency", "recovery", "agents", "compliance", "payouts", "data")
# What must never reach a user's screen: raw database errors and tracebacks.
RAW_ERRORS = ("Could not set lock", "Conflicting lock", "IO Error", "Traceback",
              "TransactionContext", "database is locked", "IOException")  # fmt: skip


@pytest.fixture(scope="module")
def app_db(base_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("app")
    return hostile.build(base_template, folder / "app.duckdb", folder)[0]


@pytest.fixture(scope="module")
def server(app_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(app_db, tmp_path_factory.mktemp("app_log") / "streamlit.log") as s:
        yield s


def test_config_file_binds_localhost_limits_uploads_and_keeps_xsrf() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    server = config["server"]
    assert server["address"] == "127.0.0.1"
    assert isinstance(server["maxUploadSize"], int) and 0 < server["maxUploadSize"] <= 1024
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True
    # The values Streamlit itself reads from that file, in the repository root.
    code = (
        "from streamlit import config as c; c.get_config_options(force_reparse=True);"
        "print(c.get_option('server.address'), c.get_option('server.maxUploadSize'),"
        " c.get_option('server.enableXsrfProtection'))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, env=child_env(), check=True).stdout.split()  # fmt: skip
    assert out == ["127.0.0.1", str(server["maxUploadSize"]), "True"]


def other_addresses() -> list[str]:
    """This machine's addresses other than loopback (IPv4 and IPv6, no link-local)."""
    out = []
    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family == socket.AF_INET and not a.address.startswith("127."):
                out.append(a.address)
            elif a.family == socket.AF_INET6 and a.address not in ("::1",) and "%" not in a.address:
                out.append(a.address)
    return out


def reachable(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        return s.connect_ex((host, port)) == 0


def test_server_answers_on_localhost_only(server: Server) -> None:
    assert reachable("127.0.0.1", server.port)
    others = other_addresses()
    assert [h for h in [*others, "::1"] if reachable(h, server.port)] == []
    if not others:
        pytest.skip("this machine has no address but loopback: only ::1 could be tried")


def put(server: Server, path: str, headers: dict[str, str], body: bytes = b"") -> int:
    """Send a PUT (headers first; the body only if the server waits for it); its status."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest("PUT", path)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        if body:
            conn.send(body)
        return conn.getresponse().status
    finally:
        conn.close()


def xsrf_cookie(server: Server) -> str:
    with urllib.request.urlopen(server.url + "/_stcore/health") as r:
        cookies = r.headers.get_all("Set-Cookie") or []
    value = next(c.split(";")[0].split("=", 1)[1] for c in cookies if "_streamlit_xsrf" in c)
    return urllib.parse.unquote(value)


def test_uploads_need_the_xsrf_token_and_respect_the_size_limit(server: Server) -> None:
    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))["server"][
        "maxUploadSize"
    ]
    boundary = "reliabilityboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\npayment_id,account_id\r\n--{boundary}--\r\n"
    ).encode()
    form = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    token = xsrf_cookie(server)
    with ws_session(server) as session:
        path = f"/_stcore/upload_file/{session}/file1"
        sized = {**form, "Content-Length": str(len(body))}
        # No token: refused, whatever the file.
        assert put(server, path, sized, body) == 403
        assert put(server, path, {**sized, "X-Xsrftoken": "forged"}, body) == 403
        signed = {**sized, "X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"}
        # With the token the same upload is taken (so the 403s were the XSRF check).
        assert put(server, path, signed, body) in (200, 204)
        # Declared larger than the limit: refused before any of the body is read.
        big = {**signed, "Content-Length": str((limit + 1) * 1024 * 1024)}
        assert put(server, path, big) == 413


def app_text(at: Any) -> str:
    """Everything a page shows as text, tables included (a browser draws those on a canvas)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "code", "info",
                 "warning", "error", "success", "json", "html"):  # fmt: skip
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    parts += [e.value.to_csv() for e in at.table]
    return "\n".join(parts)


def test_url_filters_are_bound_and_pages_show_no_personal_data(
    app_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    db_path = tmp_path / "url.duckdb"
    shutil.copyfile(app_db, db_path)
    monkeypatch.setenv("DASHBOARD_DB", str(db_path))
    before = content(db_path)
    queries: list[dict[str, Any]] = [
        {},
        {"portfolio": list(hostile.INJECTIONS), "team": list(hostile.INJECTIONS[:3]),
         "agent": [hostile.INJECTIONS[0]], "from": hostile.INJECTIONS[1],
         "snapshot": hostile.INJECTIONS[0]},
        {"portfolio": hostile.PORTFOLIO, "team": hostile.TEAM, "agent": hostile.AGENT},
    ]  # fmt: skip
    shown: list[str] = []
    with hostile.recording() as log:
        for query in queries:
            for name in PAGES:
                at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
                at.query_params.update(query)
                at.run()
                if name != "overview":
                    at.switch_page(f"views/{name}.py").run()
                assert not at.exception, (name, [e.message for e in at.exception])
                shown.append(app_text(at))
                record("injection_inputs", len(query))
    assert log, "no SQL was recorded"
    assert hostile.pasted(log) == [], hostile.pasted(log)[:3]
    assert content(db_path) == before
    assert_invariants(db_path)
    # The pages did show the debtors' data (masked, domain.md's rule: a mobile number keeps
    # its first and last 4 digits, an 18-character ID number its first 3 and last 4), and
    # never a clear value.
    masked = re.compile(r"(?<![\d*])(\d\*{6}\d{4}|\d{3}\*{11}\d{3}[\dX])(?![\d*])")
    assert any(masked.search(text) for text in shown)
    assert {m for text in shown for m in LEAK_MARKERS if m in text} == set()
    record("pii_sources", len(shown))


def write_payments(path: Path, prefix: str, rows: int, bad_line: int, bad: str) -> None:
    """``rows`` payments; the row on spreadsheet line ``bad_line`` has amount ``bad``."""
    with path.open("w", encoding="utf-8") as f:
        f.write("payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n")
        for i in range(rows):
            amount = bad if i + 2 == bad_line else f"{i % 900 + 1}.25"
            f.write(f"{prefix}{i},A{i % 4 + 1},2026-11-{i % 28 + 1:02d},{amount},,card,\n")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


def start_upload(page: Any, server: Server, path: Path) -> None:
    open_page(page, f"{server.url}/data")
    with page.expect_file_chooser() as chooser:
        page.locator('[data-testid="stFileUploaderDropzone"]').click()
    chooser.value.set_files(str(path))
    page.get_by_text(path.name).first.wait_for(timeout=60_000)


def screen_text(page: Any) -> str:
    return str(page.locator("body").inner_text())


def wait_for_text(page: Any, text: str, timeout_s: float, shot: str) -> None:
    """Wait until ``text`` shows; on time-out fail with what the page shows instead."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        shown = screen_text(page)
        if text in shown:
            return
        page.wait_for_timeout(500)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    raise AssertionError(f"'{text}' not shown after {timeout_s:.0f} s; page: {screen_text(page)}")


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_two_imports_a_cli_import_and_a_browsing_session_at_once(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    alpha, beta, cli_file = (tmp_path / n for n in ("payments_alpha.csv", "payments_beta.csv",
                                                     "payments_cli.csv"))  # fmt: skip
    write_payments(alpha, "ALPHA", 80_000, 1_234, "abc")
    write_payments(beta, "BETA", 80_000, 4_321, "12.345")
    write_payments(cli_file, "CLI", 80_000, 0, "")
    before = duckdb.connect(str(server.db_path), read_only=True)
    try:
        imports_before = before.execute("select count(*) from imports").fetchall()[0][0]
    finally:
        before.close()

    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(3)]
    a, b, viewer = (c.new_page() for c in contexts)
    start_upload(a, server, alpha)
    start_upload(b, server, beta)
    # Both click Import at once, a CLI import starts with them, and the viewer browses.
    cli = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "import", "--db", str(server.db_path),
         "--payments", str(cli_file)],
        cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    for page in (a, b):
        page.get_by_role("button", name="Import", exact=True).click()
    record("sessions", 3)
    seen: list[str] = []
    hostile_query = urllib.parse.urlencode(
        {"portfolio": hostile.PORTFOLIO, "agent": hostile.INJECTIONS[0]}
    )
    for name in PAGES:
        for query in ("", hostile_query):
            open_page(viewer, f"{server.url}/{name}?{query}")
            text = screen_text(viewer)
            seen.append(text)
            assert viewer.locator('[data-testid="stException"]').count() == 0, name
            assert not [e for e in RAW_ERRORS if e in text], (name, text[:500])

    out, err = cli.communicate(timeout=600)
    assert cli.returncode == 0 and "Traceback" not in err, out + err
    for page, mine, other, line in ((a, alpha, beta, 1_234), (b, beta, alpha, 4_321)):
        wait_for_text(page, f"{mine.name}: 1 refused row", 300, f"session_{mine.stem}")
        settle(page)
        text = screen_text(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not [e for e in RAW_ERRORS if e in text], text[:800]
        # The session's own validation report (the import history below it lists all).
        report = text[text.index("Validation report") : text.index("Import history")]
        assert f"{mine.name}: 1 refused row" in report and f"line {line}:" in report, report
        assert other.name not in report, report  # never the other session's result
        seen.append(text)

    con = duckdb.connect(str(server.db_path), read_only=True)
    try:
        rows = con.execute(
            "select file_name, rows_accepted, rows_refused, status from imports "
            "where import_id > $n order by file_name",
            {"n": imports_before},
        ).fetchall()
        held = con.execute(
            "select count(*) from raw_payments where payment_id similar to '(ALPHA|BETA|CLI).*'"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert rows == [
        ("payments_alpha.csv", 79_999, 1, "active"),
        ("payments_beta.csv", 79_999, 1, "active"),
        ("payments_cli.csv", 80_000, 0, "active"),
    ]
    assert held == 239_998
    record("concurrent_imports", 3)
    assert_invariants(server.db_path)

    # The viewer sees all three in the import history afterwards, with no busy message left.
    open_page(viewer, f"{server.url}/data")
    final = screen_text(viewer)
    assert "busy" not in final.lower(), final[:500]
    seen.append(final)
    leaks = {m for text in seen for m in LEAK_MARKERS if m in text}
    log_text = server.log.read_text("utf-8")
    assert leaks == set(), leaks
    assert [m for m in LEAK_MARKERS if m in log_text] == []
    assert "Traceback" not in log_text, log_text[-3000:]
    record("pii_sources", len(seen) + 1)
    for c in contexts:
        c.close()
