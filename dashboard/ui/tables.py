"""Tables as people read them, and as CSV files they download: one helper for every page.

A table is shown from an exact Arrow table, with the formats of ``dashboard.ui.fmt``: money
(DECIMAL with 2 places) as ``-3,973.00`` under a header that carries the currency
(``Balance (¥)``: the grid's printf formats cannot put the sign before a prefix), rates
(DECIMAL with 6 places) as percentages with one decimal, counts with thousands separators;
column names and known values (buckets, rules, channels ...) are translated. Decimals become
floats only for display.

What a reader needs first comes first (issue 10: "Payout", "Why", "Recovery rate" sat off
screen): the id and name columns, pinned, then the page's key columns, then the rest in the
table's order, and last the columns that hold one value on every row (the period, the snapshot
pair: the title says them). Long text (reasons) wraps in taller rows. A table too wide for the
page at 1280 px names the columns it shows (``screen``): every one of them then fits, whole, and
the download, which says so, holds every column. A table can be a
drill-down control: a click on a row calls the page's ``pick`` with that row, and the row of
the current choice is shown selected (the choice itself lives in the URL, ``ui.choices``).

The CSV download writes the exact Arrow table with canonical column names, UTF-8 with a BOM
(Excel then reads Chinese correctly) and formula-like text neutralised (dashboard/spreadsheet.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from dashboard.spreadsheet import write_csv
from dashboard.ui import fmt, safe
from dashboard.ui.i18n import engine_table, label, lang, t

# Columns whose values are translated for display, and the catalogue prefix they use.
VALUE_LABELS = {
    "bucket": "bucket",
    "from_bucket": "bucket",
    "to_state": "bucket",
    "state": "bucket",
    "event": "event",
    "plan_type": "plan_type",
    "holder": "holder",
    "category": "category",
    "rule": "rule",
    "channel": "channel",
    "region": "region",
    "outcome": "outcome",
    "status": "status",
    "next_status": "status",
    "kind": "kind",
    "direction": "direction",
    "credit_rule": "credit_rule",
}
FACTOR_COLUMNS = {"compliance_factor"}
PLAN_RATE_COLUMNS = {"rate"}  # a plan's commission rate: two decimals (fmt.plan_rate)
# Identity columns: first and pinned, in this order, when a table has them.
ID_COLUMNS = ("agent_id", "agent_name", "account_id", "contact_id")
# Columns that are moved to the end when every row holds the same value.
CONSTANT_LAST = {"period", "as_of_date", "from_date", "to_date", "date_from", "date_to"}
ROW_PX = 35  # st.dataframe's row height, to size short tables without empty rows
WRAP_ROW_PX = 68  # the grid wraps text only in rows taller than 4rem (64 px)


def csv_bytes(table: pa.Table) -> bytes:
    """The table as CSV bytes for Excel: UTF-8 with BOM, exact values, canonical headers."""
    buf = io.StringIO()
    write_csv(table, buf)
    return buf.getvalue().encode("utf-8-sig")


def _is_money(field: pa.Field) -> bool:
    return pa.types.is_decimal(field.type) and field.type.scale == 2


def _is_rate(field: pa.Field) -> bool:
    return pa.types.is_decimal(field.type) and field.type.scale >= 4


def money_header(text: str) -> str:
    """A money column's header with the currency: ``Balance (¥)`` / ``余额（¥）``."""
    cur = fmt.currency()
    return f"{text}（{cur}）" if lang() == "zh" else f"{text} ({cur})"


def column_config(table: pa.Table, wrap: Sequence[str] = ()) -> dict[str, Any]:
    """The st.column_config of every column: translated header, the fmt format, id columns
    pinned, ``wrap`` columns wide (their text wraps)."""
    config: dict[str, Any] = {}
    fixed = constant_columns(table)
    for field in table.schema:
        name = field.name
        text = label("col", name)
        pin = (name in ID_COLUMNS and name not in fixed) or None
        if name in FACTOR_COLUMNS:
            col = st.column_config.NumberColumn(text, format=fmt.FACTOR_COLUMN, pinned=pin)
        elif name in PLAN_RATE_COLUMNS and _is_rate(field):
            col = st.column_config.NumberColumn(text, format=fmt.PLAN_RATE_COLUMN, pinned=pin)
        elif _is_money(field):
            col = st.column_config.NumberColumn(
                money_header(text), format=fmt.MONEY_COLUMN, pinned=pin
            )
        elif _is_rate(field):
            col = st.column_config.NumberColumn(text, format=fmt.RATE_COLUMN, pinned=pin)
        elif pa.types.is_integer(field.type) or (
            pa.types.is_decimal(field.type) and field.type.scale == 0
        ):
            col = st.column_config.NumberColumn(text, format=fmt.COUNT_COLUMN, pinned=pin)
        elif name == "month" and pa.types.is_date(field.type):
            col = st.column_config.DateColumn(text, format="YYYY-MM", pinned=pin)
        elif name in wrap:
            col = st.column_config.TextColumn(text, width="medium", pinned=pin)
        else:
            col = st.column_config.Column(text, pinned=pin)
        config[name] = col
    return config


def _constant(table: pa.Table, name: str) -> bool:
    return table.num_rows > 0 and pc.count_distinct(table.column(name)).as_py() <= 1


def column_order(table: pa.Table, key: Sequence[str] = ()) -> list[str]:
    """Id/name columns, then ``key`` columns, then the rest; one-valued columns last."""
    names = table.column_names
    last = [n for n in names if n in constant_columns(table)]
    ids = [n for n in ID_COLUMNS if n in names and n not in last]
    first = list(dict.fromkeys([*ids, *(n for n in key if n in names and n not in last)]))
    rest = [n for n in names if n not in first and n not in last]
    return [*first, *rest, *last]


