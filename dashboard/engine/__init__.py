"""The KPI engine: typed functions over the staging views that the app and the CLI share.

``kpis`` (and its ``kpi_*`` siblings) compute the reports of domain.md's KPI section from
queries/kpi/; ``compliance`` evaluates the contact rules; ``settings`` reads config/kpi.yaml.
Nothing here imports streamlit.
"""
