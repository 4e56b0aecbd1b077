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
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dashboard.ingest.kinds import KINDS, normalize_header

SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 4 << 20
MAX_PENDING = 16 << 20
MAX_LINE_BYTES = 8 << 20  # a longer row is refused (DuckDB's max_line_size)
INVALID_UTF8 = b"\xff"  # marks a line the reader must refuse (it is never valid UTF-8)
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

    A sample that is not valid UTF-8 but whose non-ASCII lines are mostly UTF-8 Chinese text
    is a UTF-8 file with some lines in another encoding: it is read as UTF-8, and the reader
    refuses those lines (mixed encodings), rather than turning the UTF-8 lines into mojibake.

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
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and _mostly_utf8(sample):
            return "utf-8"
        return encoding
    raise FileRefused(
        "the file is not text in UTF-8 or GBK/GB18030 (is it a spreadsheet or a zip?)"
    )


# Bytes classed for finding UTF-8 CJK characters (U+3000-U+9FFF, U+FF00-U+FFEF: a lead byte
# E3-E9 or EF, then two continuation bytes 80-BF), where a UTF-8 line may hide in GBK text.
_UTF8_CLASSES = bytes(
    ord("L") if b in range(0xE3, 0xEA) or b == 0xEF else ord("C") if 0x80 <= b < 0xC0 else 46
    for b in range(256)
)


def _chinese_text(ch: str) -> bool:
    o = ord(ch)
    return o < 0x80 or o in (0xA5, 0xB7) or 0x3000 <= o <= 0x9FFF or 0xFF00 <= o <= 0xFFEF


def _utf8_line(line: bytes) -> bool:
    """A line that is UTF-8 Chinese text, not GBK: valid UTF-8 whose non-ASCII characters are
    all CJK (or full-width, or the yuan sign), and not valid GB2312 (common GBK text is)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not any(0x4E00 <= ord(ch) <= 0x9FFF for ch in text) or not all(map(_chinese_text, text)):
        return False
    try:
        line.decode("gb2312")
    except UnicodeDecodeError:
        return True
    return False


def _mostly_utf8(sample: bytes) -> bool:
    utf8 = other = 0
    for line in sample.split(b"\n")[:-1]:  # the last line may be cut
        if line.isascii():
            continue
        if _utf8_line(line):
            utf8 += 1
        else:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                other += 1
    return utf8 > other


def _first_line(text: str) -> str:
    # The header record; a header cell with a quoted line break continues on the next line.
    # Lines end with LF, CRLF or a lone CR (old Mac files; DuckDB's reader accepts all three).
    end = 0
    while True:
        nl = min((i for i in (text.find("\n", end), text.find("\r", end)) if i >= 0), default=-1)
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
    """Write ``path`` as UTF-8 to ``target``, block by block.

    Bytes that are not valid in ``encoding`` (a file cut in the middle of a character) and, in
    a GB18030 file, lines that are UTF-8 text (mixed encodings) are written as invalid UTF-8,
    so DuckDB's reader refuses exactly those rows and imports the rest.
    """
    if encoding == "gb18030":
        _transcode_gb18030(path, target)
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    with path.open("rb") as src, target.open("wb") as dst:
        while block := src.read(BLOCK_BYTES):
            dst.write(decoder.decode(block).encode("utf-8", "surrogateescape"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8", "surrogateescape"))


def _transcode_gb18030(path: Path, target: Path) -> None:
    # GB18030 never uses the byte 0x0A inside a character, so the text splits into lines
    # safely at b"\n"; a line longer than MAX_PENDING is passed on whole (the reader refuses
    # such a long row anyway).
    decoder = codecs.getincrementaldecoder("gb18030")(errors="surrogateescape")

    def put(data: bytes, final: bool = False) -> None:
        dst.write(decoder.decode(data, final=final).encode("utf-8", "surrogateescape"))

    pending = b""
    header = True  # the header line was read from the sample: never marked
    with path.open("rb") as src, target.open("wb") as dst:
        while block := src.read(BLOCK_BYTES):
            data = pending + block
            cut = data.rfind(b"\n") + 1
            if cut == 0 and len(data) < MAX_PENDING:
                pending = data
                continue
            if cut == 0:
                cut = len(data)
            pending = data[cut:]
            done = 0
            for start, end in _utf8_lines(data, cut, skip_first=header):
                put(data[done:start])
                dst.write(INVALID_UTF8 + data[start:end])  # refused by the reader
                done = end
            put(data[done:cut])
            header = False
        put(pending, final=True)


def _utf8_lines(data: bytes, stop: int, skip_first: bool) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``data[:stop]`` that are UTF-8 text, in order."""
    spans: list[tuple[int, int]] = []
    # Where a UTF-8 CJK character may start: bytes classed L (lead) C (continuation) first,
    # since bytes.find is much faster than a regular expression.
    marks = data[:stop].translate(_UTF8_CLASSES)
    pos = marks.find(b"LCC")
    while pos >= 0:
        start = data.rfind(b"\n", 0, pos) + 1
        end = data.find(b"\n", pos, stop)
        end = stop if end < 0 else end
        if (start > 0 or not skip_first) and _utf8_line(data[start:end]):
            spans.append((start, end))
        pos = marks.find(b"LCC", end)
    return spans


