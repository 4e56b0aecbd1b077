"""Every report, declared once: the list the command line, the app, the docs and the goldens read.

A report is a name (its spelling everywhere: ``python -m dashboard report NAME``, the app's
``reads.report(NAME, ...)``, the README section, the golden file), an engine function
``run(con, filters, **options) -> pa.Table`` (or, for a report that is one query file, the
query's name: no engine function needed), its parameters (the dates of its ``Filters`` it
reads, then its own options, each with a kind and a help text), the columns it can return,
and the anchor of its section in README.md. ``dashboard.cli.report`` builds each report's
options from its parameters; ``dashboard.ui.reads`` caches ``run``; ``tests/test_kpi_docs.py``
checks the README documents every declared option and column; ``tests/test_kpi_golden.py``
pins every report on the sample data.

A report whose command line does more than print one table (the payouts: notes on stderr,
an xlsx file, ``--lang``) has a ``runner``, its own or one a command module gives
(``REPORT_RUNNERS`` of ``dashboard/cli/payouts.py``, so the registry stays free of the
command line): the CLI still builds its options from its parameters and hands the runner the
parsed ``Call`` instead of printing ``run``'s table. The payout reports (``PAYOUT_REPORTS``)
take a month (``--period``), not dates of ``Filters``, and are pinned by
``tests/test_payout_golden.py``.

Adding a report: a query file under queries/ (or an engine function taking ``(con, filters,
**options)`` when the report is more than one query), one ``Report`` entry in
``dashboard/reports/catalogue.py``, its README section, and a golden file
(``KPI_GOLDEN_UPDATE=1 pytest tests/test_kpi_golden.py``).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from dashboard.engine.kpi_common import ALL, Filters
from dashboard.reports.catalogue import KPI_REPORTS, PAIRS, PAYOUT_REPORTS, REPORTS, WINDOW
from dashboard.reports.spec import Call, Param, Report, Runner

__all__ = [
    "KPI_REPORTS",
    "PAIRS",
    "PAYOUT_REPORTS",
    "REPORTS",
    "WINDOW",
    "Call",
    "Param",
    "Report",
    "Runner",
    "get",
    "run",
]


def get(name: str) -> Report:
    """The report called ``name`` (its command-line spelling).

    Raises:
        KeyError: no such report (the message lists the known ones).
    """
    try:
        return REPORTS[name]
    except KeyError:
        raise KeyError(f"no report {name!r} (known: {', '.join(REPORTS)})") from None


def run(
    con: duckdb.DuckDBPyConnection, name: str, filters: Filters = ALL, **options: Any
) -> pa.Table:
    """Run one report: what ``report NAME`` prints and what the app shows.

    Args:
        con: an open database connection.
        name: the report (``REPORTS``).
        filters: its dates and dimension filters (only those it declares).
        options: its own options by parameter name (``by``, ``preset``, ``detail`` ...).

    Raises:
        TypeError: a date, filter or option the report does not take.
        ReportError: the engine refused the input (e.g. an empty database).
    """
    report = get(name)
    report.check(filters, options)
    if report.run is None:
        raise TypeError(f"report {name} has no table to return: it runs from the command line")
    return report.run(con, filters, **options)