def constant_columns(table: pa.Table) -> set[str]:
    """Columns that say one thing on every row (a period, a snapshot pair, the one agent of a
    statement): they go last, unpinned; the title or the page says them."""
    if table.num_rows <= 1:
        return {n for n in table.column_names if n in CONSTANT_LAST}
    return {
        n
        for n in table.column_names
        if n in CONSTANT_LAST | set(ID_COLUMNS) and _constant(table, n)
    }


def display_frame(table: pa.Table) -> pd.DataFrame:
    """A DataFrame for plotting: decimals as floats, known values translated."""
    columns = {}
    for field in table.schema:
        col = table.column(field.name)
        if pa.types.is_decimal(field.type):
            col = pc.cast(col, pa.float64())
        columns[field.name] = col
    frame = pa.table(columns).to_pandas() if columns else pd.DataFrame()
    for name, prefix in VALUE_LABELS.items():
        if name in frame.columns and not pd.api.types.is_numeric_dtype(frame[name]):
            # an empty value stays empty (None: the grid's "–"), never the label of "nan"; each
            # distinct value looked up once (a lookup per row took seconds on 60,000 rows)
            texts = {v: label(prefix, v) for v in frame[name].unique() if not pd.isna(v)}
            frame[name] = frame[name].map(lambda v, t=texts: None if pd.isna(v) else t[v])
    return frame


def table_frame(table: pa.Table) -> pd.DataFrame:
    """A DataFrame for a table: as ``display_frame``, with rates in percent units (the grid's
    printf format then shows ``44.4%``; its own "percent" format follows the browser's locale
    and drops decimals)."""
    frame = display_frame(table)
    for field in table.schema:
        if _is_rate(field) and field.name not in FACTOR_COLUMNS:
            frame[field.name] = frame[field.name] * 100
    return frame


def show(
    table: pa.Table,
    *,
    name: str,
    columns: Sequence[str] | None = None,
    key: Sequence[str] = (),
    height: int | None = None,
    download: bool = True,
    extra_config: Mapping[str, Any] | None = None,
    texts: Mapping[str, Sequence[str]] | None = None,
    wrap: Sequence[str] = (),
    screen: Sequence[str] | None = None,
    pick: Callable[[dict[str, Any]], None] | None = None,
    picked: int | None = None,
) -> None:
    """Show a table with formats and translated headers, and a CSV download of it.

    Args:
        table: the exact table (what the download holds).
        name: file name stem of the download, and the widget key.
        columns: the columns to show and download (default: all).
        key: the columns a reader needs first (after the id and name columns).
        height: fixed height in pixels (default: Streamlit's).
        download: offer the CSV download button.
        extra_config: column_config entries that override the defaults.
        texts: columns shown as these texts instead of their values (one per row).
        wrap: text columns whose long values wrap (taller rows).
        screen: the columns shown on screen (default: every column); the download holds all.
        pick: makes a row click a drill-down: called (in a callback) with the clicked row.
        picked: the row of the current choice, shown selected.
    """
    table = engine_table(table)  # engine messages in the session's language
    if columns is not None:
        table = table.select([c for c in columns if c in table.column_names])
    config = column_config(table, wrap) | dict(extra_config or {})
    frame = table_frame(table)
    for column, values in (texts or {}).items():
        frame[column] = list(values)
        wide = column in wrap  # a wrapped text stays wide
        config[column] = st.column_config.TextColumn(
            label("col", column), width="medium" if wide else None
        )
    row_px = WRAP_ROW_PX if wrap else ROW_PX
    fitted = min(height, row_px * table.num_rows + ROW_PX + 3) if height else None
    options: dict[str, Any] = {
        "column_config": config,
        "column_order": [c for c in column_order(table, key) if screen is None or c in screen],
        "hide_index": True,
        "height": fitted if fitted is not None else "auto",
        "width": "stretch",
        "placeholder": fmt.MISSING,
        "row_height": WRAP_ROW_PX if wrap else None,
    }
    if pick is None:
        st.dataframe(frame, **options)
    else:
        widget = f"pick_{name}_{picked}"  # a new widget per choice: no stale selection

        def clicked() -> None:
            state = st.session_state.get(widget)
            chosen = state["selection"]["rows"] if state else []
            if chosen:  # the clicked row only (not every row of a long table on each run)
                pick(table.slice(chosen[0], 1).to_pylist()[0])

        default: Any = {"selection": {"rows": [picked]}} if picked is not None else None
        st.dataframe(
            frame,
            key=widget,
            on_select=clicked,
            selection_mode="single-row",
            selection_default=default,
            **options,
        )
    if download:
        hidden = len(options["column_order"]) < table.num_columns
        text = (
            t("download.csv_all", rows=f"{table.num_rows:,}", columns=table.num_columns)
            if hidden
            else None
        )
        csv_download(table, name, text=text)


def csv_download(
    table: pa.Table,
    name: str,
    *,
    text: str | None = None,
    data: Callable[[], bytes] | None = None,
) -> None:
    """A download button for the table as CSV (built only when clicked; ``data`` builds other
    bytes for it, e.g. the table rendered in the session's language)."""
    st.download_button(
        safe.md(text) if text else safe.t("download.csv", rows=f"{table.num_rows:,}"),
        data=data or (lambda: csv_bytes(table)),
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
