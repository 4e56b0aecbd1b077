"""The synthetic sample generator: canonical format, internal consistency, realism, determinism.

Expected values come from the data contract (domain.md) and the generator's brief, not from
its output: headers, money and date formats, unique ids, reversals that point back to an
earlier payment, balances that follow the payments, promises with an amount and a date, rare
conduct breaches, and a committed sample_data/ that the command reproduces byte for byte.
"""

from __future__ import annotations

import csv
import itertools
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from dashboard import sample
from dashboard.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "sample_data"

ACCOUNT_HEADER = ["account_id", "as_of_date", "portfolio", "placement_date", "placed_balance",
                  "current_balance", "days_past_due", "agent_id", "status", "region",
                  "customer_name", "phone", "id_number", "agency_id"]  # fmt: skip
PAYMENT_HEADER = ["payment_id", "account_id", "payment_date", "amount", "agent_id", "channel",
                  "reverses_payment_id"]  # fmt: skip
AGENT_HEADER = ["agent_id", "agent_name", "team", "plan", "hire_date", "active", "employee_no",
                "cost_center"]  # fmt: skip
CONTACT_HEADER = ["contact_id", "account_id", "agent_id", "contacted_at", "channel", "outcome",
                  "promise_amount", "promise_date", "notes"]  # fmt: skip
PLAN_HEADER = ["plan_id", "account_id", "agent_id", "plan_type", "created_date",
               "installment_no", "due_date", "amount"]  # fmt: skip
AGENCY_HEADER = ["agency_id", "agency_name", "fee_rate"]
COMPLAINT_HEADER = ["complaint_id", "account_id", "agent_id", "received_at", "category",
                    "resolved_at", "upheld"]  # fmt: skip
TARGET_HEADER = ["period", "level", "id", "target"]
CASE_FILES = {"repayment_plans.csv": PLAN_HEADER, "agencies.csv": AGENCY_HEADER,
              "targets.csv": TARGET_HEADER,
              "complaints.csv": COMPLAINT_HEADER}  # fmt: skip
STATUSES = {"open", "payment_plan", "legal", "disputed", "settled", "paid_in_full", "recalled",
            "written_off"}  # fmt: skip
CLOSED = {"settled", "paid_in_full", "recalled", "written_off"}
PAY_CHANNELS = {"bank_transfer", "card", "cash", "wallet"}
CONTACT_CHANNELS = {"call", "sms", "email", "letter", "visit"}
OUTCOMES = {"no_answer", "wrong_party", "right_party", "promise_to_pay", "refused", "dispute",
            "complaint"}  # fmt: skip
RIGHT_PARTY = OUTCOMES - {"no_answer", "wrong_party"}
MONEY = re.compile(r"^-?\d+\.\d{2}$")
SMALL = {"accounts": 600, "months": 6, "seed": 7, "end": date(2026, 6, 30)}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@dataclass
class Extract:
    folder: Path
    headers: dict[str, list[str]]
    snapshots: dict[date, list[dict[str, str]]]  # by as_of_date, in date order
    payments: list[dict[str, str]]
    agents: list[dict[str, str]]
    contacts: list[dict[str, str]]
    plans: list[dict[str, str]]
    agencies: list[dict[str, str]]
    complaints: list[dict[str, str]]
    targets: list[dict[str, str]]

    @property
    def placement(self) -> dict[str, date]:
        return {
            r["account_id"]: date.fromisoformat(r["placement_date"])
            for rows in self.snapshots.values()
            for r in rows
        }


