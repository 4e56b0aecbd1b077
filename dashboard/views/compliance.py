"""Compliance: violations by agent and rule, the violating contacts, China / US presets; the
complaints of the complaints extract per agent and team, with those open past the SLA.

The preset and the agent/rule of the contact list are page-level choices kept in the URL; a
click on a row of the per-agent or per-rule table sets them. The reason ("Why") wraps; the
tables are full width, so that every column they show fits."""

import streamlit as st

from dashboard.engine.compliance import active_rules
from dashboard.engine.settings import default_settings
from dashboard.ui import blocks, case_view, charts, choices, page, reads, safe, tables
from dashboard.ui.i18n import label, t

# The violating contacts on screen (contact id, team and portfolio are in the download): every
# column fits at 1280 px, the reason wraps.
DETAIL_KEY = ("rule", "detail", "contacted_at", "channel", "outcome")

f = page.begin("compliance")
settings = default_settings()
with page.guard():
    preset = choices.segmented(
        "compliance_preset",
        t("compliance.preset"),
        list(settings.preset_names),
        format_func=lambda p: label("preset", p),
        spellings=choices.catalogue_spellings("preset"),
        first=settings.default_preset,
    )
    st.caption(safe.label("preset_rules", preset))
    per_agent = reads.report("compliance-agents", f.window(), preset=preset)
    by_rule = reads.report("compliance", f.window(), preset=preset)
    detail = reads.report("compliance", f.window(), preset=preset, detail=True)
    total = blocks.sums(per_agent, ("contacts", "violations", "complaints", "disputes"))
    blocks.metric_row([(t(f"col.{k}"), v, "count") for k, v in total.items()])
    rules = active_rules(settings.preset(preset))
    title = t("compliance.by_agent_rule", date_from=f.date_from, date_to=f.date_to)
    st.plotly_chart(charts.stacked_by_rule(by_rule, rules, title), key="by_rule")
    per_agent_box, per_rule_box = st.container(), st.container()  # full width: all columns fit
    st.subheader(safe.t("compliance.contacts", n=f"{detail.num_rows:,}"))
    c1, c2 = st.columns(2)
    only_agent = choices.select(
        "viol_agent",
        t("col.agent_id"),
        sorted(set(detail.column("agent_id").to_pylist())),
        optional=True,
        placeholder=t("filters.all"),
        container=c1,
    )
    only_rule = choices.select(
        "viol_rule",
        t("col.rule"),
        rules,
        format_func=lambda r: label("rule", r),
        spellings=choices.catalogue_spellings("rule"),
        optional=True,
        placeholder=t("filters.all"),
        container=c2,
    )
    chosen = {k: v for k, v in (("agent_id", only_agent), ("rule", only_rule)) if v}
    tables.show(
        tables.where(detail, **chosen),
        name=f"compliance_contacts_{preset}",
        key=DETAIL_KEY,
        screen=("agent_id", "account_id", *DETAIL_KEY),
        wrap=("detail",),
        height=420,
        pick=blocks.open_history,
    )
    with per_agent_box:  # a click on a row lists that agent's (and rule's) violating contacts
        blocks.violations_per_agent(per_agent, preset, only_agent)
    with per_rule_box:
        blocks.violations_per_rule(by_rule, preset, only_agent, only_rule)
    case_view.complaints(f)
