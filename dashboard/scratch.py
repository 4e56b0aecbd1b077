"""Private temporary folders: the only place the product puts bytes on disk outside the database.

An import works on copies of what it reads (an upload written from memory, a UTF-8 copy of a
GBK file, DuckDB's spill files): debtors' names, phones and id numbers, in clear. So every
temporary folder comes from here, and none outlives its use:

- ``folder(purpose)`` makes one (mode 0700, in the system temp folder) for a ``with`` block and
  removes it when the block ends, also on an error; ``make``/``remove`` do the same by hand.
- Its name carries the owner's pid and the process's start time
  (``dashboard-import-4242-98765-x1y2z3``), so ``sweep()`` can tell a folder whose owner died
  (SIGKILL, power loss: no ``finally`` runs) from one still in use, even once the pid has been
  reused. Every import and every app run sweeps first; a normal exit removes the process's own.

Only folders of this naming, owned by this user, real directories (a symlink is never
followed), and of a process that no longer runs are swept.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "dashboard-"
NAME = re.compile(rf"^{PREFIX}(?P<purpose>[a-z]+)-(?P<pid>\d+)-(?P<start>\d+)-")
_OWN: set[Path] = set()


def _start_ticks(pid: int) -> int | None:
    """The process's start time (clock ticks since boot, Linux), or None if unknown or gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    if len(fields) < 20 or fields[0] == "Z" or not fields[19].isdigit():
        return None  # a zombie has ended: its folders are unused
    return int(fields[19])


def _alive(pid: int, start: int) -> bool:
    """Whether the process that made a folder (pid and start time) still runs."""
    if pid == os.getpid():
        return start in (0, _start_ticks(pid) or 0)
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows: keep the folder
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process runs under that pid
    except (OverflowError, OSError):
        return True  # not a pid this system has: not our folder to judge
    ticks = _start_ticks(pid)
    if ticks is None:
        return not Path("/proc").is_dir() or not start  # no /proc: trust the pid alone
    return ticks == start


def base() -> Path:
    """The system temp folder, where private folders go (``$TMPDIR``, else /tmp)."""
    return Path(tempfile.gettempdir())


def _stamp() -> str:
    return f"{os.getpid()}-{_start_ticks(os.getpid()) or 0}"


def make(purpose: str) -> Path:
    """A new private folder (0700) for ``purpose`` ("import", "upload", ...); the caller
    removes it with ``remove``. Stale folders of dead processes are swept first.

    Raises:
        OSError: the temporary folder cannot be written (full disk, no permission).
    """
    sweep()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{purpose}-{_stamp()}-"))
    path.chmod(0o700)  # mkdtemp's mode already; said here because it is the point
    _OWN.add(path)
    return path


def remove(path: Path | None) -> None:
    """Remove a folder made by ``make`` with everything in it (no error if it is gone)."""
    if path is None:
        return
    shutil.rmtree(path, ignore_errors=True)
    _OWN.discard(path)


@contextmanager
def folder(purpose: str) -> Iterator[Path]:
    """A private folder for the duration of a ``with`` block (removed also on an error)."""
    path = make(purpose)
    try:
        yield path
    finally:
        remove(path)


def sweep(where: Path | None = None) -> list[Path]:
    """Remove the private folders of processes that no longer run; returns what was removed.

    Args:
        where: the folder to look in (default: the system temp folder, ``$TMPDIR``).
    """
    top = Path(where) if where else base()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(top))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        m = NAME.match(entry.name)
        if m is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_dir(follow_symlinks=False) or (uid is not None and st.st_uid != uid):
            continue
        if _alive(int(m["pid"]), int(m["start"])):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


@atexit.register
def _remove_own() -> None:
    for path in list(_OWN):
        remove(path)
