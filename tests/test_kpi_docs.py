"""README.md (its Reports chapter) documents every report of the CLI, every option and column the
registry (``dashboard/reports/catalogue.py``) declares for a report, and every setting of
config/kpi.yaml: a report, option, column or setting added without its definition fails here.
(That the declared columns are the ones a report returns is checked on the sample by
``tests/test_kpi_golden.py``.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashboard.cli import build_parser
from dashboard.engine.settings import KPI_CONFIG
from dashboard.reports import REPORTS

DOCS = Path(__file__).resolve().parent.parent / "README.md"
DIMENSION_FLAGS = ("--portfolio", "--team", "--agent")


def reports_chapter() -> str:
    """The README's "## Reports" chapter (up to the next chapter)."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("\n## Reports\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def headings() -> dict[str, str]:
    """Section text by heading, in the Reports chapter."""
    parts = re.split(r"^### +(.+)$", reports_chapter(), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def sections() -> dict[str, str]:
    """Section text by name; a heading may name several reports, comma-separated."""
    return {name.strip(): body for h, body in headings().items() for name in h.split(",")}


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to -."""
    return "#" + re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def heading_of(doc: str) -> str:
    by_anchor = {anchor(h): h for h in headings()}
    assert doc in by_anchor, f"no heading in README's Reports has the anchor {doc}"
    return by_anchor[doc]


def section_of(doc: str) -> str:
    return headings()[heading_of(doc)]


def with_references(body: str) -> str:
    """A section and the sections its options refer to ("as for `agents`")."""
    named = re.findall(r"as for `([\w-]+)`", body)
    return body + "".join(sections().get(n, "") for n in named)


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


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_anchor_of_a_report_is_its_section(name: str) -> None:
    heading = heading_of(REPORTS[name].doc)
    assert name in [n.strip() for n in heading.split(",")], (name, heading)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_column_is_defined_in_its_section(name: str) -> None:
    body = section_of(REPORTS[name].doc)
    undocumented = [c for c in REPORTS[name].columns if f"`{c}`" not in body]
    assert REPORTS[name].columns, f"{name} declares no column"
    assert not undocumented, f"{name}: columns not defined in README.md (Reports): {undocumented}"


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_option_is_described_in_its_section(name: str) -> None:
    report = REPORTS[name]
    body = with_references(section_of(report.doc))
    flags = [p.option for p in report.params] + list(DIMENSION_FLAGS if report.dims else ())
    missing = [f for f in flags if not re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", body)]
    assert not missing, f"{name}: options not described in README.md (Reports): {missing}"


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
