"""The slow-test rule of tests/conftest.py: every entry names a test that exists, and the rule
marks what it says (so a renamed test cannot slip out of ``make test-fast``'s exclusions or
into them unnoticed); and the ``xdist_group`` marks that ``make test`` relies on
(``--dist loadgroup``) keep a group in one test process."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FAST, ROOT, SLOW, is_slow


def _functions(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_entry_names_a_folder_a_module_or_a_test_that_exists() -> None:
    for key in [*SLOW, *FAST]:
        path, _, function = key.partition("::")
        assert (ROOT / path).exists(), key
        if function:
            assert function in _functions(path), key
        elif not path.endswith("/"):
            assert any(f.startswith("test_") for f in _functions(path)), key


def test_the_most_specific_entry_wins() -> None:
    assert is_slow("tests/reliability/test_faults.py", "test_anything")  # the folder
    assert not is_slow("tests/reliability/test_exports.py", "test_anything")  # FAST module
    assert is_slow(
        "tests/reliability/test_security_sql.py", "test_injection_through_report_filters"
    )
    assert not is_slow("tests/reliability/test_security_sql.py", "test_import_options_are_data")
    assert is_slow("tests/test_kpi_properties.py", "test_anything")  # a module
    assert is_slow("tests/test_app_pages.py", "test_page_renders_in_chinese")
    assert not is_slow("tests/test_app_pages.py", "test_a_busy_database_shows_a_message")
    assert not is_slow("tests/test_kpi_buckets.py", "test_anything")


GROUPED = """
import os
import pytest

pytestmark = pytest.mark.xdist_group("one")


@pytest.fixture(scope="module")
def shared():
    with open(os.environ["SETUPS"], "a") as f:
        f.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")


@pytest.mark.parametrize("i", range(6))
def test_grouped(shared, i):
    pass
"""


def test_a_group_runs_in_one_process_and_sets_up_its_module_fixture_once(tmp_path: Path) -> None:
    """pytest 9.2.0 with pytest-xdist 3.8.0 ignored the groups (pytest-dev/pytest-xdist#1386):
    the Spark tests' module fixtures were set up in both processes, two JVMs at once, and the
    "heavy" imports ran side by side. A run of two processes over a grouped module and
    ungrouped tests must set the group's fixture up once."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_grouped.py").write_text(GROUPED, encoding="utf-8")
    (tmp_path / "test_loose.py").write_text(
        "import pytest\n\n\n@pytest.mark.parametrize('i', range(12))\ndef test_loose(i):\n"
        "    pass\n",
        encoding="utf-8",
    )
    setups = tmp_path / "setups.txt"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup",
         "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "SETUPS": str(setups)},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "18 passed" in run.stdout
    assert setups.read_text(encoding="utf-8").split() in (["gw0"], ["gw1"])
