"""Commission payouts on the command line: reports, closing the books, exports, statements.

``report payouts`` and ``report payout-lines`` print the period's payouts and their audit
trail; ``report payout-whatif`` compares a candidate plan file with the plan in force over
past months (approving and writing nothing); ``prepare`` freezes a period's figures (one
person) and ``approve`` approves them (another person; ``--reopen`` reopens a prepared or
approved period, with a reason); ``statements`` writes one statement per agent. The payout
reports are declared in the registry (``dashboard/reports/catalogue.py``: their options and
columns); ``REPORT_RUNNERS`` here prints them. Mistakes in
the input (a bad period, a broken plan file, an empty database, a step the rules refuse)
print a message and exit with status 2, never a traceback (the guard of ``dashboard.cli``).
The reports and statements open the database read-only (the reports, with ``--engine spark
--lake DIR``, run the payout facts' queries on Spark instead and the rules on the facts that
come back); an approved period is shown and
exported from the database alone, even without a readable plan file. ``--lang zh`` writes
the reports, files and statements in Chinese (messages, headers, the statement's texts); the
default, English, is what the CSV reports have always written (the workbook and the
statements are documents: labels in both languages). Every figure, file and approval comes
from ``dashboard.payouts.service``, as on the Payouts page; this module only parses arguments
and prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

import pyarrow as pa

from dashboard import db
from dashboard.cli.common import (
    add_db_option,
    output_folder,
    path_arg,
    preset,
    write_table,
)
from dashboard.cli.engines import reader
from dashboard.columns import headers
from dashboard.messages import Message, localise, render_table
from dashboard.payouts import service
from dashboard.payouts.plan_book import PlanBook
from dashboard.payouts.plan_file import PlanFileError
from dashboard.payouts.values import Period
from dashboard.reports.spec import Call, Runner
from dashboard.spreadsheet import write_csv

TABLE_COLUMNS = (
    "agent_id",
    "agent_name",
    "team",
    "plan",
    "basis",
    "tasks",
    "rate",
    "base_commission",
    "compliance_factor",
    "team_bonus",
    "early_bonus",
    "carried_in",
    "cap_applied",
    "payout",
    "carry_out",
)
APPROVED_COLUMNS = ("status", "recomputed_payout", "adjustment")
BOOKED_COLUMNS = ("adjustment_in",)  # shown when a period has adjustments booked
LANGS = ("en", "zh")


def _add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lang",
        choices=LANGS,
        default="en",
        help="language of the messages, headers and statements: en (default) or zh (Chinese)",
    )


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _common(p: argparse.ArgumentParser, plans: bool = True) -> None:
    add_db_option(p)
    p.add_argument(
        "--period", type=_period, required=True, metavar="YYYY-MM", help="the month (1900-2999)"
    )
    if plans:
        p.add_argument(
            "--plans",
            type=path_arg,
            default=None,
            metavar="FILE",
            help=f"plan file (default: $DASHBOARD_PLANS or {service.default_plans_path()}); an "
            "approved period is shown without one",
        )
        p.add_argument(
            "--preset",
            type=preset,
            default="cn",
            metavar="NAME",
            help="compliance preset counting violations for the compliance factor (default cn)",
        )


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "prepare",
        help="prepare a period's commission payouts (freeze them for a second person to approve)",
        description="Compute the period's payouts now (with the adjustments booked into it) and "
        "freeze them as prepared by NAME; another person then approves them (approve). Refused "
        "when the period has not ended in the data, an earlier period with payouts is not "
        "approved, or it is already prepared or approved.",
    )
    _common(p)
    p.add_argument("--by", required=True, metavar="NAME", help="who prepares")
    p.set_defaults(func=_prepare)

    p = sub.add_parser(
        "approve",
        help="approve a prepared period's commission payouts (a second person), or reopen it",
        description="Approve the figures prepared for the period (prepare), as NAME, who did "
        "not prepare them (four eyes). --reopen --reason TEXT reopens a prepared or approved "
        "period (the latest first). No plan file is needed: the prepared figures are approved.",
    )
    _common(p)
    p.add_argument("--by", required=True, metavar="NAME", help="who approves or reopens")
    p.add_argument("--reopen", action="store_true", help="reopen a prepared or approved period")
    p.add_argument("--reason", default="", metavar="TEXT", help="why (required with --reopen)")
    p.set_defaults(func=_approve)

    p = sub.add_parser(
        "statements",
        help="write one payout statement per agent (HTML and PDF)",
        description="One statement per agent for the period: figures, lines, the plan in words.",
    )
    _common(p)
    p.add_argument(
        "--out",
        type=output_folder,
        required=True,
        metavar="DIR",
        help="folder to write to (created if missing)",
    )
    p.add_argument("--agent", metavar="AGENT_ID", help="only this agent")
    p.add_argument("--format", choices=("html", "pdf", "both"), default="both")
    _add_lang(p)
    p.set_defaults(func=_statements)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _notes(notes: tuple[str, ...] | list[str], lang: str = "en") -> None:
    prefix = "注：" if lang == "zh" else "note: "
    for n in notes:
        print(f"{prefix}{localise(n, lang)}", file=sys.stderr)


def _print(table: pa.Table, fmt: str, lang: str, names: Mapping[str, str] | None) -> None:
    """A table on stdout: messages in ``lang``; headers named (``names``) except in JSON."""
    if fmt == "csv":
        write_csv(table, sys.stdout, lang, names)
        return
    table = render_table(table, lang)
    if names and fmt == "table":
        table = table.rename_columns([names.get(n, n) for n in table.column_names])
    write_table(table, fmt)


def _args(call: Call) -> argparse.Namespace:
    """A report's parsed call as the handlers below read it (an option left out: None)."""
    names = [p.name for p in call.report.options]
    given = {n: call.options.get(n) for n in names}
    return argparse.Namespace(db=call.db, format=call.format, **given)


