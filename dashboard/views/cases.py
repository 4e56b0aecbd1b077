"""Cases: one account's whole story (found by its id, or a masked id as a table shows it), and
the accounts escalated to legal action, per month of entry, with what they paid back since.

The account searched for is a page-level choice kept in the URL (``case_account``), so a link
opens one account's history."""

import streamlit as st

from dashboard.engine.kpi_common import ReportError
from dashboard.ui import charts, choices, fmt, page, reads, safe, tables
from dashboard.ui.i18n import t

f = page.begin("cases")
with page.guard():
    st.subheader(t("cases.history_title"))
    typed = choices.text(
        "case_account", t("cases.search"), placeholder=t("cases.search_hint"), type="search"
    )
    if typed:
        try:
            history = reads.report("account-history", account=typed)
        except ReportError as exc:
            page.report_refused(exc)
        else:
            account = history.column("account_id")[0].as_py() if history.num_rows else typed
            n = fmt.count(history.num_rows)
            st.caption(safe.t("cases.history_caption", account=account, n=n))
            tables.show(
                history,
                name=f"account_history_{account}",
                key=("event_date", "event_time", "event", "amount", "balance", "state"),
                height=420,
            )
    else:
        st.caption(t("cases.search_help"))

    st.subheader(t("cases.legal_title"))
    legal = reads.report("legal", f.dims(as_of=f.snapshot))
    now = sum(r["in_legal_now"] for r in legal.to_pylist())
    st.caption(safe.t("cases.legal_caption", snapshot=f.snapshot, now=fmt.count(now)))
    title = t("cases.legal_chart", snapshot=f.snapshot)
    fig = charts.rate_bars(legal, "entry_month", "recovery_rate", title)
    st.plotly_chart(fig, key="legal")
    tables.show(
        legal,
        name=f"legal_{f.snapshot}",
        key=("entry_month", "stays", "balance_at_entry", "in_legal_now", "recovery_rate"),
        height=300,
    )
