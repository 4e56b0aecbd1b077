"""English and Simplified Chinese for every visible string: ``t(key, **kw)`` and the switch.

The language is a session setting: a switch in the sidebar (bound to the ``lang`` URL
parameter, so a shared link can carry it), defaulting to Chinese when the browser's locale is
Chinese (``st.context.locale``). The texts live in ``catalogue.CATALOGUE`` as (English,
Chinese) pairs; a test checks that every key used in the code is there in both languages.
The engine's own texts (refused-row reasons, compliance details) come by code from
``dashboard.messages`` and are rendered here in the session's language (``engine_table``).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import streamlit as st

from dashboard.messages import render_or, render_table
from dashboard.ui.catalogue import CATALOGUE

LANG_KEY = "lang"
LABELS = {"en": "English", "zh": "中文"}


def _default_label() -> str:
    try:
        locale = (st.context.locale or "").lower()
    except Exception:  # outside a script run (unit tests): no browser context
        locale = ""
    return LABELS["zh"] if locale.startswith("zh") else LABELS["en"]


def lang() -> str:
    """The session's language code, "en" or "zh"."""
    label = st.session_state.get(LANG_KEY) or _default_label()
    return "zh" if label == LABELS["zh"] else "en"


def t(key: str, **kw: Any) -> str:
    """The text for ``key`` in the session's language, with ``{name}`` fields filled in."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry[1] if lang() == "zh" else entry[0]
    return text.format(**kw) if kw else text


def label(prefix: str, value: Any) -> str:
    """A data value shown translated when the catalogue knows it (``prefix.value``), else as is."""
    if value is None:
        return "–"
    entry = CATALOGUE.get(f"{prefix}.{value}")
    if entry is None:
        return str(value)
    return entry[1] if lang() == "zh" else entry[0]


def language_switch() -> None:
    """The language switch (sidebar); its value lives in the URL as ``lang``."""
    st.segmented_control(
        "Language / 语言",
        options=list(LABELS.values()),
        default=_default_label(),
        required=True,
        key=LANG_KEY,
        bind="query-params",
        label_visibility="collapsed",
    )


def engine_table(table: pa.Table) -> pa.Table:
    """An engine table's messages (reasons, details) in the session's language, codes dropped."""
    return render_table(table, lang())


def engine_text(text: str | None, code: str | None, values: Any = None) -> str | None:
    """One engine message (``dashboard.messages``) in the session's language."""
    return render_or(text, code, values, lang())
