"""Digests of what a period's payouts are computed from, defined on values, not on an engine.

An approval stores two: ``data_fingerprint`` (``run.PayoutRun.fingerprint``: every fact the
chain of months used, hashed in Python) and ``facts_digest`` (``facts.facts_digest``: the raw
facts of the period, digested in SQL by payouts/fact_digests.sql). Both must come out the same
whether the facts were read by DuckDB or by Spark (issue 16), so neither hashes a ``repr`` (a
Decimal's repr keeps its exponent, an engine's type names leak into it) nor an engine's own
hash function (DuckDB's ``hash()`` has no Spark twin): each writes its values as canonical
text and hashes that text with SHA-256 (Python) or MD5 (SQL, ``digest_number``; both
engines have it).

Canonical text of a value (Python; queries/macros.sql ``digest_text`` writes the same in SQL):

- null: no text (the field is ``-``, below);
- a boolean: ``true`` / ``false``; a whole number: its decimal digits (``-12``);
- a Decimal: its value in plain digits with at least two places (``12.30``, ``-5.00``,
  ``0.123456``; never an exponent, ``-0`` is ``0.00``): the text of a DECIMAL(18, 2) column
  in SQL, whatever places an engine gives the value;
- a date: ``YYYY-MM-DD``; a timestamp: ``YYYY-MM-DD HH:MM:SS.ffffff``;
- text: itself; a period (month): ``YYYY-MM``;
- a sequence: its items' fields one after another; a mapping: its (key, value) pairs, by key.

A field is the text's length in characters, ``:``, and the text (``-`` alone for null), so a
row of fields reads back one way only. A digest is ``v2:`` and the SHA-256 of its rows' fields,
one row a line.

Approvals made before this (digests without the ``v2:`` prefix) are compared with the formula
they were made with (``LEGACY``: the repr fingerprint, DuckDB's hash in month_digests_v1.sql), so
an approval whose data did not change still reads as unchanged; on an engine without that
formula the period is recomputed instead (the same figures, only slower).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, localcontext
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

VERSION = "v2:"
MONEY = pa.decimal128(38, 2)


def is_current(stored: str | None) -> bool:
    """Whether a stored digest was made with today's formula (``VERSION``)."""
    return stored is not None and stored.startswith(VERSION)


def _decimal(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"not a finite amount: {d}")
    text = str(d)
    if text[-3:-2] == "." and "E" not in text and text != "-0.00":
        return text  # two places already (every amount the database gives)
    if d.is_zero():
        return "0.00"
    with localcontext(prec=80):
        plain = d.normalize()
        if plain.as_tuple().exponent > -2:  # type: ignore[operator]
            plain = plain.quantize(Decimal("0.01"))
    return format(plain, "f")


def text(value: Any) -> str | None:
    """The canonical text of a value (module docstring); None for null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S.%f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, Mapping):
        return fields(sorted(value.items()))
    if isinstance(value, tuple | list):
        return fields(value)
    if type(value).__name__ == "Period":  # values.Period (no import: values imports nothing)
        return str(value)
    raise TypeError(f"no canonical text for a {type(value).__name__}")


def field(value: Any) -> str:
    """``<length>:<text>``, or ``-`` for null."""
    kind = type(value)  # the common exact types first: a run writes tens of thousands
    if kind is str:
        t: str | None = value
    elif kind is Decimal:
        t = _decimal(value)
    elif kind is int:
        t = str(value)
    else:
        t = text(value)
    return "-" if t is None else f"{len(t)}:{t}"


def fields(values: Iterable[Any]) -> str:
    """The fields of the values, one after another."""
    return "".join(map(field, values))


def digest(rows: Iterable[Iterable[Any]]) -> str:
    """``VERSION`` and the SHA-256 of the rows' fields, one row a line."""
    h = hashlib.sha256()
    for row in rows:
        h.update(fields(row).encode())
        h.update(b"\n")
    return VERSION + h.hexdigest()


def table_text(table: pa.Table) -> bytes:
    """The fields of every row of an Arrow table, a row a line, in the table's order: what
    ``fields`` writes for the rows' Python values, computed column-wise (strings, dates and
    money; a DECIMAL is written with two places, as a money column of any engine)."""
    if table.num_rows == 0:
        return b""
    parts: list[pa.Array] = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_decimal(kind):
            column = column.cast(MONEY)
        elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and not (
            pa.types.is_date32(kind) or pa.types.is_integer(kind)
        ):
            raise TypeError(f"no canonical text for a column of {kind}")
        written = pc.cast(column, pa.string())
        length = pc.cast(pc.utf8_length(written), pa.string())
        one = pc.binary_join_element_wise(length, written, ":")
        parts.append(pc.fill_null(one, "-"))
    line = pc.binary_join_element_wise(*parts, pa.scalar("\n"), "")
    if isinstance(line, pa.ChunkedArray):
        line = line.combine_chunks()
    rows = pa.LargeListArray.from_arrays(
        pa.array([0, len(line)], pa.int64()), line.cast(pa.large_string())
    )
    return str(pc.binary_join(rows, pa.scalar("", pa.large_string()))[0].as_py()).encode()
