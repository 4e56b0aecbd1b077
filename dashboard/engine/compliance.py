"""Contact-rule compliance: which contacts break the conduct rules, and counts per agent.

Collectors are regulated on when and how often they contact debtors (domain.md, Compliance).
The rules of each preset (China by default, US) are configured in config/kpi.yaml; the SQL in
queries/compliance/ evaluates them with the limits bound as parameters. The commission engine
uses ``violation_counts`` for its compliance factor; the compliance reports use the rest. The
counts are computed in the database (compliance/agent_counts.sql over the listing of
compliance/violations.sql in a temporary table): no violation is pulled into Python to be
counted, on DuckDB or on Spark.

Which contacts count (the exact rules; README.md, Reports > compliance, has the same text):

- ``contact_hours``: a contact on a channel the rule covers (China: every channel; US: calls)
  whose time of day is before the allowed start (08:00:00) or after the allowed end (China:
  22:00:00 is already a violation, the ban runs 22:00-08:00; US: 21:00:00 is allowed and
  21:00:01 is not).
- ``unanswered_calls_per_day`` (China): calls with outcome no_answer to one account on one
  calendar day, whoever made them, are numbered by contacted_at (then contact_id); the 7th and
  later are violations.
- ``calls_per_window`` (US): a call (any outcome, any agent) that is the 8th or later among the
  account's calls dated in the 7 calendar days ending on the call's own day. That is the same
  as being the 8th or later call of any 7-consecutive-day window.
- ``call_after_conversation`` (US): a call placed after a right-party call (outcome right_party,
  promise_to_pay, refused, dispute or complaint) to the same account whose date is at most 6
  days earlier: the conversation's day is day 1 of the 7-day period, so a call 7 days later
  is allowed.

A contact is counted once in ``violations`` of ``violation_counts`` however many rules it
breaks; ``violations`` lists one row per contact and rule. Contacts before the window count
towards the limits (the window looks back as far as the longest rule), but only contacts dated
inside the window are listed or counted. The portfolio/team/agent filters choose which contacts
are reported, never which contacts count towards a limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import db
from dashboard.engine.kpi_common import ALL, Filters
from dashboard.engine.settings import CompliancePreset, KpiSettings, default_settings
from dashboard.messages import render
from dashboard.vocab import COMPLIANCE_RULES as RULES


def resolve_preset(
    preset: str | CompliancePreset | None, settings: KpiSettings | None = None
) -> CompliancePreset:
    """The preset object for a name (None: the configured default)."""
    if isinstance(preset, CompliancePreset):
        return preset
    return (settings or default_settings()).preset(preset)


def active_rules(preset: CompliancePreset) -> list[str]:
    """The rules the preset turns on, in the order of RULES."""
    on = {
        "contact_hours": bool(preset.hours_channels),
        "unanswered_calls_per_day": preset.max_unanswered_calls_per_day is not None,
        "calls_per_window": preset.max_calls_per_window is not None,
        "call_after_conversation": preset.call_after_conversation_days is not None,
    }
    return [r for r in RULES if on[r]]


def hours_outside(preset: CompliancePreset) -> tuple[int, ...]:
    """The hours of the day (0-23) in which a contact can break the preset's contact-hours
    rule: those that begin before the allowed start or end after the allowed end (China,
    08:00-22:00: 0-7, 22, 23; US, 08:00-21:00 with 21:00:00 allowed: 0-7, 21-23, since
    21:00:01 is not). Empty when the rule is off (it covers no channel)."""
    if not preset.hours_channels:
        return ()
    start, end = preset.hours_from, preset.hours_until
    start_s = start.hour * 3600 + start.minute * 60 + start.second
    end_s = end.hour * 3600 + end.minute * 60 + end.second
    return tuple(h for h in range(24) if h * 3600 < start_s or end_s < (h + 1) * 3600)


def _rule_params(preset: CompliancePreset, settings: KpiSettings) -> dict[str, Any]:
    return {
        "hours_from": preset.hours_from,
        "hours_until": preset.hours_until,
        "hours_until_inclusive": preset.hours_until_inclusive,
        "hours_channels": list(preset.hours_channels),
        "max_unanswered_per_day": preset.max_unanswered_calls_per_day,
        "max_calls_per_window": preset.max_calls_per_window,
        "call_window_days": preset.call_window_days,
        "conversation_days": preset.call_after_conversation_days,
        "rpc_outcomes": list(settings.right_party_outcomes),
    }


def violations(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    preset: str | CompliancePreset = "cn",
    *,
    filters: Filters = ALL,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Every contact dated in [date_from, date_to] that breaks a rule, once per rule broken.

    Args:
        con: an open database connection.
        date_from: first contact date of the window (inclusive).
        date_to: last contact date of the window (inclusive).
        preset: ``"cn"`` (default), ``"us"``, another configured preset, or a preset object.
        filters: only contacts on accounts of its portfolios, by agents of its teams, by its
            agents (empty: all). Its dates are not read: the window is date_from..date_to.
        settings: the KPI settings (default: config/kpi.yaml).

    Returns:
        contact_id, agent_id, team, account_id, portfolio, contacted_at, channel, outcome,
        rule, detail (English), detail_args (its values: ``with_details``); ordered by
        contacted_at, contact_id, rule.
    """
    return with_details(_listed(con, date_from, date_to, preset, filters, settings))


def _listed(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    preset: str | CompliancePreset,
    filters: Filters,
    settings: KpiSettings | None,
) -> pa.Table:
    """The rows of ``violations`` without their ``detail``."""
    cfg = settings or default_settings()
    p = resolve_preset(preset, cfg)
    params = {
        "date_from": date_from,
        "date_to": date_to,
        **_rule_params(p, cfg),
        **filters.params(),
    }
    return db.run(con, "compliance/violations", params)


