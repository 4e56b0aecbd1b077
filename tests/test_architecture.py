"""The package's shape: the layer contracts of pyproject.toml hold, and no module imports
itself through others (an import cycle).

The contracts are import-linter's (``lint-imports`` runs the same ones). The cycle check walks
grimp's graph of the modules of ``dashboard``: every ``import``, deferred ones inside functions
and those under ``if TYPE_CHECKING:`` included (such an import never runs, but the two modules
still depend on each other: a circle a reader has to untangle, and one step from a real one).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from pathlib import Path

import grimp
import pytest
from importlinter import api
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "pyproject.toml")
CONTRACTS = [c["id"] for c in api.read_configuration(CONFIG)["contracts_options"]]


def import_cycles(graph: Mapping[str, Set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative), and
    the modules that import themselves: each is a set of modules that import one another."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[frozenset[str]] = []

    def successors(node: str) -> Iterator[str]:
        return iter(sorted(graph.get(node, ())))

    for root in sorted(graph):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, successors(root))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, successors(child)))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    cycles.append(frozenset(component))
    return cycles


def package_imports(package: str = "dashboard") -> dict[str, set[str]]:
    """Each module of ``package`` and the modules of ``package`` it imports (at run time or
    under TYPE_CHECKING)."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=False, cache_dir=None)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def test_no_import_cycle() -> None:
    cycles = [sorted(c) for c in import_cycles(package_imports())]
    assert not cycles, f"modules that import one another: {cycles}"


def test_a_circle_through_a_type_checking_import_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As dashboard/sample.py and sample_model.py were: one imports the other, which imports
    # the first back for its annotations only.
    package = tmp_path / "circle_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "writer.py").write_text("from circle_pkg.model import step\n")
    (package / "model.py").write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from circle_pkg.writer import Calendar\n"
        "def step(cal: Calendar) -> None: ...\n"
    )
    (package / "alone.py").write_text("import circle_pkg.model\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = [sorted(c) for c in import_cycles(package_imports("circle_pkg"))]
    assert found == [["circle_pkg.model", "circle_pkg.writer"]]


@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [{"a", "b"}]),
        ({"a": {"a"}}, [{"a"}]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [{"a", "b", "c"}]),
        ({"a": {"b", "c"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [{"a", "b"}, {"c", "d"}]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b", "d"}, "d": set()}, [{"b", "c"}]),
    ],
)
def test_import_cycles_finds_every_circle(
    graph: dict[str, set[str]], cycles: list[set[str]]
) -> None:
    found = sorted(sorted(c) for c in import_cycles(graph))
    assert found == sorted(sorted(c) for c in cycles)


@pytest.mark.parametrize("contract", CONTRACTS)
def test_layer_contract(contract: str, capsys: pytest.CaptureFixture[str]) -> None:
    kept = use_cases.lint_imports(
        config_filename=CONFIG, limit_to_contracts=(contract,), cache_dir=None, no_logo=True
    )
    assert kept, capsys.readouterr().out


def test_the_issue_s_contracts_are_configured() -> None:
    contracts = {c["id"]: c for c in api.read_configuration(CONFIG)["contracts_options"]}
    ingest = contracts["ingest-below-engine"]
    assert ingest["source_modules"] == ["dashboard.ingest"]
    assert "dashboard.engine" in ingest["forbidden_modules"]
    core = contracts["core-without-front-ends"]
    assert {"dashboard.ingest", "dashboard.engine", "dashboard.payouts"} <= set(
        core["source_modules"]
    )
    assert {"dashboard.ui", "dashboard.cli", "streamlit"} <= set(core["forbidden_modules"])
