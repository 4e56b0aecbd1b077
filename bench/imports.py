"""Import figures: the real importer (``python -m dashboard import``, a child process each)
against DuckDB's bare reader on the same file, in the same run.

- **First import** of each extract of the book into one growing database, in the order a bank
  delivers them (agents, targets, agencies, accounts, payments, contacts, plans, complaints), each
  against ``create table t as select * from read_csv(file)`` into a fresh database; the
  importer's peak RSS beside the bare reader's.
- **Re-import** of each file into the same database (every row already present) against its
  first import.
- **Incremental**: the new month (one snapshot, its payments and contacts) into the whole
  book against the same three files into an empty database.

Every import's counts are checked against the generator's manifest: only the intended rows are
refused (``bench/generate.py``); anything else is reported as a problem, not hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import child
from bench.figures import Figure, at_least, at_most, memory
from bench.generate import BOOK, KIND_OF, NEW_MONTH

LINE = re.compile(
    r"^(?P<file>[^:\n]+): (?P<kind>\w+), (?:import #\d+|not imported): (?P<rows>\d+) rows, "
    r"(?P<new>\d+) new rows, (?P<present>\d+) already present, (?P<refused>\d+) refused"
    r"(?:, (?P<orphans>\d+) for accounts in no snapshot)?",
    re.MULTILINE,
)
PROGRESS = re.compile(r"^\[\s*\d+%\] ")
SAME_FILE = re.compile(r"^(?P<file>[^:\n]+): (?P<kind>\w+): already imported as #\d+", re.M)


@dataclass(frozen=True)
class Imported:
    """One import of one file: the child's figures and the counts it printed."""

    name: str
    run: child.Child
    counts: dict[str, int]  # rows, new, present, refused, orphans (absent: 0)

    @property
    def seconds(self) -> float:
        return self.run.seconds

    @property
    def phases(self) -> str:
        """Where the time went, from the importer's progress lines (``-v``): start-up before
        the first, then each step (reading, checking, waiting, writing, refreshing,
        committed) until the next line or the end of the process."""
        marks = [
            (t, PROGRESS.sub("", line).split(" ")[0])
            for t, line in self.run.stderr_timed
            if PROGRESS.match(line)
        ]
        if not marks:
            return ""
        ends = [t for t, _ in marks[1:]] + [self.run.seconds]
        parts = [f"start-up {marks[0][0]:.1f}"]
        parts += [f"{step} {end - t:.1f}" for (t, step), end in zip(marks, ends, strict=True)]
        return ", ".join(parts)


def import_file(db_path: Path, data: Path, name: str) -> Imported:
    """Import ``data/<name>.csv`` with its kind's option; refuse to go on when it failed."""
    option = "--" + KIND_OF[name].replace("_", "-")
    csv = str(data / f"{name}.csv")
    run = child.dashboard("import", "-v", "--db", str(db_path), option, csv)
    if run.returncode not in (0, 1):
        raise RuntimeError(
            f"import of {name}.csv failed ({run.returncode}): {run.stdout_head[-2000:]}"
            f"{run.stderr_tail}"
        )
    found = LINE.search(run.stdout_head)
    if found:
        counts = {k: int(v or 0) for k, v in found.groupdict().items() if k not in ("file", "kind")}
    elif SAME_FILE.search(run.stdout_head):
        counts = {"same_file": 1}
    else:
        raise RuntimeError(f"import of {name}.csv: unexpected output {run.stdout_head[:500]!r}")
    return Imported(name, run, counts)


def _problems(imp: Imported, manifest: dict[str, Any], again: bool) -> list[str]:
    """What differs from the manifest: refusals, orphans, row counts."""
    kind = KIND_OF[imp.name]
    if "same_file" in imp.counts:
        return []
    want_refused = manifest["refused"].get(kind, 0) if imp.name in BOOK else 0
    out = []
    if imp.counts["rows"] != manifest["rows"][imp.name]:
        out.append(f"{imp.counts['rows']} rows read, {manifest['rows'][imp.name]} written")
    if imp.counts["refused"] != want_refused:
        out.append(f"{imp.counts['refused']} refused, {want_refused} intended")
    if not again and imp.name == "payments":
        want = manifest["orphans"]["payments"]
        if imp.counts.get("orphans", 0) != want:
            out.append(f"{imp.counts.get('orphans', 0)} orphans, {want} generated")
    if again and imp.counts["new"]:
        out.append(f"re-import added {imp.counts['new']} rows")
    return out