def _scan(path: Path, refuse_nul: bool) -> tuple[str, list[tuple[int, int]]]:
    """One pass over the file: its SHA-256 and the (start, end) bytes of every line longer
    than MAX_LINE_BYTES.

    Raises:
        FileRefused: ``refuse_nul`` and the file holds a NUL byte anywhere.
    """
    h = hashlib.sha256()
    offset = line_start = 0
    long_lines: list[tuple[int, int]] = []
    with path.open("rb") as f:
        while block := f.read(BLOCK_BYTES):
            h.update(block)
            if refuse_nul and (at := block.find(b"\x00")) >= 0:
                raise FileRefused(
                    f"the file contains NUL bytes (the first at byte {offset + at:,}): "
                    "it is not a CSV text file"
                )
            # Lines that start and end inside one block are shorter than a block (and than
            # MAX_LINE_BYTES): only the line that ends at the block's first line end counts.
            first = block.find(b"\n")
            if first >= 0:
                if offset + first - line_start > MAX_LINE_BYTES:
                    long_lines.append((line_start, offset + first))
                line_start = offset + block.rfind(b"\n") + 1
            offset += len(block)
    if offset - line_start > MAX_LINE_BYTES:
        long_lines.append((line_start, offset))
    return h.hexdigest(), long_lines


def _cut_long_lines(
    src: Path, long_lines: list[tuple[int, int]], delimiter: str, target: Path
) -> None:
    """Copy ``src`` with the middle of each over-long line left out.

    DuckDB's reader refuses a row over its max_line_size with a reason, but a line of more
    than about 128 MB vanishes without one (DuckDB 2.0). Cut to its first MAX_LINE_BYTES + 1 KB
    and its last 4 KB, every long line still reaches the reader as a row it refuses ("longer
    than 8 MB"). So that the row keeps its fields and the rest of the file its quoting, the
    cut is replaced by the separators it held outside quotes, with a quote closed before them
    and one reopened after them where the cut began or ended inside a quoted field.
    """
    head, tail = MAX_LINE_BYTES + 1024, 4096
    sep = delimiter.encode()
    with src.open("rb") as fin, target.open("wb") as fout:
        pos = 0
        for start, end in long_lines:
            if end - start <= head + tail:
                continue
            _copy(fin, fout, start - pos)
            quoted = _copy(fin, fout, head) % 2 == 1  # inside quotes where the cut begins
            seps, inside = 0, quoted
            left = end - tail - (start + head)
            while left > 0:
                block = fin.read(min(left, BLOCK_BYTES))
                left -= len(block)
                parts = block.split(b'"')
                for i, part in enumerate(parts):
                    if not inside:
                        seps += part.count(sep)
                    if i < len(parts) - 1:
                        inside = not inside
            fout.write((b'"' if quoted else b"") + sep * seps + (b'"' if inside else b""))
            pos = end - tail
        shutil.copyfileobj(fin, fout, BLOCK_BYTES)


def _copy(fin: BinaryIO, fout: BinaryIO, n: int) -> int:
    """Copy ``n`` bytes; the number of quotes among them."""
    quotes = 0
    while n > 0:
        block = fin.read(min(n, BLOCK_BYTES))
        if not block:
            break
        quotes += block.count(b'"')
        fout.write(block)
        n -= len(block)
    return quotes


def open_source(path: Path, workdir: Path, name: str | None = None) -> SourceFile:
    """Read a file's encoding, delimiter and header; transcode it to UTF-8 when needed.

    Args:
        path: the uploaded file.
        workdir: the import's private folder for a transcoded copy.
        name: the name to show (default: the file's name).

    Raises:
        FileRefused: empty, not text (NUL bytes anywhere), no header line, or a header too
            long to be one.
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
    sha256, long_lines = _scan(path, refuse_nul=encoding != "utf-16")
    csv_path = path
    if encoding in ("gb18030", "utf-16"):
        csv_path = workdir / f"{path.stem}.utf8.csv"
        _transcode(path, encoding, csv_path)
        if long_lines:  # where they are in the UTF-8 copy
            long_lines = _scan(csv_path, refuse_nul=False)[1]
    if long_lines:
        cut = workdir / f"{path.stem}.cut.csv"
        _cut_long_lines(csv_path, long_lines, delimiter, cut)
        csv_path = cut
    return SourceFile(
        path=path,
        name=display,
        csv_path=csv_path,
        encoding=encoding,
        delimiter=delimiter,
        headers=[h.replace("\ufeff", "").strip() for h in headers],
        sha256=sha256,
        size=size,
    )
