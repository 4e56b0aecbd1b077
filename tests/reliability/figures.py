"""The reliability figures: what the suite tried, and what was lost (nothing).

Tests call ``record(kind, n)`` as they go (files tried, faults injected, sessions held, ...);
each pytest worker appends to its own file under tests/artifacts/reliability/. After a run,
``python -m tests.reliability.figures ci`` (or ``soak``) sums the counts of the latest complete
run of that mode and writes that section of tests/reliability/FIGURES.md, the table the README
quotes. Nothing here is estimated: every number is a count of things done.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts" / "reliability"
FIGURES = HERE / "FIGURES.md"

LABELS = {
    "corpus_files": "malformed or hostile CSV files imported (each checked afterwards)",
    "corpus_cli_runs": "of which also run through the real CLI in a subprocess",
    "fuzz_extracts": "hypothesis-generated extracts imported",
    "fuzz_rows": "rows in those extracts (every one accepted, duplicate or refused)",
    "fuzz_payout_scenarios": "hypothesis-generated payout scenarios computed",
    "fuzz_approvals": "generated periods approved, then re-read",
    "kills": "imports, undos and approvals killed with SIGKILL at random points",
    "kill_runs_completed": "of which had committed before the kill landed (the others rolled back)",
    "disk_full": "imports run into a full disk (tmpfs)",
    "sessions": "app sessions held at once (2 importing, 1 browsing; a CLI import besides)",
    "concurrent_imports": "imports landed while other sessions worked",
    "injection_inputs": "SQL-injection strings fed through CLI options, files, plans and URLs",
    "export_files": "exports read back for formula injection",
    "pii_sources": "pages, exports, logs, tables and messages scanned for personal data",
    "immutability_changes": "changes made after an approval (imports, undo, plan edits)",
    "overflow_reports": "reports run on sums beyond DECIMAL(18,2) (each equal to a Python sum)",
    "damaged_db_runs": "commands run on empty, text, truncated or corrupt database files",
    "cli_edge_runs": "reported CLI edge cases run (each a message and exit 2)",
    "cli_fuzz_runs": "CLI runs with a hostile value for one option (no traceback in any)",
    "data_lost": "rows of completed imports lost, or half-written rows left behind "
    "(any loss fails the suite)",
}


def _run_id() -> str:
    # pytest-xdist gives every worker of one run the same id; a plain run uses its pid.
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"


def record(kind: str, n: int = 1) -> None:
    """Count ``n`` more of ``kind`` for this run (one file per run and worker)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = ARTIFACTS / f"counts-{_run_id()}-{worker}.jsonl"
    soak = os.environ.get("SOAK", "") == "1"
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"kind": kind, "n": n, "soak": soak}) + "\n")


# A run of the whole suite: its main part recorded these, its app part (run in its own pytest
# process by `make test`, in the same run by `make soak`) recorded "sessions".
MAIN = {"corpus_files", "fuzz_extracts", "kills"}
APP = {"sessions"}


def totals(soak: bool) -> dict[str, int]:
    """The counts of the latest whole run (soak or not): its main part plus its app part."""
    runs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    modes: dict[str, bool] = {}
    changed: dict[str, float] = defaultdict(float)
    for path in ARTIFACTS.glob("counts-*.jsonl"):
        run = path.name.split("-")[1]
        changed[run] = max(changed[run], path.stat().st_mtime)
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            runs[run][item["kind"]] += int(item["n"])
            modes[run] = bool(item.get("soak", False))

    def latest(needed: set[str]) -> str | None:
        done = [r for r in runs if modes.get(r) == soak and needed <= set(runs[r])]
        return max(done, key=lambda r: changed[r]) if done else None

    main = latest(MAIN)
    app = main if main is not None and APP <= set(runs[main]) else latest(APP)
    if main is None or app is None:
        return {}
    out: dict[str, int] = defaultdict(int)
    for run in {main, app}:
        for kind, n in runs[run].items():
            out[kind] += n
    return dict(out)


RUNS = {  # section of FIGURES.md -> the command whose run it describes
    "ci": "make test (its tests/reliability part)",
    "soak": "SOAK=1 pytest -n 2 --dist loadgroup tests/reliability (make soak)",
}
HEADER = (
    "# Reliability figures\n\n"
    "Counts of what tests/reliability did in one run, summed over workers: written by "
    "`python -m tests.reliability.figures ci|soak` after the run. Every number is a count of "
    "things done, not an estimate; any data lost fails the suite.\n"
)


def render(counts: dict[str, int], run: str, seconds: float | None) -> str:
    took = f", {seconds / 60:.1f} min wall time" if seconds else ""
    lines = [
        f"## {run}: `{RUNS[run]}`",
        "",
        f"Run on {datetime.now():%Y-%m-%d}{took}.",
        "",
        "| what | count |",
        "|---|---:|",
    ]
    for key, label in LABELS.items():
        if key == "data_lost":
            lines.append(f"| {label} | **{counts.get(key, 0)}** |")
        elif key in counts:
            lines.append(f"| {label} | {counts[key]:,} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """``figures.py ci|soak [MINUTES]``: write that run's section of FIGURES.md."""
    run = argv[0] if argv else "ci"
    if run not in RUNS:
        print(f"usage: python -m tests.reliability.figures {'|'.join(RUNS)} [MINUTES]")
        return 2
    counts = totals(soak=run == "soak")
    if not counts:
        print(f"no complete {run} run: run the whole reliability suite first", file=sys.stderr)
        return 1
    seconds = float(argv[1]) * 60 if len(argv) > 1 else None
    sections = {}
    if FIGURES.exists():
        for part in FIGURES.read_text(encoding="utf-8").split("\n## ")[1:]:
            sections[part.split(":", 1)[0]] = "## " + part.rstrip("\n") + "\n"
    sections[run] = render(counts, run, seconds)
    text = HEADER + "".join("\n" + sections[r] for r in RUNS if r in sections)
    FIGURES.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