def violations_by_month(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    preset: str | CompliancePreset = "cn",
    *,
    filters: Filters = ALL,
    settings: KpiSettings | None = None,
) -> Iterator[pa.Table]:
    """``violations`` of [date_from, date_to] one calendar month at a time, in order.

    Together the parts are the same rows in the same order as one call over the window (each
    contact's look-back reaches before its part, as it reaches before the window), but a
    year's listing is never held whole: the first month can be written while the next is
    computed.
    """
    start = date_from
    while start <= date_to:
        following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        end = min(following - timedelta(days=1), date_to)
        yield violations(con, start, end, preset, filters=filters, settings=settings)
        start = following


def with_details(table: pa.Table) -> pa.Table:
    """The ``detail`` column in English from each row's rule and ``detail_args`` (the message
    ``compliance.<rule>``, dashboard/messages.py), placed before ``detail_args``, which stays
    for a reader of another language (``messages.render_table`` drops it)."""
    rules = table.column("rule").to_pylist()
    values = table.column("detail_args").to_pylist()
    details = [render(f"compliance.{r}", v) for r, v in zip(rules, values, strict=True)]
    at = table.schema.get_field_index("detail_args")
    return table.add_column(at, "detail", pa.array(details, pa.string()))


VIOLATIONS = "compliance_violations"  # the temporary table the per-agent counts read


def _count_into_temp(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    preset: str | CompliancePreset,
    filters: Filters,
    settings: KpiSettings | None,
) -> pa.Table:
    """``compliance/agent_counts``: the window's violations (``compliance/violations``) go
    into the temporary table ``VIOLATIONS`` of this connection, counted there per agent; only
    the counts reach Python (``compliance/agent_rule_counts`` may read the table after)."""
    cfg = settings or default_settings()
    p = resolve_preset(preset, cfg)
    params = {
        "date_from": date_from,
        "date_to": date_to,
        **_rule_params(p, cfg),
        **filters.params(),
    }
    db.run_into_temp(con, VIOLATIONS, "compliance/violations", params)
    return db.run(
        con,
        "compliance/agent_counts",
        {"date_from": date_from, "date_to": date_to, **filters.params()},
    )


def violation_counts(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    preset: str | CompliancePreset = "cn",
    *,
    filters: Filters = ALL,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Per agent with contacts dated in [date_from, date_to]: contacts and their violations.

    Counted in the database (``compliance/agent_counts``): the violations themselves never
    reach Python.

    Args: as for ``violations``.

    Returns:
        One row per agent with at least one contact in the window, ordered by agent_id:
        agent_id, contacts, violations (contacts that break at least one rule), complaints
        (contacts with outcome complaint), disputes (outcome dispute); all int64.
    """
    counts = _count_into_temp(con, date_from, date_to, preset, filters, settings)
    return counts.select(["agent_id", "contacts", "violations", "complaints", "disputes"])


def agent_summary(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    preset: str | CompliancePreset = "cn",
    *,
    filters: Filters = ALL,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """``violation_counts`` with the agent's name and team, and violations per contact.

    Returns:
        agent_id, agent_name, team, contacts, violations, violation_rate (violations /
        contacts, 6 places), complaints, disputes; ordered by agent_id.
    """
    counts = _count_into_temp(con, date_from, date_to, preset, filters, settings)
    contacts, viol = counts["contacts"], counts["violations"]
    return pa.table(
        {
            "agent_id": counts["agent_id"],
            "agent_name": counts["agent_name"],
            "team": counts["team"],
            "contacts": contacts,
            "violations": viol,
            "violation_rate": _rate(viol, contacts),
            "complaints": counts["complaints"],
            "disputes": counts["disputes"],
        }
    )


def _rate(num: pa.ChunkedArray, den: pa.ChunkedArray) -> pa.Array:
    q = Decimal("0.000001")
    values = [
        None if not d else (Decimal(n) / Decimal(d)).quantize(q, rounding=ROUND_HALF_UP)
        for n, d in zip(num.to_pylist(), den.to_pylist(), strict=True)
    ]
    return pa.array(values, type=pa.decimal128(38, 6))


def by_rule(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    preset: str | CompliancePreset = "cn",
    *,
    filters: Filters = ALL,
    settings: KpiSettings | None = None,
) -> pa.Table:
    """Violations per agent and rule, with a row (possibly 0) for every rule the preset uses.

    Returns:
        agent_id, agent_name, team, rule, contacts (the agent's contacts in the window, the
        same on each of its rows), violations (contacts breaking that rule); ordered by
        agent_id and the preset's rule order.
    """
    cfg = settings or default_settings()
    p = resolve_preset(preset, cfg)
    per_agent = _count_into_temp(con, date_from, date_to, p, filters, cfg)
    counted = {
        (r["agent_id"], r["rule"]): r["violations"]
        for r in db.run(con, "compliance/agent_rule_counts").to_pylist()
    }
    rules = active_rules(p)
    rows: dict[str, list[Any]] = {
        k: [] for k in ("agent_id", "agent_name", "team", "rule", "contacts", "violations")
    }
    for a in per_agent.to_pylist():
        for rule in rules:
            rows["agent_id"].append(a["agent_id"])
            rows["agent_name"].append(a["agent_name"])
            rows["team"].append(a["team"])
            rows["rule"].append(rule)
            rows["contacts"].append(a["contacts"])
            rows["violations"].append(counted.get((a["agent_id"], rule), 0))
    return pa.table(
        rows,
        schema=pa.schema(
            [
                ("agent_id", pa.string()),
                ("agent_name", pa.string()),
                ("team", pa.string()),
                ("rule", pa.string()),
                ("contacts", pa.int64()),
                ("violations", pa.int64()),
            ]
        ),
    )
