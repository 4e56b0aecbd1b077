"""Compliance: violations by agent and rule, the violating contacts, China / US presets."""

import streamlit as st

from dashboard.engine.compliance import active_rules
from dashboard.engine.settings import default_settings
from dashboard.ui import blocks, charts, data, page, safe, style, tables
from dashboard.ui.i18n import label, t

f = page.begin("compliance")
settings = default_settings()
with page.guard():
    preset = st.segmented_control(
        t("compliance.preset"),
        list(settings.preset_names),
        default=settings.default_preset,
        required=True,
        format_func=lambda p: safe.label("preset", p),
        key="compliance_preset",
    )
    st.caption(safe.label("preset_rules", preset))
    args = {**f.window(), **f.dims(), "preset": preset}
    per_agent = data.report("compliance_agents", **args)
    by_rule = data.report("compliance_by_rule", **args)
    detail = data.report("compliance_detail", **args)
    total = blocks.sums(per_agent, ("contacts", "violations", "complaints", "disputes"))
    blocks.metric_row([(t(f"col.{k}"), style.count(v)) for k, v in total.items()])
    rules = active_rules(settings.preset(preset))
    title = t("compliance.by_agent_rule", date_from=f.date_from, date_to=f.date_to)
    st.plotly_chart(charts.stacked_by_rule(by_rule, rules, title), key="by_rule")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('compliance.per_agent')}**")
        tables.show(per_agent, name=f"compliance_agents_{preset}", height=300)
    with right:
        st.markdown(f"**{t('compliance.per_rule')}**")
        tables.show(by_rule, name=f"compliance_by_rule_{preset}", height=300)
    st.subheader(safe.t("compliance.contacts", n=f"{detail.num_rows:,}"))
    c1, c2 = st.columns(2)
    only_agent = c1.selectbox(
        t("col.agent_id"),
        sorted(set(detail.column("agent_id").to_pylist())),
        index=None,
        placeholder=t("filters.all"),
        key="viol_agent",
    )
    only_rule = c2.selectbox(
        t("col.rule"),
        rules,
        index=None,
        placeholder=t("filters.all"),
        format_func=lambda r: label("rule", r),
        key="viol_rule",
    )
    chosen = {k: v for k, v in (("agent_id", only_agent), ("rule", only_rule)) if v}
    tables.show(tables.where(detail, **chosen), name=f"compliance_contacts_{preset}", height=360)
