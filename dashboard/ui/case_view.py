"""The case-management sections of the pages: one account's history, the repayment plans and
legal escalation (``views/cases.py``), complaints (``views/compliance.py``). Each reads its
reports through ``reads`` and lays them out; no rule here."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from dashboard.engine.cases import PLAN_GROUPS, relief_by_agent
from dashboard.engine.kpi_common import ReportError
from dashboard.engine.settings import default_settings
from dashboard.ui import charts, choices, fmt, page, reads, safe, tables
from dashboard.ui.filters import ViewFilters
from dashboard.ui.i18n import label, t

# How the status and note of a history row read, by its event (their values are codes of
# several vocabularies: dashboard/vocab.py).
STATUS_OF = {
    "complaint": "complaint_status",
    "plan": "plan_status",
    "installment": "installment_state",
}
NOTE_OF = {"complaint": "category", "plan": "plan_type"}


def open_on_this_page(row: dict) -> None:
    """A row of a table of this page that lists accounts: its history in the search box."""
    st.session_state["case_account"] = row["account_id"]


def history_texts(history: pa.Table) -> dict[str, list[str]]:
    """The status and note columns of an account history as a reader sees them: each value
    translated by the vocabulary of its row's event."""
    rows = history.to_pylist()

    def status(r: dict) -> str:
        return label(STATUS_OF.get(r["event"], "status"), r["status"]) if r["status"] else ""

    def note(r: dict) -> str:
        if r["event"] in NOTE_OF and r["note"]:
            return label(NOTE_OF[r["event"]], r["note"])
        return r["note"] or ""

    return {"status": [status(r) for r in rows], "note": [note(r) for r in rows]}


def account_history() -> None:
    """The search box (a URL choice) and the account's history, or why there is none."""
    st.subheader(t("cases.history_title"))
    typed = choices.text(
        "case_account", t("cases.search"), placeholder=t("cases.search_hint"), type="search"
    )
    if not typed:
        st.caption(t("cases.search_help"))
        return
    try:
        history = reads.report("account-history", account=typed)
    except ReportError as exc:
        page.report_refused(exc)
        return
    account = history.column("account_id")[0].as_py() if history.num_rows else typed
    n = fmt.count(history.num_rows)
    st.caption(safe.t("cases.history_caption", account=account, n=n))
    tables.show(
        history,
        name=f"account_history_{account}",
        key=("event_date", "event_time", "event", "amount", "status", "note"),
        height=420,
        texts=history_texts(history),
        wrap=("note",),
    )


def plans(f: ViewFilters) -> None:
    """Kept rate by installment number and type, the broken-plan worklist, relief granted."""
    st.subheader(t("cases.plans_title"))
    # The reports plans, plan-summary (both groupings) and broken-plans, evaluated together.
    plan_tables = reads.get("plans_page", filters=f.dims(as_of=f.snapshot))
    every = plan_tables["plans"]
    st.caption(safe.t("cases.plans_caption", snapshot=f.snapshot, n=fmt.count(every.num_rows)))
    by = choices.segmented(
        "cases_plan_by",
        t("cases.plan_by"),
        PLAN_GROUPS,
        format_func=lambda o: t(f"plan_by.{o}"),
        spellings=choices.catalogue_spellings("plan_by"),
    )
    summary = plan_tables[f"summary_{by}"]
    group = "installment_no" if by == "installment" else "bucket_at_creation"
    texts = None
    if by == "bucket":
        buckets = summary.column(group).to_pylist()
        texts = {group: [b if b is not None else t("cases.no_bucket") for b in buckets]}
    left, right = st.columns(2)
    with left:
        title = t(f"cases.kept_chart_{by}", snapshot=f.snapshot)
        st.plotly_chart(charts.kept_by_installment(summary, title), key="kept_by_installment")
    with right:
        kept = st.column_config.NumberColumn(t("cases.kept_rate"), format=fmt.RATE_COLUMN)
        tables.show(
            summary,
            name=f"plan_summary_by_{by}_{f.snapshot}",
            key=("plan_type", group, "kept_rate", "decided", "kept", "missed"),
            height=320,
            extra_config={"kept_rate": kept},
            texts=texts,
        )
    st.markdown(f"**{t('cases.broken_title')}**")
    broken = plan_tables["broken"]
    st.caption(safe.t("cases.broken_caption", n=fmt.count(broken.num_rows)))
    st.caption(t("chart.click_account"))
    tables.show(
        broken,
        name=f"broken_plans_{f.snapshot}",
        key=("broken_date", "amount_overdue", "plan_type", "paid_towards"),
        height=320,
        pick=open_on_this_page,
    )
    st.markdown(f"**{t('cases.relief_title')}**")
    relief = relief_by_agent(every)
    tables.show(relief, name=f"relief_by_agent_{f.snapshot}", key=("relief", "settlements"))


def legal(f: ViewFilters) -> None:
    """Accounts entering legal per month and what they paid back since."""
    st.subheader(t("cases.legal_title"))
    table = reads.report("legal", f.dims(as_of=f.snapshot))
    now = sum(r["in_legal_now"] for r in table.to_pylist())
    st.caption(safe.t("cases.legal_caption", snapshot=f.snapshot, now=fmt.count(now)))
    title = t("cases.legal_chart", snapshot=f.snapshot)
    st.plotly_chart(charts.rate_bars(table, "entry_month", "recovery_rate", title), key="legal")
    tables.show(
        table,
        name=f"legal_{f.snapshot}",
        key=("entry_month", "stays", "balance_at_entry", "in_legal_now", "recovery_rate"),
        height=300,
    )


def complaints(f: ViewFilters) -> None:
    """Complaints per agent and team in the window, with the ones open past the SLA."""
    st.subheader(t("compliance.complaints_title"))
    table = reads.report("complaints", f.window())
    total = next((r for r in table.to_pylist() if r["level"] == "total"), None)
    if total is not None:
        days = default_settings().complaint_sla_days
        st.caption(
            safe.t(
                "compliance.complaints_caption",
                n=fmt.count(total["complaints"]),
                over=fmt.count(total["open_over_sla"]),
                days=days,
            )
        )
    levels = [label("level", v) for v in table.column("level").to_pylist()]
    tables.show(
        table,
        name=f"complaints_{f.date_from}_{f.date_to}",
        key=("level", "id", "complaints", "per_1000_contacts", "upheld", "open_over_sla"),
        height=320,
        texts={"level": levels},
    )
