"""Which encoding a line is in, when one file mixes UTF-8 and GBK/GB18030.

A file's encoding is what most of its lines are; a line in the other encoding is refused, never
stored as mojibake. Most such lines are invalid in the file's encoding, but many byte strings
are valid in both: the UTF-8 bytes of "Müller José" read as GBK "M眉ller Jos茅", and the GBK
bytes of "臋虂" read as UTF-8 "ę́". Such a line is decided by which reading is plausible text:

- in a GBK file, a line is UTF-8 when its UTF-8 reading is plausible and something only UTF-8
  explains: CJK or punctuation (3-byte UTF-8) whose GBK reading leaves GB2312 (the common
  hanzi: genuine GBK text is almost all GB2312); an accented Latin letter in a word shaped like
  a Latin word (José, Müller, Łódź); three Greek, Cyrillic, Hebrew or Arabic letters in a row; a
  yen or pound sign starting a number;
- in a UTF-8 file, a line is GBK when its UTF-8 reading is implausible (a C1 control, a
  combining mark on a letter that has its accent already, letters of two scripts in one word)
  and its GBK reading is Chinese text.

What cannot be told apart is read as the file's encoding: a UTF-8 Chinese word that is also
valid GB2312 (measured: 3 % of two-character words, 0.1 % of four-character ones), a small
letter word ending in an accent (café) in a GBK file. Genuine GBK text is never refused:
tested on every GB2312 hanzi in random names and addresses (tests/reliability).
"""

from __future__ import annotations

import re
import unicodedata

UTF8 = "utf-8"
GBK = "gb18030"

# Keys of the reasons stage.py gives refused rows (STRUCTURAL_CODES), noted per line.
LOOKS_UTF8 = "LOOKS LIKE UTF-8"
LOOKS_GBK = "LOOKS LIKE GBK"
CUT_CHARACTER = "CUT CHARACTER"
HALF_CHARACTER = "HALF CHARACTER"
NUL_CHARACTER = "NUL CHARACTER"


def decode(line: bytes, encoding: str) -> str | None:
    """``line`` decoded strictly, or None."""
    try:
        return line.decode(encoding)
    except UnicodeDecodeError:
        return None


def _latin_letters(upper: bool) -> str:
    return "".join(
        c
        for c in map(chr, [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)])
        if c.isalpha() and (c.isupper() if upper else c.islower())
    )


_LOWER, _UPPER = _latin_letters(False), _latin_letters(True)
_LATIN_RUN = re.compile(f"[A-Za-z{_LOWER}{_UPPER}]{{3,}}")


def _latin_word(text: str) -> bool:
    """An accented Latin letter in a word that also holds ASCII letters and is shaped like one:
    capitalised (José, Łódź), in capitals (MÜLLER), or in small letters with the accent not
    last (müller). Not an ASCII word glued to a hanzi, common in Chinese text (B座, IBM中国,
    vivo手机): GBK "vivo茅" reads "vivoé", "IBM茅" "IBMé"."""
    for match in _LATIN_RUN.finditer(text):
        word = match.group()
        if word.isascii() or not any(c.isascii() for c in word):
            continue
        if word[0].isupper() and (word[1:].islower() or word.isupper()):
            return True
        if word.islower() and not word[-1].isascii() and word[:-1].isascii():
            continue
        if word.islower():
            return True
    return False


