"""``make bench``: every benchmark, one after the other, figures under bench/out/.

Each benchmark measures its own baseline in the same run (a bare DuckDB read or scan of the
same data), so the ratios hold on any machine; absolute seconds depend on the machine.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("bench.bench_import", "bench.bench_reports")


def main() -> None:
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        module = importlib.import_module(name)
        sys.argv = [name]
        module.main()


if __name__ == "__main__":
    main()