def _load(folder: Path) -> Extract:
    headers, snapshots = {}, {}
    for path in sorted(folder.glob("accounts_*.csv")):
        headers[path.name], rows = _read(path)
        snapshots[date.fromisoformat(path.stem.removeprefix("accounts_"))] = rows
    tables = {}
    for name in ("payments", "agents", "contacts", "repayment_plans", "agencies", "complaints",
                 "targets"):  # fmt: skip
        headers[f"{name}.csv"], tables[name] = _read(folder / f"{name}.csv")
    return Extract(folder, headers, snapshots, tables["payments"], tables["agents"],
                   tables["contacts"], tables["repayment_plans"], tables["agencies"],
                   tables["complaints"], tables["targets"])  # fmt: skip


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Extract:
    folder = tmp_path_factory.mktemp("small")
    sample.generate(folder, **SMALL)  # type: ignore[arg-type]
    return _load(folder)


@pytest.fixture(scope="module")
def committed() -> Extract:
    return _load(SAMPLE_DATA)


@pytest.fixture(params=["small", "committed"])
def extract(request: pytest.FixtureRequest) -> Extract:
    return request.getfixturevalue(request.param)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


# Determinism and the committed sample --------------------------------------------------------


def test_same_arguments_write_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    args = {"accounts": 300, "months": 4}
    sample.generate(tmp_path / "a", seed=5, **args)
    sample.generate(tmp_path / "b", seed=5, **args)
    sample.generate(tmp_path / "c", seed=6, **args)
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert a == b
    assert a.keys() == c.keys()
    for name in ("payments.csv", "contacts.csv", "accounts_2026-10-31.csv"):
        assert a[name] != c[name]


def test_committed_sample_is_what_the_documented_command_writes(tmp_path: Path) -> None:
    assert main(["sample", "--out", str(tmp_path)]) == 0  # the defaults, as the README says
    fresh = _files(tmp_path)
    assert len(fresh) == 12 + 3 + 3 + 1  # snapshots, payments/agents/contacts, cases, targets
    assert _files(SAMPLE_DATA) == fresh
    extra = {p.name for p in SAMPLE_DATA.iterdir()} - fresh.keys()
    assert extra == {"plans.yaml", "README.md"}


def test_committed_sample_is_under_5_mb() -> None:
    assert sum(p.stat().st_size for p in SAMPLE_DATA.rglob("*") if p.is_file()) < 5_000_000


def test_files_one_snapshot_per_month_end_and_counts(tmp_path: Path) -> None:
    counts = sample.generate(tmp_path, accounts=200, months=3, seed=1, end=date(2026, 3, 15))
    snapshots = ["accounts_2026-01-31.csv", "accounts_2026-02-28.csv", "accounts_2026-03-15.csv"]
    assert sorted(counts) == sorted(
        [*snapshots, "payments.csv", "agents.csv", "contacts.csv", *CASE_FILES]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(counts)  # no .part left over
    for name, rows in counts.items():
        assert rows == len(_read(tmp_path / name)[1]) > 0


def test_streams_in_chunks_with_ids_unique_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sample, "CHUNK_ACCOUNTS", 100)
    sample.generate(tmp_path, accounts=350, months=3)
    data = _load(tmp_path)
    seen = {r["account_id"] for rows in data.snapshots.values() for r in rows}
    assert seen == {f"A{n:07d}" for n in range(1, 351)}  # every account placed shows up
    assert len({p["payment_id"] for p in data.payments}) == len(data.payments)
    assert len({c["contact_id"] for c in data.contacts}) == len(data.contacts)


def test_rejects_impossible_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        sample.generate(tmp_path, accounts=0)
    with pytest.raises(ValueError):
        sample.generate(tmp_path, months=0)


# Canonical format ----------------------------------------------------------------------------


def test_every_file_has_exactly_the_canonical_header(extract: Extract) -> None:
    expected = {"payments.csv": PAYMENT_HEADER, "agents.csv": AGENT_HEADER}
    expected["contacts.csv"] = CONTACT_HEADER
    expected |= CASE_FILES
    for name, header in extract.headers.items():
        assert header == expected.get(name, ACCOUNT_HEADER), name
    first_line = (extract.folder / "payments.csv").read_bytes().split(b"\n", 1)[0]
    assert first_line == ",".join(PAYMENT_HEADER).encode()  # no quotes, no BOM


