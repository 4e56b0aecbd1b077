"""Opening an uploaded file: its encoding, its delimiter, its header, its fingerprint.

DuckDB's CSV reader decodes UTF-8 only (and UTF-16/latin-1), while Chinese bank systems write
GBK/GB18030 and Excel writes UTF-8 with a BOM or UTF-16. Files that are not UTF-8 are
transcoded (dashboard/ingest/transcode.py), streamed in blocks, to a UTF-8 copy in the import's
private work folder; everything after that is DuckDB's job.

One pass over the file (``_scan``) takes its fingerprint and sees what DuckDB's reader cannot
take: lines too long for it to refuse with a reason, line ends of more than one kind, blank
lines before a row (the reader skips them, and the rows after them would get lines too low),
and, in a UTF-8 file, GBK lines whose bytes are also valid UTF-8 (mixed encodings). A UTF-8
file is copied only when one of these needs a fix. The file's encoding is what most lines of
its first megabyte are (dashboard/ingest/encodings.py); a line in another encoding is refused,
with its line number, and the rest imported; a file is refused whole only when it is not text
at all.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from dashboard.ingest import encodings
from dashboard.ingest.encodings import GBK, LOOKS_GBK, UTF8
from dashboard.ingest.kinds import KINDS, normalize_header
from dashboard.ingest.transcode import (
    BLOCK_BYTES,
    CR,
    CRLF,
    LF,
    MAX_PENDING,
    Notes,
    Out,
    blank_row,
    copy_marked,
    line_end,
    line_start,
    transcode_gbk,
    transcode_utf16,
)
from dashboard.messages import render

SAMPLE_BYTES = 1 << 20
# The scan reads in blocks that stay in the CPU's cache for its several passes over each (the
# fingerprint, NUL, line ends, blank lines); 4 MB blocks made the scan 10 % slower here.
SCAN_BYTES = 512 << 10
MAX_LINE_BYTES = 8 << 20  # a longer row is refused (DuckDB's max_line_size)
DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
Block = bytes | bytearray  # a block of a file, read into a buffer the next block reuses


class FileRefused(Exception):
    """The file as a whole cannot be imported; ``str(exc)`` says why, for a person.

    Raised as ``FileRefused.coded(code, **values)``, it carries the message code and values
    (dashboard/messages.py) beside the English text, so the app says it in the reader's
    language; a plain ``FileRefused(text)`` has no code and is shown as it is.
    """

    def __init__(
        self, text: str, *, code: str | None = None, values: dict[str, Any] | None = None
    ) -> None:
        super().__init__(text)
        self.code = code
        self.values = dict(values or {})

    @classmethod
    def coded(cls, code: str, **values: Any) -> FileRefused:
        """The refusal of message ``code`` with its values, its text in English."""
        text = render(code, values)
        assert text is not None, code
        return cls(text, code=code, values=values)


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
    # Lines of ``csv_path`` marked for DuckDB to refuse: (byte position, reason key of
    # stage.STRUCTURAL_CODES), for the reasons DuckDB itself cannot give.
    notes: tuple[tuple[int, str], ...] = field(default=())
    # Blank lines of the file that are rows of ``csv_path`` (transcode.blank_row), for stage.py
    # to count as lines and drop.
    blank_lines: int = 0
    # The line (a spreadsheet's row number) of the header: 1 but in a sheet whose first rows
    # are empty (dashboard/ingest/workbook.py); a row's line counts from it.
    header_line: int = 1


def _known_names() -> set[str]:
    names: set[str] = set()
    for kind in KINDS.values():
        for col in kind.columns:
            names.update(normalize_header(n) for n in (col.name, *col.synonyms))
    return names


# In UTF-8, the lead bytes of combining marks (U+0300-036F): GBK text read as UTF-8 shows
# them where no one writes them (GBK 臋虂 reads "ę́"); checked line by line where present.
_GBK_AS_UTF8_BYTES = (b"\xcc", b"\xcd")


def detect_encoding(sample: bytes, whole: bool = False) -> str:
    """The encoding of a file from its first bytes: utf-8, utf-8-sig, utf-16 or gb18030.

    Most of its non-ASCII lines decide (a GBK file with some UTF-8 lines is GBK, and those
    lines are refused one by one); ``whole`` says the sample is the whole file.

    Raises:
        FileRefused: most lines are neither UTF-8 nor GB18030 text.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.isascii():
        return UTF8
    try:
        codecs.getincrementaldecoder(UTF8)().decode(sample, final=whole)
    except UnicodeDecodeError:
        pass
    else:
        if not any(b in sample for b in _GBK_AS_UTF8_BYTES):
            return UTF8
    lines = sample.replace(b"\r", b"\n").split(b"\n")
    # The last line may end in the middle of a character: cut by the sample, or by the end
    # of the file (that row is refused, not the file).
    lines[-1] = _decodable_start(lines[-1])
    utf8, gbk, both, neither = encodings.vote(lines)
    if neither > utf8 + gbk + both:
        raise FileRefused.coded("file.not_text")
    return GBK if gbk > utf8 else UTF8