def book(data: Path, work: Path, manifest: dict[str, Any]) -> tuple[list[Figure], list[str]]:
    """First imports and re-imports of the book into ``work/book.duckdb`` (made anew)."""
    db_path = work / "book.duckdb"
    for p in (db_path, Path(f"{db_path}.wal")):
        p.unlink(missing_ok=True)
    figures: list[Figure] = []
    problems: list[str] = []
    first: dict[str, Imported] = {}
    for name in BOOK:
        csv = data / f"{name}.csv"
        bare = child.bare_read(work / "bare.duckdb", csv)
        if bare.returncode != 0:
            raise RuntimeError(f"bare read of {csv} failed: {bare.stderr_tail}")
        imp = first[name] = import_file(db_path, data, name)
        rows = manifest["rows"][name]
        mb = manifest["bytes"][name] / 1e6
        speeds = f"{rows / imp.seconds:,.0f} rows/s vs {rows / bare.seconds:,.0f}"
        note = f"{rows:,} rows, {mb:,.0f} MB; {speeds}; phases (s): {imp.phases}"
        figures.append(at_least("import", f"import {name}", imp.seconds, bare.seconds, 0.7,
                                note=note))  # fmt: skip
        figures.append(memory("memory", f"import {name}: peak RSS", imp.run.peak_mb,
                              bare.peak_mb, note="baseline: the bare reader's peak"))  # fmt: skip
        problems += [f"import {name}: {p}" for p in _problems(imp, manifest, again=False)]
    for name in BOOK:
        again = import_file(db_path, data, name)
        note = "nothing new: " + (
            "the same file, not recorded" if "same_file" in again.counts else
            f"{again.counts['present']:,} already present, {again.counts['refused']:,} refused"
        ) + f"; phases (s): {again.phases}"  # fmt: skip
        figures.append(at_most("re-import", f"re-import {name}", again.seconds,
                               first[name].seconds, 0.5, note=note))  # fmt: skip
        problems += [f"re-import {name}: {p}" for p in _problems(again, manifest, again=True)]
    return figures, problems


def incremental(data: Path, work: Path, manifest: dict[str, Any]) -> tuple[list[Figure], list[str]]:
    """The new month into the whole book (``work/book.duckdb``) against into an empty database."""
    empty = work / "month.duckdb"
    for p in (empty, Path(f"{empty}.wal")):
        p.unlink(missing_ok=True)
    into_empty = {name: import_file(empty, data, name) for name in NEW_MONTH}
    into_book = {name: import_file(work / "book.duckdb", data, name) for name in NEW_MONTH}
    for p in (empty, Path(f"{empty}.wal")):
        p.unlink(missing_ok=True)
    figures, problems = [], []
    for name in NEW_MONTH:
        full, alone = into_book[name].seconds, into_empty[name].seconds
        rows = manifest["rows"][name]
        figures.append(
            at_most(
                "incremental",
                f"new month: {name} into the book",
                full,
                alone,
                1.5,
                note=f"{rows:,} rows; baseline: into an empty database; phases (s) into the "
                f"book: {into_book[name].phases}; into the empty one: {into_empty[name].phases}",
            )
        )
        for where, imp in (("book", into_book[name]), ("empty", into_empty[name])):
            problems += [f"new month into the {where}: {name}: {p}"
                         for p in _problems(imp, manifest, again=False)]  # fmt: skip
    total_full = sum(i.seconds for i in into_book.values())
    total_alone = sum(i.seconds for i in into_empty.values())
    figures.append(
        at_most(
            "incremental",
            "new month: the three files into the book",
            total_full,
            total_alone,
            1.5,
            note="baseline: into an empty database",
        )
    )
    peak = max(i.run.peak_mb for i in into_book.values())
    figures.append(memory("memory", "new month into the book: peak RSS", peak,
                          max(i.run.peak_mb for i in into_empty.values()),
                          note="baseline: into an empty database"))  # fmt: skip
    return figures, problems
