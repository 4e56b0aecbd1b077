"""The one writer of output files: a file is written whole, or not at all.

Every file the product writes for a person (CSV and XLSX exports, statements in HTML and PDF,
``--out`` of the reports) goes through ``output_file``: the bytes go to a temporary file in
the target's folder, are flushed to the disk (fsync), and only then renamed onto the target,
which is atomic on one file system. A full disk, a missing permission or an interruption
leaves the target as it was (absent, or the previous complete file) and no temporary file
behind; the error says, for a person, what was not written and why.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class OutputError(RuntimeError):
    """An output file cannot be written; ``str(exc)`` says which and why, for a person."""


def check_target(target: Path) -> None:
    """Refuse a target that cannot be a file: a folder, or one in a folder that is missing.

    Raises:
        OutputError: the target is a folder, or its folder does not exist or is a file.
    """
    if "\0" in str(target):
        raise OutputError(f"{str(target)!r} is not a file name (it holds a NUL byte)")
    if target.is_dir():
        raise OutputError(f"{target} is a folder: give the name of the file to write")
    folder = target.parent
    if not folder.exists():
        raise OutputError(f"folder {folder} does not exist: create it first, or write elsewhere")
    if not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder: {target.name} cannot go in it")


def check_folder(folder: Path) -> None:
    """Refuse an output folder that is a file, or lies under one (it is created if missing).

    Raises:
        OutputError: the path, or the nearest existing folder above it, is not a folder.
    """
    if "\0" in str(folder):
        raise OutputError(f"{str(folder)!r} is not a folder name (it holds a NUL byte)")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = "" if existing == folder else f" (so {folder} cannot be made)"
        raise OutputError(f"{existing} is a file, not a folder{what}")


def _why(exc: BaseException, targets: Sequence[Path]) -> OutputError:
    first = targets[0]
    if len(targets) == 1:
        what = f"{first} was not written"
    else:
        what = f"the {len(targets)} files ({first.name}, ...) were not written"
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"the disk holding {first.parent} is full: {what}; free some space")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"no permission to write in {first.parent}: {what}")
    if code == errno.ENAMETOOLONG:
        return OutputError(f"a file name is too long ({first.name[:40]}...): {what}")
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return OutputError(f"{what}: {reason}")


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a folder; the rename stands anyway
        pass
    finally:
        os.close(fd)


@contextmanager
def output_files(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """Temporary paths to write the targets' contents to; renamed onto them when the block
    ends, all of them, or none.

    The temporary files are created (empty, with the permissions a new file gets) next to
    their targets; the block writes them by name (any library that takes a path can). After
    the block each is synced and renamed onto its target; if the block or a sync fails, all
    are removed and no target changes.

    Raises:
        OutputError: a target is not writable (``check_target``), the disk is full, a
            permission is missing, ...; the targets are then unchanged.
    """
    for target in targets:
        check_target(target)
    temps: list[Path] = []
    try:
        for target in targets:
            temp = target.with_name(f".{target.name[:180]}.{secrets.token_hex(4)}.part")
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            temps.append(temp)
        yield list(temps)
        for temp in temps:
            fd = os.open(temp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
    except BaseException as exc:
        for temp in temps:
            try:
                temp.unlink()
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise _why(exc, targets) from exc
        if isinstance(exc, Exception) and exc.args and isinstance(exc.args[0], OSError):
            raise _why(exc.args[0], targets) from exc  # a library's wrapper (xlsxwriter's)
        raise
    for folder in {t.parent for t in targets}:
        _fsync_folder(folder)


@contextmanager
def output_file(target: Path) -> Iterator[Path]:
    """A temporary path to write ``target``'s content to (``output_files`` of one file)."""
    with output_files([target]) as temps:
        yield temps[0]


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` whole or not at all (``output_file``)."""
    with output_file(target) as temp:
        temp.write_bytes(data)


def write_text(target: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` whole or not at all (``output_file``)."""
    write_bytes(target, text.encode(encoding))
