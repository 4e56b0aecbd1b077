"""The known data every reliability test starts from, loaded through the real importer.

Small on purpose: each figure below is written by hand, so a test can say exactly what must
still be there after a hostile file, a crash or a concurrent import.

Agents: G1 李雷 (T1, default plan), G2 韩梅梅 (T1, ladder), G3 Zhang Wei (T2, default plan).
Snapshots 2026-09-30 and 2026-10-31 of accounts A1-A4 (A1, A2 -> G1; A3 -> G2; A4 -> G3), with
recognisable fake personal data (names, phones, id numbers) that must never be stored or shown
in clear: ``PERSONAL`` lists the clear values.
Payments B1-B6 (net 3,150.00; B6 reverses B2), contacts K1-K3.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from dashboard.ingest.importer import FileSpec, import_files

PAY_HEADER = "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"
ACC_HEADER = (
    "account_id,as_of_date,portfolio,placement_date,placed_balance,current_balance,"
    "days_past_due,agent_id,status,region,customer_name,phone,id_number\n"
)

# The clear personal values of the base data (and fragments of them a bad mask would leave).
PERSONAL = {
    "names": ("王小明", "李秀英", "Zhang Sanfeng", "欧阳娜娜"),
    "phones": ("13812345678", "15987654321", "18600001111", "13700002222"),
    "ids": (
        "110101199003078888",
        "31010419851231002X",
        "440305200001010011",
        "510104197708086666",
    ),
}
# Substrings that only a clear value contains: the masked forms keep a name's first character
# and a number's first three and last four characters.
LEAK_MARKERS = (
    "小明", "秀英", "hang Sanfeng", "阳娜娜",
    "12345678", "87654321", "00001111", "00002222", "1234567", "9876543",
    "19900307", "19851231", "20000101", "19770808", "0101199003", "0419851231",
)  # fmt: skip

AGENTS = """agent_id,agent_name,team,plan,hire_date,active
G1,李雷,T1,,2020-01-01,true
G2,韩梅梅,T1,ladder,2020-01-01,true
G3,Zhang Wei,T2,,2021-06-01,true
"""


def accounts(as_of: str, balances: tuple[str, str, str, str]) -> str:
    """A snapshot of A1-A4 with the personal data above."""
    rows = [
        ("A1", "BANK_A", "2026-01-15", "5000.00", "G1", "王小明", "13812345678"),
        ("A2", "BANK_A", "2026-02-20", "3000.00", "G1", "李秀英", "15987654321"),
        ("A3", "BANK_B", "2026-03-05", "8000.00", "G2", "Zhang Sanfeng", "18600001111"),
        ("A4", "BANK_B", "2026-04-10", "1200.00", "G3", "欧阳娜娜", "13700002222"),
    ]
    lines = [
        f"{a},{as_of},{p},{placed_on},{placed},{bal},{dpd},{agent},open,上海,{name},{phone},{ident}"
        for (a, p, placed_on, placed, agent, name, phone), bal, dpd, ident in zip(
            rows, balances, (45, 10, 95, 0), PERSONAL["ids"], strict=True
        )
    ]
    return ACC_HEADER + "\n".join(lines) + "\n"


SEP = accounts("2026-09-30", ("4500.00", "3000.00", "7000.00", "1200.00"))
OCT = accounts("2026-10-31", ("4000.00", "2800.00", "6500.00", "1000.00"))

PAYMENTS = (
    PAY_HEADER + "B1,A1,2026-09-10,500.00,,bank_transfer,\n"
    "B2,A2,2026-09-15,200.00,,card,\n"
    "B3,A3,2026-10-03,1000.00,,wallet,\n"
    "B4,A1,2026-10-12,500.00,G1,cash,\n"
    "B5,A4,2026-10-20,1150.00,,card,\n"
    "B6,A2,2026-10-05,-200.00,,card,B2\n"
)
NET_PAYMENTS = Decimal("3150.00")

CONTACTS = """\
contact_id,account_id,agent_id,contacted_at,channel,outcome,promise_amount,promise_date
K1,A1,G1,2026-10-02 10:00:00,call,promise_to_pay,500.00,2026-10-15
K2,A3,G2,2026-10-06 23:15:00,call,right_party,,
K3,A4,G3,2026-10-07 09:30:00,sms,no_answer,,
"""

FILES = {
    "agents.csv": ("agents", AGENTS),
    "accounts_2026-09-30.csv": ("accounts", SEP),
    "accounts_2026-10-31.csv": ("accounts", OCT),
    "payments.csv": ("payments", PAYMENTS),
    "contacts.csv": ("contacts", CONTACTS),
}


def build(db_path: Path, folder: Path) -> Path:
    """Load the base files into ``db_path`` (one import per file); returns db_path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (kind, text) in FILES.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        result = import_files([FileSpec(path, kind)], db_path=db_path, user="base")
        assert result.exit_code == 0, (name, result.message, result.files[0].problems)
    return db_path
