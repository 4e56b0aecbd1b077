"""Engine texts by code: the message catalogue, Chinese renderings, Chinese channel values.

Expected channel values come from domain.md's payments table (bank_transfer, card, cash,
wallet); expected reasons are read off the files by hand.
"""

from __future__ import annotations

from tests.conftest import query

PAY_HEADER = "payment_id,account_id,payment_date,amount,agent_id,channel,reverses_payment_id\n"


def test_chinese_payment_channels_map_to_the_canonical_ones(cli, db_path, write_csv):
    text = (
        "还款流水号,账号,还款日期,还款金额,催收员,还款渠道\n"
        "P1,A1,2026-10-01,10.00,G1,银行转账\n"
        "P2,A1,2026-10-02,10.00,G1,微信\n"
        "P3,A1,2026-10-03,10.00,G1,支付宝\n"
        "P4,A1,2026-10-04,10.00,G1,现金\n"
        "P5,A1,2026-10-05,10.00,G1, 银行卡 \n"
        "P6,A1,2026-10-06,10.00,G1,Bank Transfer\n"
        "P7,A1,2026-10-07,10.00,G1,cheque\n"
        "P8,A1,2026-10-08,10.00,G1,\n"
    )
    f = write_csv("还款.csv", text, encoding="gbk")
    r = cli("import", "--db", db_path, "--payments", f)
    assert r.code == 0, r.out
    rows = query(db_path, "select payment_id, channel from raw_payments order by 1")
    assert rows == [
        ("P1", "bank_transfer"),
        ("P2", "wallet"),
        ("P3", "wallet"),
        ("P4", "cash"),
        ("P5", "card"),
        ("P6", "bank_transfer"),
        ("P7", "cheque"),  # open list: an unknown channel is kept as written
        ("P8", None),
    ]
