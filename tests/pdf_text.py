"""The text of the PDFs the statements write, read back without a PDF library.

fpdf2 writes each text run as a string in the page's content stream: with an embedded TrueType
or OpenType font (the CJK statements) as two-byte glyph ids that the font's ToUnicode map turns
back into characters, with a core font (Helvetica) as Latin-1 bytes. This reads exactly that
much of the PDF format (objects, Flate streams, ToUnicode bfchar/bfrange maps, ``Tf`` and
``Tj``/``TJ``), so a test can assert what a reader of the printed statement sees, independently
of the code that wrote it. ``pdftotext`` (poppler-utils) is used by a test as a cross-check
when it is installed.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes:
    m = _STREAM.search(body)
    if m is None:
        return b""
    raw = m.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body[: m.start()] else raw


def _cmap(text: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for i, cid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[cid] = chr(start + i)
    return out


def _literal(data: bytes, i: int) -> tuple[bytes, int]:
    """The PDF literal string starting after the "(" at ``i``, and the index after its ")"."""
    out, depth = bytearray(), 1
    while i < len(data):
        ch = data[i : i + 1]
        if ch == b"\\":
            nxt = data[i + 1 : i + 2]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
            elif nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4])
                assert digits is not None
                out.append(int(digits.group(0), 8) & 0xFF)
                i += 1 + len(digits.group(0))
            elif nxt in (b"\r", b"\n"):  # a line continuation
                i += 2
            else:
                out += nxt
                i += 2
            continue
        if ch == b"(":
            depth += 1
        elif ch == b")":
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out += ch
        i += 1
    raise ValueError("unterminated PDF string")


_TF = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf")


def _runs(content: bytes, fonts: dict[bytes, dict[int, str] | None]) -> list[str]:
    """The text of a content stream: one line per text object (BT ... ET), its strings each
    decoded with the font set before it."""
    lines: list[str] = []
    line: list[str] = []
    font: dict[int, str] | None = None
    parts: list[bytes] = []
    i = 0
    while i < len(content):
        m = _TF.match(content, i)
        if m:
            font = fonts.get(m.group(1))
            i = m.end()
        elif content[i : i + 1] == b"(":
            text, i = _literal(content, i + 1)
            parts.append(text)
        elif content.startswith((b"Tj", b"TJ"), i):
            raw = b"".join(parts)
            if font is None:
                line.append(raw.decode("latin-1"))
            else:
                cids = [int.from_bytes(raw[j : j + 2], "big") for j in range(0, len(raw), 2)]
                line.append("".join(font.get(c, "\ufffd") for c in cids))
            parts = []
            i += 2
        elif content.startswith(b"ET", i) and content[i + 2 : i + 3] in (b"", b"\n", b" "):
            if line:
                lines.append("".join(line))
            line = []
            i += 2
        else:
            i += 1
    return lines


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF written by fpdf2: one line per text object."""
    objs = {int(n): body for n, body in _OBJ.findall(data)}
    maps: dict[int, dict[int, str] | None] = {}
    for n, body in objs.items():
        if b"/Type /Font" in body:
            ref = re.search(rb"/ToUnicode (\d+) 0 R", body)
            maps[n] = _cmap(_stream(objs[int(ref.group(1))])) if ref else None
    pages = []
    for body in objs.values():
        if not re.search(rb"/Type /Page\b(?!s)", body):
            continue
        res = re.search(rb"/Resources (\d+) 0 R", body)
        resources = objs[int(res.group(1))] if res else body
        fonts = {
            name: maps.get(int(ref)) for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", resources)
        }
        contents = re.search(rb"/Contents (\d+) 0 R", body)
        assert contents is not None
        pages.append("\n".join(_runs(_stream(objs[int(contents.group(1))]), fonts)))
    return pages