def test_money_has_exactly_two_decimals(extract: Extract) -> None:
    values = [r[c] for rows in extract.snapshots.values() for r in rows
              for c in ("placed_balance", "current_balance")]  # fmt: skip
    values += [p["amount"] for p in extract.payments]
    values += [c["promise_amount"] for c in extract.contacts if c["promise_amount"]]
    bad = [v for v in values if not MONEY.match(v)]
    assert values and not bad


def test_dates_are_iso_and_snapshots_are_month_ends(extract: Extract) -> None:
    dates = list(extract.snapshots)
    for d in dates[:-1]:
        assert (d + timedelta(days=1)).day == 1
    for prev, nxt in itertools.pairwise(dates):
        assert (nxt.year * 12 + nxt.month) - (prev.year * 12 + prev.month) == 1
    for as_of, rows in extract.snapshots.items():
        for r in rows:
            assert date.fromisoformat(r["as_of_date"]) == as_of
            assert date.fromisoformat(r["placement_date"]) <= as_of
    for p in extract.payments:
        assert date.fromisoformat(p["payment_date"]) <= dates[-1]
    for c in extract.contacts:
        assert datetime.strptime(c["contacted_at"], "%Y-%m-%d %H:%M:%S").date() <= dates[-1]
        if c["promise_date"]:
            date.fromisoformat(c["promise_date"])
    for a in extract.agents:
        date.fromisoformat(a["hire_date"])


def test_personal_data_only_masked(extract: Extract) -> None:
    rows = [r for rows in extract.snapshots.values() for r in rows]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]\*{1,2}", r["customer_name"]) for r in rows)
    assert all(re.fullmatch(r"1\d{2}\*{4}\d{4}", r["phone"]) for r in rows)
    assert all(re.fullmatch(r"\d{3}\*{11}\d{3}[\dX]", r["id_number"]) for r in rows)


# Accounts -------------------------------------------------------------------------------------


def test_snapshot_rows_are_valid(extract: Extract) -> None:
    agents = {a["agent_id"] for a in extract.agents}
    for rows in extract.snapshots.values():
        assert len({r["account_id"] for r in rows}) == len(rows)
        for r in rows:
            placed, current = Decimal(r["placed_balance"]), Decimal(r["current_balance"])
            assert 0 <= current <= placed and placed > 0
            assert int(r["days_past_due"]) >= 0
            assert r["status"] in STATUSES
            assert r["agent_id"] in agents
            assert r["portfolio"] and r["region"]
            if r["status"] in ("paid_in_full", "settled"):
                assert current == 0 and r["days_past_due"] == "0", r
            if current == 0:
                assert r["status"] in CLOSED, r


def test_accounts_show_from_placement_and_vanish_soon_after_closing(extract: Extract) -> None:
    months = list(extract.snapshots)
    history: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for i, rows in enumerate(extract.snapshots.values()):
        for r in rows:
            history[r["account_id"]].append((i, r))
    for account, rows in history.items():
        shown = [i for i, _ in rows]
        assert shown == list(range(shown[0], shown[-1] + 1)), account  # no gaps, no return
        placed = date.fromisoformat(rows[0][1]["placement_date"])
        first = next(i for i, d in enumerate(months) if d >= placed)
        assert shown[0] == first, account  # from the placement month (or the first snapshot) on
        statuses = [r["status"] for _, r in rows]
        n_closed = sum(s in CLOSED for s in statuses)
        assert n_closed <= 2, account
        assert all(s in CLOSED for s in statuses[len(statuses) - n_closed :]), account