def _decodable_start(line: bytes) -> bytes:
    """``line`` without a character cut at its end, if that is all that is wrong with it."""
    for enc in (UTF8, GBK):
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            text = decoder.decode(line, final=False)
        except UnicodeDecodeError:
            continue
        return text.encode(enc)
    return line


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


@dataclass
class _Scan:
    sha256: str
    long_lines: list[tuple[int, int]]  # (start, end) bytes of every line over MAX_LINE_BYTES
    make_ends: bytes | None  # line ends mixed: the most common kind, which all become
    kind: bytes | None  # the one kind of line end, if not mixed
    foreign: Notes  # UTF-8 files: (start, reason) of lines in another encoding DuckDB reads
    blank: bool  # a blank line before a row (maybe inside quotes), if not mixed


class _LineEnds:
    """Which kinds of line end (LF, CRLF, CR) a stream of blocks holds."""

    def __init__(self) -> None:
        self.lf = self.crlf = self.cr = False
        self.block_cr = False  # the last block fed holds a CR
        self._carry = False  # a CR at the end of a block: a CRLF if the next starts with LF

    def feed(self, block: Block) -> None:
        if self.mixed:  # known: nothing more to count
            return
        self.block_cr = CR in block
        if self._carry and block.startswith(LF):
            self.crlf, block = True, block[1:]
        elif self._carry:
            self.cr = True
        self._carry = block.endswith(CR)
        if not self.block_cr:  # the common case: memchr speed
            self.lf = self.lf or LF in block
            return
        crlf = block.count(CRLF)
        self.crlf = self.crlf or crlf > 0
        self.cr = self.cr or block.count(CR) - self._carry > crlf
        if not self.lf:
            self.lf = block.count(LF) > crlf

    @property
    def mixed(self) -> bool:
        return self.lf + self.crlf + (self.cr or self._carry) > 1

    @property
    def kind(self) -> bytes | None:
        """The one kind of line end the file has, if it has one."""
        if self.mixed:
            return None
        return CRLF if self.crlf else CR if (self.cr or self._carry) else LF


_ENDS = (0x0A, 0x0D)


