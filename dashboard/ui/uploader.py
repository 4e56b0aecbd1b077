"""``st.file_uploader`` with its own texts in the session's language.

Streamlit 1.67 writes the dropzone's texts itself, in English, with no parameter to change
them (streamlit/streamlit#13500, open; #10042, which added ``browseButtonText`` and
``dragAndDropText``, was closed unmerged): the "Upload" button, the "500MB per file • CSV, TXT,
TSV" line and the "Drag and drop files here" shown while a file is dragged over it. On a
Chinese page, a style sheet scoped to this one widget (its ``st-key-<key>`` class) hides each
of those texts and draws the catalogue's Chinese in its place as generated content, in the
same element, so it keeps Streamlit's own look and the button keeps working; the browser
reads the generated text as the button's accessible name (the hidden English is out of the
accessibility tree: ``visibility: hidden`` or ``display: none``). The English page is left
exactly as Streamlit draws it.

What this cannot reach: the aria-labels Streamlit sets itself ("file upload" on the hidden
input, "Remove <file>" and "Add files" on a chosen file's chips) stay English for screen
readers; tests/e2e/test_browser.py pins the visible texts, so a Streamlit upgrade that
changes the dropzone's markup fails there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from dashboard.ui.i18n import lang, t

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
BUTTON_TEXT = '[data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]'
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"] span'
DRAG_HINT = f"{DROPZONE} > div:not([data-testid]) > span"  # only there while dragging
SMALL = "0.875rem"  # Streamlit's fontSizes.sm, the size of the limit line and the drag hint


def file_uploader(
    label: str, *, key: str, types: Sequence[str], multiple: bool = False, **options: Any
) -> Any:
    """``st.file_uploader(label, type=types, key=key, ...)``, its own texts in the session's
    language (module docstring). ``options`` go to Streamlit as they are."""
    if lang() == "zh":
        limit = options.get("max_upload_size") or st.get_option("server.maxUploadSize")
        st.html(css(key, types, int(limit), multiple))
    return st.file_uploader(
        label, type=list(types), accept_multiple_files=multiple, key=key, **options
    )


def css(key: str, types: Sequence[str], limit_mb: int, multiple: bool) -> str:
    """The style sheet that writes one uploader's texts in Chinese (``file_uploader``)."""
    scope = f".st-key-{key}"
    kinds = "、".join(ext.upper() for ext in types)
    limit = t("upload.limit", mb=limit_mb) + (f" • {kinds}" if kinds else "")
    drop = t("upload.drop_files" if multiple else "upload.drop_file")
    swap = "visibility: hidden; font-size: 0;"
    return f"""<style>
{scope} {DROPZONE} {BUTTON_TEXT} p {{ display: none; }}
{scope} {DROPZONE} {BUTTON_TEXT}::after {{ content: {_string(t("upload.button"))}; }}
{scope} {DROPZONE} {INSTRUCTIONS} {{ {swap} }}
{scope} {DROPZONE} {INSTRUCTIONS}::after {{
  visibility: visible; font-size: {SMALL}; content: {_string(limit)}; }}
{scope} {DRAG_HINT} {{ {swap} }}
{scope} {DRAG_HINT}::after {{ visibility: visible; font-size: {SMALL}; content: {_string(drop)}; }}
</style>"""


def _string(text: str) -> str:
    """A CSS string of ``text``: every character but letters, digits and spaces escaped (the
    catalogue's text, but no quote or ``</style>`` can end the string or the sheet)."""
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'
