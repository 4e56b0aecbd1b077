"""contact-timing (README.md, Reports; domain.md, "contact timing"): a hand-made contact log
whose counts are worked out below, and seeded random portfolios against pandas."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dashboard import db, reports
from dashboard.engine.kpi_common import Filters
from tests.kpi_fixtures import build_db, random_world
from tests.test_kpi_properties import FILTERS, RPC, SEEDS, World, rate, tuples

m = Decimal
ACCOUNTS = [
    ("A1", "2026-03-31", "P1", "2026-01-01", "100.00", "100.00", 40, "G1", "open"),
    ("A2", "2026-03-31", "P2", "2026-01-01", "100.00", "100.00", 40, "G2", "open"),
]
AGENTS = [("G1", "Ann", "T1"), ("G2", "Bo", "T2")]
# 2026-03-01 is a Sunday (7), 03-02 a Monday (1).
CONTACTS = [
    ("K1", "A1", "G1", "2026-03-02T09:05:00", "call", "no_answer"),
    ("K2", "A1", "G1", "2026-03-02T09:59:59", "call", "promise_to_pay", "50.00", "2026-03-09"),
    ("K3", "A2", "G2", "2026-03-02T09:30:00", "call", "refused"),
    ("K4", "A2", "G2", "2026-03-02T10:00:00", "call", "right_party"),  # the next hour
    ("K5", "A1", "G1", "2026-03-02T09:15:00", "sms", "no_answer"),
    ("K6", "A1", "G1", "2026-03-01T20:00:00", "call", "wrong_party"),
    ("K7", "A1", "G1", "2026-02-28T09:00:00", "call", "right_party"),  # before the window
]  # fmt: skip


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("timing")
    return build_db(folder, accounts=ACCOUNTS, agents=AGENTS, contacts=CONTACTS)


def timing(path: Path, filters: Filters) -> list[tuple[Any, ...]]:
    with db.connect(path) as con:
        return tuples(reports.run(con, "contact-timing", filters))


def test_contact_timing_by_hand(hand: Path) -> None:
    march = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    # Monday 9 h, call: K1, K2, K3; right party K2 (a promise), K3 (refused): 2 of 3, and 1
    # promise of 2 conversations. Monday 9 h, sms: K5. Monday 10 h: K4. Sunday 20 h: K6.
    assert timing(hand, march) == [
        (1, 9, "call", 3, 2, m("0.666667"), 1, m("0.500000")),
        (1, 9, "sms", 1, 0, m("0.000000"), 0, None),
        (1, 10, "call", 1, 1, m("1.000000"), 0, m("0.000000")),
        (7, 20, "call", 1, 0, m("0.000000"), 0, None),
    ]
    # Contacts made by team T2's agent: K3 and K4. The default window is the latest
    # snapshot's month: March.
    assert timing(hand, Filters(teams=["T2"])) == [
        (1, 9, "call", 1, 1, m("1.000000"), 0, m("0.000000")),
        (1, 10, "call", 1, 1, m("1.000000"), 0, m("0.000000")),
    ]
    assert timing(hand, Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))) == [
        (6, 9, "call", 1, 1, m("1.000000"), 0, m("0.000000")),
    ]


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    raw = random_world(request.param)
    path = build_db(tmp_path_factory.mktemp(f"timing{request.param}"), **raw)
    return path, World(raw)


def ref_timing(w: World, f: dict[str, list[str]], start: date, end: date) -> list[tuple]:
    c = w.contacts[(w.contacts["day"] >= start) & (w.contacts["day"] <= end)]
    keep = [
        w.account_ok(a, f) and w.agent_ok(g, f)
        for a, g in zip(c["account_id"], c["agent_id"], strict=True)
    ]
    c = c[keep]
    out = []
    groups = c.groupby(
        [c["at"].map(lambda t: t.isoweekday()), c["at"].map(lambda t: t.hour), c["channel"]]
    )
    for (weekday, hour, channel), g in sorted(groups, key=lambda kv: kv[0]):
        rpc = int(g["outcome"].isin(RPC).sum())
        promises = int((g["outcome"] == "promise_to_pay").sum())
        out.append((
            weekday, hour, channel, len(g), rpc, rate(rpc, len(g)), promises,
            rate(promises, rpc),
        ))  # fmt: skip
    return out


@pytest.mark.parametrize("f", FILTERS)
def test_contact_timing_against_pandas(world: tuple, f: dict[str, list[str]]) -> None:
    path, w = world
    for window in [(date(2026, 1, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 4, 30))]:
        expected = ref_timing(w, f, *window)
        assert f or expected, "a world with contacts in the window"
        assert timing(path, Filters(date_from=window[0], date_to=window[1], **f)) == expected


def test_the_grid_sums_the_channels(hand: Path) -> None:
    from dashboard.engine.kpi_breakdowns import timing_grid

    march = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    with db.connect(hand) as con:
        grid = tuples(timing_grid(reports.run(con, "contact-timing", march)))
    # Monday 9 h: calls K1, K2, K3 and the SMS K5: 4 contacts, 2 right-party (K2, K3).
    # Promises over right-party contacts: Monday 9 h, K2 of K2, K3; Monday 10 h, none of K4;
    # Sunday 20 h, no conversation: no rate.
    assert grid == [
        (1, 9, 4, 2, m("0.500000"), 1, m("0.500000")),
        (1, 10, 1, 1, m("1.000000"), 0, m("0.000000")),
        (7, 20, 1, 0, m("0.000000"), 0, None),
    ]
