"""The one way a page shows text that comes from data or a user: as text, never as markup.

Streamlit renders markdown almost everywhere: ``st.markdown``, captions, alerts, titles,
every widget, expander and popover label, progress texts, help tooltips, radio and
segmented-control options. A value pasted into such a text is markdown as well: an upload
named ``![px](http://host/px.png) x.csv`` makes every viewer's browser fetch that address,
``[Session expired](http://host/login)`` draws a link. And Plotly draws its own pseudo-HTML
(``<a href>`` is a live link) in chart titles, ticks and legends. So file names, agent and team
names, notes, reasons, plan rules, header cells, approvers and messages that quote a value
reach a page only through this module:

- ``t(key, **fields)``: a catalogue text with every field escaped (the usual way);
- ``md(value)``: one value escaped, to put into markdown of our own;
- ``label(prefix, value)``: a data value translated when the catalogue knows it, else escaped;
- ``bullets(items)``, ``table(header, rows)``, ``code(value)``: a list, a table, inline code;
- ``svg(value)``: a value for a Plotly text (escaped as HTML, which Plotly decodes for display);
- ``short(value)``: a long name cut for display (the whole name stays in tables and the log).

tests/reliability/test_app_defects.py checks the code (no markdown-rendering call gets anything
but catalogue text or the output of this module), the app (hostile values reach Streamlit only
escaped) and a real browser (no request, no link, the value shown as typed).

How ``md`` escapes, checked in Chromium against Streamlit 1.67's renderer:

- a backslash (CommonMark's escape) before every character that starts a construct wherever
  it stands (``\\ ` * [ ] < > $ & | ~ :``), before ``_`` where it can open or close emphasis
  (not inside snake_case) and before what starts a block at the beginning of a line (``- + # =``,
  the dot of ``1.``): no emphasis, code, link, image, ``<autolink>``, HTML, entity, heading,
  list, quote, table, footnote, LaTeX (``$``), directive (``:red[...]``, ``:help[...]``) or
  ``:material/...:`` icon can start. Dates, times, ids and ``my_plans.yaml`` stay as they are;
- Streamlit rewrites *text* after parsing too, where the backslashes are gone: GFM autolink
  literals (``http://``, ``www.``, ``a@b.c``), ``:material_name:`` icons, ``:streamlit:``,
  emoji shortcodes, typographic symbols (``->`` to an arrow). A WORD JOINER (U+2060, invisible
  and zero-width) after a ``:`` that opens such a name (a letter, ``/``, an emoji name: not
  the ``:44`` of a time) and after ``@``, inside ``www.`` and between the characters of
  ``<- -> <-> -- >= <= ~=`` breaks those patterns and leaves what a person reads as it was;
- white space runs (line breaks included) become one space: no code block, no new paragraph.
  ``md(value, lines=True)`` keeps line breaks, as hard breaks (a list of problems).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from dashboard.ui.i18n import label as _label
from dashboard.ui.i18n import t as _t

WORD_JOINER = "\u2060"
_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")  # \s covers line and paragraph separators
# Where Streamlit's text rewrites would match: a joiner goes in between.
_JOIN = re.compile(
    r"(?<=:)(?=[A-Za-z/])"  # :material_x: :streamlit: http:// mailto:
    r"|(?<=:)(?=(?=[\w+-]*[A-Za-z+-])[\w+-]+(?::|$)|(?:100|1234)(?::|$))"  # :+1: :8ball: :100:
    r"|(?<=@)(?=\S)"  # e-mail autolinks
    r"|(?i:(?<=www)(?=\.))"  # www. autolinks
    r"|(?<=[<>~=\-])(?=[<>~=\-])"  # -> <- <-> -- >= <= ~= (typographic symbols)
)
# Characters that start an inline construct anywhere; "_" only where it can open or close
# emphasis (not between two letters or digits, as in snake_case).
_INLINE = re.compile(r"([\\`*\[\]<>$&|~:])|(?<![^\W_])_|_(?![^\W_])")
# Characters that start a block at the beginning of a line: - + # = > (list, heading, setext,
# quote) and the dot or parenthesis of an ordered list ("1. ", "2) ").
_BLOCK = re.compile(r"^( ?)(?:([-+#=])|(\d+)([.)]))")
_EDGE = "<>~=-"
SHORT = 120


def _block(m: re.Match[str]) -> str:
    return f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}"


def _line(text: str) -> str:
    flat = _SPACE.sub(" ", text)
    out = _JOIN.sub(WORD_JOINER, flat)
    out = _INLINE.sub(lambda m: "\\" + m.group(0), out)
    out = _BLOCK.sub(_block, out)
    # a symbol at an edge could pair with our own text around the value
    if flat[:1] and flat[0] in _EDGE:
        out = WORD_JOINER + out
    if flat[-1:] and flat[-1] in _EDGE:
        out += WORD_JOINER
    return out


def md(value: Any, *, lines: bool = False) -> str:
    """``value`` as markdown that Streamlit shows as exactly that text (see the module doc).

    Args:
        value: anything; ``None`` shows as an en dash, like a missing table cell.
        lines: keep line breaks (as hard breaks) instead of joining the lines with spaces.
    """
    if value is None:
        return "–"
    text = str(value)
    if not lines:
        return _line(text)
    return "  \n".join(_line(part) for part in text.splitlines())


def t(key: str, **fields: Any) -> str:
    """The catalogue text for ``key`` (the session's language) with every field escaped; a
    field's line breaks are kept."""
    return _t(key, **{k: md(v, lines=True) for k, v in fields.items()})


def label(prefix: str, value: Any) -> str:
    """A data value translated when the catalogue knows it (``i18n.label``), escaped."""
    return md(_label(prefix, value))


def bullets(items: Iterable[Any]) -> str:
    """A markdown list, each item shown as text."""
    return "\n".join(f"- {md(item)}" for item in items)


def table(header: Sequence[Any], rows: Iterable[Sequence[Any]], align: Sequence[str]) -> str:
    """A markdown table, every cell shown as text; ``align`` per column: "---", "---:", ..."""
    lines = [header, *rows]
    out = ["| " + " | ".join(md(c) for c in cells) + " |" for cells in lines]
    out.insert(1, "|" + "|".join(align) + "|")
    return "\n".join(out)


def code(value: Any) -> str:
    """``value`` as inline code (monospace): a code span shows its content as is, so only its
    fence must be longer than any run of backticks inside."""
    text = _SPACE.sub(" ", "" if value is None else str(value))
    if not text.strip():
        return md(text)
    # Streamlit turns ":material/" into ":material_" in the raw text, code spans included
    text = text.replace(":material/", ":" + WORD_JOINER + "material/")
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def short(value: Any, limit: int = SHORT) -> str:
    """A long text cut in the middle for display (``head…tail``, the tail keeps an extension)."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    tail = max(limit // 4, 1)
    return text[: limit - tail - 1] + "…" + text[-tail:]


def svg(value: Any) -> str:
    """``value`` for a Plotly text (title, tick, legend, hover): its HTML-like tags escaped;
    Plotly shows the entities as the characters they stand for."""
    return html.escape("" if value is None else str(value), quote=False)
