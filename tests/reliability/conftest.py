"""Fixtures of the reliability suite: the base database, the CLI in a child process, soak mode.

Soak mode (``SOAK=1``) runs the same tests with more of everything: the 2 GB line instead of
50 MB, 200 kills instead of 20, about 15 times the hypothesis examples, a second round of kills
on a big import. The default run is sized for CI (a few minutes on 2 cores) and its hypothesis
examples are derandomized (the same every run); soak mode draws new ones each time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability import base

ROOT = Path(__file__).resolve().parent.parent.parent
SOAK = os.environ.get("SOAK", "") == "1"


def soak_or(ci: int, soak: int) -> int:
    """A size for CI, or a bigger one in soak mode."""
    return soak if SOAK else ci


@pytest.fixture(scope="session")
def base_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base database (tests/reliability/base.py), built once per worker; never modified."""
    folder = tmp_path_factory.mktemp("base")
    return base.build(folder / "base.duckdb", folder / "csv")


@pytest.fixture
def base_db(base_template: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the base database for one test."""
    copy = tmp_path / "db" / "dashboard.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(base_template, copy)
    yield copy


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: this interpreter's, the repository on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("DASHBOARD_USER", "tester")
    env.update(extra)
    return env


def run_cli(
    *args: str | Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m dashboard ARGS`` in a child process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env=env or child_env(),
    )