class _BlankLines:
    """Whether a blank line comes before a row, in the blocks of a file with one kind of line
    end (mixed ones are copied anyway); blank lines at the end change no row's line.

    Two line ends in a row are found with numpy, in a tenth of the time of ``bytes.find`` of a
    two-byte string (which stops at every line end): 5 against 55 ms on 53 MB. One inside
    quotes counts too: the file is copied for nothing, which is rare and only slower.
    """

    def __init__(self) -> None:
        self.first: int | None = None  # where the first line end that follows another is
        self.text_end = 0  # the end of the last byte that is not a line end
        self._last = 0  # the last byte fed
        # Work arrays, reused: a new one per block costs page faults (more than the compare).
        self._first = np.empty(0, dtype=np.bool_)
        self._both = np.empty(0, dtype=np.bool_)

    def feed(self, block: Block, at: int, cr: bool) -> None:
        """Look at ``block``, at byte ``at`` of the file; ``cr``: it holds a CR."""
        if self.first is None:
            if self._last in _ENDS and block[0] in _ENDS and (self._last, block[0]) != _ENDS[::-1]:
                self.first = at
            else:
                # Of one kind of line end: LF LF, CRLF CRLF (its LF CR) or CR CR.
                pair = b"\r\r" if cr and LF not in block else b"\n\r" if cr else b"\n\n"
                found = self._find(block, pair)
                self.first = None if found < 0 else at + found + 1
        end = len(block)
        while end and block[end - 1] in _ENDS:
            end -= 1
        if end:
            self.text_end = at + end
        self._last = block[-1]

    @property
    def before_a_row(self) -> bool:
        return self.first is not None and self.first < self.text_end

    def _find(self, block: Block, pair: bytes) -> int:
        """Where the two bytes ``pair`` first occur in ``block``, or -1."""
        n = len(block)
        if len(self._first) < n:
            self._first = np.empty(n, dtype=np.bool_)
            self._both = np.empty(n, dtype=np.bool_)
        data = np.frombuffer(block, dtype=np.uint8)
        first, both = self._first[:n], self._both[: n - 1]
        np.equal(data, pair[0], out=first)
        if pair[0] == pair[1]:
            np.logical_and(first[:-1], first[1:], out=both)
        else:
            np.equal(data[1:], pair[1], out=both)
            np.logical_and(first[:-1], both, out=both)
        return int(both.argmax()) if both.any() else -1


def _blocks(f: io.BufferedReader, size: int) -> Iterator[bytearray]:
    """The file in blocks of ``size`` bytes, read into one buffer (a new one per block costs
    page faults, more than the reading); a block holds until the next is read."""
    buf = bytearray(size)
    while n := f.readinto(buf):
        yield buf if n == size else buf[:n]


def _scan(path: Path, refuse_nul: bool, encoding: str) -> _Scan:
    """One pass over the file: its SHA-256, its over-long lines, whether its line ends are
    mixed, whether a blank line comes before a row, and (UTF-8 files) the lines that are GBK
    text although their bytes are UTF-8.

    Raises:
        FileRefused: ``refuse_nul`` and the file holds a NUL byte anywhere.
    """
    h = hashlib.sha256()
    offset = line_start = 0
    long_lines: list[tuple[int, int]] = []
    ends = _LineEnds()
    blanks = _BlankLines()
    foreign: Notes = []
    tail: bytes | None = b""  # UTF-8 files: the line the last block ended in (GBK check)
    with path.open("rb") as f:
        for block in _blocks(f, SCAN_BYTES):
            h.update(block)
            if refuse_nul and (at := block.find(b"\x00")) >= 0:
                raise FileRefused.coded("file.nul_at", byte=f"{offset + at:,}")
            if encoding != "utf-16":  # its CR and LF are two bytes: seen once decoded
                ends.feed(block)
                if not ends.mixed:
                    blanks.feed(block, offset, ends.block_cr)
            # Lines that start and end inside one block are shorter than a block (and than
            # MAX_LINE_BYTES): only the line that ends at the block's first line end counts.
            first = block.find(b"\n")
            if first >= 0:
                if offset + first - line_start > MAX_LINE_BYTES:
                    long_lines.append((line_start, offset + first))
                line_start = offset + block.rfind(b"\n") + 1
            if encoding in (UTF8, "utf-8-sig"):
                tail = _gbk_in_utf8(tail, block, offset, foreign)
            offset += len(block)
    if offset - line_start > MAX_LINE_BYTES:
        long_lines.append((line_start, offset))
    if tail:
        _gbk_in_utf8(tail, b"\n", offset, foreign)
    common = _most_common_end(path) if ends.mixed else None
    blank = blanks.before_a_row and not ends.mixed
    return _Scan(h.hexdigest(), long_lines, common, ends.kind, foreign, blank)


def _most_common_end(path: Path) -> bytes:
    """The most common kind of line end of a file that mixes them (a second pass, rare)."""
    lf = crlf = cr = 0
    carry = False  # the last block ended with a CR
    with path.open("rb") as f:
        while block := f.read(BLOCK_BYTES):
            pair = block.count(CRLF) + (carry and block.startswith(LF))
            crlf += pair
            cr += block.count(CR) + carry - pair - block.endswith(CR)
            lf += block.count(LF) - pair
            carry = block.endswith(CR)
    cr += carry
    return max((lf, LF), (crlf, CRLF), (cr, CR))[1]


