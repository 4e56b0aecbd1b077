"""README.md (its Reports chapter) documents every report of the CLI, every column of the KPI
reports, and
every setting of config/kpi.yaml: a report, column or setting added without its definition
fails here."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashboard.cli import build_parser
from dashboard.cli.report_kpi import REPORTS
from dashboard.engine.settings import KPI_CONFIG
from tests.kpi_fixtures import build_db, random_world

DOCS = Path(__file__).resolve().parent.parent / "README.md"


def reports_chapter() -> str:
    """The README's "## Reports" chapter (up to the next chapter)."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("\n## Reports\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def sections() -> dict[str, str]:
    """Section text by name; a heading may name several reports, comma-separated."""
    out: dict[str, str] = {}
    parts = re.split(r"^### +(.+)$", reports_chapter(), flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        for name in heading.split(","):
            out[name.strip()] = body
    return out


def registered_reports() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    report = sub.choices["report"]  # type: ignore[index]
    names = next(a for a in report._actions if a.dest == "report")
    return list(names.choices)  # type: ignore[arg-type]


def test_every_registered_report_has_a_section() -> None:
    documented = sections()
    missing = [r for r in registered_reports() if r not in documented]
    assert not missing, f"reports without a '### name' section in README's Reports: {missing}"
    assert set(REPORTS) <= set(registered_reports())


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("docs"), **random_world(7))


@pytest.mark.parametrize(
    ("name", "extra"),
    [(n, []) for n in REPORTS] + [("compliance", ["--detail"])],
)
def test_every_column_is_defined_in_its_section(
    name: str, extra: list[str], db_path: Path, cli: Callable[..., Any]
) -> None:
    result = cli("report", name, "--db", db_path, "--from", "2026-02-01", "--to", "2026-04-30",
                 *extra) if "from" in REPORTS[name][1] else cli("report", name, "--db", db_path,
                                                                 *extra)  # fmt: skip
    assert result.code == 0, result.err
    header = result.out.splitlines()[0].split(",")
    body = sections()[name]
    undocumented = [c for c in header if f"`{c}`" not in body]
    assert not undocumented, f"{name}: columns not defined in README.md (Reports): {undocumented}"


def _keys(node: Any, parent: str = "") -> set[str]:
    keys: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if parent.endswith("presets"):
                keys |= _keys(v, "preset")  # preset names are values, not settings
                continue
            keys |= _keys(v, str(k)) if isinstance(v, dict) else {str(k)}
    return keys


def test_every_setting_is_documented() -> None:
    settings = sections()["Settings"]
    ticks = re.findall(r"`([^`]+)`", settings)
    keys = _keys(yaml.safe_load(KPI_CONFIG.read_text(encoding="utf-8")))
    missing = [k for k in keys if not any(t == k or t.endswith(f".{k}") for t in ticks)]
    assert not missing, f"settings not documented in README.md (Reports): {missing}"
