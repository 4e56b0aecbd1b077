"""The slow-test rule of tests/conftest.py: every entry names a test that exists, and the rule
marks what it says (so a renamed test cannot slip out of ``make test-fast``'s exclusions or
into them unnoticed)."""

from __future__ import annotations

import ast

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
