"""The Data page's calls into the importer: uploads to files, imports, header mappings, undo.

The importer (``dashboard.ingest``) does the work, exactly as for the command line; this module
only turns browser uploads into files, passes the remembered header mappings (per kind) as
``saved_maps``, and finds out, for a file refused whole, whether a column mapping would let it
in (its header is readable but its kind or a required column is not recognised).

Uploads hold debtors' names, phones and id numbers in clear, so their bytes touch the disk only
for the import that reads them: ``import_uploads`` writes them into a private folder
(``dashboard.scratch``) under names of our own (``000.csv``: an upload's name may be any
length and hold any character), imports, reads what a mapping step needs (the headers), and
removes the folder, also on an error. Between the runs of the mapping step the page keeps the
uploads in memory (``HeldUpload``), as Streamlit itself does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from dashboard import scratch
from dashboard.ingest.importer import (
    FileReport,
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
    missing_required,
)
from dashboard.ingest.mappings import load_mappings_by_kind, save_mapping
from dashboard.ingest.reader import FileRefused
from dashboard.ingest.sources import read_file_header
from dashboard.messages import Message
from dashboard.paths import SAMPLE_DATA
from dashboard.ui import reads

Progress = Callable[[float, str], None]
IMPORT_LOCK_TIMEOUT_S = 60.0


class Upload(Protocol):
    """What st.file_uploader returns (an UploadedFile), as far as we use it."""

    name: str

    def getvalue(self) -> bytes: ...


@dataclass(frozen=True)
class HeldUpload:
    """An uploaded file, held in memory between the runs of the Data page."""

    name: str  # as the user named it: shown and logged
    data: bytes
    kind: str | None = None  # chosen in the mapping step (None: detect it)


@dataclass
class MappingNeed:
    """A file refused whole whose header could be mapped by hand."""

    file_name: str
    index: int  # its position among the uploads
    headers: list[str]
    kind: str  # the kind chosen or guessed
    missing: list[str]  # required columns not found for that kind
    unknown: list[str]  # headers that map to nothing
    given_kind: bool = False  # the user chose the kind (else guessed)
    found: dict[str, str] = field(default_factory=dict)  # canonical column -> header


SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
TYPES = tuple(s.removeprefix(".") for s in SUFFIXES)  # what the uploader offers


def hold(files: Sequence[Upload]) -> list[HeldUpload]:
    """The browser's uploads, in memory."""
    return [HeldUpload(f.name, f.getvalue()) for f in files]


def disk_name(n: int, name: str) -> str:
    """The name of the n-th upload on disk: ours (``000.csv``), whatever the user's name."""
    suffix = Path(name).suffix.lower()
    return f"{n:03d}{suffix if suffix in SUFFIXES else '.csv'}"


@contextmanager
def on_disk(uploads: Sequence[HeldUpload]) -> Iterator[list[FileSpec]]:
    """The uploads as files in a private folder for a ``with`` block (removed at its end, also
    on an error); each spec shows and logs the user's file name."""
    with scratch.folder("upload") as folder:
        specs = []
        for n, u in enumerate(uploads):
            path = folder / disk_name(n, u.name)
            path.write_bytes(u.data)
            specs.append(FileSpec(path=path, kind=u.kind, name=u.name))
        yield specs


def import_uploads(
    uploads: Sequence[HeldUpload],
    *,
    as_of: date | None = None,
    strict: bool = False,
    user: str | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> tuple[ImportResult, list[MappingNeed]]:
    """Import uploads (see the module docstring): the result, and for a refused import the
    files a column mapping could fix. ``replace``: see ``run``."""
    with ExitStack() as stack:
        try:
            specs = stack.enter_context(on_disk(uploads))
        except OSError as exc:  # not even written (a full disk): nothing was imported
            reports = [FileReport(file_name=u.name, kind=u.kind) for u in uploads]
            message = Message(
                "import.result_upload_unwritable",
                folder=str(scratch.base()),
                detail=str(exc.strerror or exc),
            )
            return ImportResult(reports, False, message), []
        result = run(
            specs, as_of=as_of, strict=strict, user=user, progress=progress, replace=replace
        )
        needs = [] if result.committed else mapping_needs(result, specs, as_of)
    return result, needs


def remembered() -> dict[str, dict[str, str]]:
    """Every remembered header mapping, per kind: kind -> (header -> column)."""
    with reads.connection() as con:
        return load_mappings_by_kind(con)


def remember(kind: str, mapping: Mapping[str, str]) -> None:
    """Store confirmed header mappings of one kind (header -> canonical column)."""
    with reads.connection() as con:
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
        db_path=reads.db_path(),
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
        db_path=reads.db_path(),
        user="sample",
        progress=progress,
        lock_timeout=IMPORT_LOCK_TIMEOUT_S,
    )


def read_headers(path: Path) -> list[str]:
    """A file's header cells, as the importer reads them, from its first megabyte only.

    Raises:
        FileRefused: the file is not a readable CSV text file.
    """
    return read_file_header(path).headers


def _best_guess(headers: list[str], saved: Mapping[str, Mapping[str, str]]) -> Kind:
    def score(kind: Kind) -> tuple[int, int]:
        found, _ = match_headers(kind, headers, kind_map(kind.name, None, saved))
        return (sum(1 for c in kind.required if c in found), len(found))

    return max(KINDS.values(), key=score)


def analyse(
    headers: list[str],
    *,
    file_name: str,
    index: int,
    kind_name: str | None,
    as_of: date | None,
    saved: Mapping[str, Mapping[str, str]],
) -> MappingNeed | None:
    """What a file with these headers lacks for ``kind_name`` (None: the detected or
    best-guessed kind); None when nothing (a mapping cannot add to a complete header).

    ``saved`` holds the remembered mappings per kind (``remembered()``).
    """
    kind = (
        KINDS[kind_name]
        if kind_name
        else (detect_kind(headers, saved_maps=saved) or _best_guess(headers, saved))
    )
    found, unknown = match_headers(kind, headers, kind_map(kind.name, None, saved))
    missing = missing_required(kind, found, as_of)
    detected = detect_kind(headers, saved_maps=saved)
    if not missing and kind_name is None and detected is not None:
        return None
    return MappingNeed(
        file_name=file_name,
        index=index,
        headers=headers,
        kind=kind.name,
        missing=missing,
        unknown=unknown,
        given_kind=kind_name is not None,
        found={c: headers[i] for c, i in found.items()},
    )


def mapping_needs(
    result: ImportResult, specs: Sequence[FileSpec], as_of: date | None
) -> list[MappingNeed]:
    """The files of a failed import that a column mapping could fix (read while they are on
    disk: the page keeps only their headers)."""
    saved = remembered()
    needs = []
    for n, (spec, report) in enumerate(zip(specs, result.files, strict=False)):
        if not report.refused_whole:
            continue
        try:
            headers = read_headers(spec.path)
        except FileRefused:
            continue  # unreadable: no mapping can help
        name = spec.name or spec.path.name
        need = analyse(
            headers, file_name=name, index=n, kind_name=spec.kind, as_of=as_of, saved=saved
        )
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
    return undo_import(import_id, db_path=reads.db_path(), user=user)
