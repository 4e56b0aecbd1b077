"""The Data page's calls into the importer: uploads to files, imports, header mappings, undo.

The importer (``dashboard.ingest``) does the work, exactly as for the command line; this module
only turns browser uploads into files, passes the remembered header mappings (per kind) as
``saved_maps``, and finds out, for a file refused whole, whether a column mapping would let it
in (its header is readable but its kind or a required column is not recognised).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from dashboard.ingest.importer import (
    FileSpec,
    ImportResult,
    SnapshotShrink,
    UndoResult,
    import_files,
    undo_import,
)
from dashboard.ingest.kinds import (
    KINDS,
    Kind,
    detect_kind,
    kind_map,
    mapping_problem,
    match_headers,
)
from dashboard.ingest.mappings import load_mappings_by_kind, save_mapping
from dashboard.ingest.reader import FileRefused, open_source
from dashboard.paths import SAMPLE_DATA
from dashboard.ui import data

Progress = Callable[[float, str], None]
IMPORT_LOCK_TIMEOUT_S = 60.0


class Upload(Protocol):
    """What st.file_uploader returns (an UploadedFile), as far as we use it."""

    name: str

    def getvalue(self) -> bytes: ...


@dataclass
class MappingNeed:
    """A file refused whole whose header could be mapped by hand."""

    file_name: str
    path: Path
    headers: list[str]
    kind: str  # the kind chosen or guessed
    missing: list[str]  # required columns not found for that kind
    unknown: list[str]  # headers that map to nothing
    given_kind: bool = False  # the user chose the kind (else guessed)
    found: dict[str, str] = field(default_factory=dict)  # canonical column -> header


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", Path(name).name) or "upload.csv"


def new_upload_dir() -> Path:
    """A private folder for one batch of uploads (the caller removes it with ``discard``)."""
    return Path(tempfile.mkdtemp(prefix="dashboard-upload-"))


def discard(folder: Path | None) -> None:
    """Remove an upload folder (no error if it is gone)."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def save_uploads(files: Sequence[Upload], folder: Path) -> list[FileSpec]:
    """Write uploads into ``folder``; the import shows and logs the original file names."""
    specs = []
    for n, f in enumerate(files):
        path = folder / f"{n:03d}_{_safe(f.name)}"
        path.write_bytes(f.getvalue())
        specs.append(FileSpec(path=path, name=f.name))
    return specs


def remembered() -> dict[str, dict[str, str]]:
    """Every remembered header mapping, per kind: kind -> (header -> column)."""
    with data.connection() as con:
        return load_mappings_by_kind(con)


def remember(kind: str, mapping: Mapping[str, str]) -> None:
    """Store confirmed header mappings of one kind (header -> canonical column)."""
    with data.connection() as con:
        for header, column in mapping.items():
            save_mapping(con, kind, header, column)


def run(
    specs: Sequence[FileSpec],
    *,
    as_of: date | None = None,
    strict: bool = False,
    user: str | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> ImportResult:
    """Import the files into the app's database with the remembered header mappings.

    ``replace`` confirms snapshot replacements that remove more than 10 % of a snapshot's
    accounts (the user saw the counts and chose "Replace anyway").
    """
    return import_files(
        specs,
        db_path=data.db_path(),
        as_of=as_of,
        strict=strict,
        user=user,
        saved_maps=remembered(),
        progress=progress,
        lock_timeout=IMPORT_LOCK_TIMEOUT_S,
        replace=replace,
    )


def load_sample(progress: Progress | None = None) -> ImportResult:
    """Load sample_data/ (the same call as ``python -m dashboard init``)."""
    files = [FileSpec(f) for f in sorted(SAMPLE_DATA.glob("*.csv"))]
    return import_files(
        files,
        db_path=data.db_path(),
        user="sample",
        progress=progress,
        lock_timeout=IMPORT_LOCK_TIMEOUT_S,
    )


def read_headers(path: Path) -> list[str]:
    """A file's header cells (as the importer reads them).

    Raises:
        FileRefused: the file is not a readable CSV text file.
    """
    work = Path(tempfile.mkdtemp(prefix="dashboard-head-"))
    try:
        return open_source(path, work).headers
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _best_guess(headers: list[str], saved: Mapping[str, Mapping[str, str]]) -> Kind:
    def score(kind: Kind) -> tuple[int, int]:
        found, _ = match_headers(kind, headers, kind_map(kind.name, None, saved))
        return (sum(1 for c in kind.required if c in found), len(found))

    return max(KINDS.values(), key=score)


def analyse(
    spec: FileSpec,
    kind_name: str | None,
    as_of: date | None,
    saved: Mapping[str, Mapping[str, str]],
) -> MappingNeed | None:
    """What a file lacks for ``kind_name`` (None: the detected or best-guessed kind).

    ``saved`` holds the remembered mappings per kind (``remembered()``). Returns None when the
    header is unreadable (mapping cannot help) or complete.
    """
    try:
        headers = read_headers(spec.path)
    except FileRefused:
        return None
    given = kind_name or spec.kind
    kind = (
        KINDS[given]
        if given
        else (detect_kind(headers, saved_maps=saved) or _best_guess(headers, saved))
    )
    found, unknown = match_headers(kind, headers, kind_map(kind.name, None, saved))
    missing = [c for c in kind.required if c not in found]
    if kind.name == "accounts" and as_of is not None and "as_of_date" in missing:
        missing.remove("as_of_date")
    detected = detect_kind(headers, saved_maps=saved)
    if not missing and given is None and detected is not None:
        return None
    return MappingNeed(
        file_name=spec.name or spec.path.name,
        path=spec.path,
        headers=headers,
        kind=kind.name,
        missing=missing,
        unknown=unknown,
        given_kind=given is not None,
        found={c: headers[i] for c, i in found.items()},
    )


def mapping_needs(
    result: ImportResult, specs: Sequence[FileSpec], as_of: date | None
) -> list[MappingNeed]:
    """The files of a failed import that a column mapping could fix."""
    saved = remembered()
    needs = []
    for spec, report in zip(specs, result.files, strict=False):
        if not report.refused_whole:
            continue
        need = analyse(spec, None, as_of, saved)
        if need is not None and (need.missing or not need.given_kind):
            needs.append(need)
    return needs


def kind_columns(kind: str) -> list[str]:
    """The canonical columns of a kind, required first."""
    cols = KINDS[kind].columns
    return [c.name for c in cols if c.required] + [c.name for c in cols if not c.required]


def targets_for(kind: str, header: str, free: Sequence[str]) -> list[str]:
    """The columns of ``free`` an unknown header may be mapped onto (``kinds.mapping_problem``:
    a header that names personal data only onto a personal column, masked at import)."""
    return [c for c in free if mapping_problem(KINDS[kind], header, c) is None]


def shrinks(result: ImportResult) -> list[SnapshotShrink]:
    """The snapshot replacements of an import that wait for a confirmation (none if it wrote)."""
    return [] if result.committed else [s for f in result.files for s in f.shrinks]


def undo(import_id: int, user: str | None = None) -> UndoResult:
    """Undo one import (see ``dashboard.ingest.importer.undo_import``)."""
    return undo_import(import_id, db_path=data.db_path(), user=user)
