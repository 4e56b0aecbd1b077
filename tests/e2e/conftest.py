"""Browser fixtures: the app started with `streamlit run` on a free port over a copy of a
sample-loaded database, and Debian's chromium driven by Playwright (headless, no sandbox).

Every browser test is marked ``browser`` and put in one xdist group, meant to have one worker
start one server and one browser for all of them. With pytest 9.2 and pytest-xdist 3.8,
``--dist loadgroup`` no longer groups (pytest-dev/pytest-xdist#1386: the group suffix of the
node id is lost), so each worker that gets a browser test starts its own server and browser;
the fixtures here are per worker (session scope) and hold either way.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browse import new_context, new_page
from tests.e2e.sample import build_sample_db

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1500, "height": 1000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("e2e")
    sample = build_sample_db(folder / "sample.duckdb")
    served = folder / "served.duckdb"
    shutil.copy(sample, served)
    return served


@pytest.fixture(scope="session")
def app_url(app_db: Path, artifacts: Path) -> Iterator[str]:
    """Start `streamlit run dashboard/app.py` on a free localhost port; stop it at the end."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DASHBOARD_DB": str(app_db), "DASHBOARD_USER": "e2e"}
    log = (artifacts / "streamlit.log").open("w")
    cmd = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (see {artifacts / 'streamlit.log'})")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = new_context(browser, viewport=VIEWPORT, accept_downloads=True)
    pg = new_page(context)
    yield pg
    context.close()
