"""The Payouts page's view: its cached period, and its sections (status and totals, chart and
table, downloads, statement, approval), and the plan what-if tab.

Kept out of ``views/payouts.py`` so the page script stays a short layout. Every figure, file
and approval comes from ``dashboard.payouts.service``, exactly as ``python -m dashboard
report payouts`` / ``approve`` / ``statements`` produce them; this module caches one
picklable ``PayoutView`` per (database version, period, plan file, preset) without its audit
lines (millions a month on a bank's book), reads the statement's agent's lines on demand (a
page of them on screen) and every line only for a download, opens the app's connection for
the service, and draws. The view holds the engine's texts as Messages, so one
cached view serves both languages: the sections and the files render them in the session's
language (``lang``), with the column labels as the files' headers in Chinese.

The what-if tab (``whatif``) compares a candidate plan file with the plan in force over past
months (``service.whatif``, as ``report payout-whatif``); an uploaded candidate is read from
memory and never written to disk, and nothing is approved or stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from dashboard import scratch
from dashboard.messages import Message, localise, render_table
from dashboard.paths import ROOT
from dashboard.payouts import service
from dashboard.payouts.approvals import Approval, ApprovalRefused
from dashboard.payouts.plan_file import PlanFileError
from dashboard.payouts.run import PayoutInputError
from dashboard.payouts.service import PayoutView
from dashboard.payouts.values import Period
from dashboard.ui import blocks, charts, choices, fmt, reads, safe, tables, uploader
from dashboard.ui.i18n import lang, t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(max_entries=32, show_spinner=False)
def _view(
    db: str,
    version: tuple[int, ...],
    period: str,
    plans: str,
    plans_stamp: tuple[int, int],
    preset: str,
) -> PayoutView:
    book = service.load_plans(plans)
    with reads.connection(Path(db)) as con:
        return service.period_view(con, Period.parse(period), book, preset, lines=False)


@st.cache_data(max_entries=64, show_spinner=False)
def _agent_lines(
    db: str,
    version: tuple[int, ...],
    key: tuple[Any, ...],
    agent: str,
    _v: PayoutView,
) -> pa.Table:
    with reads.connection(Path(db)) as con:
        return service.view_lines(con, _v, agent)


def agent_lines(v: PayoutView, agent: str) -> pa.Table:
    """One agent's audit lines of the view, read from the database (cached like the view: the
    view holds no lines, a month of a bank's book has millions)."""
    path = reads.db_path()
    approval = v.approval.approval_id if v.approval else None
    key = (v.period, v.plans_source, v.plans_sha256, approval, v.status)
    return _agent_lines(str(path), reads.data_version(path), key, agent, v)


def _whole(v: PayoutView) -> PayoutView:
    """The view with every agent's lines, for the workbook and the statements (on a click)."""
    with reads.connection() as con:
        return service.with_lines(con, v)


def _one(v: PayoutView, agent: str) -> PayoutView:
    """The view with one agent's lines, for that agent's statement."""
    return replace(v, lines=agent_lines(v, agent))


def view(period: str, plans: Path, preset: str = "cn") -> PayoutView:
    """The period's payouts (cached until the data or the plan file changes).

    Raises:
        PlanFileError, PayoutInputError, DatabaseBusy: as the service raises them.
    """
    stat = plans.stat() if plans.exists() else None
    stamp = (stat.st_mtime_ns, stat.st_size) if stat else (0, 0)
    path = reads.db_path()
    return _view(str(path), reads.data_version(path), period, str(plans), stamp, preset)


def prepare_period(period: str, plans: Path, by: str, preset: str = "cn") -> Approval:
    """Freeze the period's payouts as computed now, prepared by ``by``
    (``service.prepare_period``, as ``python -m dashboard prepare``)."""
    book = service.load_plans(plans)
    with reads.connection() as con:
        return service.prepare_period(con, Period.parse(period), book, by, preset)


def approve_period(period: str, by: str) -> Approval:
    """Approve the period's prepared figures as ``by`` (``service.approve_period``, as
    ``python -m dashboard approve``)."""
    with reads.connection() as con:
        return service.approve_period(con, Period.parse(period), by)


def periods_to_approve(period: str) -> list[str]:
    """The months before ``period`` with payouts that are not approved, oldest first."""
    with reads.connection() as con:
        todo = service.periods_to_approve(con, Period.parse(period))
    return [str(p) for p in todo if str(p) < period]


