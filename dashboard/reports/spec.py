"""What a report is: its declaration (``Report``), its parameters (``Param``) and one parsed
run of it (``Call``, what a custom command-line runner gets). The reports themselves are
declared in ``dashboard/reports/catalogue.py``; ``dashboard/reports/__init__.py`` says how the
pieces fit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from dashboard.engine.kpi_common import ALL, DATE_FIELDS, DIMENSION_FIELDS, Filters, run_query
from dashboard.engine.output import OutputError, check_target
from dashboard.engine.settings import KpiSettings, default_settings

Kind = Literal["date", "choice", "choices", "flag", "value"]
Text = str | Callable[[], str]  # a callable is read when the parser is built (from settings)
Choices = Sequence[str] | Callable[[], Sequence[str]]


@dataclass(frozen=True)
class Param:
    """One parameter of a report: a date of its ``Filters`` or a keyword of its function.

    Kinds: ``date`` (YYYY-MM-DD; ``name`` is a date field of Filters), ``choice`` (one of
    ``choices``, else ``default``), ``choices`` (repeatable, any of ``choices``; a tuple),
    ``flag`` (True when given), ``value`` (text turned into a value by ``parse``, which raises
    ValueError on a bad one). A ``positional`` value is given without an option
    (``report account-history ACCOUNT_ID``); its ``option`` is then its metavar.
    """

    name: str
    kind: Kind
    help: Text
    choices: Choices = ()
    default: Any = None
    flag: str = ""  # the command-line option; default: --name, with - for _
    parse: Callable[[str], Any] | None = None
    metavar: str | None = None
    required: bool = False
    positional: bool = False

    def __post_init__(self) -> None:
        if self.positional and (self.kind != "value" or not self.metavar or self.flag):
            raise ValueError(f"{self.name}: a positional parameter is a value with a metavar")

    @property
    def option(self) -> str:
        if self.positional:
            return str(self.metavar)
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def is_date(self) -> bool:
        return self.kind == "date"

    def help_text(self) -> str:
        return self.help() if callable(self.help) else self.help

    def choice_list(self) -> list[str]:
        return list(self.choices() if callable(self.choices) else self.choices)


def file_name(text: str) -> Path:
    """A ``value`` parser for a file or folder name: not empty, no NUL byte."""
    if not text.strip():
        raise ValueError("an empty name is not a file")
    if "\0" in text:
        raise ValueError(f"{text!r} is not a file name (it holds a NUL byte)")
    return Path(text)


def file_to_write(text: str) -> Path:
    """A ``value`` parser for a file to write: its folder exists, and it is not a folder."""
    path = file_name(text)
    try:
        check_target(path)
    except OutputError as exc:
        raise ValueError(str(exc)) from exc
    return path


def compliance_preset(text: str) -> str:
    """A ``value`` parser for a compliance preset name (config/kpi.yaml)."""
    known = default_settings().preset_names
    if text not in known:
        raise ValueError(f"unknown compliance preset '{text}' (known: {', '.join(known)})")
    return text


@dataclass(frozen=True)
class Call:
    """One run of a report with its parameters parsed: what a custom ``runner`` gets (it opens
    the engine the call names through ``dashboard.cli.engines.reader``)."""

    report: Report
    db: Path | None
    filters: Filters
    options: Mapping[str, Any]
    format: str
    engine: str = "duckdb"  # or "spark": the queries run on Spark over the lake
    lake: Path | str | None = None  # the lake's folder or URL (``--lake``), for Spark
    master: str | None = None  # Spark's master URL (``--master``); None: local or $SPARK_REMOTE
    derive: str = "lake"  # on Spark: the derived tables as exported ("lake") or built ("spark")


Runner = Callable[[Call], int]


@dataclass(frozen=True)
class Report:
    """One report (see ``dashboard/reports/__init__.py``)."""

    name: str
    help: str
    run: Callable[..., pa.Table] | None = None
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()  # every column it can return, in the order they come out
    doc: str = ""  # the anchor of its section in README.md, e.g. "#buckets"
    dims: bool = True  # takes the portfolio / team / agent filters
    formats: tuple[str, ...] = ("csv", "json", "table")
    runner: Runner | None = None  # None: the CLI opens the database read-only and prints run
    description: str = ""  # the ``report NAME --help`` text; default from help and name
    # A report that is one query file needs no engine function: ``query`` names the file, run
    # binds the declared dates (``default_window``: From/To default to the latest snapshot's
    # month), the dimensions, its options and what ``bind`` takes from the settings.
    query: str = ""
    default_window: bool = False
    bind: Callable[[KpiSettings], Mapping[str, Any]] | None = None

    def __post_init__(self) -> None:
        if self.query:
            if self.run is not None:
                raise ValueError(f"report {self.name}: a run function or a query, not both")
            run = _query_runner(self.query, self.dates, self.default_window, self.bind)
            object.__setattr__(self, "run", run)
        if self.run is None and self.runner is None:
            raise ValueError(f"report {self.name}: needs a run function, a query or a runner")
        if not self.doc.startswith("#"):
            raise ValueError(f"report {self.name}: doc is a README anchor, e.g. '#{self.name}'")
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError(f"report {self.name}: a parameter is declared twice: {names}")
        for p in self.params:
            if p.is_date != (p.name in DATE_FIELDS):
                raise ValueError(f"report {self.name}: {p.name}: dates are {DATE_FIELDS}")

    @property
    def dates(self) -> tuple[str, ...]:
        """The date fields of Filters the report reads."""
        return tuple(p.name for p in self.params if p.is_date)

    @property
    def options(self) -> tuple[Param, ...]:
        """The keyword options of its function (the parameters that are not dates)."""
        return tuple(p for p in self.params if not p.is_date)

    def check(self, filters: Filters, options: Mapping[str, Any]) -> None:
        """Refuse what the report does not read (a caller's mistake, not a user's).

        Raises:
            TypeError: a date, a dimension filter or an option the report does not take.
        """
        extra = [d for d in filters.dates_given() if d not in self.dates]
        if not self.dims:
            extra += [d for d in DIMENSION_FIELDS if getattr(filters, d)]
        own = [p.name for p in self.options]
        extra += [k for k in options if k not in own]
        if extra:
            takes = [*self.dates, *(DIMENSION_FIELDS if self.dims else ()), *own]
            raise TypeError(
                f"report {self.name} takes no {', '.join(extra)} (it takes: {', '.join(takes)})"
            )

    def cli_description(self) -> str:
        """The text of ``report NAME --help``."""
        if self.description:
            return self.description
        sentence = f"{self.help[0].upper()}{self.help[1:]}"
        return f"{sentence}. Definitions: README.md, Reports > {self.name}."


def _query_runner(
    query: str,
    dates: tuple[str, ...],
    window: bool,
    bind: Callable[[KpiSettings], Mapping[str, Any]] | None,
) -> Callable[..., pa.Table]:
    def run(con: duckdb.DuckDBPyConnection, filters: Filters = ALL, **options: Any) -> pa.Table:
        settings = dict(bind(default_settings())) if bind else {}
        params = {**settings, **options}
        return run_query(con, query, filters, dates, window=window, params=params)

    return run
