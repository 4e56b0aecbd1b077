"""The plan file: the documented format is read exactly; every kind of mistake is refused.

A refused file raises PlanFileError listing every problem, each naming the plan (or team, or
"file") and the key, so nothing is ever computed from a half-valid file.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dashboard.paths import SAMPLE_DATA
from dashboard.payouts.plan_file import (
    PlanFileError,
    check_agent_plans,
    default_plans_path,
    load_plans,
    parse_plans,
)
from tests.payout_fixtures import PLANS_DIR

DOMAIN_EXAMPLE = """
default_plan: standard          # for agents whose plan is blank
plans:
  standard: {rate: 0.02}        # fixed rate
  ladder:
    tiers:
      metric: tasks             # tasks | collected
      mode: retroactive         # retroactive | marginal (marginal needs metric collected)
      levels: [{min: 0, rate: 0.015}, {min: 10, rate: 0.02}, {min: 20, rate: 0.03}]
    early_bonus: {target: 60000, days_before_end: 7, amount: 500}
    cap: 5000
    compliance: {per_violation: 0.02, per_complaint: 0.05, floor: 0.5}
teams:                          # team pools, by team name
  T1: {pool_rate: 0.005, target: 300000}
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(PlanFileError) as info:
        parse_plans(text, "plans.yaml")
    return [str(p) for p in info.value.problems]


def test_domain_example_is_read_exactly() -> None:
    book = parse_plans(DOMAIN_EXAMPLE)
    assert book.default_plan == "standard"
    assert book.plans["standard"].rate == Decimal("0.02")
    ladder = book.plans["ladder"]
    assert ladder.tiers is not None
    assert [(lv.min, lv.rate) for lv in ladder.tiers.levels] == [
        (0, Decimal("0.015")),
        (10, Decimal("0.02")),
        (20, Decimal("0.03")),
    ]
    # Exact decimals, not floats: 0.015 is not 0.01499999999999999944...
    assert str(ladder.tiers.levels[0].rate) == "0.015"
    assert ladder.early_bonus is not None and ladder.early_bonus.amount == Decimal(500)
    assert ladder.early_bonus.days_before_end == 7
    assert ladder.cap == Decimal(5000)
    assert ladder.compliance is not None and ladder.compliance.floor == Decimal("0.5")
    assert book.teams["T1"].pool_rate == Decimal("0.005")
    assert book.plan_for(None).name == "standard"
    assert book.plan_for("  ").name == "standard"
    assert book.plan_for("ladder").name == "ladder"


def test_committed_sample_plans_are_valid() -> None:
    path = SAMPLE_DATA / "plans.yaml"
    if not path.exists():
        pytest.skip("sample_data/plans.yaml not committed yet")
    book = load_plans(path)
    assert book.default_plan in book.plans
    assert len(book.sha256) == 64