def _most_common_in(text: str) -> bytes:
    crlf = text.count("\r\n")
    return max((text.count("\n") - crlf, LF), (crlf, CRLF), (text.count("\r") - crlf, CR))[1]


def _gbk_in_utf8(tail: bytes | None, block: Block, at: int, foreign: Notes) -> bytes | None:
    """Note the whole lines of ``tail + block`` (``block`` starts at byte ``at`` of the file)
    that are GBK text; return the unfinished last line, or None while in a line longer than
    any row (it is refused as too long: not looked at)."""
    if tail is None:
        first = min((i for i in (block.find(b"\n"), block.find(b"\r")) if i >= 0), default=-1)
        if first < 0:
            return None
        block, at, tail = block[first + 1 :], at + first + 1, b""
    rest: Block
    if any(b in block for b in _GBK_AS_UTF8_BYTES) or any(b in tail for b in _GBK_AS_UTF8_BYTES):
        data, at = tail + block, at - len(tail)
        cut = _after_last_line_end(data)
        starts: set[int] = set()
        for byte in _GBK_AS_UTF8_BYTES:
            pos = data.find(byte, 0, cut)
            while pos >= 0:
                start, end = line_start(data, pos), line_end(data, pos)
                if start not in starts and encodings.foreign(data[start:end], UTF8) == LOOKS_GBK:
                    foreign.append((at + start, LOOKS_GBK))
                starts.add(start)
                pos = data.find(byte, end, cut)
        foreign.sort()
        rest = data[cut:]
    else:
        cut = _after_last_line_end(block)
        rest = block[cut:] if cut else tail + block
    return bytes(rest) if len(rest) <= MAX_PENDING else None  # never the reused block


def _after_last_line_end(data: Block) -> int:
    # A CR is looked for after the last LF only: an LF file is not searched twice.
    lf = data.rfind(b"\n")
    return max(lf, data.rfind(b"\r", lf + 1)) + 1


def _cut_long_lines(
    src: Path, long_lines: list[tuple[int, int]], delimiter: str, target: Path
) -> list[tuple[int, int]]:
    """Copy ``src`` with the middle of each over-long line left out; return (where in
    ``src``, bytes fewer in ``target``) of each cut, in order.

    DuckDB's reader refuses a row over its max_line_size with a reason, but a line of more
    than about 128 MB vanishes without one (DuckDB 2.0). Cut to its first MAX_LINE_BYTES + 1 KB
    and its last 4 KB, every long line still reaches the reader as a row it refuses ("longer
    than 8 MB"). So that the row keeps its fields and the rest of the file its quoting, the
    cut is replaced by the separators it held outside quotes, with a quote closed before them
    and one reopened after them where the cut began or ended inside a quoted field.
    """
    head, tail = MAX_LINE_BYTES + 1024, 4096
    sep = delimiter.encode()
    cuts: list[tuple[int, int]] = []
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
            filler = (b'"' if quoted else b"") + sep * seps + (b'"' if inside else b"")
            fout.write(filler)
            cuts.append((start + head, end - tail - (start + head) - len(filler)))
            pos = end - tail
        while block := fin.read(BLOCK_BYTES):
            fout.write(block)
    return cuts


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


def _after_cuts(notes: Notes, cuts: list[tuple[int, int]]) -> Notes:
    """The notes' byte positions once the cuts are made (a note is at a line's start: never
    inside a cut)."""
    out, shift, i = [], 0, 0
    for at, key in notes:
        while i < len(cuts) and cuts[i][0] < at:
            shift += cuts[i][1]
            i += 1
        out.append((at - shift, key))
    return out


def own_name(workdir: Path, suffix: str) -> Path:
    """A new file name of our own in ``workdir``: never derived from the user's file name,
    which may be longer than a file system allows or shared by two files of one import."""
    fd, name = tempfile.mkstemp(suffix=suffix, dir=workdir)
    os.close(fd)
    return Path(name)


