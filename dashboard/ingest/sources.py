"""An extract as the importer reads it, whatever its format: CSV text or an .xlsx workbook.

The one place that tells the two apart (a workbook is a zip archive: its first bytes say so,
whatever the file's name), so the command line, the app's uploads and the mapping step treat
both alike: ``reader`` for text (UTF-8, GBK, UTF-16), ``workbook`` for spreadsheets.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.ingest import reader, workbook
from dashboard.ingest.reader import FileRefused, Header, SourceFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Excel 97-2003 workbook (.xls)


def _refuse_old_workbook(path: Path) -> None:
    """An .xls workbook (not read: said so, rather than "not text")."""
    try:
        with path.open("rb") as f:
            head = f.read(len(OLE_MAGIC))
    except OSError:
        return
    if head == OLE_MAGIC:
        raise FileRefused.coded("file.xls_old")


def read_file_header(path: Path, name: str | None = None, sheet: str | None = None) -> Header:
    """A file's header (``reader.read_header``; a workbook's: its sheet's first row that
    holds a value, of the sheet ``sheet`` or the first).

    Raises:
        FileRefused: as ``reader.read_header`` and ``workbook.read_workbook_header``.
    """
    if not path.is_file():
        raise FileRefused.coded("file.missing", file=name or path.name)
    _refuse_old_workbook(path)
    if workbook.is_workbook(path):
        return workbook.read_workbook_header(path, sheet)
    return reader.read_header(path, name)


def open_file(
    path: Path, workdir: Path, name: str | None = None, sheet: str | None = None
) -> SourceFile:
    """A file ready for the importer's checks (``reader.open_source``, or for a workbook
    ``workbook.open_workbook``: its sheet ``sheet``, default the first; a CSV file ignores
    ``sheet``).

    Raises:
        FileRefused: the file cannot be read as an extract.
    """
    if path.is_file():
        _refuse_old_workbook(path)
        if workbook.is_workbook(path):
            return workbook.open_workbook(path, workdir, name, sheet)
    return reader.open_source(path, workdir, name)
