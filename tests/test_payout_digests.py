"""The canonical text the payout digests hash (dashboard/payouts/digests.py), hand-written.

The text is the definition an approval's fingerprint stands on: each value as the module
docstring says, whatever its Python type's repr; a field is its length, ':', the text.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal as D

import pyarrow as pa
import pytest

from dashboard.messages import Message
from dashboard.payouts import digests
from dashboard.payouts.values import Period


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        (D("12.30"), "12.30"),
        (D("12.3"), "12.30"),  # the value, not the exponent: repr would say Decimal('12.3')
        (D("12.300"), "12.30"),
        (D("5"), "5.00"),
        (D("1E+2"), "100.00"),
        (D("-0.00"), "0.00"),
        (D("0E-8"), "0.00"),
        (D("-5.5"), "-5.50"),
        (D("0.123456"), "0.123456"),
        (D("12345678901234567890123456789012.34"), "12345678901234567890123456789012.34"),
        (date(2026, 3, 1), "2026-03-01"),
        (datetime(2026, 3, 1, 9, 5, 7), "2026-03-01 09:05:07.000000"),
        (datetime(2026, 3, 1, 9, 5, 7, 500), "2026-03-01 09:05:07.000500"),
        ("中文", "中文"),
        (Period(2026, 3), "2026-03"),
        ((D("1.00"), None), "4:1.00-"),
        ({"b": 1, "a": "x"}, "6:1:a1:x6:1:b1:1"),  # pairs by key: (a, x), (b, 1)
    ],
)
def test_canonical_text(value: object, text: str | None) -> None:
    assert digests.text(value) == text


def test_a_message_is_its_english_text() -> None:
    m = Message("payout.no_team")
    assert digests.text(m) == str.__str__(m)


def test_fields_read_back_one_way_only() -> None:
    assert digests.fields(["ab", None, "", 7]) == "2:ab-0:1:7"
    assert digests.fields(["a|b", "c"]) != digests.fields(["a", "b|c"])
    assert digests.fields(["1:a"]) != digests.fields(["1", "a"])


def test_no_float_and_no_unknown_type() -> None:
    with pytest.raises(TypeError):
        digests.text(1.5)
    with pytest.raises(TypeError):
        digests.text(object())
    with pytest.raises(ValueError):
        digests.text(D("NaN"))


def test_digest_is_versioned_sha256_of_the_rows() -> None:
    rows = [("a", D("1.00")), ("b", None)]
    want = hashlib.sha256(b"1:a4:1.00\n1:b-\n").hexdigest()
    assert digests.digest(rows) == "v2:" + want
    assert digests.is_current(digests.digest(rows))
    assert not digests.is_current(want)
    assert not digests.is_current(None)


def test_a_table_is_written_as_its_rows_fields() -> None:
    table = pa.table(
        {
            "agent_id": pa.array(["A1", None, "张三"]),
            "payment_date": pa.array([date(2026, 3, 1), date(2026, 3, 2), None]),
            "net_amount": pa.array([D("12.30"), D("-5.00"), D("0.00")], pa.decimal128(38, 2)),
        }
    )
    assert (
        digests.table_text(table)
        == ("2:A110:2026-03-015:12.30\n-10:2026-03-025:-5.00\n2:张三-4:0.00\n").encode()
    )
    rows = [tuple(r.values()) for r in table.to_pylist()]
    assert digests.table_text(table) == "".join(digests.fields(r) + "\n" for r in rows).encode()
    # Another engine's precision (DECIMAL(18, 2), or more places) writes the same text.
    narrower = table.set_column(2, "net_amount", table["net_amount"].cast(pa.decimal128(18, 2)))
    assert digests.table_text(narrower) == digests.table_text(table)
    assert digests.table_text(table.slice(0, 0)) == b""
