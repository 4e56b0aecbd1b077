"""The real app for the reliability tests: `streamlit run` in a child process, and clients.

The server is started the way `make run` starts it, but without ``--server.address``: what it
binds to must come from .streamlit/config.toml. Its whole output goes to a log file that the
tests scan (for tracebacks and personal data). ``ws_session`` is a bare WebSocket client (no
browser) that opens a session and returns its id, which the upload endpoint needs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    db_path: Path
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def serve(db_path: Path, log: Path) -> Iterator[Server]:
    """`streamlit run dashboard/app.py` on a free port over ``db_path``; stopped afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DASHBOARD_DB": str(db_path), "DASHBOARD_USER": "reliability"}
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
           "--server.port", str(port), "--server.headless", "true"]  # fmt: skip
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while not healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {log.read_text('utf-8')}")
                time.sleep(0.2)
            yield Server(url, port, db_path, log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def ws_session(server: Server, timeout: float = 60) -> Iterator[str]:
    """A session opened over the app's WebSocket, as the browser opens one; yields its id
    while the connection stays open (an upload needs a live session)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    with connect(
        f"ws://127.0.0.1:{server.port}/_stcore/stream",
        subprotocols=["streamlit"],  # type: ignore[list-item]
        origin=server.url,  # type: ignore[arg-type]
        open_timeout=timeout,
    ) as ws:
        back = BackMsg()
        back.rerun_script.query_string = ""
        ws.send(back.SerializeToString())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = ForwardMsg()
            msg.ParseFromString(ws.recv(timeout=timeout))  # type: ignore[arg-type]
            if msg.HasField("new_session"):
                yield str(msg.new_session.initialize.session_id)
                return
        raise TimeoutError("no new_session message from the app")


def settle(page: object, timeout: float = 120_000) -> None:
    """Wait until the script run started by the last action has finished."""
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    page.wait_for_selector(IDLE, timeout=timeout)  # type: ignore[attr-defined]


def open_page(page: object, url: str, timeout: float = 120_000) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)  # type: ignore[attr-defined]
    settle(page, timeout)