def reopen_period(period: str, by: str, reason: str) -> Approval:
    """Reopen a prepared or approved period, with who and why (logged)."""
    with reads.connection() as con:
        return service.reopen_period(con, Period.parse(period), by, reason)


def plan_label(path: Path) -> str:
    """A plan file as shown in the chooser (relative to the repository when inside it)."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def plan_file_name(name: str, limit: int = 200) -> str:
    """An uploaded plan file's name for the disk: its last part, cut to ``limit`` bytes (a name
    may be longer than the file system allows); the extension is kept."""
    base = Path(name).name or "plans.yaml"
    stem, suffix = Path(base).stem, Path(base).suffix[:10]
    while len((stem + suffix).encode("utf-8")) > limit:
        stem = stem[:-1]
    return (stem or "plans") + suffix


def plan_choices() -> list[Path]:
    """The plan files we ship, plus one the user uploaded in this session (kept in a private
    folder of this process, ``dashboard.scratch``: the engine reads plans from a file)."""
    files = service.plan_files()
    with st.expander(t("pay.plans_upload")):
        upload = uploader.file_uploader(
            t("pay.plans_upload_help"), types=("yaml", "yml"), key="plan_up"
        )
        if upload is not None:
            folder = st.session_state.get("plan_dir")
            if folder is None or not Path(folder).is_dir():
                folder = st.session_state["plan_dir"] = scratch.make("plans")
            path = Path(folder) / plan_file_name(upload.name)
            path.write_bytes(upload.getvalue())
            files.insert(0, path)
            if st.session_state.get("plan_up_seen") != upload.file_id:  # choose it, once
                st.session_state["plan_up_seen"] = upload.file_id
                st.session_state["pay_plans"] = path
    return files


def rows_for(table: pa.Table, *, teams: Sequence[str], agents: Sequence[str]) -> pa.Table:
    """The payout rows of the agents the sidebar's team and agent filters keep (all when
    both are empty)."""
    mask = None
    for column, values in (("team", teams), ("agent_id", agents)):
        if values:
            cond = pc.is_in(table.column(column), value_set=pa.array(list(values), pa.string()))
            mask = cond if mask is None else pc.and_(mask, cond)
    return table if mask is None else table.filter(pc.fill_null(mask, False))


def summary(v: PayoutView, rows: pa.Table | None = None) -> None:
    """Approval status, totals of the agents shown (``rows``, default all), the engine's notes."""
    a = v.approval
    if a is None:
        st.info(t("pay.draft"), icon=":material/edit_note:")
    elif a.status == "prepared":
        at = f"{a.prepared_at:%Y-%m-%d %H:%M}" if a.prepared_at else "?"
        st.warning(safe.t("pay.prepared", by=a.prepared_by, at=at), icon=":material/pending:")
    else:
        at = f"{a.approved_at:%Y-%m-%d %H:%M}" if a.approved_at else "?"
        st.success(
            safe.t("pay.approved_four_eyes", by=a.approved_by, at=at, prepared_by=a.prepared_by)
            if a.prepared_by
            else safe.t("pay.approved", by=a.approved_by, at=at),
            icon=":material/verified:",
        )
    shown = v.table if rows is None else rows
    if shown.num_rows != v.table.num_rows:
        st.caption(safe.t("pay.shown", n=shown.num_rows, total=v.table.num_rows))
    total = blocks.sums(shown, ("basis", "payout"))
    items: list[tuple[str, Any, str]] = [
        (t("pay.agents"), shown.num_rows, "count"),
        (t("col.basis"), total["basis"], "money"),
        (t("pay.total"), total["payout"], "money"),
    ]
    if a is not None:
        adjust = blocks.sums(shown, ("adjustment",))["adjustment"]
        items.append((t("pay.adjustments"), adjust, "money_change"))
    booked = blocks.sums(shown, ("adjustment_in",))["adjustment_in"]
    if booked:
        items.append((t("pay.booked"), booked, "money_change"))
    blocks.metric_row(items)
    with st.expander(safe.t("pay.notes", n=len(v.notes)), expanded=a is not None):
        st.markdown(safe.bullets([localise(n, lang()) for n in v.notes]))
        sha = (v.plans_sha256 or "")[:12]
        st.caption(safe.t("pay.plan_file", source=v.plans_source, sha=sha))


