"""Opening an uploaded file: its encoding, its delimiter, its header, its fingerprint.

DuckDB's CSV reader decodes UTF-8 only (and UTF-16/latin-1), while Chinese bank systems write
GBK/GB18030 and Excel writes UTF-8 with a BOM or UTF-16. Files that are not UTF-8 are
transcoded here, streamed in blocks, to a UTF-8 copy in the import's private work folder;
everything after that is DuckDB's job.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from dashboard.ingest.kinds import KINDS, normalize_header

SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 4 << 20
DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}


class FileRefused(Exception):
    """The file as a whole cannot be imported; ``str(exc)`` says why, for a person."""


@dataclass(frozen=True)
class SourceFile:
    """An uploaded file, ready for DuckDB's reader."""

    path: Path  # the file as given
    name: str  # shown to users and kept in the import log
    csv_path: Path  # UTF-8 text DuckDB reads: ``path`` itself or a transcoded copy
    encoding: str
    delimiter: str
    headers: list[str]
    sha256: str
    size: int


def _known_names() -> set[str]:
    names: set[str] = set()
    for kind in KINDS.values():
        for col in kind.columns:
            names.update(normalize_header(n) for n in (col.name, *col.synonyms))
    return names


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file from its first bytes: utf-8, utf-8-sig, utf-16 or gb18030.

    Raises:
        FileRefused: the bytes are neither UTF-8 nor GB18030 text.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            # A multi-byte character may be cut at the end of the sample.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise FileRefused(
        "the file is not text in UTF-8 or GBK/GB18030 (is it a spreadsheet or a zip?)"
    )


def _first_line(text: str) -> str:
    # The header record; a header cell with a quoted line break continues on the next line.
    end = 0
    while True:
        nl = text.find("\n", end)
        if nl < 0:
            return text
        if text.count('"', 0, nl) % 2 == 0:
            return text[:nl]
        end = nl + 1


def choose_delimiter(header_line: str) -> tuple[str, list[str]]:
    """The delimiter that splits the header into the most known column names (comma on a tie)."""
    known = _known_names()
    best: tuple[int, int, str, list[str]] | None = None
    for rank, delim in enumerate(DELIMITERS):
        cells = next(csv.reader(io.StringIO(header_line), delimiter=delim), [])
        score = sum(1 for c in cells if normalize_header(c) in known)
        key = (score, len(cells) if score else 0, -rank)
        if best is None or key > (best[0], best[1], -DELIMITERS.index(best[2])):
            best = (key[0], key[1], delim, cells)
    assert best is not None
    return best[2], best[3]


def _transcode(path: Path, encoding: str, target: Path) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    consumed = 0
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while block := src.read(BLOCK_BYTES):
            try:
                dst.write(decoder.decode(block))
            except UnicodeDecodeError as exc:
                raise FileRefused(
                    f"the file is not valid {encoding.upper()} text near byte "
                    f"{consumed + exc.start:,}; save it again as UTF-8 or GBK"
                ) from exc
            consumed += len(block)
        try:
            dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise FileRefused(f"the file ends in the middle of a {encoding} character") from exc


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BLOCK_BYTES):
            h.update(block)
    return h.hexdigest()


def open_source(path: Path, workdir: Path, name: str | None = None) -> SourceFile:
    """Read a file's encoding, delimiter and header; transcode it to UTF-8 when needed.

    Args:
        path: the uploaded file.
        workdir: the import's private folder for a transcoded copy.
        name: the name to show (default: the file's name).

    Raises:
        FileRefused: empty, not text, no header line, or a header too long to be one.
    """
    display = name or path.name
    if not path.is_file():
        raise FileRefused(f"{display}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("the file is empty")
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    if encoding != "utf-16" and b"\x00" in sample:
        raise FileRefused("the file contains NUL bytes: it is not a CSV text file")
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    text = text.lstrip("\ufeff")
    header_line = _first_line(text)
    if len(header_line) == len(text) and size > SAMPLE_BYTES:
        raise FileRefused("the first line is longer than 1 MB: it is not a CSV header")
    header_line = header_line.rstrip("\r")
    if not header_line.strip():
        raise FileRefused("the first line is blank: a CSV extract starts with a header row")
    delimiter, headers = choose_delimiter(header_line)
    csv_path = path
    if encoding in ("gb18030", "utf-16"):
        csv_path = workdir / f"{path.stem}.utf8.csv"
        _transcode(path, encoding, csv_path)
    return SourceFile(
        path=path,
        name=display,
        csv_path=csv_path,
        encoding=encoding,
        delimiter=delimiter,
        headers=[h.replace("\ufeff", "").strip() for h in headers],
        sha256=_sha256(path),
        size=size,
    )