_ALPHABET_WORD = re.compile(
    "[\u0386-\u03ce]{3}|[\u0400-\u045f]{3}|[\u05d0-\u05ea]{3}|[\u0620-\u064a\u066e-\u06d3]{3}"
)
_CURRENCY = re.compile("(?<![0-9A-Za-z])[\u00a3\u00a5][0-9]")
_CHINESE = re.compile(
    "[^\x00-\x7f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TWO_BYTE = re.compile("[\x80-\u07ff]")  # every character implausible_utf8 looks for
_THREE_BYTE = re.compile("[\u0800-\U0010ffff]")

# Scripts whose letters never meet inside one word (by Unicode block).
_SCRIPTS = (
    (0x00C0, 0x02AF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0700, 0x074F, "Syriac"),
    (0x0750, 0x077F, "Arabic"),
    (0x0780, 0x07BF, "Thaana"),
    (0x07C0, 0x07FF, "NKo"),
    (0x1E00, 0x1EFF, "Latin"),
)


def _script(ch: str) -> str | None:
    o = ord(ch)
    if not ch.isalpha():
        return None
    for low, high, name in _SCRIPTS:
        if low <= o <= high:
            return name
    return None


def _accented(ch: str) -> bool:
    decomposition = unicodedata.decomposition(ch)
    return bool(decomposition) and not decomposition.startswith("<")


def implausible_utf8(text: str) -> bool:
    """Text no one writes, but GBK bytes read as UTF-8 do: a C1 control character, a combining
    mark on a letter that has its accent already (ę́: GBK 臋虂) or on no letter at all, letters
    of two scripts side by side in one word (Latin and Cyrillic, Greek and Arabic, ...)."""
    if not _TWO_BYTE.search(text):
        return False
    prev, script_before = " ", None
    for ch in text:
        if ch < "\x80":
            prev, script_before = ch, None
            continue
        if ch <= "\x9f":
            return True
        if unicodedata.combining(ch):
            if not (prev.isalpha() or unicodedata.combining(prev)) or _accented(prev):
                return True
            prev = ch
            continue
        script = _script(ch)
        if script and script_before and script != script_before:
            return True
        prev, script_before = ch, script
    return False


def _gb2312(line: bytes) -> bool:
    return decode(line, "gb2312") is not None


def utf8_in_gbk(line: bytes, as_utf8: str) -> bool:
    """Whether a line of a GBK file that is valid in both encodings is really UTF-8."""
    if implausible_utf8(as_utf8):
        return False
    if _THREE_BYTE.search(as_utf8) and not _gb2312(line):
        return True
    return bool(_latin_word(as_utf8) or _ALPHABET_WORD.search(as_utf8) or _CURRENCY.search(as_utf8))


def gbk_in_utf8(as_utf8: str, as_gbk: str) -> bool:
    """Whether a line of a UTF-8 file that is valid in both encodings is really GBK."""
    return (
        implausible_utf8(as_utf8)
        and _CHINESE.search(as_gbk) is None
        and _IDEOGRAPH.search(as_gbk) is not None
    )


def foreign(line: bytes, encoding: str) -> str | None:
    """Why ``line`` of a file in ``encoding`` (UTF8 or GBK) is refused, or None if it is not.

    Returns LOOKS_UTF8 or LOOKS_GBK for a line in the other encoding, the encoding itself for
    a line valid in neither (a cut or corrupt character).
    """
    if line.isascii():
        return None
    as_utf8, as_gbk = decode(line, UTF8), decode(line, GBK)
    if encoding == GBK:
        if as_gbk is None:
            return GBK if as_utf8 is None else LOOKS_UTF8
        return LOOKS_UTF8 if as_utf8 is not None and utf8_in_gbk(line, as_utf8) else None
    if as_utf8 is None:
        return UTF8 if as_gbk is None else LOOKS_GBK
    return LOOKS_GBK if as_gbk is not None and gbk_in_utf8(as_utf8, as_gbk) else None


def vote(lines: list[bytes]) -> tuple[int, int, int, int]:
    """How many of ``lines`` are UTF-8, GBK, plausible in both, in neither (ASCII: none)."""
    utf8 = gbk = both = neither = 0
    for line in lines:
        if line.isascii():
            continue
        as_utf8, as_gbk = decode(line, UTF8), decode(line, GBK)
        if as_utf8 is None and as_gbk is None:
            neither += 1
        elif as_gbk is None or (as_utf8 is not None and utf8_in_gbk(line, as_utf8)):
            utf8 += 1
        elif as_utf8 is None or gbk_in_utf8(as_utf8, as_gbk):
            gbk += 1
        else:
            both += 1
    return utf8, gbk, both, neither