def downloads(v: PayoutView) -> None:
    """Payroll workbook, CSV and every statement: built only when clicked, in the session's
    language (taken now: the files are built outside the script run)."""
    p, language = v.period, lang()
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        t("pay.xlsx"),
        data=lambda: service.xlsx_bytes(_whole(v), language),
        file_name=f"payouts_{p}.xlsx",
        mime=XLSX,
        on_click="ignore",
        icon=":material/table_view:",
        key="dl_xlsx",
    )
    c2.download_button(
        t("pay.csv"),
        data=lambda: service.csv_bytes(v.table, language),
        file_name=f"payouts_{p}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="dl_csv",
    )
    c3.download_button(
        t("pay.zip"),
        data=lambda: service.statements_zip(_whole(v), language),
        file_name=f"statements_{p}.zip",
        mime="application/zip",
        on_click="ignore",
        icon=":material/folder_zip:",
        key="dl_zip",
    )


KEY = ("payout", "total", "cap_applied", "status", "basis", "base_commission", "team_bonus")


def level_texts(table: pa.Table, metrics: Mapping[str, str]) -> list[str]:
    """The tier level reached, as its kind of number: a count of tasks (``20 tasks``) or money
    (``¥50,000.00``), by the plan's metric (``metrics``: plan name -> metric, the view's); a
    dash for a plan without tiers."""
    out = []
    for r in table.select(["plan", "level_min"]).to_pylist():
        kind, level = metrics.get(r["plan"] or ""), r["level_min"]
        if level is None or not kind:
            out.append(fmt.MISSING)
        elif kind == "tasks":
            out.append(t("pay.level_tasks", n=fmt.count(level)))
        else:
            out.append(fmt.money(level))
    return out


def payouts_chart_and_table(v: PayoutView, rows: pa.Table, agent: str | None) -> None:
    """The payout bars and the payout table of the agents shown; a click on a bar or a row
    opens that agent's statement (the page-level choice ``pay_agent``)."""
    fig = charts.payout_bars(rows, t("pay.chart", period=v.period))
    blocks.chart_pick(fig, "pay_chart", ("pay_agent",), agent)
    tables.show(
        rows,
        name=f"payouts_{v.period}",
        key=KEY,
        height=360,
        download=False,
        texts={"level_min": level_texts(rows, v.metrics)},
        pick=blocks.setter(pay_agent="agent_id"),
        picked=blocks.row_of(rows, agent_id=agent),
    )


def pick_agent(rows: pa.Table) -> str | None:
    """The statement's agent (one of ``rows``): a page-level choice kept in the URL."""
    ids = rows.column("agent_id").to_pylist()
    if not ids:
        return None
    names = dict(zip(ids, rows.column("agent_name").to_pylist(), strict=True))
    agent = choices.select(
        "pay_agent",
        t("pay.agent"),
        ids,
        format_func=lambda a: f"{a} {names.get(a) or ''}".strip(),
        spellings=lambda a: [a],
    )
    return agent or ids[0]


# The audit lines on screen (the reversed payment and the corrected period are in the download;
# the reason says them): full width, every column fits at 1280 px, the reason wraps.
LINES_KEY = ("line_no", "kind", "payment_date", "account_id", "amount", "reason")
LINES_SCREEN = (*LINES_KEY, "payment_id", "credit_rule")
LINES_PAGE = 500  # audit lines on screen at once


