"""The bank-scale extracts of the benchmarks, written by DuckDB SQL (no Python row loops).

At ``--scale 1`` (issue 14, issue 13): a few hundred agents in teams with commission plans,
five outside agencies, 1,000,000 accounts over 12 month-end snapshots (about 9.35 M snapshot
rows once some accounts have closed, in one accounts file), 10 M payments (with reversals,
the payments of the plans' kept installments and a few orphans), 10 M contacts (notes in
Chinese and English on most right-party contacts, some holding a phone, card or ID number
or an e-mail address in clear, for the importer to mask), 200,000 repayment plans of 1-12
installments, 50,000 complaints, each agent's and team's monthly targets; and the files of
one new month (a snapshot of 1 M accounts, 1 M payments, 1 M contacts) for the incremental
figures. Every count scales with ``--scale``
(the agents too, at least 20); the shapes are skewed like a real book: a few agents and
portfolios hold much of it, many hold little. Names are Chinese, personal data in clear (the
importer masks it), all of it made up.

The files pass the importer with only the intended refusals (``manifest.json``,
``refused``): payments with an impossible date and promises without an amount. Orphan
payments (accounts in no snapshot) are kept by the importer, not refused.

Usage: python -m bench.generate --out DIR [--scale F] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from bench import generate_sql as sql

BOOK = (
    "agents",
    "targets",
    "agencies",
    "accounts",
    "payments",
    "contacts",
    "repayment_plans",
    "complaints",
)
NEW_MONTH = ("accounts_new", "payments_new", "contacts_new")
KIND_OF = {name: name.removesuffix("_new") for name in (*BOOK, *NEW_MONTH)}

AGENCIES = (
    ("AGY01", "华夏资产管理有限公司", "0.18"),
    ("AGY02", "Pacific Collect Ltd", "15%"),
    ("AGY03", "鲁信法务服务", "0.25"),
    ("AGY04", "粤港催收服务有限公司", "0.12"),
    ("AGY05", "Northstar Recoveries, Inc.", "0.2"),
)
WORDS: dict[str, list[str]] = {
    "portfolios": [
        f"{bank}_{product}_{batch}"
        for bank in ("CMB", "ICBC", "CCB", "BOC", "ABC", "SPDB", "CITIC", "CEB")
        for product in ("CARD", "LOAN")
        for batch in ("2025H1", "2024H2")
    ],
    "regions": "广东 江苏 浙江 山东 河南 四川 湖北 湖南 河北 福建 上海 北京 安徽 辽宁 陕西 "
    "江西 重庆 广西 云南 天津 山西 贵州 黑龙江 吉林 内蒙古 新疆 甘肃 海南 宁夏 青海 西藏".split(),
    "surnames": "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 "
    "许 韩 冯 邓 曹 彭 曾 萧 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈".split(),
    "given": "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 婷 浩 宇 鑫 欣 怡 晨 "
    "博 佳 雪 建 国 华 英 玉 兰 红 文 辉 斌".split(),
    "pinyin": "wang.wei li.na zhang.min liu.yang chen.jie yang.fan huang.lei zhao.xin".split(),
    "mobile": [str(p) for p in (*range(130, 140), 150, 151, 152, 155, 158, 159, 186, 188)],
    "area_codes": "440100 320500 330100 370200 410100 510100 420100 430100 110101 310115".split(),
    "pay_channels": ["bank_transfer"] * 5
    + ["card"] * 2
    + ["cash", "wallet", "wallet"]
    + ["微信", "支付宝", "银行转账"],
    "categories": (
        "service amount_dispute contact_time harassment third_party privacy other".split()
    ),
    "notes": [
        "客户承诺月底前还款",
        "客户称近期资金紧张，申请延期还款",
        "客户失业，暂无还款能力，建议分期",
        "已告知逾期后果，客户表示理解",
        "客户对账单金额有异议，申请复核",
        "家属接听，称客户外出务工",
        "客户情绪激动，要求减免利息",
        "客户称已还款，需核实到账情况",
        "客户同意办理分期，首期下周支付",
        "无人接听，已发送短信提醒",
        "客户拒绝沟通，挂断电话",
        '客户称"下周一定还"，需跟进',
        "Debtor promised to pay by the end of the month",
        "Debtor lost job and asked for an extension of two months",
        "Explained the balance; debtor will pay part now, the rest later",
        "Third party answered, said the debtor moved to Shenzhen",
        "Debtor disputes the late fees, asked for a statement",
        "Left a voicemail, no callback yet",
        "Debtor agreed to an installment plan, first payment next week",
        'Debtor said "already paid", to be checked with the bank',
    ],
}


def sizes(scale: float) -> dict[str, int]:
    """The drawn counts at a scale (1 = bank scale)."""
    if not 0 < scale <= 4:
        raise ValueError(f"--scale {scale}: between 0 (excluded) and 4")

    def of(n: float, least: int = 1) -> int:
        return max(least, round(n * scale))

    agents = of(400, 20)
    return {
        "n": of(1_000_000, 100),
        "agents": agents,
        "teams": max(3, agents // 30),
        "plans": of(200_000),
        "complaints": of(50_000),
        "payments": of(10_000_000),
        "contacts": of(10_000_000),
        "month_accounts": of(1_000_000, 100),
        "month_payments": of(1_000_000),
        "month_contacts": of(1_000_000),
        "orphans": of(500),
        "bad_payments": of(50),
        "bad_contacts": of(50),
    }


def _set(con: duckdb.DuckDBPyConnection, **values: Any) -> None:
    for name, value in values.items():
        con.execute(f"set variable {name} = ?", [value])  # names are the code's, values bound


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> int:
    rows = con.execute(f"copy ({query}) to ? (header)", [str(path)]).fetchall()
    return int(rows[0][0]) if rows else 0


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    rows = con.execute(query).fetchall()
    return int(rows[0][0]) if rows else 0


def generate(out: Path, scale: float = 1.0, seed: int = 14) -> dict[str, Any]:
    """Write the extracts into ``out`` (created if missing) and ``manifest.json`` beside them.

    Returns:
        The manifest: scale, seed, the drawn sizes, rows and intended refusals per file,
        orphan payments, seconds taken.
    """
    out.mkdir(parents=True, exist_ok=True)
    size = sizes(scale)
    start = time.perf_counter()
    con = duckdb.connect(config={"preserve_insertion_order": False})
    try:
        _set(con, seed=seed, **{k: size[k] for k in ("n", "agents", "teams", "plans")})
        _set(con, complaints=size["complaints"], orphans=size["orphans"], **WORDS)
        con.execute(sql.MACROS)
        _set(con, new_accounts=size["month_accounts"])
        con.execute(sql.ACCOUNTS)
        staying = _count(
            con, "select count(*) from acct where not i >= getvariable('n') and c = 99"
        )
        new_accounts = max(size["month_accounts"] - staying, 0)
        con.execute("delete from acct where i >= getvariable('n') + ?", [new_accounts])
        con.execute(sql.PLANS)
        con.execute(sql.INSTALLMENTS)
        plan_payments = _count(
            con,
            "select count(*) from installment where paid and due_date <= date '2026-10-31'",
        )
        rest = size["payments"] - plan_payments - size["orphans"] - size["bad_payments"]
        random_payments = max(rest * 100 // 101, 0)
        con.execute(sql.LIFE)
        longest, mean = con.execute("select max(days), avg(days) from life").fetchall()[0]
        # Draws enough that random_payments of them are kept (a share mean / longest is), with
        # a margin: the draws' accounts are skewed, their lives are not.
        draws = math.ceil(random_payments * longest / mean * 1.1) if mean else 0
        _set(con, random_payments=random_payments, payment_draws=draws, longest_life=longest)
        _set(con, bad_payments=size["bad_payments"])
        rows: dict[str, int] = {}
        seconds: dict[str, float] = {}

        def write(name: str, query: str, **variables: Any) -> None:
            t0 = time.perf_counter()
            _set(con, **variables)
            rows[name] = _copy(con, query, out / f"{name}.csv")
            seconds[name] = round(time.perf_counter() - t0, 1)

        write("agents", sql.AGENTS)
        # A month's collections: the random payments' mean amount (3 % of a placed balance,
        # generate_sql.pay_amount) times a ninth of them (a month of the book's second half
        # holds about that many: at a fourteenth, agents reached 155 % of target at scale 0.01).
        month_collected = _count(
            con,
            "select (sum(greatest(20, placed_balance * 0.03)) / count(*)"
            " * getvariable('random_payments') / 9)::bigint from acct",
        )
        write("targets", sql.TARGETS, month_collected=month_collected)
        con.execute(
            "create or replace temp table agency(agency_id varchar, name varchar, fee varchar)"
        )
        con.executemany("insert into agency values (?, ?, ?)", [list(a) for a in AGENCIES])
        write("agencies", "select agency_id, name as agency_name, fee as fee_rate from agency")
        write("accounts", sql.SNAPSHOTS, t_from=0, t_to=11)
        write("payments", sql.PAYMENTS)
        write("contacts", sql.CONTACTS, t_from=0, t_to=11, contacts=size["contacts"],
              bad_contacts=size["bad_contacts"], contact_prefix="")  # fmt: skip
        write("repayment_plans", sql.REPAYMENT_PLANS)
        write("complaints", sql.COMPLAINTS)
        write("accounts_new", sql.SNAPSHOTS, t_from=12, t_to=12)
        write("payments_new", sql.PAYMENTS_NEW, month_payments=size["month_payments"])
        write("contacts_new", sql.CONTACTS, t_from=12, t_to=12, contacts=size["month_contacts"],
              bad_contacts=0, contact_prefix="M")  # fmt: skip
        plans = _count(con, "select count(*) from plan")
    finally:
        con.close()
    manifest = {
        "scale": scale,
        "seed": seed,
        "sizes": size,
        "rows": rows,
        "plans": plans,
        "refused": {"payments": size["bad_payments"], "contacts": size["bad_contacts"]},
        "orphans": {"payments": size["orphans"]},
        "bytes": {name: (out / f"{name}.csv").stat().st_size for name in rows},
        "seconds_per_file": seconds,
        "seconds": round(time.perf_counter() - start, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="folder to write the extracts into")
    p.add_argument("--scale", type=float, default=1.0, help="1 = bank scale (default)")
    p.add_argument("--seed", type=int, default=14)
    args = p.parse_args(argv)
    try:
        manifest = generate(args.out, args.scale, args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, n in manifest["rows"].items():
        mb = manifest["bytes"][name] / 1e6
        took = manifest["seconds_per_file"][name]
        print(f"{name + '.csv':<22} {n:>11,} rows {mb:>9,.1f} MB {took:>6} s")
    print(f"written in {manifest['seconds']} s to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