def _payouts(call: Call) -> int:
    args = _args(call)
    if args.format == "xlsx" and not args.out:
        return _fail("error: --format xlsx needs --out FILE")
    book, why = service.book_or_why(args.plans)
    if args.format == "xlsx":
        return _workbook(call, args, book, why)
    with reader(call) as con:
        report = service.report(con, args.period, book, args.preset, why)
    _notes(report.notes, args.lang)
    table, names = report.table, headers(args.lang)
    if args.format == "csv" and args.out:
        service.save_csv(table, args.out, args.lang)
        print(f"wrote {args.out} ({table.num_rows} agents)")
    elif args.format == "table":
        booked = any(table.column("adjustment_in").to_pylist())
        cols = (
            TABLE_COLUMNS[:-2]
            + (BOOKED_COLUMNS if booked else ())
            + TABLE_COLUMNS[-2:]
            + (APPROVED_COLUMNS if report.approval else ())
        )
        _print(table.select(list(cols)), "table", args.lang, names)
        total = sum(r for r in table.column("payout").to_pylist() if r is not None)
        status = Message(f"payout.status_value_{report.status}")
        line = Message("payout.cli_total", n=table.num_rows, total=f"{total:,.2f}", status=status)
        print(line.text(args.lang))
    else:
        _print(table, args.format, args.lang, names)
    return 0


def _workbook(
    call: Call, args: argparse.Namespace, book: PlanBook | None, why: PlanFileError | None
) -> int:
    with reader(call) as con:
        view = service.period_view(con, args.period, book, args.preset, why)
    _notes(view.notes, args.lang)
    service.save_xlsx(view, args.out, args.lang)
    print(f"wrote {args.out} ({view.table.num_rows} agents, {view.trail.num_rows} lines)")
    return 0


def _lines(call: Call) -> int:
    args = _args(call)
    book, why = service.book_or_why(args.plans)
    with reader(call) as con:
        table, notes = service.lines(con, args.period, book, args.agent, args.preset, why)
    _notes(notes, args.lang)
    if args.out:
        service.save_csv(table, args.out, args.lang)
        print(f"wrote {args.out} ({table.num_rows} lines)")
    else:
        _print(table, args.format, args.lang, headers(args.lang))
    return 0


