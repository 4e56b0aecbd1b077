"""One measured child process: wall time, time to its first byte of output, its own peak RSS.

The peak is that of the one child (``os.wait4``), not the largest of the run so far as
``RUSAGE_CHILDREN`` is. On Linux a child's peak RSS starts at its parent's RSS when it forks
(the high-water mark of the copied memory survives ``exec``), and the bench process holds
gigabytes after the in-process reports: so each command is started by a small launcher
(``LAUNCH``, a bare Python of about 10 MB), which waits for it and hands its peak back. The
child's output is read as it comes, counted and kept only in part, so a listing of millions
of rows costs the bench no memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
KEEP = 64 * 1024  # bytes of stdout kept for parsing (the head)

LAUNCH = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "p.returncode = code = os.waitstatus_to_exitcode(status)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(code if code >= 0 else 128 - code)\n"
)
BARE_READ = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "con.execute('create table t as select * from read_csv(?, ignore_errors = true)', "
    "[sys.argv[2]])\n"
    "print(con.execute('select count(*) from t').fetchall()[0][0])\n"
)


@dataclass(frozen=True)
class Child:
    """What one child process did."""

    seconds: float
    first_output_s: float | None  # None: it printed nothing
    peak_mb: float
    returncode: int
    stdout_head: str
    stdout_bytes: int
    stdout_lines: int
    stderr_tail: str
    stderr_timed: tuple[tuple[float, str], ...] = ()  # (seconds since start, line), the first 200


def _timed_lines(stream: IO[bytes], start: float, into: list[tuple[float, str]]) -> None:
    for raw in stream:
        if len(into) < 200:
            into.append((time.perf_counter() - start, raw.decode("utf-8", "replace").rstrip()))


def run(args: list[str], env: dict[str, str] | None = None) -> Child:
    """Run ``args`` from the repository root and measure it."""
    with tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, peak.name, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
        assert proc.stdout is not None and proc.stderr is not None
        timed: list[tuple[float, str]] = []
        reader = threading.Thread(target=_timed_lines, args=(proc.stderr, start, timed))
        reader.start()
        first: float | None = None
        head = bytearray()
        total = lines = 0
        while chunk := proc.stdout.read1(1 << 16):
            if first is None:
                first = time.perf_counter() - start
            total += len(chunk)
            lines += chunk.count(b"\n")
            if len(head) < KEEP:
                head += chunk[: KEEP - len(head)]
        proc.wait()
        seconds = time.perf_counter() - start
        reader.join()
        proc.stdout.close()
        proc.stderr.close()
        peak_kb = int(peak.read() or 0)
    return Child(
        seconds=seconds,
        first_output_s=first,
        peak_mb=peak_kb / 1024,  # Linux: kilobytes
        returncode=proc.returncode,
        stdout_head=head.decode("utf-8", "replace"),
        stdout_bytes=total,
        stdout_lines=lines,
        stderr_tail="\n".join(line for _, line in timed)[-4000:],
        stderr_timed=tuple(timed),
    )


def dashboard(*args: str) -> Child:
    """``python -m dashboard ARGS`` in a child."""
    return run([sys.executable, "-m", "dashboard", *args])


def bare_read(db_path: Path, csv: Path) -> Child:
    """DuckDB's own reader: ``create table t as select * from read_csv(file)`` into a fresh
    database, in a child like the importer. ``ignore_errors``: it skips the rows it cannot
    read (the generator's intended bad rows) where the importer refuses them with a reason;
    without it the bare read of such a file fails whole."""
    for p in (db_path, Path(f"{db_path}.wal")):
        p.unlink(missing_ok=True)
    try:
        return run([sys.executable, "-c", BARE_READ, str(db_path), str(csv)])
    finally:
        for p in (db_path, Path(f"{db_path}.wal")):
            p.unlink(missing_ok=True)
