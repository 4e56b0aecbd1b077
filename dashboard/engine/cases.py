"""Case-management reports (domain.md, "Case management"): legal escalation, and the repayment
plans, agencies and complaints reports that read the case extracts. They take the filters of
``kpis`` with the same meaning and checks and return exact Arrow tables (money DECIMAL(38,2),
rates DECIMAL(38,6), half away from zero). README.md (Reports) defines every column.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import db
from dashboard.engine.kpi_common import (
    ALL,
    Filters,
    ReportError,
    check_as_of,
    check_window,
    latest_snapshot,
    prepare,
)
from dashboard.engine.settings import KpiSettings, default_settings
from dashboard.messages import Message


def legal(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pa.Table:
    """Accounts entering legal per month, their balance at entry, how many are still in legal,
    how long they stay and what they pay back after entry.

    Args:
        filters: ``as_of``: snapshots and payments up to this date (default: the latest
            snapshot's date); portfolios: accounts of these portfolios; teams, agents:
            accounts assigned to these agents / to agents of these teams in the entry snapshot.

    Returns:
        entry_month (YYYY-MM), stays, balance_at_entry, in_legal_now, avg_months_in_legal,
        collected_in_legal, collected_after_entry, recovery_rate.

    Raises:
        ReportError: empty database, unknown filter value, or no snapshot on or before as_of.
    """
    prepare(con, filters)
    check_as_of(con, filters.as_of)
    when = filters.as_of or latest_snapshot(con)
    return db.run(con, "kpi/legal", {"as_of": when, **filters.params()})


def match_account(con: duckdb.DuckDBPyConnection, typed: str) -> str:
    """The account a person means by ``typed``: its id, or a masked id as a table shows it
    (each ``*`` stands for one hidden character), matching exactly one account.

    Raises:
        ReportError: no account, or several, match.
    """
    text = typed.strip()
    if not text:
        raise ReportError(Message("report.account_missing"))
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = escaped.replace("*", "_")
    params = {"account": text, "pattern": pattern}
    found = [r["account_id"] for r in db.run(con, "kpi/account_match", params).to_pylist()]
    if not found:
        raise ReportError(Message("report.account_unknown", account=text))
    if len(found) > 10:
        shown = ", ".join(found[:10])
        raise ReportError(Message("report.account_ambiguous_many", account=text, accounts=shown))
    if len(found) > 1:
        shown = ", ".join(found)
        raise ReportError(
            Message("report.account_ambiguous", count=len(found), account=text, accounts=shown)
        )
    return str(found[0])


def account_history(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    account: str,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """One account's story in date order: snapshots, payments and reversals, contacts with
    their notes and promises, complaints, repayment plans and their installments (domain.md,
    "account history"; plans as of the latest snapshot). Personal data as stored (masked).

    Args:
        account: an account id, or a masked one that matches exactly one account.

    Returns:
        account_id, event_date, event_time, event, ref, agent_id, amount, balance,
        days_past_due, state, status, channel, outcome, promise_date, promise_kept, note.

    Raises:
        ReportError: empty database, or no single account matches.
    """
    cfg = settings or default_settings()
    prepare(con, filters)
    found = match_account(con, account)
    plan_params = {
        "as_of": latest_snapshot(con),
        "grace_days": cfg.plan_grace_days,
        "accounts": [found],  # its own plans only: the same figures, without the whole book's
        **cfg.bucket_params(),
    }
    db.run_into_temp(con, PLAN_STATES, "kpi/plan_states", plan_params)
    return db.run(con, "kpi/account_history", {"account": found, **cfg.bucket_params()})


# -- repayment plans ------------------------------------------------------------------------------

PLAN_STATES = "plan_states"  # the temporary table the plan reports read (kpi/plan_states.sql)


def _evaluate(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: KpiSettings | None
) -> KpiSettings:
    """Evaluate every plan as of ``as_of`` (default: the latest snapshot's date) into the
    temporary table ``plan_states`` of this connection; the settings used."""
    cfg = settings or default_settings()
    prepare(con, filters)
    check_as_of(con, filters.as_of)
    when = filters.as_of or latest_snapshot(con)
    params = {
        "as_of": when,
        "grace_days": cfg.plan_grace_days,
        "accounts": [],
        **cfg.bucket_params(),
    }
    db.run_into_temp(con, PLAN_STATES, "kpi/plan_states", params)
    return cfg


def _plan_report(
    con: duckdb.DuckDBPyConnection,
    query: str,
    filters: Filters,
    settings: KpiSettings | None,
    extra: dict[str, object] | None = None,
) -> pa.Table:
    """Evaluate every plan (``_evaluate``), then run the report query on ``plan_states`` with
    the dimension filters and ``extra``."""
    _evaluate(con, filters, settings)
    return _on_states(con, query, filters, extra)


def _on_states(
    con: duckdb.DuckDBPyConnection,
    query: str,
    filters: Filters,
    extra: dict[str, object] | None = None,
) -> pa.Table:
    return db.run(con, query, {**filters.params(), **(extra or {})})


def _due_window(filters: Filters) -> dict[str, object]:
    check_window(filters.date_from, filters.date_to)  # a window ending before it starts
    return {"due_from": filters.date_from, "due_to": filters.date_to}


PLAN_GROUPS = ("installment", "bucket")  # plan_summary's ``by``


def plans(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Every repayment plan created on or before ``as_of`` with its status as of that date.

    Args:
        filters: ``as_of``: the evaluation date (default: the latest snapshot's date);
            portfolios: plans on accounts of these portfolios; teams, agents: plans of these
            agents / of agents of these teams.
        settings: the KPI settings (``plan_grace_days``; default: config/kpi.yaml).

    Returns:
        plan_id, account_id, agent_id, plan_type, created_date, installments,
        scheduled_total, paid_towards, status, broken_date, relief, bucket_at_creation.
    """
    return _plan_report(con, "kpi/plans", filters, settings)


def plan_installments(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Every installment of those plans: due, cumulative due, paid by its due date (plus
    grace) and its state (kept, missed, pending, superseded). Filters as for ``plans``, and
    ``date_from`` .. ``date_to``: only installments due in that window (either open)."""
    return _plan_report(con, "kpi/plan_installments", filters, settings, _due_window(filters))


def plan_summary(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
    by: str = "installment",
) -> pa.Table:
    """The kept rate per plan type and installment number (``by="installment"``) or per plan
    type and the account's bucket when the plan was agreed (``by="bucket"``), over the
    installments due in ``date_from`` .. ``date_to`` (either open). Filters as for ``plans``.

    Returns:
        plan_type, then installment_no or bucket_at_creation, installments, decided, kept,
        missed, undecided, kept_rate, amount_due, amount_kept.
    """
    if by not in PLAN_GROUPS:
        raise ValueError(f"by must be one of {PLAN_GROUPS}, not {by!r}")
    _due_window(filters)  # refused before the plans are evaluated
    cfg = _evaluate(con, filters, settings)
    return _summary_on_states(con, filters, cfg, by)


def _summary_on_states(
    con: duckdb.DuckDBPyConnection, filters: Filters, cfg: KpiSettings, by: str
) -> pa.Table:
    extra = {**_due_window(filters), "by": by, "bucket_names": cfg.bucket_names}
    table = _on_states(con, "kpi/plan_summary", filters, extra)
    return table.drop_columns(["bucket_at_creation" if by == "installment" else "installment_no"])


def broken_plans(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """The broken plans as a worklist: account (personal data masked), agent, broken_date,
    amount overdue. Filters as for ``plans``."""
    return _plan_report(con, "kpi/broken_plans", filters, settings)


def plans_page(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    *,
    settings: KpiSettings | None = None,
) -> dict[str, pa.Table]:
    """The plan reports a page shows together, from one evaluation of the plans: ``plans``,
    ``summary_installment`` and ``summary_bucket`` (``plan_summary`` by each grouping) and
    ``broken`` (``broken_plans``), each the table its own function returns for ``filters``
    (the three reports would otherwise evaluate every plan three times)."""
    _due_window(filters)  # a window ending before it starts is refused first, as by plan_summary
    cfg = _evaluate(con, filters, settings)
    return {
        "plans": _on_states(con, "kpi/plans", filters),
        **{f"summary_{by}": _summary_on_states(con, filters, cfg, by) for by in PLAN_GROUPS},
        "broken": _on_states(con, "kpi/broken_plans", filters),
    }


def relief_by_agent(plans_table: pa.Table) -> pa.Table:
    """The settlement relief granted per agent, from a ``plans`` table: agent_id, settlements,
    relief (their sum; a cost, never recovery), largest first."""
    given = plans_table.select(["agent_id", "relief"]).filter(pc.is_valid(plans_table["relief"]))
    per = given.group_by("agent_id", use_threads=False).aggregate(
        [("relief", "count"), ("relief", "sum")]
    )  # Arrow's decimal sum is exact; in Python it took seconds on 200,000 plans
    rows = [
        {"agent_id": r["agent_id"], "settlements": r["relief_count"], "relief": r["relief_sum"]}
        for r in per.to_pylist()
    ]
    rows.sort(key=lambda r: (-r["relief"], r["agent_id"] or ""))
    schema = pa.schema(
        [("agent_id", pa.string()), ("settlements", pa.int64()), ("relief", pa.decimal128(38, 2))]
    )
    return pa.Table.from_pylist(rows, schema=schema)
