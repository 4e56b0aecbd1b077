"""Writing the UTF-8 text DuckDB's CSV reader reads, block by block, never the whole file.

A GBK/GB18030 or UTF-16 file is transcoded; a UTF-8 file is copied only when it needs a fix.
On the way, a line that is not text of the file's encoding is marked for DuckDB to refuse (it
is prefixed with a byte that is never valid UTF-8, so DuckDB refuses that row and reads the
rest) and the reason is noted with the line's byte position, for the rejects; and, when the
file mixes line ends, every line end outside quoted fields becomes the kind most of them are
(DuckDB 2.0's reader fails on a blank CRLF line after LF line ends, a stray CR, one LF row in
a CRLF file).

DuckDB's reader also skips blank lines without a trace, so the rows after one would be numbered
too low (a spreadsheet shows a blank line as a row). When a file has blank lines before its
last row, each blank line outside quotes becomes a row of its own (``blank_row``: a NUL, then
empty fields) that stage.py counts as a line and drops. No text of ours holds a NUL: a UTF-8
or GBK file with one is refused whole, and a UTF-16 line with one is refused here.

The common path is block-wide: a GBK block is decoded in one call, and only lines that
``bytes.find`` flags in a translated copy of the block (byte classes) are looked at one by one.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import BinaryIO

from dashboard.ingest import encodings
from dashboard.ingest.encodings import CUT_CHARACTER, GBK, HALF_CHARACTER, NUL_CHARACTER, UTF8

BLOCK_BYTES = 4 << 20
MAX_PENDING = 16 << 20  # a longer line is passed on whole (the reader refuses it as too long)
INVALID_UTF8 = b"\xff"  # marks a line the reader must refuse (it is never valid UTF-8)
BLANK_MARK = "\x00"  # the first field of the row that stands for a blank line

Notes = list[tuple[int, str]]  # (byte position of a refused line in the output, reason key)


LF, CRLF, CR = b"\n", b"\r\n", b"\r"
# Line ends that are not of a file's own kind, by that kind.
_OTHER_ENDS = {
    LF: re.compile(b"\r\n?"),
    CRLF: re.compile(b"(?<!\r)\n|\r(?!\n)"),
    CR: re.compile(b"\r?\n"),
}


def blank_row(delimiter: str, columns: int) -> bytes:
    """The row that stands for a blank line in a file of ``columns`` columns."""
    return (BLANK_MARK + delimiter * (columns - 1)).encode()


class Out:
    """The UTF-8 text DuckDB reads, written in order; refused lines marked and noted.

    With ``ends`` set (LF, CRLF or CR: the file's most common kind), every other line end
    outside quoted fields becomes that kind, and with ``blank`` set (``blank_row``), every
    blank line outside quoted fields holds that row. The work is per line end changed, not
    per row: a block holding none is written as it is; whether a line end is inside quotes
    comes from the parity of the quotes before it (counted with ``bytes.count``), where a
    quote inside an unquoted field (12"x) does not count: DuckDB reads it as a character.
    """

    def __init__(
        self, f: BinaryIO, *, ends: bytes | None, delimiter: str, blank: bytes | None = None
    ) -> None:
        assert blank is None or ends is not None, "blank lines are found with the line ends"
        self.f, self.ends, self.blank, self.pos = f, ends, blank, 0
        self.notes: Notes = []
        self.blank_lines = 0  # blank lines that got a row
        self._quoted = False  # inside a quoted field where the text written so far ends
        self._before = b"\n"  # the byte before what comes next
        self._ended = False  # what was written so far ends with a line end
        self._held = b""  # a last CR or quote, until the next byte is known
        self._classes = bytes(
            ord("q") if c == 0x22 else ord("b") if c in (0x0A, 0x0D, ord(delimiter)) else ord("x")
            for c in range(256)
        )

    def write(self, data: bytes) -> None:
        if self.ends is None:
            self.f.write(data)
            self.pos += len(data)
        elif data:
            self._put(self._held + data, final=False)

    def mark(self, key: str | None) -> None:
        """Mark the line that starts here for DuckDB to refuse; note why (None: its own
        INVALID ENCODING reason)."""
        self.close()
        if key is not None:
            self.notes.append((self.pos, key))
        self.write(INVALID_UTF8)

    def close(self) -> None:
        if self._held:
            self._put(self._held, final=True)

    def _put(self, data: bytes, final: bool) -> None:
        assert self.ends is not None
        self._held = b""
        if not final and data[-1:] in (b"\r", b'"'):
            data, self._held = data[:-1], data[-1:]
        if not data:
            return
        fixes = self._other_ends(data)
        if self.blank is not None and (blanks := self._blank_lines(data)):
            fixes = sorted(fixes + blanks)  # a blank row goes before the line end it ends
        quoted = b'"' in data
        # The quotes before each place: counted from the place before, so that a block is
        # read once; a quote between two other characters (12"x) is not one (q: a quote, b:
        # a separator or line end, x: anything else; from the byte before the block). A line
        # end is b: never inside such a pattern, so counts split at it add up.
        marks = b""
        if quoted:
            marks = self._classes[self._before[0]].to_bytes() + data.translate(self._classes)
            after = self._held or (b"\n" if final else b"x")  # x: no quote ends ``data``
            marks += self._classes[after[0]].to_bytes()
        out: list[bytes] = []
        done = at = 0
        parity = self._quoted
        for start, end in fixes:
            if quoted:
                parity ^= self._quotes(data, marks, at, start)
                at = start
            if not parity:
                if start == end:  # a blank line
                    assert self.blank is not None
                    out += [data[done:start], self.blank]
                    self.blank_lines += 1
                else:
                    out += [data[done:start], self.ends]
                done = end
        if quoted:
            self._quoted = parity ^ self._quotes(data, marks, at, len(data))
        out.append(data[done:])
        text = b"".join(out)
        self.f.write(text)
        self.pos += len(text)
        self._before = data[-1:]
        self._ended = self._before in (b"\n", b"\r")

    @staticmethod
    def _quotes(data: bytes, marks: bytes, start: int, end: int) -> bool:
        """Whether ``data[start:end]`` holds an odd number of quotes that count."""
        quotes = data.count(b'"', start, end)
        between = marks.count(b"xq", start, end + 1)  # marks[i + 1] is data[i]'s class
        between -= marks.count(b"xqq", start, end + 2) + marks.count(b"xqb", start, end + 2)
        return (quotes - between) % 2 == 1

    def _blank_lines(self, data: bytes) -> list[tuple[int, int]]:
        """Where in ``data`` a line end follows another: (at, at), the place for a blank row.

        A CR then an LF is one line end; what was written before counts (a CR at the end of
        a write is held back until the next byte is known).
        """
        found = [(0, 0)] if self._ended and data[:1] in (b"\n", b"\r") else []
        for pair in (b"\n\n", b"\n\r", b"\r\r") if b"\r" in data else (b"\n\n",):
            at = data.find(pair)
            while at >= 0:
                found.append((at + 1, at + 1))
                at = data.find(pair, at + 1)
        return found

    def _other_ends(self, data: bytes) -> list[tuple[int, int]]:
        ends = self.ends
        if ends == LF and b"\r" not in data:
            return []
        if ends == CR and b"\n" not in data:
            return []
        if ends == CRLF and data.count(b"\r") == data.count(b"\n") == data.count(CRLF):
            return []
        assert ends is not None
        return [m.span() for m in _OTHER_ENDS[ends].finditer(data)]


def line_start(data: bytes, pos: int) -> int:
    """Where the line holding ``data[pos]`` starts (line ends: LF, CRLF, CR)."""
    lo = pos
    while True:  # a window that doubles: lines are short, and a file may have no LF (or CR)
        lo = max(0, lo - max(pos - lo, 256))
        i = max(data.rfind(b"\n", lo, pos), data.rfind(b"\r", lo, pos))
        if i >= 0 or lo == 0:
            return i + 1


def line_end(data: bytes, pos: int) -> int:
    """Where the line holding ``data[pos]`` ends (its line end excluded)."""
    hi = pos
    while True:
        hi = min(len(data), hi + max(hi - pos, 256))
        ends = [i for i in (data.find(b"\n", pos, hi), data.find(b"\r", pos, hi)) if i >= 0]
        if ends or hi == len(data):
            return min(ends, default=len(data))


def _last_line_end(data: bytes) -> int:
    return max(data.rfind(b"\n"), data.rfind(b"\r"))


# Byte classes for finding, with bytes.find, where UTF-8 may hide in GBK text: "c" 80-A0 (in
# no GB2312 character: a GBK extension character, or UTF-8: most UTF-8 text has such a byte),
# "C" A1-BF, "Q" C2 (¥, £), "Y" C3-C9 (Latin letters), "L" E4-E9 and EF (CJK, full-width forms),
# "a" ASCII letters, "d" digits, "s" other ASCII.
def _gbk_class(b: int) -> int:
    for low, high, mark in (
        (0x80, 0xA0, "c"), (0xA1, 0xBF, "C"), (0xC2, 0xC2, "Q"), (0xC3, 0xC9, "Y"),
        (0xE4, 0xE9, "L"), (0xEF, 0xEF, "L"), (0x30, 0x39, "d"), (0x41, 0x5A, "a"),
        (0x61, 0x7A, "a"), (0x00, 0x7F, "s"),
    ):  # fmt: skip
        if low <= b <= high:
            return ord(mark)
    return ord(".")


_GBK_CLASSES = bytes(_gbk_class(b) for b in range(256))
# Not GB2312; a CJK character in UTF-8; an accented letter after an ASCII letter (José); a yen
# or pound sign starting a number. Lines found are decided by encodings.foreign.
_GBK_SUSPECTS = (b"c", b"LCC", b"aYC", b"sQCd")


def _gbk_suspects(chunk: bytes, kind: bytes | None) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``chunk`` that may be UTF-8 text, in order; ``kind``:
    the file's one kind of line end (None: mixed)."""
    marks = chunk.translate(_GBK_CLASSES)
    found: dict[int, int] = {}
    before, after = {LF: (LF, LF), CRLF: (LF, CR), CR: (CR, CR)}.get(kind or b"", (b"", b""))
    for pattern in _GBK_SUSPECTS:
        pos = marks.find(pattern)
        while pos >= 0:
            if before:  # one kind of line end: the cheapest
                start = chunk.rfind(before, 0, pos) + 1
                end = chunk.find(after, pos)
                end = len(chunk) if end < 0 else end
            else:
                start, end = line_start(chunk, pos), line_end(chunk, pos)
            found[start] = end
            pos = marks.find(pattern, end)
    return sorted(found.items())


def _gbk_refusal(line: bytes, last: bool) -> tuple[bool, str | None]:
    """Whether a line of a GBK file is refused, and why (a reason key, or None for DuckDB's
    own: not valid text)."""
    key = encodings.foreign(line, GBK)
    if key == GBK:  # valid in neither encoding
        return True, CUT_CHARACTER if last and _decodes_but_the_end(line) else None
    return key is not None, key


def _decodes_but_the_end(line: bytes) -> bool:
    try:
        codecs.getincrementaldecoder(GBK)().decode(line, final=False)
    except UnicodeDecodeError:
        return False
    return True


class _GbkLines:
    """GBK text to UTF-8, a chunk of whole lines at a time."""

    def __init__(self, out: Out, kind: bytes | None) -> None:
        self.out, self.kind = out, kind
        self.header = True  # the header line is never refused (it was read from the sample)

    def chunk(self, chunk: bytes, final: bool = False) -> None:
        done = 0
        for start, end in _gbk_suspects(chunk, self.kind):
            line = chunk[start:end]
            if (start == 0 and self.header) or encodings.decode(line, UTF8) is None:
                continue  # not UTF-8: GBK, or refused when the chunk is decoded
            refuse, key = _gbk_refusal(line, final and end == len(chunk))
            if refuse:
                self._decode(chunk[done:start], final=False)
                self.out.mark(key)
                self.out.write(line)
                done = end
        self._decode(chunk[done:], final)
        self.header = False

    def _decode(self, seg: bytes, final: bool) -> None:
        while seg:
            try:
                self.out.write(seg.decode(GBK).encode())
                self.header = False
                return
            except UnicodeDecodeError as exc:
                start, end = line_start(seg, exc.start), line_end(seg, exc.start)
            # GB18030 never uses the bytes of CR and LF inside a character: lines split safely.
            self.out.write(seg[:start].decode(GBK).encode())
            line = seg[start:end]
            if start == 0 and self.header:
                self.out.write(line.decode(GBK, errors="replace").encode())
            else:
                self.out.mark(_gbk_refusal(line, final and end == len(seg))[1])
                self.out.write(line)
            self.header = False
            seg = seg[end:]


def transcode_gbk(path: Path, out: Out, kind: bytes | None = None) -> None:
    """Write the GBK/GB18030 file ``path`` as UTF-8; lines that are UTF-8 text (mixed
    encodings) or not text (a character cut off) are refused. ``kind``: the file's one kind
    of line end, if it has one."""
    lines = _GbkLines(out, kind)
    pending = b""
    with path.open("rb") as src:
        while block := src.read(BLOCK_BYTES):
            data = pending + block
            cut = _last_line_end(data) + 1
            if cut == 0 and len(data) < MAX_PENDING:
                pending = data
                continue
            if cut == 0:
                cut = len(data)
            pending = data[cut:]
            lines.chunk(data[:cut])
        lines.chunk(pending, final=True)
    out.close()


# UTF-16 decoding errors become one of two private marks (lone surrogates never come out of
# a valid decoding), then the lines holding them are refused.
_CUT, _HALF = "\udc01", "\udc02"


def _utf16_error(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    at_end = exc.reason in ("truncated data", "unexpected end of data")
    return (_CUT if at_end else _HALF), exc.end


codecs.register_error("dashboard-utf16", _utf16_error)


def transcode_utf16(path: Path, out: Out) -> None:
    """Write the UTF-16 file ``path`` (with its BOM) as UTF-8; a line holding half of a
    character (an odd last byte, a lone surrogate) or a NUL is refused."""
    decoder = codecs.getincrementaldecoder("utf-16")(errors="dashboard-utf16")
    pending, header = "", True
    with path.open("rb") as src:
        while True:
            block = src.read(BLOCK_BYTES)
            text = pending + decoder.decode(block, final=not block)
            cut = max(text.rfind("\n"), text.rfind("\r")) + 1 if block else len(text)
            if cut == 0 and len(text) > MAX_PENDING:
                cut = len(text)
            pending = text[cut:]
            _utf16_lines(text[:cut], out, header)
            header = False
            if not block:
                break
    out.close()


def _utf16_lines(text: str, out: Out, header: bool) -> None:
    done = 0
    while (at := _first_mark(text, done)) >= 0:
        start = max(text.rfind("\n", done, at), text.rfind("\r", done, at), done - 1) + 1
        nl = text.find("\n", at)
        nl = len(text) if nl < 0 else nl
        cr = text.find("\r", at, nl)
        end = nl if cr < 0 else cr
        out.write(text[done:start].encode())
        line = text[start:end]
        if not (header and start == 0):
            half = HALF_CHARACTER if _HALF in line else NUL_CHARACTER
            out.mark(CUT_CHARACTER if _CUT in line else half)
        out.write(line.encode("utf-8", errors="replace"))
        done = end
    out.write(text[done:].encode())


def _first_mark(text: str, start: int) -> int:
    marks = (text.find(_CUT, start), text.find(_HALF, start), text.find("\x00", start))
    found = [i for i in marks if i >= 0]
    return min(found, default=-1)


def copy_marked(path: Path, out: Out, marks: Notes, skip: int = 0) -> None:
    """Copy the UTF-8 file ``path`` from byte ``skip`` (past a BOM), refusing the lines that
    start at the byte positions of ``marks`` with their reasons."""
    with path.open("rb") as src:
        src.seek(skip)
        pos = skip
        for at, key in marks:
            _copy(src, out, at - pos)
            out.mark(key)
            pos = at
        while block := src.read(BLOCK_BYTES):
            out.write(block)
    out.close()


def _copy(src: BinaryIO, out: Out, n: int) -> None:
    while n > 0 and (block := src.read(min(n, BLOCK_BYTES))):
        out.write(block)
        n -= len(block)
