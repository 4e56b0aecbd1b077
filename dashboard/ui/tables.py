"""Tables as people read them, and as CSV files they download: one helper for every page.

A table is shown from an exact Arrow table: money (DECIMAL with 2 places) gets the currency
format, rates (DECIMAL with 6 places) a percentage, counts thousands separators, column names
and known values (buckets, rules, channels ...) are translated. Decimals become floats only for
display. The CSV download writes the exact Arrow table with canonical column names, UTF-8 with
a BOM (Excel then reads Chinese correctly) and formula-like text neutralised (engine.exports).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from dashboard.engine.exports import write_csv
from dashboard.ui import safe, style
from dashboard.ui.i18n import label

# Columns whose values are translated for display, and the catalogue prefix they use.
VALUE_LABELS = {
    "bucket": "bucket",
    "from_bucket": "bucket",
    "to_state": "bucket",
    "rule": "rule",
    "channel": "channel",
    "outcome": "outcome",
    "status": "status",
    "next_status": "status",
    "kind": "kind",
    "direction": "direction",
}
FACTOR_COLUMNS = {"compliance_factor"}
# Money-typed columns that may hold a count (a tier level of tasks or of money): no symbol.
PLAIN_COLUMNS = {"level_min"}
ROW_PX = 35  # st.dataframe's row height, to size short tables without empty rows


def csv_bytes(table: pa.Table) -> bytes:
    """The table as CSV bytes for Excel: UTF-8 with BOM, exact values, canonical headers."""
    buf = io.StringIO()
    write_csv(table, buf)
    return buf.getvalue().encode("utf-8-sig")


def _is_money(field: pa.Field) -> bool:
    return pa.types.is_decimal(field.type) and field.type.scale == 2


def _is_rate(field: pa.Field) -> bool:
    return pa.types.is_decimal(field.type) and field.type.scale >= 4


def _column_config(table: pa.Table) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for field in table.schema:
        name = field.name
        text = label("col", name)
        if name in FACTOR_COLUMNS:
            config[name] = st.column_config.NumberColumn(text, format=style.FACTOR_FORMAT)
        elif name in PLAIN_COLUMNS:
            config[name] = st.column_config.NumberColumn(text, format="%,.2f")
        elif _is_money(field):
            config[name] = st.column_config.NumberColumn(text, format=style.money_format())
        elif _is_rate(field):
            config[name] = st.column_config.NumberColumn(text, format=style.RATE_FORMAT)
        elif pa.types.is_integer(field.type) or (
            pa.types.is_decimal(field.type) and field.type.scale == 0
        ):
            config[name] = st.column_config.NumberColumn(text, format=style.COUNT_FORMAT)
        else:
            config[name] = st.column_config.Column(text)
    return config


def display_frame(table: pa.Table) -> pd.DataFrame:
    """A DataFrame for showing or plotting: decimals as floats, known values translated."""
    columns = {}
    for field in table.schema:
        col = table.column(field.name)
        if pa.types.is_decimal(field.type):
            col = pc.cast(col, pa.float64())
        columns[field.name] = col
    frame = pa.table(columns).to_pandas() if columns else pd.DataFrame()
    for name, prefix in VALUE_LABELS.items():
        if name in frame.columns and not pd.api.types.is_numeric_dtype(frame[name]):
            frame[name] = frame[name].map(lambda v, p=prefix: label(p, v) if v is not None else v)
    return frame


def show(
    table: pa.Table,
    *,
    name: str,
    columns: Sequence[str] | None = None,
    height: int | None = None,
    download: bool = True,
    extra_config: Mapping[str, Any] | None = None,
) -> None:
    """Show a table with formats and translated headers, and a CSV download of it.

    Args:
        table: the exact table.
        name: file name stem of the download, and the widget key.
        columns: the columns to show and download (default: all), in this order.
        height: fixed height in pixels (default: Streamlit's).
        download: offer the CSV download button.
        extra_config: column_config entries that override the defaults.
    """
    if columns is not None:
        table = table.select([c for c in columns if c in table.column_names])
    config = _column_config(table) | dict(extra_config or {})
    fitted = min(height, ROW_PX * (table.num_rows + 1) + 3) if height else None
    st.dataframe(
        display_frame(table),
        column_config=config,
        hide_index=True,
        height=fitted if fitted is not None else "auto",
        width="stretch",
        placeholder="–",
    )
    if download:
        csv_download(table, name)


def csv_download(table: pa.Table, name: str, *, text: str | None = None) -> None:
    """A download button for the table as CSV (built only when clicked)."""
    st.download_button(
        safe.md(text) if text else safe.t("download.csv", rows=f"{table.num_rows:,}"),
        data=lambda: csv_bytes(table),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        on_click="ignore",
        icon=":material/download:",
        type="tertiary",
    )


def where(table: pa.Table, **equals: Any) -> pa.Table:
    """The rows whose columns equal the given values (e.g. ``where(t, agent_id="AG001")``)."""
    mask = None
    for column, value in equals.items():
        cond = pc.equal(table.column(column), pa.scalar(value, table.schema.field(column).type))
        mask = cond if mask is None else pc.and_(mask, cond)
    return table if mask is None else table.filter(pc.fill_null(mask, False))
