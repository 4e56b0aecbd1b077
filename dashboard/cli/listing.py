"""``report compliance --detail --format csv`` streams: a year's listing of violating contacts
is written one calendar month at a time as each is computed (its first rows appear after one
month's work, and memory holds one month), not computed whole and then printed.

Every other format and the report without ``--detail`` print the whole table, as every
report does (``report.print_report``). The parts together are the rows the whole table holds,
in its order (tests/test_cli_listing.py).
"""

from __future__ import annotations

import sys

from dashboard import db, reports
from dashboard.cli.report import print_report
from dashboard.engine import kpis
from dashboard.messages import render_table
from dashboard.spreadsheet import write_csv


def _compliance(call: reports.Call) -> int:
    if not (call.options.get("detail") and call.format == "csv"):
        return print_report(call)
    call.report.check(call.filters, call.options)
    with db.connect(call.db, read_only=True) as con:
        parts = kpis.compliance_detail_by_month(
            con, call.filters, preset=call.options.get("preset")
        )
        for i, part in enumerate(parts):
            write_csv(render_table(part), sys.stdout, header=i == 0)
            sys.stdout.flush()
    return 0


REPORT_RUNNERS = {"compliance": _compliance}
