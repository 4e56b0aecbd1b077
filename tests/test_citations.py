"""Every repository path that a comment, a docstring or a Markdown page cites exists.

What counts as a citation: in a Python comment or docstring, an SQL ``--`` comment, a ``#``
comment of the Makefile, CI script or a config file, or anywhere in a Markdown page, a run of
path characters (letters, digits, ``_ . - *``) with at least one ``/``, not inside a URL or a
longer path, whose first part is a folder of the repository (``dashboard``, ``queries``,
``tests``, ...) or of ``dashboard/``, ``queries/`` or ``tests/`` (``views``, ``kpi``,
``reliability``, ...: the short forms the code uses). It must exist under the repository or
under one of those three folders; a ``*`` is a glob that must match something; a query's name
(``kpi/recovery``, as ``db.query_text`` takes it) stands for its file under ``queries/``
(``.sql`` added). Paths under a
folder .gitignore names (``bench/out/``, ``tests/artifacts/``) are outputs, written when a
command runs, and are not checked.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASES = (ROOT, ROOT / "dashboard", ROOT / "queries", ROOT / "tests")
SCANNED = ("dashboard", "queries", "tests", "bench", "config", "sample_data", ".ci", ".streamlit")
HASH_COMMENTED = {"Makefile", "run", ".toml", ".yaml", ".yml", ".cfg"}
CANDIDATE = re.compile(r"(?<![\w./:~$@-])[\w.*-]+(?:/[\w.*-]*)+")


def _ignored_folders() -> tuple[str, ...]:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip("/") + "/" for line in lines if line.endswith("/") and "*" not in line)


IGNORED = _ignored_folders()
SKIPPED_PARTS = {"__pycache__", ".git", ".venv", ".hypothesis"}


def _folders() -> set[str]:
    return {
        p.name
        for base in BASES
        for p in base.iterdir()
        if p.is_dir() and p.name not in SKIPPED_PARTS and not p.name.endswith("_cache")
    }


FOLDERS = _folders()


def _python_texts(text: str) -> Iterator[tuple[int, str]]:
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            yield tok.start[0], tok.string
    for node in _statements(ast.parse(text)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                yield first.lineno, first.value.value


def _statements(node: ast.AST) -> Iterator[ast.AST]:
    """The node and every statement under it (a docstring opens a statement list; walking
    the expressions too, as ast.walk does, takes ten times as long)."""
    yield node
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        for child in getattr(node, name, ()):
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case):
                yield from _statements(child)


def _commented(text: str, mark: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if mark in line:
            yield number, line[line.index(mark) :]


def cited_texts(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of each comment, docstring or page of a file that can cite paths."""
    if path.suffix == ".py":
        yield from _python_texts(path.read_text(encoding="utf-8"))
    elif path.suffix == ".md":
        yield from enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    elif path.suffix == ".sql":
        yield from _commented(path.read_text(encoding="utf-8"), "--")
    elif path.name in HASH_COMMENTED or path.suffix in HASH_COMMENTED:
        yield from _commented(path.read_text(encoding="utf-8"), "#")


def citations(text: str) -> Iterator[str]:
    """The path citations in a text (the module docstring's rule)."""
    for match in CANDIDATE.finditer(text):
        cited = match.group(0).rstrip(".-")
        if cited.split("/")[0] in FOLDERS and not cited.startswith("/"):
            yield cited


def exists(cited: str) -> bool:
    """Whether a cited path exists under the repository or one of the short-form bases."""
    for base in BASES:
        if "*" in cited:
            if any(base.glob(cited.rstrip("/"))):
                return True
        elif (base / cited).exists():
            return True
    if (ROOT / "queries" / f"{cited}.sql").is_file():
        return True
    return any(cited.startswith(folder) or cited == folder[:-1] for folder in IGNORED)


def scanned_files() -> Iterator[Path]:
    yield from (ROOT / name for name in ("README.md", "Makefile", "pyproject.toml"))
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            rel = path.relative_to(ROOT).as_posix() + "/"
            if (
                path.is_file()
                and not SKIPPED_PARTS.intersection(path.parts)
                and not rel.startswith(IGNORED)
            ):
                yield path


def test_every_cited_path_exists() -> None:
    stale = []
    for path in scanned_files():
        for line, text in cited_texts(path):
            stale += [
                f"{path.relative_to(ROOT)}:{line}: {cited}"
                for cited in citations(text)
                if not exists(cited)
            ]
    assert not stale, "paths cited that do not exist:\n" + "\n".join(stale)


def test_the_rule_finds_citations_and_nothing_else() -> None:
    text = (
        "see queries/kpi/recovery.sql, `views/data.py` and tests/reliability/; "
        "queries/checks/*.sql, https://example.org/dashboard/x.py, text/csv, a/b, 1/2"
    )
    assert list(citations(text)) == [
        "queries/kpi/recovery.sql",
        "views/data.py",
        "tests/reliability/",
        "queries/checks/*.sql",
    ]
    assert all(exists(c) for c in citations(text))
    assert not exists("queries/kpi/no_such_report.sql")
    assert not exists("dashboard/engine/no_such_module.py")
    assert not exists("queries/nothing_matches/*.sql")
    assert exists("kpi/recovery") and not exists("kpi/no_such_report")
    assert exists("bench/out/anything.json")  # an output folder of .gitignore


def layout_block() -> list[str]:
    """The lines of the code block of README's "## Layout" chapter."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    chapter = text[text.index("\n## Layout\n") :]
    return chapter.split("```\n", 2)[1].splitlines()


def layout_entries() -> dict[str, list[tuple[str, str]]]:
    """Per top folder of the block (``dashboard``, ``queries``): its entries' names and
    descriptions (an entry line is indented two spaces; deeper lines continue a description)."""
    out: dict[str, list[tuple[str, str]]] = {}
    top = ""
    for line in layout_block():
        if not line.startswith(" "):
            top = line.split()[0].rstrip("/")
            out.setdefault(top, [])
        elif re.match(r"  \S", line):
            name, _, description = re.split(r"(\s{2,}|$)", line[2:], maxsplit=1)
            out[top] += [(n, description) for n in re.split(r"[,+ ]+", name) if n]
        elif out.get(top):
            n, description = out[top][-1]
            out[top][-1] = (n, f"{description} {line.strip()}")
    return out


def test_the_readme_layout_is_the_real_tree() -> None:
    entries = layout_entries()
    for top in ("dashboard", "queries"):
        listed = {n.rstrip("/") for n, _ in entries[top]}
        missing = [n for n in listed if not (ROOT / top / n).exists()]
        assert not missing, f"README's layout lists what {top}/ does not hold: {missing}"
        real = {
            p.name
            for p in (ROOT / top).iterdir()
            if p.name != "__init__.py" and p.name not in SKIPPED_PARTS
            and (p.suffix in (".py", ".sql") or (p.is_dir() and any(p.iterdir())))
        }  # fmt: skip
        unlisted = sorted(real - listed)
        assert not unlisted, f"README's layout leaves out {top}/: {unlisted}"
        for name, description in entries[top]:  # a package's files it names exist
            for module in re.findall(r"\b\w+\.py\b", description) if name.endswith("/") else ():
                assert (ROOT / top / name / module).is_file(), f"layout: {top}/{name}{module}"
