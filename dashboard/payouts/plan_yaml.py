"""Reading a plan file's YAML exactly, and recording its problems.

The plan file is the one place finance edits by hand, so reading it must neither round a
number (YAML floats are read as exact Decimals from their text) nor let a mistake through
(duplicate keys are refused; PyYAML would silently keep the last). The ``Checker`` collects
problems with where they are, so every mistake of a file is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.000001")


@dataclass(frozen=True)
class Problem:
    """One mistake in a plan file: where (plan, team or file), the key, and what is wrong."""

    where: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.key}: {self.message}"


@dataclass
class PlanFileError(ValueError):
    """The plan file is refused; ``problems`` lists every mistake found."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"plan file {self.source} refused ({len(self.problems)} problem(s)):"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class Loader(yaml.SafeLoader):
    """SafeLoader that reads floats as exact Decimals and refuses duplicate keys."""

    duplicates: list[tuple[str, int]]


def _decimal_float(loader: Loader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return text  # .inf / .nan: refused where a number is expected


def _checked_mapping(loader: Loader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            loader.duplicates.append((str(key), key_node.start_mark.line + 1))
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


Loader.add_constructor("tag:yaml.org,2002:float", _decimal_float)
Loader.add_constructor("tag:yaml.org,2002:map", _checked_mapping)


def parse_yaml(text: str, source: str) -> Any:
    loader = Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise PlanFileError(source, [Problem("file", "yaml", f"not valid YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    if loader.duplicates:
        raise PlanFileError(
            source,
            [
                Problem("file", key, f"given twice (again on line {line}): which one counts?")
                for key, line in loader.duplicates
            ],
        )
    return data


THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def number(value: Any) -> Decimal | None:
    """An exact Decimal from a YAML value (int, decimal, '1.5%', '60,000'), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        scale = Decimal(1)
        if text.endswith("%"):
            text, scale = text[:-1].strip(), Decimal("0.01")
        if THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number * scale if number.is_finite() else None
    return None


class Checker:
    """Collects problems while reading one section of the file."""

    def __init__(self, where: str, problems: list[Problem]) -> None:
        self.where = where
        self.problems = problems

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.where, key, message))

    def mapping(self, value: Any, key: str, allowed: Sequence[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.bad(key, f"expected a mapping of keys ({', '.join(allowed)}), got {value!r}")
            return None
        for k in value:
            if k not in allowed:
                self.bad(
                    f"{key}.{k}" if key else str(k),
                    f"unknown key '{k}' (allowed: {', '.join(allowed)})",
                )
        return value

    def required(self, data: dict[str, Any], key: str, prefix: str) -> Any:
        if data.get(key) is None:
            self.bad(f"{prefix}{key}", "is required")
        return data.get(key)

    def rate(self, value: Any, key: str) -> Decimal | None:
        num = number(value)
        if num is None:
            self.bad(key, f"{value!r} is not a number (write a rate like 0.02 or '2%')")
        elif not Decimal(0) <= num <= Decimal(1):
            self.bad(key, f"rate {num} is outside 0..1 (2% is written 0.02)")
        elif num != num.quantize(RATE_STEP):
            self.bad(key, f"rate {num} has more than six decimal places")
        else:
            return num
        return None

    def money(self, value: Any, key: str) -> Decimal | None:
        num = number(value)
        if num is None:
            self.bad(key, f"{value!r} is not an amount of money")
        elif num < 0:
            self.bad(key, f"amount {num} is negative")
        elif num != num.quantize(CENT):
            self.bad(key, f"amount {num} has more than two decimal places")
        else:
            return num
        return None

    def whole(self, value: Any, key: str) -> int | None:
        num = number(value)
        if num is None or num != num.to_integral_value() or num < 0:
            self.bad(key, f"{value!r} is not a whole number >= 0")
            return None
        return int(num)