def test_percent_and_thousands_strings_are_accepted() -> None:
    book = parse_plans(
        'default_plan: p\nplans:\n  p: {rate: "1.5%", cap: "5,000.00"}\n', "plans.yaml"
    )
    assert book.plans["p"].rate == Decimal("0.015")
    assert book.plans["p"].cap == Decimal("5000.00")


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("unknown_key.yaml", "plan 'standard': bonus: unknown key 'bonus'"),
        ("rate_above_one.yaml", "plan 'standard': rate: rate 2 is outside 0..1"),
        ("rate_negative.yaml", "plan 'ladder': tiers.levels[0].rate: rate -0.01 is outside 0..1"),
        ("overlapping_levels.yaml", "plan 'ladder': tiers.levels[2].min: levels overlap"),
        ("unsorted_levels.yaml", "plan 'ladder': tiers.levels[2].min: levels are not sorted"),
        ("marginal_tasks.yaml", "plan 'ladder': tiers.mode: marginal tiers need metric collected"),
    ],
)
def test_each_mistake_is_refused_naming_plan_and_key(file: str, expected: str) -> None:
    with pytest.raises(PlanFileError) as info:
        load_plans(PLANS_DIR / file)
    text = str(info.value)
    assert expected in text, text
    assert file in text  # the message names the file


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(PlanFileError) as info:
        load_plans(PLANS_DIR / "several_mistakes.yaml")
    found = [str(p) for p in info.value.problems]
    expected = [
        "plan 'standard': rate: rate 1.5 is outside 0..1",
        "plan 'ladder': tiers.metric: 'amount' is not a metric",
        "plan 'ladder': cap: amount -100 is negative",
        "plan 'ladder': early_bonus.amount: is required",
        "file: default_plan: plan 'missing' does not exist",
        "team 'T1': bonus: unknown key 'bonus'",
    ]
    for e in expected:
        assert any(f.startswith(e) for f in found), (e, found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plans:\n  p: {rate: 0.02}\n", "file: default_plan: is required"),
        ("default_plan: p\nplans:\n  p: {}\n", "plan 'p': rate: a plan needs a rate or tiers"),
        (
            "default_plan: p\nplans:\n  p: {rate: 0.01, tiers: {}}\n",
            "plan 'p': rate: give either rate or tiers",
        ),
        (
            "default_plan: p\nplans:\n  p: {rate: 0.02, cap: 100.005}\n",
            "plan 'p': cap: amount 100.005 has more than two decimal places",
        ),
        ("default_plan: p\nplans:\n  p: {rate: abc}\n", "plan 'p': rate: 'abc' is not a number"),
        (
            "default_plan: p\nplans:\n  p: {rate: 0.0123456}\n",
            "plan 'p': rate: rate 0.0123456 has more than six decimal places",
        ),
        ("default_plan: p\nplans:\n  p: {rate: true}\n", "plan 'p': rate: True is not a number"),
        (
            (
                "default_plan: p\nplans:\n  p: {tiers: {metric: tasks, mode: retroactive, "
                "levels: [{min: 5, rate: 0.01}]}}\n"
            ),
            "plan 'p': tiers.levels[0].min: the first level must start at 0",
        ),
        (
            (
                "default_plan: p\nplans:\n  p: {tiers: {metric: tasks, mode: retroactive, "
                "levels: [{min: 0, rate: 0.01}, {min: 2.5, rate: 0.02}]}}\n"
            ),
            "plan 'p': tiers.levels[1].min: 2.5 is not a whole number of tasks",
        ),
        (
            "default_plan: p\nplans:\n  p: {rate: 0.02}\n  p: {rate: 0.03}\n",
            "file: p: given twice",
        ),
        ("default_plan: p\nplans: [p]\n", "file: plans: expected a mapping"),
        ("default_plan: p\nplans:\n  p: {rate: 0.02}\nextra: 1\n", "file: extra: unknown key"),
        ("default_plan: p\nplans:\n  p: {rate: 0.02\n", "file: yaml: not valid YAML"),
        (
            (
                "default_plan: p\nplans:\n  p: {rate: 0.02}\nteams:\n  T1: {pool_rate: 1.2, "
                "target: 10}\n"
            ),
            "team 'T1': pool_rate: rate 1.2 is outside 0..1",
        ),
    ],
)
def test_further_mistakes(text: str, expected: str) -> None:
    found = problems_of(text)
    assert any(f.startswith(expected) for f in found), (expected, found)


def test_agent_plan_that_does_not_exist() -> None:
    book = parse_plans(DOMAIN_EXAMPLE)
    problems = check_agent_plans(book, {"A1": None, "A2": "ladder", "A9": "gold"})
    assert [str(p) for p in problems] == [
        "agent 'A9': plan: plan 'gold' does not exist in <memory> (plans: ladder, standard)"
    ]


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="cannot read"):
        load_plans(tmp_path / "nope.yaml")


def test_default_plans_path_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DASHBOARD_PLANS", raising=False)
    assert default_plans_path() == SAMPLE_DATA / "plans.yaml"
    monkeypatch.setenv("DASHBOARD_PLANS", str(tmp_path / "p.yaml"))
    assert default_plans_path() == tmp_path / "p.yaml"


def test_file_hash_is_of_the_bytes(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text("default_plan: p\nplans:\n  p: {rate: 0.02}\n", encoding="utf-8")
    first = load_plans(a).sha256
    a.write_text("default_plan: p\nplans:\n  p: {rate: 0.02}  # edited\n", encoding="utf-8")
    assert load_plans(a).sha256 != first


def test_docs_cover_every_plan_key_and_command() -> None:
    """README (Commission payouts) documents every plan-file key and every payout command."""
    from dashboard.payouts.plan_file import PLAN_KEYS, TOP_KEYS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    docs = readme[readme.index("\n## Commission payouts\n") :]
    keys = [*TOP_KEYS, *PLAN_KEYS, "metric", "mode", "levels", "target", "days_before_end"]
    keys += ["amount", "per_violation", "per_complaint", "floor", "pool_rate", "DASHBOARD_PLANS"]
    for key in keys:
        assert f"`{key}`" in docs or f"{key}:" in docs, key
    for command in ("report payouts", "report payout-lines", "prepare", "approve", "--reopen",
                    "report payout-log", "statements", "--format xlsx", "`adjustment_in`",
                    "`corrects_period`", "`prepared_by`"):  # fmt: skip
        assert command in docs, command