@dataclass(frozen=True)
class Header:
    """A file's header as the importer reads it, from its first megabyte only."""

    encoding: str
    delimiter: str
    headers: list[str]  # the header cells, trimmed
    raw_cells: list[str] = field(repr=False)  # as split, before trimming
    sample_text: str = field(repr=False)  # the first megabyte, decoded
    size: int = 0


def read_header(path: Path, name: str | None = None) -> Header:
    """A file's encoding, delimiter and header cells, read from its first megabyte only.

    The same rules as ``open_source`` (which calls it), without scanning or copying the rest
    of the file: for the Data page's mapping step, which needs only the header.

    Raises:
        FileRefused: missing, empty, NUL bytes in the first megabyte (not text), not UTF-8 or
            GBK text, a blank first line, or a first line too long to be a header.
    """
    display = name or path.name
    if not path.is_file():
        raise FileRefused.coded("file.missing", file=display)
    size = path.stat().st_size
    if size == 0:
        raise FileRefused.coded("file.empty")
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in sample:
        raise FileRefused.coded("file.nul")
    encoding = detect_encoding(sample, whole=size <= SAMPLE_BYTES)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    text = text.lstrip("\ufeff")
    header_line = _first_line(text)
    if len(header_line) == len(text) and size > SAMPLE_BYTES:
        raise FileRefused.coded("file.header_too_long")
    header_line = header_line.rstrip("\r")
    if not header_line.strip():
        raise FileRefused.coded("file.header_blank")
    delimiter, cells = choose_delimiter(header_line)
    return Header(
        encoding=encoding,
        delimiter=delimiter,
        headers=[h.replace("\ufeff", "").strip() for h in cells],
        raw_cells=cells,
        sample_text=text,
        size=size,
    )


def open_source(path: Path, workdir: Path, name: str | None = None) -> SourceFile:
    """Read a file's encoding, delimiter and header; transcode it to UTF-8 when needed.

    Args:
        path: the uploaded file.
        workdir: the import's private folder for a transcoded copy.
        name: the name to show (default: the file's name).

    Raises:
        FileRefused: empty, not text (NUL bytes anywhere, or most lines in no encoding we
            read), no header line, or a header too long to be one.
    """
    display = name or path.name
    head = read_header(path, display)
    encoding, delimiter, headers, text, size = (
        head.encoding,
        head.delimiter,
        head.raw_cells,
        head.sample_text,
        head.size,
    )
    utf16 = encoding == "utf-16"
    scan = _scan(path, refuse_nul=not utf16, encoding=encoding)
    csv_path, notes, long_lines, blank_lines = path, [], scan.long_lines, 0
    if encoding in (GBK, "utf-16") or scan.foreign or scan.make_ends or scan.blank:
        csv_path = own_name(workdir, ".utf8.csv")
        with csv_path.open("wb") as f:
            # A UTF-16 file's line ends are seen once decoded: the kind most of its first
            # megabyte has, and any other kind is made that one; its blank lines too.
            ends = _most_common_in(text) if utf16 else scan.make_ends
            if scan.blank:
                ends = ends or scan.kind
            blank = blank_row(delimiter, len(headers)) if ends else None
            out = Out(f, ends=ends, delimiter=delimiter, blank=blank)
            if encoding == GBK:
                transcode_gbk(path, out, scan.kind)
            elif utf16:
                transcode_utf16(path, out)
            else:
                copy_marked(path, out, scan.foreign, skip=len(codecs.BOM_UTF8) * (encoding != UTF8))
        notes, blank_lines = out.notes, out.blank_lines
        if long_lines:  # where they are in the UTF-8 copy
            long_lines = _scan(csv_path, refuse_nul=False, encoding="").long_lines
    if long_lines:
        cut = own_name(workdir, ".cut.csv")
        notes = _after_cuts(notes, _cut_long_lines(csv_path, long_lines, delimiter, cut))
        csv_path = cut
    return SourceFile(
        path=path,
        name=display,
        csv_path=csv_path,
        encoding=encoding,
        delimiter=delimiter,
        headers=head.headers,
        sha256=scan.sha256,
        size=size,
        notes=tuple(notes),
        blank_lines=blank_lines,
    )
