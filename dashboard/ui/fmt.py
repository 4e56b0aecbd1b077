"""The one number formatter of the app: money, counts, rates, rate changes, dates, in English
and Chinese, for cards, tables, chart ticks and hovers alike.

Why (issue 10): tables said "¥-3,973.00" where cards said "-¥217,289.83", "68%" stood beside
"44.44%", a task level read "20.00", and each page chose its own decimals. Here every kind of
number has one rule:

- **money**: exact from ``Decimal``, half up to cents, thousands separators, the sign before the
  currency symbol (``-¥3,973.00``, ``+¥20.00`` for a change; zero has no sign). In a table the
  symbol goes into the column header (``Balance (¥)``) and the cell reads ``-3,973.00``: the
  grid's printf formats cannot put a sign before a prefix, and a number column stays sortable.
- **compact money** (cards): one decimal of the largest unit the value reaches,
  English K / M / B (thousand, million, billion), Chinese 万 / 亿 (10^4, 10^8), so
  ``¥34.8M`` / ``¥3,477.6万``; below the first unit the exact value. A card shows the exact
  value on hover.
- **axis ticks**: one rule for a whole axis, never per tick: one unit and one number of
  decimals for every tick of a money axis (``¥0.8万`` beside ``¥1.0万``, never ``¥8,000``
  beside ``¥1万``), one number of decimals on a rate axis (``2.5%`` beside ``5.0%``).
- **rates and shares**: a percentage with one decimal everywhere (``44.4%``, ``68.0%``); a plan's
  commission rate (a configured parameter, not a measure) with two (``1.50%``).
- **rate changes**: percentage points, signed, one decimal (``+0.9 pp``, ``+0.9 个百分点``).
- **counts**: whole numbers with thousands separators (a task level is a count: ``20``).
- **dates**: ISO in both languages (``2026-10-31``, months ``2026-10``), as the URL and the
  command line write them.

The currency symbol is ``$DASHBOARD_CURRENCY`` (default ¥). ``lang`` defaults to the session's.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dashboard.ui import i18n

CURRENCY_ENV = "DASHBOARD_CURRENCY"
DEFAULT_CURRENCY = "¥"
MISSING = "–"
RATE_PLACES = 1
PLAN_RATE_PLACES = 2
CENT = Decimal("0.01")
# Compact units, largest first: (value of the unit, suffix).
UNITS = {
    "en": ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K")),
    "zh": ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")),
}
POINTS = {"en": "pp", "zh": "个百分点"}

# Formats of st.column_config.NumberColumn (printf, sprintf-js): the same rules as above.
MONEY_COLUMN = "%,.2f"
COUNT_COLUMN = "%,d"
RATE_COLUMN = f"%.{RATE_PLACES}f%%"  # the column holds percent units (rate x 100)
PLAN_RATE_COLUMN = f"%.{PLAN_RATE_PLACES}f%%"
FACTOR_COLUMN = "%.4f"


def currency() -> str:
    """The currency symbol shown with money (``$DASHBOARD_CURRENCY``, default ¥)."""
    return os.environ.get(CURRENCY_ENV, "").strip() or DEFAULT_CURRENCY


def _lang(lang: str | None) -> str:
    return lang if lang in UNITS else i18n.lang()


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _sign(d: Decimal, sign: bool) -> str:
    if d < 0:
        return "-"
    return "+" if sign and d > 0 else ""


def money(value: Any, *, sign: bool = False, lang: str | None = None) -> str:
    """Exact money: ``¥1,234.50``, ``-¥3,973.00``; ``sign`` adds ``+`` to a positive change."""
    del lang  # the same in both languages
    if value is None:
        return MISSING
    d = _dec(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{_sign(d, sign)}{currency()}{abs(d):,.2f}"


def money_short(value: Any, *, sign: bool = False, lang: str | None = None) -> str:
    """Compact money for cards: ``¥34.8M`` / ``¥3,477.6万``; exact below the first unit."""
    if value is None:
        return MISSING
    d = _dec(value)
    units = UNITS[_lang(lang)]
    size = abs(d)
    for i, (unit, suffix) in enumerate(units):
        if size < unit:
            continue
        n = (size / unit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if i > 0 and n * unit >= units[i - 1][0]:  # 999.95K rounds to the next unit: 1.0M
            bigger, big_suffix = units[i - 1]
            n, suffix = (size / bigger).quantize(Decimal("0.1"), ROUND_HALF_UP), big_suffix
        return f"{_sign(d, sign)}{currency()}{n:,.1f}{suffix}"
    return money(d, sign=sign)


def count(value: Any, *, sign: bool = False) -> str:
    """A whole number with thousands separators (``+27`` with ``sign``; zero unsigned)."""
    if value is None:
        return MISSING
    n = int(value)
    return f"{n:+,d}" if sign and n else f"{n:,d}"


def _percent(value: Any, places: int) -> str:
    if value is None:
        return MISSING
    d = (_dec(value) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{d:,.{places}f}%"


def rate(value: Any) -> str:
    """A rate or share (0.444444) as a percentage with one decimal (44.4%)."""
    return _percent(value, RATE_PLACES)


def plan_rate(value: Any) -> str:
    """A commission rate of a plan (0.015) with two decimals (1.50%)."""
    return _percent(value, PLAN_RATE_PLACES)


def points(value: Any, *, lang: str | None = None) -> str:
    """A change of a rate in percentage points, signed: ``+0.9 pp`` / ``+0.9 个百分点``."""
    if value is None:
        return MISSING
    d = (_dec(value) * 100).quantize(Decimal(1).scaleb(-RATE_PLACES), rounding=ROUND_HALF_UP)
    text = f"{d:+.{RATE_PLACES}f}" if d else f"{abs(d):.{RATE_PLACES}f}"
    return f"{text} {POINTS[_lang(lang)]}"


def factor(value: Any) -> str:
    """A multiplier such as the compliance factor: four decimals."""
    return MISSING if value is None else f"{_dec(value):.4f}"


def day(value: date | None) -> str:
    """A date, ISO."""
    return MISSING if value is None else value.isoformat()


def month(value: date | None) -> str:
    """A month, ``YYYY-MM``."""
    return MISSING if value is None else f"{value:%Y-%m}"


TICK_PLACES = 1  # at most this many decimals in a unit on an axis; else the next unit down


def _places(d: Decimal) -> int:
    exponent = d.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def money_ticks(values: Sequence[float], *, lang: str | None = None) -> list[str]:
    """The tick texts of one money axis, in one unit and with one number of decimals for the
    whole axis (``¥0``, ``¥0.2万`` ... ``¥1.0万``; never ``¥8,000`` beside ``¥1万``).

    The unit is the largest one the largest tick reaches in which every tick needs at most
    ``TICK_PLACES`` decimals (a step of 2,500 is no ``¥0.25万``: it is ``¥2,500``); below the
    first unit the ticks are plain amounts with thousands separators. Zero is ``¥0``.
    """
    ds = [Decimal(str(v)) for v in values]
    top = max((abs(d) for d in ds), default=Decimal(0))
    scale, suffix = Decimal(1), ""
    for unit, name in UNITS[_lang(lang)]:
        if top >= unit and all(_places(d / unit) <= TICK_PLACES for d in ds):
            scale, suffix = unit, name
            break
    places = max((_places(d / scale) for d in ds), default=0)
    return [
        f"{_sign(d, False)}{currency()}{abs(d) / scale:,.{places}f}{suffix}"
        if d
        else f"{currency()}0"
        for d in ds
    ]


def rate_ticks(values: Sequence[float]) -> list[str]:
    """The tick texts of one rate axis: round percentages, one number of decimals for the
    whole axis (``0.0%``, ``2.5%``, ``5.0%``; ``0%``, ``20%`` when no tick needs one)."""
    ds = [(Decimal(str(v)) * 100).quantize(Decimal("0.01")) for v in values]
    places = max((_places(d) for d in ds), default=0)
    return [f"{d:,.{places}f}%" for d in ds]


def _nice_step(span: float, target: int) -> float:
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


HAIR = 1e-3  # of a tick step: a value this close past a tick ends the axis there (``ticks``)


def ticks(
    low: float, high: float, kind: str, *, lang: str | None = None, target: int = 5
) -> tuple[list[float], list[str]]:
    """Round tick values covering [low, high] (and 0), with their texts by this module's rules.

    Args:
        low, high: the data's range.
        kind: "money" or "rate".
        lang: the language (default: the session's).
        target: about how many intervals.
    """
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        high = low + (1.0 if kind == "money" else 0.1)
    step = _nice_step(high - low, target)
    if -step * 0.1 < low < 0:  # a hair below zero (a deficit of a few cents): no tick for it
        low = 0.0
    # A hair past a tick is no reason for another: shares rounded to six places and stacked
    # to 100 % add up to 1.000002 (the bar's tip past the axis is less than a pixel).
    first = math.floor(low / step + HAIR)
    last = math.ceil(high / step - HAIR)
    values = [round(i * step, 10) for i in range(first, last + 1)]
    if kind == "money":
        return values, money_ticks(values, lang=lang)
    return values, rate_ticks(values)