def statement(v: PayoutView, agent: str | None) -> None:
    """One agent's statement: figures, the HTML/PDF downloads, the plan in words, and the
    audit lines below them."""
    if agent is None:
        st.info(safe.t("pay.none_shown", period=v.period))
        return
    stem, language = f"statement_{v.period}_{agent}", lang()
    left, right = st.columns([1, 2])
    with left:
        blocks.statement_figures(tables.where(v.table, agent_id=agent).to_pylist()[0])
    with right:
        st.download_button(
            t("pay.html"),
            data=lambda: service.statement_html_bytes(_one(v, agent), agent, language),
            file_name=f"{stem}.html",
            mime="text/html",
            on_click="ignore",
            icon=":material/description:",
            key="dl_html",
        )
        st.download_button(
            t("pay.pdf"),
            data=lambda: service.statement_pdf_bytes(_one(v, agent), agent, language) or b"",
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            key="dl_pdf",
        )
        with st.expander(t("pay.rules")):
            st.markdown(safe.bullets([localise(r, lang()) for r in v.rules.get(agent, ())]))
    lines = agent_lines(v, agent)
    name = f"payout_lines_{v.period}_{agent}"
    if lines.num_rows <= LINES_PAGE:
        tables.show(
            lines, name=name, key=LINES_KEY, screen=LINES_SCREEN, wrap=("reason",), height=420
        )
        return
    # A large agent has tens of thousands of lines a month: a page of them on screen, every
    # line in the download.
    pages = -(-lines.num_rows // LINES_PAGE)
    page_no = st.number_input(
        t("pay.lines_page"), min_value=1, max_value=pages, value=1, step=1, key=f"page_{name}"
    )
    first = (int(page_no) - 1) * LINES_PAGE
    shown = lines.slice(first, LINES_PAGE)
    last = first + shown.num_rows
    st.caption(
        safe.t(
            "pay.lines_shown",
            first=fmt.count(first + 1),
            last=fmt.count(last),
            total=fmt.count(lines.num_rows),
            pages=fmt.count(pages),
        )
    )
    tables.show(
        shown,
        name=name,
        key=LINES_KEY,
        screen=LINES_SCREEN,
        wrap=("reason",),
        height=420,
        download=False,
    )
    shown_all = render_table(lines.slice(0, 0), language)  # the download's columns
    text = t("download.csv_all", rows=f"{lines.num_rows:,}", columns=shown_all.num_columns)
    tables.csv_download(  # built on the click, in the session's language
        lines, name, text=text, data=lambda: tables.csv_bytes(render_table(lines, language))
    )


def refusal(exc: Exception) -> str:
    """Why the engine refused, in the session's language (its Message, when it has one)."""
    first = exc.args[0] if exc.args else None
    return localise(first, lang()) if isinstance(first, Message) else str(exc)


def approval(v: PayoutView, plans: Path) -> None:
    """Close the period, four eyes: prepare it with a name; (prepared) approve it with another
    name; (prepared or approved) compare with today's recomputation and reopen with a reason."""
    st.caption(t("pay.four_eyes_help"))
    a = v.approval
    if a is None:
        earlier = periods_to_approve(v.period)
        if earlier:
            shown = t("list.sep").join(earlier[:12]) + (" …" if len(earlier) > 12 else "")
            st.info(safe.t("pay.to_approve_first", periods=shown))
        _step_form("prepare", v.period, lambda by: prepare_period(v.period, plans, by))
        return
    cols = (
        "agent_id",
        "agent_name",
        "team",
        "payout",
        "recomputed_payout",
        "adjustment",
        "adjustment_booked",
        "status",
    )
    key = ("payout", "recomputed_payout", "adjustment", "status")
    tables.show(
        v.table, name=f"approved_vs_recomputed_{v.period}", columns=cols, key=key, height=300
    )
    if a.status == "prepared":
        _step_form("approve", v.period, lambda by: approve_period(v.period, by))
    with st.form("reopen"):
        st.caption(t("pay.reopen_help"))
        by = st.text_input(t("pay.by"), key="reopen_by")
        reason = st.text_input(t("pay.reason"), key="reopen_reason")
        if st.form_submit_button(safe.t("pay.reopen", period=v.period)):
            try:
                reopen_period(v.period, by, reason)
            except ApprovalRefused as exc:
                st.error(safe.t("pay.refused", detail=refusal(exc)))
                return
            st.rerun()


def _step_form(step: str, period: str, act: Callable[[str], Approval]) -> None:
    """One step of closing a period (prepare, approve): a name and a button."""
    with st.form(step):
        by = st.text_input(t(f"pay.{step}_by"), key=f"{step}_by")
        if st.form_submit_button(safe.t(f"pay.{step}", period=period), type="primary"):
            if not by.strip():
                approving = step == "approve"
                st.error(t("pay.by_required") if approving else t("pay.prepare_by_required"))
                return
            try:
                act(by)
            except ApprovalRefused as exc:
                st.error(safe.t("pay.refused", detail=refusal(exc)))
                return
            st.rerun()


# --- the plan what-if tab ---------------------------------------------------------------


def tabs() -> tuple[Any, Any]:
    """The Payouts page's tabs: a month's payouts, and the plan what-if. Only the open tab's
    content runs (``.open``; the choice is kept in the session as ``pay_tab``)."""
    period, whatif_tab = st.tabs(
        [t("pay.tab_period"), t("pay.tab_whatif")], key="pay_tab", on_change="rerun"
    )
    return period, whatif_tab


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat() if path.exists() else None
    return (stat.st_mtime_ns, stat.st_size) if stat else (0, 0)


@st.cache_data(max_entries=16, show_spinner=False)
def _whatif(
    db: str,
    version: tuple[int, ...],
    start: str,
    end: str,
    plans: str,
    plans_stamp: tuple[int, int],
    candidate: bytes,
    candidate_name: str,
    preset: str,
) -> pa.Table:
    book = service.load_plans(plans)
    other = service.candidate_book(candidate, candidate_name)
    with reads.connection(Path(db)) as con:
        return service.whatif(con, Period.parse(start), Period.parse(end), book, other, preset)


def compare(
    start: str, end: str, plans: Path, candidate: tuple[bytes, str], preset: str = "cn"
) -> pa.Table:
    """The what-if of ``candidate`` (its bytes and name) against ``plans`` from ``start`` to
    ``end`` (cached until the data, the plan file or the candidate changes).

    Raises:
        PlanFileError, PayoutInputError, DatabaseBusy: as the service raises them.
    """
    path = reads.db_path()
    version = reads.data_version(path)
    data_, name = candidate
    return _whatif(str(path), version, start, end, str(plans), _stamp(plans), data_, name, preset)


def candidate_file(files: Sequence[Path]) -> tuple[bytes, str] | None:
    """The candidate plan file as (bytes, name): an upload, read in memory and never written
    to disk, or else one of the plan files we ship (None: it cannot be read)."""
    upload = uploader.file_uploader(t("pay.whatif_upload"), types=("yaml", "yml"), key="whatif_up")
    if upload is not None:
        name = Path(upload.name).name or "candidate.yaml"
        st.caption(safe.t("pay.whatif_uploaded", name=name))
        return upload.getvalue(), name
    index = 1 if len(files) > 1 else 0  # another file than the one in force, when there is one
    path = st.selectbox(
        t("pay.whatif_candidate"), files, index=index, format_func=plan_label, key="whatif_file"
    )
    try:
        return Path(path).read_bytes(), plan_label(Path(path))
    except OSError as exc:
        st.error(safe.t("pay.whatif_cannot", detail=f"{plan_label(Path(path))}: {exc}"))
        return None


def whatif(months: Sequence[str]) -> None:
    """The what-if tab: months, the plan in force and a candidate; the costs, a chart of who
    gains and who loses, and the side-by-side table (one row per month and agent, a total row
    per month)."""
    st.caption(t("pay.whatif_help"))
    c1, c2, c3 = st.columns(3)
    start = c1.selectbox(t("pay.whatif_from"), months, key="whatif_from")
    end = c2.selectbox(t("pay.whatif_to"), months, key="whatif_to")
    files = service.plan_files()
    plans = c3.selectbox(t("pay.whatif_plans"), files, format_func=plan_label, key="whatif_plans")
    candidate = candidate_file(files)
    if candidate is None or start is None or end is None:
        return
    try:
        table = compare(start, end, Path(plans), candidate)
    except (PlanFileError, PayoutInputError) as exc:
        st.error(safe.t("pay.whatif_cannot", detail=refusal(exc)))
        return
    agents = service.whatif_agents(table)
    totals = blocks.sums(agents, ("payout_current", "payout_candidate", "difference"))
    diffs = agents.column("difference").to_pylist()
    gains, losses = sum(1 for d in diffs if d > 0), sum(1 for d in diffs if d < 0)
    blocks.metric_row(
        [
            (t("pay.whatif_current"), totals["payout_current"], "money"),
            (t("pay.whatif_candidate_cost"), totals["payout_candidate"], "money"),
            (t("pay.whatif_difference"), totals["difference"], "money_change"),
        ]
    )
    st.caption(safe.t("pay.whatif_counts", gains=gains, losses=losses))
    title = t("pay.whatif_chart", start=safe.svg(start), end=safe.svg(end))
    st.plotly_chart(charts.gain_loss_bars(agents, title), key="whatif_chart")
    st.subheader(t("pay.whatif_table"))
    total = t("pay.whatif_total")
    names = [
        r["agent_name"] if r["row_kind"] == "agent" else total
        for r in table.select(["row_kind", "agent_name"]).to_pylist()
    ]
    shown = [c for c in table.column_names if c not in ("row_kind", "agents")]
    key = ("payout_current", "payout_candidate", "difference")
    tables.show(
        table,
        name=f"payout_whatif_{start}_{end}",
        columns=shown,
        key=key,
        height=420,
        texts={"agent_name": names},
    )
