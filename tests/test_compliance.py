"""Contact-rule compliance (dashboard.engine.compliance) on hand-built contact logs.

Agents G1 (team T1) and G2 (team T2). Accounts X1-X8 in one snapshot; X4 is in portfolio P2,
the others in P1. The contacts (call unless said otherwise), by what they test:

  hours      H1 X1 G1 03-02 07:59:59 right_party   H2 X1 G1 03-02 08:00:00 sms no_answer
             H3 X2 G1 03-02 21:59:59 letter        H4 X2 G1 03-02 22:00:00 email
             H5 X2 G2 03-02 23:30:00 sms refused   H6 X3 G2 03-03 21:00:00 right_party
             H7 X3 G2 03-03 21:00:01 no_answer
  per day    X4 on 03-04: U1-U6 G1 09:00:00-09:05:00 no_answer; U7 G2 09:05:00 no_answer (same
             second as U6: contact_id breaks the tie, U7 is the 7th); U8 G1 10:30 sms
             no_answer (not a call); U10 G1 10:45 right_party (answered); U9 G1 11:00
             no_answer (the 8th unanswered call); U11 G1 03-05 08:30 no_answer (a new day)
  7 days     X5, all G2 no_answer: W1 03-01 09:00, W2 03-01 10:00, W3 03-02, W4 03-03,
             W5 03-04, W6 03-05, W7 03-07 09:00, W8 03-07 12:00 (8th in 03-01..03-07),
             W9 03-08 09:00 (7th in 03-02..03-08), W10 03-08 10:00 (8th in 03-02..03-08)
  after RPC  X6, G1: R1 03-10 10:00 right_party; R2 03-10 11:00; R3 03-16 09:00 (day 7 of
             the period); R4 03-17 09:00 (day 8); R5 03-12 sms; R6 03-20 visit right_party
             (not a call: no period); R7 03-21 09:00
  lookback   X7, G2: Z1 02-27 right_party (before the window), Z2 03-02 no_answer
  counts     X8, G1: D1 03-20 12:00 visit dispute, D2 03-21 12:00 visit complaint
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from dashboard import db
from dashboard.engine import compliance, kpis
from dashboard.engine.kpi_common import Filters
from dashboard.engine.settings import default_settings
from tests.kpi_fixtures import build_db, rows_of

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _contacts() -> list[tuple[str, ...]]:
    c = [
        ("H1", "X1", "G1", "2026-03-02 07:59:59", "call", "right_party"),
        ("H2", "X1", "G1", "2026-03-02 08:00:00", "sms", "no_answer"),
        ("H3", "X2", "G1", "2026-03-02 21:59:59", "letter", "right_party"),
        ("H4", "X2", "G1", "2026-03-02 22:00:00", "email", "no_answer"),
        ("H5", "X2", "G2", "2026-03-02 23:30:00", "sms", "refused"),
        ("H6", "X3", "G2", "2026-03-03 21:00:00", "call", "right_party"),
        ("H7", "X3", "G2", "2026-03-03 21:00:01", "call", "no_answer"),
    ]
    c += [(f"U{i}", "X4", "G1", f"2026-03-04 09:0{i - 1}:00", "call", "no_answer")
          for i in range(1, 7)]  # fmt: skip
    c += [
        ("U7", "X4", "G2", "2026-03-04 09:05:00", "call", "no_answer"),
        ("U8", "X4", "G1", "2026-03-04 10:30:00", "sms", "no_answer"),
        ("U10", "X4", "G1", "2026-03-04 10:45:00", "call", "right_party"),
        ("U9", "X4", "G1", "2026-03-04 11:00:00", "call", "no_answer"),
        ("U11", "X4", "G1", "2026-03-05 08:30:00", "call", "no_answer"),
    ]
    w_times = [
        "03-01 09:00", "03-01 10:00", "03-02 09:00", "03-03 09:00", "03-04 09:00",
        "03-05 09:00", "03-07 09:00", "03-07 12:00", "03-08 09:00", "03-08 10:00",
    ]  # fmt: skip
    c += [(f"W{i}", "X5", "G2", f"2026-{t}:00", "call", "no_answer")
          for i, t in enumerate(w_times, start=1)]  # fmt: skip
    c += [
        ("R1", "X6", "G1", "2026-03-10 10:00:00", "call", "right_party"),
        ("R2", "X6", "G1", "2026-03-10 11:00:00", "call", "no_answer"),
        ("R3", "X6", "G1", "2026-03-16 09:00:00", "call", "no_answer"),
        ("R4", "X6", "G1", "2026-03-17 09:00:00", "call", "no_answer"),
        ("R5", "X6", "G1", "2026-03-12 09:00:00", "sms", "no_answer"),
        ("R6", "X6", "G1", "2026-03-20 09:00:00", "visit", "right_party"),
        ("R7", "X6", "G1", "2026-03-21 09:00:00", "call", "no_answer"),
        ("Z1", "X7", "G2", "2026-02-27 09:00:00", "call", "right_party"),
        ("Z2", "X7", "G2", "2026-03-02 09:00:00", "call", "no_answer"),
        ("D1", "X8", "G1", "2026-03-20 12:00:00", "visit", "dispute"),
        ("D2", "X8", "G1", "2026-03-21 12:00:00", "visit", "complaint"),
    ]
    return c


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    accounts = [
        (f"X{i}", "2026-02-28", "P2" if i == 4 else "P1", "2026-01-01", "100.00", "100.00", 40,
         "G1")
        for i in range(1, 9)
    ]  # fmt: skip
    return build_db(
        tmp_path_factory.mktemp("compliance"),
        accounts=accounts,
        agents=[("G1", "Gao", "T1"), ("G2", "Hu", "T2")],
        contacts=_contacts(),
    )


def _pairs(table: pa.Table) -> set[tuple[str, str, str]]:
    return {(r["contact_id"], r["agent_id"], r["rule"]) for r in table.to_pylist()}


def test_china_preset(world: Path) -> None:
    with db.connect(world) as con:
        listed = compliance.violations(con, *MARCH)
    # Hours (every channel, allowed 08:00:00 <= t < 22:00:00): H1 (07:59:59), H4 (22:00:00
    # e-mail), H5 (23:30 sms). H2 (08:00:00) and H3 (21:59:59) are allowed.
    # Unanswered calls per account and day, all agents: U7 (7th, by G2) and U9 (8th; U8 is an
    # sms, U10 was answered). U11 is the first of 03-05. X5 never has more than 2 a day.
    assert _pairs(listed) == {
        ("H1", "G1", "contact_hours"),
        ("H4", "G1", "contact_hours"),
        ("H5", "G2", "contact_hours"),
        ("U7", "G2", "unanswered_calls_per_day"),
        ("U9", "G1", "unanswered_calls_per_day"),
    }
    assert listed.column_names[:9] == [
        "contact_id", "agent_id", "team", "account_id", "portfolio", "contacted_at", "channel",
        "outcome", "rule",
    ]  # fmt: skip
    assert [r["contact_id"] for r in listed.to_pylist()] == ["H1", "H4", "H5", "U7", "U9"]


def test_us_preset(world: Path) -> None:
    with db.connect(world) as con:
        listed = compliance.violations(con, *MARCH, "us")
    assert _pairs(listed) == {
        # Calls outside 08:00:00-21:00:00 (21:00:00 itself allowed); sms, e-mail are not calls.
        ("H1", "G1", "contact_hours"),
        ("H7", "G2", "contact_hours"),
        # X4's calls in order U1..U7, U10, U9, U11: the 8th, 9th and 10th within 7 days.
        ("U10", "G1", "calls_per_window"),
        ("U9", "G1", "calls_per_window"),
        ("U11", "G1", "calls_per_window"),
        # X5: W8 is the 8th in 03-01..03-07; W9 only the 7th in 03-02..03-08; W10 the 8th.
        ("W8", "G2", "calls_per_window"),
        ("W10", "G2", "calls_per_window"),
        # Calls after a right-party call on the same account, within its 7-day period:
        ("H7", "G2", "call_after_conversation"),  # 1 second after H6
        ("U9", "G1", "call_after_conversation"),  # after U10
        ("U11", "G1", "call_after_conversation"),
        ("R2", "G1", "call_after_conversation"),  # R1's day
        ("R3", "G1", "call_after_conversation"),  # 03-16 is day 7 of 03-10's period; R4 is not
        ("Z2", "G2", "call_after_conversation"),  # Z1 (02-27) is before the window but counts
    }


def test_counts_per_agent(world: Path) -> None:
    with db.connect(world) as con:
        cn = compliance.violation_counts(con, *MARCH)
        us = compliance.violation_counts(con, *MARCH, preset="us")
    # G1's March contacts: H1-H4, U1-U6, U8-U11, R1-R7, D1, D2 = 4 + 6 + 4 + 7 + 2 = 23.
    # G2's: H5-H7, U7, W1-W10, Z2 = 15 (Z1 is in February). D1 dispute, D2 complaint.
    # cn: G1 H1, H4, U9; G2 H5, U7. us: G1 H1, U9, U10, U11, R2, R3; G2 H7, W8, W10, Z2
    # (a contact breaking two rules counts once).
    assert cn.schema == pa.schema(
        [(n, pa.string() if n == "agent_id" else pa.int64())
         for n in ("agent_id", "contacts", "violations", "complaints", "disputes")]
    )  # fmt: skip
    assert rows_of(cn) == [("G1", 23, 3, 1, 1), ("G2", 15, 2, 0, 0)]
    assert rows_of(us) == [("G1", 23, 6, 1, 1), ("G2", 15, 4, 0, 0)]


def test_filters_choose_what_is_listed_not_what_counts(world: Path) -> None:
    with db.connect(world) as con:
        g2 = compliance.violations(con, *MARCH, filters=Filters(agents=["G2"]))
        p2 = compliance.violations(con, *MARCH, filters=Filters(portfolios=["P2"]))
        t1 = compliance.violation_counts(con, *MARCH, filters=Filters(teams=["T1"]))
    # U7 is a violation because of G1's six earlier calls, even when only G2 is shown.
    assert _pairs(g2) == {("H5", "G2", "contact_hours"), ("U7", "G2", "unanswered_calls_per_day")}
    assert {r["contact_id"] for r in p2.to_pylist()} == {"U7", "U9"}
    assert rows_of(t1, "agent_id", "violations") == [("G1", 3)]


def test_window_edges_and_lookback(world: Path) -> None:
    with db.connect(world) as con:
        short = compliance.violations(con, date(2026, 3, 2), date(2026, 3, 4))
        w = compliance.violations(con, date(2026, 3, 7), date(2026, 3, 8), "us")
    assert [r["contact_id"] for r in short.to_pylist()] == ["H1", "H4", "H5", "U7", "U9"]
    # W8 and W10 need W1-W7, dated before the window: the window looks back 7 days.
    assert _pairs(w) == {("W8", "G2", "calls_per_window"), ("W10", "G2", "calls_per_window")}


def test_by_rule_lists_every_rule_of_the_preset(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.compliance_by_rule(con, Filters(date_from=MARCH[0], date_to=MARCH[1]))
        us = kpis.compliance_by_rule(
            con, Filters(date_from=MARCH[0], date_to=MARCH[1]), preset="us"
        )
    assert rows_of(table, "agent_id", "rule", "contacts", "violations") == [
        ("G1", "contact_hours", 23, 2),
        ("G1", "unanswered_calls_per_day", 23, 1),
        ("G2", "contact_hours", 15, 1),
        ("G2", "unanswered_calls_per_day", 15, 1),
    ]
    assert rows_of(us, "agent_id", "rule", "violations") == [
        ("G1", "contact_hours", 1),
        ("G1", "calls_per_window", 3),
        ("G1", "call_after_conversation", 4),
        ("G2", "contact_hours", 1),
        ("G2", "calls_per_window", 2),
        ("G2", "call_after_conversation", 2),
    ]


def test_agent_summary_rate(world: Path) -> None:
    with db.connect(world) as con:
        table = kpis.compliance_agents(con, Filters(date_from=MARCH[0], date_to=MARCH[1]))
    # G1: 3 of 23 = 0.1304347 -> 0.130435; G2: 2 of 15 = 0.1333333 -> 0.133333.
    assert rows_of(table, "agent_id", "agent_name", "team", "violation_rate") == [
        ("G1", "Gao", "T1", Decimal("0.130435")),
        ("G2", "Hu", "T2", Decimal("0.133333")),
    ]


def test_presets_are_configured() -> None:
    s = default_settings()
    cn, us = s.preset("cn"), s.preset("us")
    assert s.default_preset == "cn"
    assert compliance.active_rules(cn) == ["contact_hours", "unanswered_calls_per_day"]
    assert compliance.active_rules(us) == [
        "contact_hours", "calls_per_window", "call_after_conversation"
    ]  # fmt: skip
    assert (cn.max_unanswered_calls_per_day, us.max_calls_per_window) == (6, 7)