WHATIF_TABLE = (
    "period",
    "agent_id",
    "agent_name",
    "team",
    "plan",
    "payout_current",
    "payout_candidate",
    "difference",
)


def _whatif(call: Call) -> int:
    args = _args(call)
    book = service.load_plans(args.plans)
    try:
        candidate = service.load_plans(args.candidate)
    except PlanFileError as exc:  # which of the two files it is
        return _fail(f"error: --candidate: {exc}")
    with reader(call) as con:
        table = service.whatif(con, args.period, args.to, book, candidate, args.preset)
    if args.out:
        service.save_csv(table, args.out, args.lang)
        print(f"wrote {args.out} ({table.num_rows} rows)")
        return 0
    if args.format != "table":
        _print(table, args.format, args.lang, headers(args.lang))
        return 0
    total = Message("payout.whatif_total").text(args.lang)
    names = [r["agent_name"] if r["row_kind"] == "agent" else total for r in table.to_pylist()]
    shown = table.set_column(table.column_names.index("agent_name"), "agent_name", [names])
    _print(shown.select(list(WHATIF_TABLE)), "table", args.lang, headers(args.lang))
    return 0


def _log(call: Call) -> int:
    args = _args(call)
    with reader(call) as con:
        write_table(service.audit_log(con, args.period), args.format)
    return 0


# How ``report NAME`` prints the payout reports the registry declares
# (dashboard/reports/catalogue.py: their options, columns and tables).
REPORT_RUNNERS: dict[str, Runner] = {
    "payouts": _payouts,
    "payout-lines": _lines,
    "payout-whatif": _whatif,
    "payout-log": _log,
}


def _at(when: object) -> str:
    return f"{when:%Y-%m-%d %H:%M}" if when else "?"


def _prepare(args: argparse.Namespace) -> int:
    book = service.load_plans(args.plans)
    with db.connect(args.db, create=False) as con:
        a = service.prepare_period(con, args.period, book, args.by, args.preset)
    print(
        f"{a.period} prepared by {a.prepared_by} at {_at(a.prepared_at)}: {a.agents} agent(s), "
        f"total payout {a.total_payout:,.2f} (plan file sha256 {a.plans_sha256[:12]}); "
        f"another person approves it: approve --period {a.period} --by NAME"
    )
    return 0


def _approve(args: argparse.Namespace) -> int:
    if args.reason and not args.reopen:
        return _fail("error: --reason goes with --reopen")
    with db.connect(args.db, create=False) as con:
        if args.reopen:
            a = service.reopen_period(con, args.period, args.by, args.reason)
            print(f"{args.period} reopened by {a.reopened_by}: {a.reopen_reason}")
            return 0
        a = service.approve_period(con, args.period, args.by)
    prepared = f"prepared by {a.prepared_by} at {_at(a.prepared_at)}; " if a.prepared_by else ""
    print(
        f"{a.period} approved by {a.approved_by} at {_at(a.approved_at)}: "
        f"{a.agents} agent(s), total payout {a.total_payout:,.2f} "
        f"({prepared}plan file sha256 {a.plans_sha256[:12]})"
    )
    return 0


def _statements(args: argparse.Namespace) -> int:
    book, why = service.book_or_why(args.plans)
    with db.connect(args.db, read_only=True) as con:
        view = service.period_view(con, args.period, book, args.preset, why, args.agent)
    _notes(view.notes, args.lang)
    if not service.agent_rows(view, args.agent):
        return _fail(f"error: no payout for agent {args.agent} in {args.period}")
    formats = ("html", "pdf") if args.format == "both" else (args.format,)
    written, messages = service.write_statements(view, args.out, formats, args.lang, args.agent)
    _notes(messages)
    print(f"wrote {len(written)} file(s) to {args.out}")
    return 0
