"""The package's shape: the layer contracts of pyproject.toml hold, and no module imports
itself through others (an import cycle).

The contracts are import-linter's (``lint-imports`` runs the same ones). The cycle check walks
grimp's graph of the modules of ``dashboard``: every ``import`` that can run, deferred ones
inside functions included; imports under ``if TYPE_CHECKING:`` never run and are left out.
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


def dashboard_imports() -> dict[str, set[str]]:
    """Each module of ``dashboard`` and the modules of ``dashboard`` it imports at run time."""
    graph = grimp.build_graph("dashboard", exclude_type_checking_imports=True, cache_dir=None)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def test_no_import_cycle() -> None:
    cycles = [sorted(c) for c in import_cycles(dashboard_imports())]
    assert not cycles, f"modules that import one another: {cycles}"


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