def test_committed_sample_looks_like_a_collections_book(committed: Extract) -> None:
    last = list(committed.snapshots.values())[-1]
    portfolios = Counter(r["portfolio"] for r in last)
    assert len(portfolios) >= 3 and min(portfolios.values()) > 100
    assert len({r["region"] for r in last}) >= 10
    buckets = Counter(min(7, (int(r["days_past_due"]) + 29) // 30) for r in last)
    assert all(buckets[b] >= 50 for b in range(8))  # Current, M1, ..., M7+ all populated
    statuses = Counter(r["status"] for rows in committed.snapshots.values() for r in rows)
    assert all(statuses[s] > 0 for s in STATUSES)
    cohorts = Counter(d.strftime("%Y-%m") for d in committed.placement.values())
    assert len(cohorts) >= 12 and min(cohorts.values()) >= 50  # monthly vintages
    # Accounts open in one snapshot and absent from the next: the roll-rate state "Missing".
    snaps = list(committed.snapshots.values())
    missing = 0
    for s0, s1 in itertools.pairwise(snaps):
        later = {r["account_id"] for r in s1}
        missing += sum(r["status"] not in CLOSED and r["account_id"] not in later for r in s0)
    assert missing > 0


# Payments -------------------------------------------------------------------------------------


def test_payments_are_valid(extract: Extract) -> None:
    ids = [p["payment_id"] for p in extract.payments]
    assert len(set(ids)) == len(ids)
    agents = {a["agent_id"] for a in extract.agents}
    placement = extract.placement
    for p in extract.payments:
        assert Decimal(p["amount"]) != 0
        assert p["channel"] in PAY_CHANNELS
        assert p["agent_id"] == "" or p["agent_id"] in agents
        if p["account_id"] in placement:
            assert date.fromisoformat(p["payment_date"]) >= placement[p["account_id"]]
    blank = sum(p["agent_id"] == "" for p in extract.payments)
    assert 0 < blank < len(ids) / 2  # most payments name their agent, some leave it blank
    orphans = {p["account_id"] for p in extract.payments} - placement.keys()
    assert 5 <= len(orphans) < len(ids) / 100


def test_reversals_undo_an_earlier_payment_of_the_same_account(extract: Extract) -> None:
    by_id = {p["payment_id"]: p for p in extract.payments}
    reversed_total: Counter[str] = Counter()
    reversals = [p for p in extract.payments if p["reverses_payment_id"]]
    assert reversals
    for rev in reversals:
        orig = by_id[rev["reverses_payment_id"]]
        amount, original = Decimal(rev["amount"]), Decimal(orig["amount"])
        assert orig["account_id"] == rev["account_id"]
        assert original > 0 > amount and -amount <= original
        assert orig["payment_date"] < rev["payment_date"]
        reversed_total[orig["payment_id"]] -= int(amount * 100)
    for pid, cents in reversed_total.items():
        assert cents <= int(Decimal(by_id[pid]["amount"]) * 100)
    negatives = [p for p in extract.payments if Decimal(p["amount"]) < 0]
    assert negatives == reversals
    assert any(r["payment_date"][:7] != by_id[r["reverses_payment_id"]]["payment_date"][:7]
               for r in reversals)  # fmt: skip  # some land in the next month


def test_balances_fall_by_the_payments_in_between(extract: Extract) -> None:
    net: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for p in extract.payments:
        net[p["account_id"]].append((p["payment_date"], Decimal(p["amount"])))
    snaps = list(extract.snapshots.items())
    checked = 0
    for (d0, s0), (d1, s1) in itertools.pairwise(snaps):
        before = {r["account_id"]: Decimal(r["current_balance"]) for r in s0}
        for r in s1:
            if r["account_id"] not in before:
                continue
            paid = sum((a for d, a in net[r["account_id"]] if str(d0) < d <= str(d1)), Decimal())
            drop = before[r["account_id"]] - Decimal(r["current_balance"])
            if r["status"] == "settled":  # the rest of the balance is forgiven
                assert paid <= drop
            else:
                assert drop == paid, (r["account_id"], d1)
            checked += 1
    assert checked > 100


# Contacts -------------------------------------------------------------------------------------


def test_contacts_are_valid(extract: Extract) -> None:
    ids = [c["contact_id"] for c in extract.contacts]
    assert len(set(ids)) == len(ids)
    agents = {a["agent_id"] for a in extract.agents}
    placement = extract.placement
    for c in extract.contacts:
        at = datetime.strptime(c["contacted_at"], "%Y-%m-%d %H:%M:%S")
        assert c["agent_id"] in agents and c["account_id"] in placement
        assert at.date() >= placement[c["account_id"]]
        assert c["channel"] in CONTACT_CHANNELS and c["outcome"] in OUTCOMES
        if c["outcome"] == "promise_to_pay":
            assert Decimal(c["promise_amount"]) > 0
            assert 2 <= (date.fromisoformat(c["promise_date"]) - at.date()).days <= 14
        else:
            assert c["promise_amount"] == c["promise_date"] == ""


def test_promises_some_kept_some_broken(extract: Extract) -> None:
    paid: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for p in extract.payments:
        paid[p["account_id"]].append((date.fromisoformat(p["payment_date"]), Decimal(p["amount"])))
    kept = broken = 0
    for c in extract.contacts:
        if c["outcome"] != "promise_to_pay":
            continue
        start = date.fromisoformat(c["contacted_at"][:10])
        until = date.fromisoformat(c["promise_date"]) + timedelta(days=3)  # domain.md's grace
        net = sum((a for d, a in paid[c["account_id"]] if start <= d <= until), Decimal())
        if net >= Decimal(c["promise_amount"]):
            kept += 1
        else:
            broken += 1
    assert kept > 0 and broken > 0
    assert 0.25 < kept / (kept + broken) < 0.8


def test_contact_mix_and_rare_conduct_breaches(committed: Extract) -> None:
    contacts = committed.contacts
    n = len(contacts)
    calls = [c for c in contacts if c["channel"] == "call"]
    assert len(calls) > n / 2
    assert Counter(c["outcome"] for c in calls).most_common(1)[0][0] == "no_answer"
    assert len({c["channel"] for c in contacts}) == 5
    assert len({c["outcome"] for c in contacts}) == 7
    night = sum(not 8 <= int(c["contacted_at"][11:13]) < 22 for c in contacts)
    assert 0 < night < n * 0.02
    complaints = sum(c["outcome"] == "complaint" for c in contacts)
    assert 0 < complaints < n * 0.02
    unanswered = Counter((c["account_id"], c["contacted_at"][:10]) for c in calls
                         if c["outcome"] == "no_answer")  # fmt: skip
    assert 0 < sum(v > 6 for v in unanswered.values()) < n * 0.01
    # A call within 7 days after a right-party conversation (US rule): rare, but present.
    last_talk: dict[str, datetime] = {}
    too_soon = 0
    for c in sorted(contacts, key=lambda c: (c["account_id"], c["contacted_at"])):
        at = datetime.strptime(c["contacted_at"], "%Y-%m-%d %H:%M:%S")
        talk = last_talk.get(c["account_id"])
        if c["channel"] == "call" and talk is not None and at - talk < timedelta(days=7):
            too_soon += 1
        if c["outcome"] in RIGHT_PARTY and c["channel"] == "call":
            last_talk[c["account_id"]] = at
    assert 0 < too_soon < n * 0.02
    # Several contacts per account-month on average for delinquent (not Current) accounts.
    worked = sum(1 for rows in committed.snapshots.values() for r in rows
                 if r["status"] not in CLOSED and r["days_past_due"] != "0")  # fmt: skip
    assert n / worked > 1.5


# Agents and plans ------------------------------------------------------------------------------


def test_agents_and_plans_fit_together(extract: Extract) -> None:
    book = yaml.safe_load((SAMPLE_DATA / "plans.yaml").read_text(encoding="utf-8"))
    agents = extract.agents
    assert len(agents) >= 6
    teams = Counter(a["team"] for a in agents)
    assert len(teams) >= 2 and min(teams.values()) >= 2
    assert {a["plan"] for a in agents} <= {"", *book["plans"]}
    assert any(a["plan"] == "" for a in agents)
    assert {a["active"] for a in agents} == {"true", "false"}
    assert len({a["agent_id"] for a in agents}) == len(agents)
    if extract.folder == SAMPLE_DATA:
        assert set(teams) <= set(book["teams"])
        assert {a["plan"] for a in agents} == {"", *book["plans"]}


def test_plans_yaml_is_the_documented_format() -> None:
    book = yaml.safe_load((SAMPLE_DATA / "plans.yaml").read_text(encoding="utf-8"))
    assert book["default_plan"] == "standard"
    assert book["plans"]["standard"] == {"rate": 0.02}
    ladder = book["plans"]["ladder"]
    assert ladder["tiers"] == {
        "metric": "tasks",
        "mode": "retroactive",
        "levels": [{"min": 0, "rate": 0.015}, {"min": 10, "rate": 0.02}, {"min": 20, "rate": 0.03}],
    }
    assert set(ladder) == {"tiers", "early_bonus", "cap", "compliance"}
    assert book["plans"]["bigticket"]["tiers"] == {
        "metric": "collected",
        "mode": "marginal",
        "levels": [{"min": 0, "rate": 0.01}, {"min": 50000, "rate": 0.02},
                   {"min": 100000, "rate": 0.03}],
    }  # fmt: skip
    for pool in book["teams"].values():
        assert set(pool) == {"pool_rate", "target"} and 0 < pool["pool_rate"] < 0.05


def test_team_targets_reached_in_some_months_only(committed: Extract) -> None:
    """Team net collected per month (explicit agent credits; blanks left out) vs the targets."""
    book = yaml.safe_load((SAMPLE_DATA / "plans.yaml").read_text(encoding="utf-8"))
    team_of = {a["agent_id"]: a["team"] for a in committed.agents}
    first = min(committed.snapshots)
    net: Counter[tuple[str, str]] = Counter()
    for p in committed.payments:
        if p["agent_id"] and p["payment_date"] >= f"{first:%Y-%m}":
            net[team_of[p["agent_id"]], p["payment_date"][:7]] += Decimal(p["amount"])  # type: ignore[assignment]
    reached = {team: [v >= pool["target"] for (t, _), v in net.items() if t == team]
               for team, pool in book["teams"].items()}  # fmt: skip
    assert any(any(r) for r in reached.values())
    assert any(not all(r) for r in reached.values())


# Front end and hygiene ------------------------------------------------------------------------


def test_cli_prints_row_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sample", "--out", str(tmp_path), "--accounts", "40", "--months", "2",
                 "--seed", "3", "--end", "2026-02-28"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "accounts_2026-01-31.csv" in out and "accounts_2026-02-28.csv" in out
    rows = len(_read(tmp_path / "agents.csv")[1])
    assert re.search(rf"agents\.csv\s+{rows} rows", out)


def test_cli_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["sample", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--out", "--accounts", "--months", "--seed", "--end"):
        assert option in out
    with pytest.raises(SystemExit):
        main(["sample", "--out", "x", "--accounts", "0"])
    assert "not a whole number >= 1" in capsys.readouterr().err


def test_generator_does_not_import_streamlit() -> None:
    code = (
        "import sys, dashboard.sample, dashboard.cli.sample; sys.exit('streamlit' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# The case extracts (domain.md, "Case management") ---------------------------------------------


def test_plans_are_installments_in_sequence_of_accounts_that_had_a_plan(extract: Extract) -> None:
    planned = {r["account_id"] for rows in extract.snapshots.values() for r in rows
               if r["status"] == "payment_plan"}  # fmt: skip
    by_plan: dict[str, list[dict[str, str]]] = {}
    for r in extract.plans:
        by_plan.setdefault(r["plan_id"], []).append(r)
    assert by_plan and {r["account_id"] for r in extract.plans} <= planned
    for rows in by_plan.values():
        assert [int(r["installment_no"]) for r in rows] == list(range(1, len(rows) + 1))
        dues = [date.fromisoformat(r["due_date"]) for r in rows]
        assert dues == sorted(set(dues)) and dues[0] >= date.fromisoformat(rows[0]["created_date"])
        assert len({(r["account_id"], r["plan_type"], r["created_date"]) for r in rows}) == 1
        assert all(MONEY.match(r["amount"]) and float(r["amount"]) > 0 for r in rows)
    assert {r["plan_type"] for r in extract.plans} == {"installment", "extension", "settlement"}
    accounts = [r["account_id"] for r in extract.plans if r["installment_no"] == "1"]
    assert len(accounts) > len(set(accounts))  # some renegotiated: a second plan supersedes


def test_agencies_hold_part_of_the_late_book_only(extract: Extract) -> None:
    agencies = {r["agency_id"] for r in extract.agencies}
    rows = [r for snap in extract.snapshots.values() for r in snap]
    held = [r for r in rows if r["agency_id"]]
    assert held and {r["agency_id"] for r in held} <= agencies
    assert all(int(r["days_past_due"]) >= 120 for r in held)
    late = [r for r in rows if int(r["days_past_due"]) >= 120]
    assert len(held) < len(late)  # part of it: the rest is worked in house
    assert all(0 <= float(r["fee_rate"]) <= 1 for r in extract.agencies)


def test_complaints_follow_complaint_contacts_and_notes_right_party_ones(extract: Extract) -> None:
    complaint_contacts = [c for c in extract.contacts if c["outcome"] == "complaint"]
    assert len(extract.complaints) == len(complaint_contacts) > 0
    for q in extract.complaints:
        if q["resolved_at"]:
            assert q["resolved_at"] > q["received_at"]
        else:
            assert q["upheld"] == ""  # an open complaint has no verdict yet
    noted = [c for c in extract.contacts if c["notes"]]
    assert noted and all(c["outcome"] in RIGHT_PARTY for c in noted)
    assert any(re.search(r"1[3-9][0-9]{9}", c["notes"]) for c in noted)  # masked at import
    assert any(re.search(r"[\u4e00-\u9fff]", c["notes"]) for c in noted)
    assert any(re.fullmatch(r"[ -~]+", c["notes"]) for c in noted)  # and English ones


# Targets (domain.md, "targets extract"; dashboard/sample_targets.py) ------------------------------


def test_targets_for_the_working_agents_and_their_teams_every_snapshot_month(
    extract: Extract,
) -> None:
    months = sorted(f"{d:%Y-%m}" for d in extract.snapshots)
    team = {a["agent_id"]: a["team"] for a in extract.agents}
    by_month: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for r in extract.targets:
        assert MONEY.match(r["target"]) and Decimal(r["target"]) > 0, r
        by_month[r["period"]][r["level"]][r["id"]] = Decimal(r["target"])
    assert sorted(by_month) == months
    assert len(extract.targets) == sum(len(v) for m in by_month.values() for v in m.values())
    for month, levels in by_month.items():
        agents = levels["agent"]
        assert agents and set(agents) <= set(team), month
        assert all(t >= 20000 and t % 1000 == 0 for t in agents.values()), month
        teams = {team[a] for a in agents}
        assert set(levels["team"]) == teams, month
        for t, target in levels["team"].items():
            members = sum(v for a, v in agents.items() if team[a] == t)
            assert abs(target - members) <= 5000 and target % 10000 == 0, (month, t)


def test_some_agents_reach_their_target_and_some_do_not(extract: Extract) -> None:
    named: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for p in extract.payments:
        if p["agent_id"]:
            named[(p["payment_date"][:7], p["agent_id"])] += Decimal(p["amount"])
    reached = [
        named[(r["period"], r["id"])] >= Decimal(r["target"])
        for r in extract.targets
        if r["level"] == "agent"
    ]
    assert 0.15 < sum(reached) / len(reached) < 0.85
