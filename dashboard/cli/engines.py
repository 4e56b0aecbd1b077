"""The engine a report runs on: ``--engine duckdb`` (the default: the database file) or
``--engine spark --lake DIR [--master URL]`` (issue 16: the same query files on Spark, over a
lake that ``lake export`` wrote).

``reader(call)`` is the one place the report commands open what they read. On DuckDB it is
the database, read-only, as always. On Spark it first refuses, before starting anything and
with one line for a person (exit status 2), a lake folder without an export, a lake older
than the database (the state its manifest recorded against the database's now: the database
named by ``--db`` is opened read-only for that alone), a missing pyspark or Java and a master
that does not answer; then it yields a ``SparkConnection`` in place of the DuckDB connection.
The report functions pass their connection only to ``db.run`` and ``db.run_into_temp``,
which dispatch on it, so they run unchanged on either engine. pyspark is imported only here,
only for ``--engine spark``: the DuckDB command line and the app never need it or Java.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

import duckdb

from dashboard import db, lake
from dashboard.cli.common import CommandError, path_arg

if TYPE_CHECKING:
    from dashboard.reports.spec import Call

ENGINES = ("duckdb", "spark")
DERIVE = ("lake", "spark")


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--engine``, ``--lake`` and ``--master`` to a report's options."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="where the queries run: duckdb (default: the database file) or spark (the lake "
        "given by --lake, on local[2] or --master)",
    )
    parser.add_argument(
        "--lake",
        type=lake_arg,
        default=None,
        metavar="DIR",
        help="with --engine spark: the lake's folder (written by `lake export --to DIR`), or "
        "its URL (hdfs://..., s3a://...: a copy Spark reads); as new as the database (--db)",
    )
    parser.add_argument(
        "--master",
        default=None,
        metavar="URL",
        help="with --engine spark: Spark's master (spark://HOST:7077, yarn, k8s://..., or "
        "sc://HOST:15002 for Spark Connect); default local[2], or Spark Connect at "
        "$SPARK_REMOTE",
    )

    parser.add_argument(
        "--derive",
        choices=DERIVE,
        default="lake",
        help="with --engine spark: the derived tables (rpt_*, payments_credited) as the lake "
        "holds them (default: built by DuckDB at import) or built on Spark from the lake's "
        "staged tables (spark: a dozen more Spark jobs; the same rows)",
    )


def lake_arg(text: str) -> Path | str:
    """argparse type for --lake: a local folder, or a URL Spark reads (``hdfs://``,
    ``s3a://``, ``file://``: kept as text, a Path would fold its ``//``)."""
    return text if "://" in text else path_arg(text)


def check_engine_options(call: Call) -> None:
    """Refuse the engine options that do not go together.

    Raises:
        CommandError: --lake or --master without --engine spark, or --engine spark without
            --lake.
    """
    if call.engine != "spark":
        options = (("--lake", call.lake), ("--master", call.master))
        given = [f for f, v in options if v] + (["--derive"] if call.derive != "lake" else [])
        if given:
            verb = "go" if len(given) > 1 else "goes"
            raise CommandError(f"{' and '.join(given)} {verb} with --engine spark")
    elif call.lake is None:
        raise CommandError("--engine spark needs --lake DIR (a lake written by `lake export`)")


@contextmanager
def reader(call: Call) -> Iterator[duckdb.DuckDBPyConnection]:
    """What the report of ``call`` reads, for a ``with`` block: the database read-only, or on
    Spark a connection to the lake (see the module).

    Raises:
        CommandError: engine options that do not go together; no lake, an old one, no
            pyspark or Java, a master that does not answer (``dashboard.spark_session``'s
            SparkUnavailable); a query Spark failed (its SparkFailed).
    """
    check_engine_options(call)
    if call.engine != "spark":
        with db.connect(call.db, read_only=True) as con:
            yield con
        return
    assert call.lake is not None
    with db.connect(call.db, read_only=True) as con:
        state = lake.database_state(con)
    db_path = db.resolve(call.db)
    # pyspark only now, and only for Spark
    from dashboard import spark as engine
    from dashboard import spark_session as sessions

    url = str(call.lake) if engine.is_url(call.lake) else None
    try:
        if url is None:
            manifest = sessions.check_lake(Path(call.lake), state, db_path)
        with sessions.session(call.master) as spark:
            if url is not None:  # on HDFS, S3...: only Spark reads it
                manifest = engine.read_lake_manifest(spark, url)
                sessions.check_state(manifest, state, url, db_path)
            engine.register_lake(spark, url or call.lake, manifest)
            if call.derive == "spark":  # the lake's copies replaced by tables built on Spark
                from dashboard import spark_derive

                spark_derive.build(spark)
            # The report functions take it where they take a DuckDB connection: they only
            # hand it to db.run and db.run_into_temp, which dispatch on it (db.OtherEngine).
            yield cast(duckdb.DuckDBPyConnection, sessions.SparkConnection(spark))
    except (sessions.SparkUnavailable, sessions.SparkFailed, engine.LakeMissing) as exc:
        raise CommandError(str(exc)) from exc
