"""Every text the app shows, as (English, Simplified Chinese) pairs, keyed by a dotted name.

Keys by prefix: ``nav``/``page`` navigation and titles; ``filters``; ``kpi``/``def`` headline
KPIs and their exact definitions (domain.md); ``col`` column names; ``bucket``, ``rule``,
``channel``, ``outcome``, ``status``, ``kind``, ``kindname``, ``direction``, ``credit_rule``,
``preset``, ``region`` data values; ``err`` error messages; one prefix per page for the rest.
``{name}`` fields are filled in by ``i18n.t``.

Data values are labelled by their code: ``channel.<code>`` for the codes of
``dashboard.vocab`` (the one definition of each list), and tests/test_vocab.py fails when a
code has no label here or a label names a code the vocabulary does not have. The importer's
and the engine's sentences are not here but in ``dashboard.messages``, by code.
"""

from __future__ import annotations

from dashboard.columns import COLUMN_LABELS
from dashboard.messages import MESSAGES

# Chinese provincial-level regions as an extract writes them in pinyin (domain.md: region is free
# text), and their Chinese names: a Chinese page names the region in Chinese; a region not here
# is shown as written.
REGIONS_ZH = {
    "Anhui": "安徽", "Beijing": "北京", "Chongqing": "重庆", "Fujian": "福建", "Gansu": "甘肃",
    "Guangdong": "广东", "Guangxi": "广西", "Guizhou": "贵州", "Hainan": "海南", "Hebei": "河北",
    "Heilongjiang": "黑龙江", "Henan": "河南", "Hong Kong": "香港", "Hubei": "湖北",
    "Hunan": "湖南", "Inner Mongolia": "内蒙古", "Jiangsu": "江苏", "Jiangxi": "江西",
    "Jilin": "吉林", "Liaoning": "辽宁", "Macau": "澳门", "Ningxia": "宁夏", "Qinghai": "青海",
    "Shaanxi": "陕西", "Shandong": "山东", "Shanghai": "上海", "Shanxi": "山西",
    "Sichuan": "四川", "Taiwan": "台湾", "Tianjin": "天津", "Tibet": "西藏", "Xinjiang": "新疆",
    "Yunnan": "云南", "Zhejiang": "浙江",
}  # fmt: skip

CATALOGUE: dict[str, tuple[str, str]] = {
    # Navigation and page titles
    "nav.manage": ("Manage", "管理"),
    "nav.finance": ("Finance", "财务"),
    "nav.data": ("Data", "数据"),
    "page.overview": ("Overview", "总览"),
    "page.overview.about": (
        "Headline KPIs for the window against the window before it, trends and agents.",
        "所选时间窗的核心指标（与上一个等长时间窗对比）、趋势与催收员排名。",
    ),
    "page.delinquency": ("Delinquency", "逾期分析"),
    "page.delinquency.about": (
        "Delinquency buckets of a snapshot, the mix over time, and roll rates between snapshots.",
        "快照的逾期阶段分布、分布随时间的变化，以及相邻快照之间的迁徙率。",
    ),
    "page.recovery": ("Recovery", "回收分析"),
    "page.recovery.about": (
        "How much of what was placed has come back: by placement month, portfolio, region.",
        "委案金额已回收了多少：按委案月份、资产包、地区与还款渠道。",
    ),
    "page.agents": ("Agents", "催收员"),
    "page.agents.about": (
        "Agent performance in the window: leaderboard, teams, and one agent in detail.",
        "时间窗内的催收员表现：排行榜、团队对比与单个催收员明细。",
    ),
    "page.compliance": ("Compliance", "合规"),
    "page.compliance.about": (
        "Contacts that break the contact rules, per agent and rule, with each contact listed.",
        "违反联系规则的催收记录：按催收员与规则统计，并逐条列出。",
    ),
    "page.payouts": ("Payouts", "佣金"),
    "page.payouts.about": (
        "Commission per agent for a month, with every component and its audit trail; approval.",
        "按月计算的催收员佣金，含每个组成部分及审计明细；审批与导出。",
    ),
    "page.cases": ("Cases", "案件"),
    "page.cases.about": (
        "One account's whole story, repayment plans, and the accounts escalated to legal action.",
        "单个账户的完整经过、还款计划，以及转入诉讼的账户。",
    ),
    "page.data": ("Data", "数据"),
    "page.data.about": (
        "Upload extracts, see every accepted and refused row, undo an import.",
        "上传数据文件，查看每一行的接收与拒收原因，撤销导入。",
    ),
    # Sidebar filters
    "filters.title": ("Filters", "筛选"),
    "filters.from": ("From", "开始日期"),
    "filters.to": ("To", "结束日期"),
    "filters.snapshot": ("Snapshot", "快照日期"),
    "filters.snapshot_help": (
        (
            "The accounts snapshot of the bucket and roll-rate views: by default the latest one "
            "on or before the window's end; choose a date to pin one."
        ),
        "逾期阶段与迁徙率所用的账户快照：默认取时间窗结束日当天或之前的最新快照；选择日期即可固定。",
    ),
    "filters.snapshot_follow": ("Window's end ({date})", "随时间窗结束日（{date}）"),
    "filters.range": ("Date range", "日期范围"),
    "filters.not_here": ("Not used on this page.", "本页不使用此筛选。"),
    "filters.range_help": (
        "Presets are relative to the latest snapshot ({latest}); Custom shows From and To.",
        "预设区间以最新快照（{latest}）为准；选择“自定义”可设置开始与结束日期。",
    ),
    "filters.range_dates": ("{date_from} to {date_to}", "{date_from} 至 {date_to}"),
    "range.month": ("This month", "本月"),
    "range.last_month": ("Last month", "上月"),
    "range.quarter": ("This quarter", "本季度"),
    "range.ytd": ("Year to date", "本年至今"),
    "range.12m": ("Last 12 months", "近 12 个月"),
    "range.custom": ("Custom", "自定义"),
    # The active-filters line at the top of each page
    "active.line": ("Filters on this page: {items}.", "本页筛选：{items}。"),
    "list.sep": (", ", "、"),
    "active.window": (
        "{date_from} to {date_to} ({preset})",
        "{date_from} 至 {date_to}（{preset}）",
    ),
    "active.snapshot_follow": (
        "snapshot {date} (the latest on or before {date_to})",
        "快照 {date}（{date_to} 当天或之前的最新快照）",
    ),
    "active.snapshot_pinned": ("snapshot {date} (pinned)", "快照 {date}（已固定）"),
    "active.balances": ("balances as of the snapshot {date}", "余额截至快照 {date}"),
    "active.dim": ("{name}: {values}", "{name}：{values}"),
    "active.unused": ("Not used on this page: {names}.", "本页不使用：{names}。"),
    "active.why.overview": (
        "The monthly trend shows every month up to the window's end.",
        "月度趋势显示截至时间窗结束日的各月。",
    ),
    "active.why.recovery": (
        (
            "Recovery rates and vintage curves count everything up to the window's end; "
            "collections by channel count the window only."
        ),
        "回收率与账龄曲线统计截至时间窗结束日的全部数据；按渠道的回收金额只统计时间窗内。",
    ),
    "active.why.payouts": (
        "A payout covers one calendar month (chosen below) and every portfolio.",
        "佣金按自然月计算（在下方选择月份），涵盖所有资产包。",
    ),
    "active.why.data": (
        "Imports and their history are never filtered.",
        "导入及导入历史不受筛选影响。",
    ),
    "filters.portfolio": ("Portfolio", "资产包"),
    "filters.team": ("Team", "团队"),
    "filters.agent": ("Agent", "催收员"),
    "filters.all": ("All", "全部"),
    "filters.reset": ("Reset filters", "重置筛选"),
    "filters.none": ("Filters appear once accounts are loaded.", "导入账户数据后即可使用筛选。"),
    "filters.busy": (
        "The database is busy (an import is running); filters will be back shortly.",
        "数据库正忙（正在导入），筛选稍后恢复。",
    ),
    # Errors
    "err.busy": (
        "The database is busy: an import is running (waited {seconds} s). Try again in a moment.",
        "数据库正忙：正在进行导入（已等待 {seconds} 秒）。请稍后重试。",
    ),
    "err.report": ("This report cannot be shown: {detail}", "无法显示此报表：{detail}"),
    "err.settings": ("The settings file has a mistake: {detail}", "配置文件有误：{detail}"),
    "err.database": ("The database cannot be opened: {detail}", "无法打开数据库：{detail}"),
    "err.window": (
        "The window starts ({date_from}) after it ends ({date_to}): fix the dates.",
        "开始日期（{date_from}）晚于结束日期（{date_to}），请修正日期。",
    ),
    "err.no_window": ("Choose a start and an end date.", "请选择开始日期和结束日期。"),
    "err.window_page": (
        (
            "This page's figures need the date window, which starts ({date_from}) after it ends "
            "({date_to}). Fix From and To in the sidebar, or press Reset filters; the "
            "Delinquency, Payouts and Data pages work meanwhile."
        ),
        (
            "本页数据依赖时间窗，而开始日期（{date_from}）晚于结束日期（{date_to}）。请在侧边栏修正"
            "开始与结束日期，或点击“重置筛选”；逾期分析、佣金与数据页面不受影响。"
        ),
    ),
    "err.no_window_page": (
        (
            "This page's figures need a date window: choose From and To in the sidebar, or "
            "press Reset filters."
        ),
        "本页数据依赖时间窗：请在侧边栏选择开始与结束日期，或点击“重置筛选”。",
    ),
    "err.fix_filters": (
        "Fix the filters in the sidebar to see this page.",
        "请先修正侧边栏中的筛选条件。",
    ),
    "action.retry": ("Try again", "重试"),
    # Welcome (empty database)
    "welcome.title": ("Welcome: the database is empty", "欢迎：数据库为空"),
    "welcome.text": (
        (
            "No account snapshot is loaded yet. Load the sample portfolio to look around, or "
            "upload "
            "your own extracts (accounts, payments, agents, contacts) on the Data page."
        ),
        (
            "尚未导入任何账户快照。可以先加载示例数据查看效果，或在“数据”页面上传您的数据文件"
            "（账户、还款、催收员、催收记录）。"
        ),
    ),
    "welcome.load_sample": ("Load sample data", "加载示例数据"),
    "welcome.upload": ("Upload extracts on the Data page", "前往“数据”页面上传文件"),
    "welcome.loaded": ("Sample data loaded.", "示例数据已加载。"),
    "welcome.failed": (
        "The sample data could not be loaded: {detail}",
        "示例数据加载失败：{detail}",
    ),
    # Headline KPIs and their definitions
    "kpi.window": (
        (
            "Window {date_from} to {date_to}, compared with {prev_from} to {prev_to}; "
            "balances as of the snapshot {snapshot}."
        ),
        (
            "时间窗 {date_from} 至 {date_to}，对比 {prev_from} 至 {prev_to}；"
            "余额取自 {snapshot} 快照。"
        ),
    ),
    "kpi.definitions": ("Definitions of the KPIs", "指标定义"),
    "kpi.collected": ("Net collected", "净回收金额"),
    "kpi.recovery_rate": ("Recovery rate (to date)", "累计回收率"),
    "kpi.cure_rate": ("Cure rate", "治愈率"),
    "kpi.kept_rate": ("Promises kept", "承诺兑现率"),
    "kpi.open_balance": ("Open balance", "在催余额"),
    "kpi.delinquent_share": ("Delinquent share", "逾期账户占比"),
    "kpi.placed_balance": ("Placed in window", "本期委案金额"),
    "kpi.promises": ("Promises to pay", "承诺还款数"),
    "def.collected": (
        (
            "Sum of payment amounts dated in the window; reversals (bounced or charged-back "
            "payments) count negative."
        ),
        "时间窗内还款金额之和；冲正（退票或拒付）记为负数。",
    ),
    "def.recovery_rate": (
        (
            "Net collected up to the window's end on accounts placed on or before it, divided by "
            "their placed balance."
        ),
        "截至时间窗结束日，对当日及之前委案的账户的净回收金额 ÷ 这些账户的委案金额。",
    ),
    "def.cure_rate": (
        (
            "Of the accounts delinquent (past the first bucket) in a snapshot, the share that are "
            "Current in the next snapshot or Closed with status paid_in_full/settled; over the "
            "snapshot pairs whose later snapshot is in the window."
        ),
        (
            "在某快照中已逾期（非正常阶段）的账户里，下一快照变为正常，或以全额结清/和解结清关闭的"
            "比例；统计后一快照落在时间窗内的快照对。"
        ),
    ),
    "def.kept_rate": (
        (
            "Promises to pay made in the window that were kept: net payments on the account from "
            "the contact date through the promise date + 3 days reach the promised amount."
        ),
        (
            "时间窗内做出的还款承诺中已兑现的比例："
            "自联系日起至承诺日后 3 天内，该账户净还款达到承诺金额。"
        ),
    ),
    "def.open_balance": (
        (
            "Sum of current_balance of the accounts not Closed in the latest snapshot on or before "
            "the window's end."
        ),
        "时间窗结束日当日或之前最新快照中未关闭账户的当前余额之和。",
    ),
    "def.delinquent_share": (
        (
            "Open accounts past the first bucket (DPD >= 1) as a share of open accounts, in that "
            "snapshot."
        ),
        "该快照中逾期天数 ≥ 1 的在催账户占全部在催账户的比例。",
    ),
    "def.placed_balance": (
        "Sum of placed_balance of the accounts whose placement date is in the window.",
        "委案日期在时间窗内的账户的委案金额之和。",
    ),
    "def.promises": (
        "Contacts with outcome promise_to_pay made in the window.",
        "时间窗内结果为“承诺还款”的联系次数。",
    ),
    "unit.pp": ("pp", "个百分点"),
    # Overview
    "pacing.title": ("{period} against target", "{period} 目标达成进度"),
    "pacing.caption": (
        (
            "Net collected to {day}, the end of the chosen window (the payout basis, the whole "
            "book: targets are the agents' and teams'), and the month projected from the share "
            "of a month the previous three months had collected by the same day."
        ),
        (
            "截至所选区间末日 {day} 的净回收（佣金口径，全量数据：目标按催收员和团队设定），"
            "以及按前三个月同日已回收占整月比例推算的本月预计值。"
        ),
    ),
    "pacing.chart": (
        "Pacing per team, {period}: collected and projected as a share of target",
        "{period} 各团队进度：已回收与预计回收占目标的比例",
    ),
    "pacing.target": ("Target", "目标"),
    "pacing.collected": ("Collected to date", "已回收"),
    "pacing.projected": ("Projected month", "本月预计"),
    "pacing.attainment": ("Projected attainment", "预计达成率"),
    "pacing.of_target": ("Share of target", "占目标比例"),
    "pacing.no_team": ("(no team)", "（无团队）"),
    "pacing.no_team_targets": ("No team has a target for this month", "本月没有团队目标"),
    "pacing.hover_projected": (
        "{team}: projected {projected}, {share} of the target {target}",
        "{team}：预计 {projected}，为目标 {target} 的 {share}",
    ),
    "pacing.hover_collected": (
        "{team}: collected {collected} of the target {target}",
        "{team}：已回收 {collected}，目标 {target}",
    ),
    "pacing.hover_target": ("{team}: target {target}", "{team}：目标 {target}"),
    "pacing.hover_no_projection": ("{team}: not projected ({why})", "{team}：无预计（{why}）"),
    "overview.trend": ("Net collected per month", "每月净回收金额"),
    "overview.mix": (
        "Balance by delinquency bucket ({snapshot})",
        "逾期阶段余额分布（{snapshot}）",
    ),
    "overview.top_agents": ("Top {n} agents by net collected", "净回收金额前 {n} 名催收员"),
    "overview.bottom_agents": ("Bottom {n} agents by net collected", "净回收金额后 {n} 名催收员"),
    # Delinquency
    "delinq.measure": ("Measure", "统计口径"),
    "delinq.distribution": ("Delinquency buckets on {snapshot}", "{snapshot} 逾期阶段分布"),
    "delinq.mix_over_time": ("Bucket mix over time", "逾期阶段占比变化"),
    "delinq.roll_title": ("Roll rates", "迁徙率"),
    "delinq.roll_matrix": ("Roll-rate matrix {start} → {end}", "迁徙率矩阵 {start} → {end}"),
    "delinq.roll_caption": (
        (
            "Rows: bucket in the earlier snapshot; columns: state in the later one. Roll-forward = "
            "share that moved to a worse bucket; cure = share of a delinquent bucket that is "
            "Current "
            "or Closed as paid or settled."
        ),
        (
            "行：前一快照的逾期阶段；列：后一快照的状态。向前迁徙率 = 迁入更差阶段的比例；"
            "治愈率 = 逾期阶段中变为正常或以结清/和解关闭的比例。"
        ),
    ),
    "delinq.no_pair": (
        "{snapshot} is the first snapshot: there is no earlier one to roll from.",
        "{snapshot} 是第一个快照，没有可比较的前一快照。",
    ),
    "delinq.drill_title": ("Accounts behind a cell", "单元格对应的账户"),
    "delinq.drill_caption": (
        "{n} accounts (personal data masked).",
        "共 {n} 个账户（个人信息已脱敏）。",
    ),
    # Recovery
    "recovery.vintage": (
        "Vintage curves: cumulative recovery by months since placement (as of {as_of})",
        "各委案月份的回收曲线：按委案后月数的累计回收率（截至 {as_of}）",
    ),
    "recovery.vintage_table": ("Vintage table", "各委案月份回收明细表"),
    "recovery.by_portfolio": (
        "Recovery rate by portfolio (to {date_to})",
        "各资产包回收率（截至 {date_to}）",
    ),
    "recovery.by_region": (
        "Recovery rate by region (to {date_to})",
        "各地区回收率（截至 {date_to}）",
    ),
    "recovery.by_channel": (
        "Net collected by payment channel ({date_from} to {date_to})",
        "各还款渠道净回收金额（{date_from} 至 {date_to}）",
    ),
    "recovery.over_time": ("Collections over time, by portfolio", "各资产包每月回收金额"),
    "compliance.complaints_title": ("Complaints", "投诉"),
    "compliance.complaints_caption": (
        (
            "{n} complaints received in the window; {over} still open more than {days} days "
            "after they were received."
        ),
        "时间窗内收到投诉 {n} 件；收到后超过 {days} 天仍未处理的有 {over} 件。",
    ),
    "level.agent": ("agent", "催收员"),
    "level.team": ("team", "团队"),
    "level.total": ("total", "合计"),
    # pacing: why a row is not projected (vocab.NO_PROJECTION_REASONS)
    "no_projection.short_history": (
        "fewer than 3 complete months of payments before this one",
        "本月之前完整的还款月份不足 3 个",
    ),
    "no_projection.month_not_positive": (
        "one of the 3 months before collected nothing or less",
        "前 3 个月中有一个月净回收为零或负数",
    ),
    "no_projection.share_not_positive": (
        "the months before had collected nothing or less by this day",
        "前几个月截至当日的净回收为零或负数",
    ),
    "agents.timing_title": ("When calls reach people", "何时联系最有效"),
    "agents.timing_chart": (
        "Right-party rate by weekday and hour, {date_from} to {date_to}",
        "按星期与时段的本人接通率（{date_from} 至 {date_to}）",
    ),
    "agents.timing_chart_promise": (
        "Promise rate (of conversations) by weekday and hour, {date_from} to {date_to}",
        "按星期与时段的承诺率（占本人接通，{date_from} 至 {date_to}）",
    ),
    "agents.timing_measure": ("Colour by", "着色指标"),
    "weekday.1": ("Mon", "周一"),
    "weekday.2": ("Tue", "周二"),
    "weekday.3": ("Wed", "周三"),
    "weekday.4": ("Thu", "周四"),
    "weekday.5": ("Fri", "周五"),
    "weekday.6": ("Sat", "周六"),
    "weekday.7": ("Sun", "周日"),
    "recovery.forecast_title": ("What the cohorts will still pay", "各委案批次预计回收"),
    "recovery.forecast_caption": (
        (
            "Chain-ladder forecast from the vintage triangle as of {as_of}: {total} expected "
            "over the forecast horizon (Settings: forecast_months)."
        ),
        (
            "基于截至 {as_of} 的委案回收三角形的链梯法预测："
            "预测期内预计回收 {total}（设置项 forecast_months）。"
        ),
    ),
    "recovery.backtest": (
        "Run on the data cut at {cut}, the forecast {months} months ahead was off by {off}.",
        "以 {cut} 为截止月的数据回测：向前预测 {months} 个月的误差为 {off}。",
    ),
    "recovery.expected_chart": (
        "Expected collections by month (forecast as of {as_of})",
        "各月预计回收金额（截至 {as_of} 的预测）",
    ),
    "recovery.no_forecast": (
        "No projection on the vintage chart: {detail}.",
        "回收曲线上没有预测：{detail}。",
    ),
    "recovery.projected_caption": (
        (
            "Dashed: each cohort's chain-ladder projection from its last month, drawn up to "
            "{age} months since placement, the oldest cohort's age (past it no cohort shows how "
            "much more is paid, and the forecast stays flat)."
        ),
        (
            "虚线：各委案月份自最后一个实际月份起的链梯法预测，画到委案后第 {age} 个月，"
            "即最早委案月份已达到的月数（此后没有任何委案月份的实际回收可参照，预测保持不变）。"
        ),
    ),
    "forecast.no_backtest": ("No backtest: {detail}.", "无法回测：{detail}。"),
    "forecast.backtest_few_snapshots": (
        (
            "there are too few snapshots up to {snapshot} to run the forecast from one {months} "
            "snapshots earlier"
        ),
        "截至 {snapshot} 的快照太少，无法从 {months} 期之前的快照起运行预测",
    ),
    "delinq.forecast_title": ("Where the balance is heading", "余额走向预测"),
    "delinq.forecast_chart": (
        "Open balance by bucket: snapshots to {snapshot}, then projected month ends",
        "各逾期阶段在催余额：截至 {snapshot} 为快照实际值，之后为预测的月末值",
    ),
    "delinq.write_off_chart": (
        "Write-off candidates: projected to roll into {bucket}",
        "核销候选：预计转入 {bucket} 的余额",
    ),
    "delinq.no_forecast": ("No projection of the balance: {detail}.", "没有余额预测：{detail}。"),
    "delinq.write_off_hover": ("rolling into {bucket}", "转入 {bucket}"),
    "delinq.forecast_caption": (
        (
            "Lighter, hatched bars are projected: the snapshot of {snapshot} rolled forward month "
            "by month by the roll-rate matrix (by balance) of the last {window} snapshot pairs "
            "(Settings: roll_window). Balance reaching Closed or Missing leaves the chart; "
            "payments, interest and new placements are not modelled. Over the next {months} "
            "months, {total} is expected to roll into {bucket}."
        ),
        (
            "颜色较浅、带斜线的柱形为预测值：以 {snapshot} 的快照为起点，按最近 {window} 对快照"
            "（按余额）的平均迁徙率矩阵逐月滚动推算（设置项 roll_window）。进入已关闭或缺失的"
            "余额不再显示；还款、利息和新委案不在模型内。未来 {months} 个月预计共有 {total} "
            "转入 {bucket}。"
        ),
    ),
    "delinq.backtest": (
        (
            "Run from the snapshot of {cut}, the forecast of the open balance {months} "
            "snapshots ahead was off by {off} (all buckets together)."
        ),
        "以 {cut} 的快照回测：向前预测 {months} 期的在催余额（全部阶段合计）误差为 {off}。",
    ),
    "agents.timing_outside": (
        "outside the contact hours the rules allow ({allowed})",
        "不在规则允许的联系时段内（{allowed}）",
    ),
    "agents.timing_caption": (
        (
            "Grey: the hours in which a contact breaks, for all or part of the hour, the "
            "contact-hours rule of the preset {preset}: contacts allowed {allowed}, on these "
            "channels: {channels}. Their contacts are in the hover and on the Compliance page."
        ),
        (
            "灰色：按{preset}的联系时段规则，在该时段全部或部分时间内联系即违规（允许 {allowed}；"
            "适用渠道：{channels}）。这些时段的联系情况见悬停提示和合规页面。"
        ),
    ),
    "chart.projected": ("projected", "预测"),
    "chart.projected_dashed": ("projected (dashed)", "预测（虚线）"),
    "recovery.agencies_title": (
        "Outside agencies beside in-house work, after fees",
        "委外机构与自催对比（扣除佣金后）",
    ),
    # Cases
    "cases.history_title": ("Account history", "账户历史"),
    "cases.search": ("Account", "账号"),
    "cases.search_hint": ("an account id, e.g. A0000006", "账号，例如 A0000006"),
    "cases.search_help": (
        (
            "Type an account id to see its snapshots, payments, contacts and promises in date "
            "order. A masked id works as a table shows it: each * stands for one hidden character."
        ),
        (
            "输入账号，按日期顺序查看其快照、还款、联系记录与还款承诺。"
            "也可按表格中显示的脱敏账号输入：每个 * 代表一个隐藏的字符。"
        ),
    ),
    "cases.history_caption": (
        "{account}: {n} events, oldest first",
        "{account}：共 {n} 条记录，按时间先后",
    ),
    "cases.plans_title": ("Repayment plans", "还款计划"),
    "cases.plans_caption": (
        "{n} plans agreed up to the snapshot of {snapshot}, evaluated as of that day.",
        "截至 {snapshot} 快照已约定的还款计划共 {n} 个，按当日评估。",
    ),
    "cases.kept_chart_installment": (
        "Kept rate by installment number (as of {snapshot})",
        "各期次履约率（截至 {snapshot}）",
    ),
    "cases.kept_chart_bucket": (
        "Kept rate by bucket when agreed (as of {snapshot})",
        "按约定时逾期阶段的履约率（截至 {snapshot}）",
    ),
    "cases.plan_by": ("Kept rate by", "履约率维度"),
    "plan_by.installment": ("Installment number", "期次"),
    "plan_by.bucket": ("Bucket when agreed", "约定时逾期阶段"),
    "cases.no_bucket": ("Before first snapshot", "首个快照之前"),
    "chart.click_account": (
        "Click a row to open that account's history.",
        "点击一行可打开该账户的历史。",
    ),
    "cases.kept_rate": ("Installments kept", "期次履约率"),
    "cases.broken_title": ("Broken plans to follow up", "待跟进的违约计划"),
    "cases.broken_caption": (
        "{n} broken plans, the oldest first; customer data masked.",
        "共 {n} 个违约计划，按违约日期先后排列；客户信息已脱敏。",
    ),
    "cases.relief_title": ("Settlement relief granted, per agent", "各催收员批准的减免金额"),
    "cases.legal_title": ("Legal escalation", "诉讼"),
    "cases.legal_caption": (
        (
            "Accounts that entered legal, by month of entry, up to the snapshot of {snapshot}; "
            "{now} are in legal now."
        ),
        "截至 {snapshot} 快照，按进入诉讼的月份统计；目前仍在诉讼中的有 {now} 户。",
    ),
    "cases.legal_chart": (
        "Recovery since entering legal, by month of entry (as of {snapshot})",
        "进入诉讼后的回收率，按进入月份（截至 {snapshot}）",
    ),
    # Agents
    "agents.window": ("Window {date_from} to {date_to}.", "时间窗 {date_from} 至 {date_to}。"),
    "agents.sort_by": ("Sort by", "排序依据"),
    "agents.best_first": ("Best first", "从高到低"),
    "agents.order": ("Order", "排序方向"),
    "order.best": ("Best first", "从高到低"),
    "order.worst": ("Worst first", "从低到高"),
    "agents.leaderboard_chart": ("Leaderboard: {metric}", "排行榜：{metric}"),
    "agents.teams": ("Team comparison", "团队对比"),
    "agents.team_collected": ("Net collected by team", "各团队净回收金额"),
    "agents.team_rates": (
        "Right-party and promise-kept rates by team",
        "各团队本人接通率与承诺兑现率",
    ),
    "agents.drill": ("One agent", "单个催收员"),
    "agents.pick": ("Agent", "催收员"),
    "agents.none": ("No agent was active in this window.", "该时间窗内没有活跃的催收员。"),
    "agents.trend": ("Net collected per month: {agent}", "每月净回收金额：{agent}"),
    "agents.funnel": ("Contact stages", "催收转化"),
    "agents.channels": ("Contacts by channel", "各联系方式占比"),
    "funnel.contacts": ("Contacts", "联系次数"),
    "funnel.right_party_contacts": ("Right-party contacts", "本人接通"),
    "funnel.promises": ("Promises", "承诺还款"),
    "funnel.promises_kept": ("Promises kept", "承诺兑现"),
    "funnel.paying_accounts": ("Paying accounts", "有还款的账户"),
    # Compliance
    "compliance.preset": ("Rules", "规则"),
    "compliance.by_agent_rule": (
        "Violations by agent and rule ({date_from} to {date_to})",
        "按催收员与规则统计的违规（{date_from} 至 {date_to}）",
    ),
    "compliance.per_agent": ("Per agent", "按催收员"),
    "compliance.per_rule": ("Per agent and rule", "按催收员与规则"),
    "compliance.contacts": ("Violating contacts ({n})", "违规联系记录（{n} 条）"),
    "preset.cn": ("China (CBA 2026 guideline)", "中国（2026 年银行业协会催收指引）"),
    "preset.us": ("US (Regulation F / FDCPA)", "美国（Regulation F / FDCPA）"),
    "preset_rules.cn": (
        "No contact 22:00-08:00; at most 6 unanswered calls to one account per day.",
        "22:00 至 08:00 禁止联系；同一账户每天未接通电话不超过 6 次。",
    ),
    "preset_rules.us": (
        (
            "Calls only 08:00-21:00; no more than 7 calls about one account in 7 days; no call "
            "within 7 days after a right-party conversation."
        ),
        (
            "仅可在 08:00 至 21:00 致电；同一账户 7 天内不超过 7 次电话；"
            "本人通话后 7 天内不得再次致电。"
        ),
    ),
    "rule.contact_hours": ("Contact hours", "联系时段"),
    "rule.unanswered_calls_per_day": ("Unanswered calls per day", "每日未接通次数"),
    "rule.calls_per_window": ("Calls in 7 days", "7 天内通话次数"),
    "rule.call_after_conversation": ("Call after a conversation", "通话后再次致电"),
    # Payouts
    "pay.period": ("Period (month)", "期间（月）"),
    "pay.plans": ("Plan file", "佣金方案文件"),
    "pay.plans_upload": ("Use another plan file", "使用其他方案文件"),
    "pay.plans_upload_help": (
        (
            "A plan file in the documented YAML format (README.md, Commission payouts); "
            "it is checked whole."
        ),
        "符合文档格式（README.md「Commission payouts」）的 YAML 方案文件；上传后整体校验。",
    ),
    "pay.no_activity": ("No payment is credited to any agent yet.", "尚无计入催收员的还款。"),
    "pay.cannot": ("The payouts cannot be computed: {detail}", "无法计算佣金：{detail}"),
    "pay.draft": ("Draft: this period is not approved.", "草稿：本期尚未审批。"),
    "pay.approved": (
        "Approved by {by} on {at}: the figures are frozen.",
        "已由 {by} 于 {at} 审批：金额已冻结。",
    ),
    "pay.agents": ("Agents", "催收员人数"),
    "pay.shown": (
        (
            "{n} of {total} agents shown (team and agent filters); the downloads and the approval "
            "cover every agent of the period."
        ),
        "显示 {total} 名催收员中的 {n} 名（团队与催收员筛选）；下载与审批涵盖本期全部催收员。",
    ),
    "pay.none_shown": (
        "No agent in the team and agent filters has a payout in {period}.",
        "团队与催收员筛选中的催收员在 {period} 没有佣金。",
    ),
    "pay.total": ("Total payout", "佣金合计"),
    "pay.adjustments": ("Adjustments (recomputed − approved)", "调整额（重算 − 已审批）"),
    "pay.notes": ("Notes ({n})", "说明（{n} 条）"),
    "pay.plan_file": ("Plan file {source} (sha256 {sha}…)", "方案文件 {source}（sha256 {sha}…）"),
    "pay.chart": (
        "Payout per agent, and what the cap cut ({period})",
        "各催收员应发佣金及封顶截去部分（{period}）",
    ),
    "pay.xlsx": ("Download payouts (XLSX)", "下载佣金表（XLSX）"),
    "pay.csv": ("Download payouts (CSV)", "下载佣金表（CSV）"),
    "pay.zip": ("Download all statements (ZIP)", "下载全部对账单（ZIP）"),
    "pay.statement": ("Statement", "佣金对账单"),
    "pay.agent": ("Agent", "催收员"),
    "pay.figure": ("Figure", "项目"),
    "pay.value": ("Value", "金额"),
    "pay.html": ("Statement (HTML)", "对账单（HTML）"),
    "pay.pdf": ("Statement (PDF)", "对账单（PDF）"),
    "pay.rules": ("The plan's rules", "方案规则"),
    "pay.lines_page": ("Page of lines", "明细页码"),
    "pay.lines_shown": (
        "Lines {first}–{last} of {total} ({pages} pages); the download holds all of them.",
        "第 {first}–{last} 行，共 {total} 行（{pages} 页）；下载文件包含全部明细。",
    ),
    "pay.approval": ("Approval", "审批"),
    "pay.by": ("Your name", "审批人姓名"),
    "pay.by_required": ("Enter your name to approve.", "请填写审批人姓名。"),
    "pay.approve": ("Approve {period}", "审批 {period}"),
    "pay.refused": ("Refused: {detail}", "操作被拒绝：{detail}"),
    "pay.reopen_help": (
        "Reopening keeps the approved figures in the log; the period can then be approved again.",
        "重新打开会在日志中保留已审批金额，之后可再次审批。",
    ),
    "pay.reason": ("Reason", "原因"),
    "pay.reopen": ("Reopen {period}", "重新打开 {period}"),
    # Payouts page: closing the books, four eyes (issue 12)
    "pay.prepared": (
        "Prepared by {by} on {at}: the figures are frozen and await approval by another person.",
        "已由 {by} 于 {at} 编制：金额已冻结，待另一人审批。",
    ),
    "pay.approved_four_eyes": (
        "Approved by {by} on {at} (prepared by {prepared_by}): the figures are frozen.",
        "已由 {by} 于 {at} 审批（编制人 {prepared_by}）：金额已冻结。",
    ),
    "pay.four_eyes_help": (
        (
            "Two steps, two people: one prepares the period (its figures are frozen), another "
            "approves exactly those figures."
        ),
        "两步、两人：一人编制本期（金额冻结），另一人审批这些金额。",
    ),
    "pay.prepare": ("Prepare {period}", "编制 {period}"),
    "pay.prepare_by": ("Your name (prepares)", "编制人姓名"),
    "pay.prepare_by_required": ("Enter your name to prepare.", "请填写编制人姓名。"),
    "pay.approve_by": ("Your name (approves; not the preparer)", "审批人姓名（不得为编制人）"),
    "pay.to_approve_first": (
        "Approve the earlier periods with payouts first, in order: {periods}",
        "请先按顺序审批之前有佣金的期间：{periods}",
    ),
    "pay.booked": ("Adjustments of approved periods", "已审批期间的调整"),
    # Data page
    "data.upload": ("Upload extracts (CSV or Excel .xlsx)", "上传数据文件（CSV 或 Excel .xlsx）"),
    # Streamlit's own texts of a file uploader, drawn in Chinese over its English (ui/uploader.py)
    "upload.button": ("Upload", "选择文件"),
    "upload.limit": ("{mb}MB per file", "每个文件不超过 {mb} MB"),
    "upload.drop_files": ("Drag and drop files here", "将文件拖放到此处"),
    "upload.drop_file": ("Drag and drop a file here", "将文件拖放到此处"),
    "data.upload_help": (
        (
            "Accounts, payments, agents, contacts, repayment plans, agencies, complaints or "
            "targets; "
            "English or Chinese headers; CSV in UTF-8 or GBK, or an Excel workbook (.xlsx, its "
            "first sheet). The kind of each file is detected from its header."
        ),
        (
            "账户、还款、催收员、催收记录、还款计划、委外机构、投诉或目标；中英文表头均可；"
            "UTF-8 或 GBK 编码的 CSV，或 Excel 工作簿（.xlsx，读取第一个工作表）。"
            "文件类型按表头自动识别。"
        ),
    ),
    "data.options": ("Import options", "导入选项"),
    "data.as_of": (
        "Snapshot date (accounts files without as_of_date)",
        "快照日期（账户文件无 as_of_date 列时）",
    ),
    "data.as_of_help": (
        "Used for accounts rows without an as_of_date.",
        "用于没有快照日期的账户行。",
    ),
    "data.strict": ("All or nothing", "全部成功才导入"),
    "data.strict_help": (
        "Refuse the whole import if any row is refused.",
        "只要有一行被拒收，整批都不导入。",
    ),
    "data.user": ("Imported by", "导入人"),
    "data.import": ("Import", "导入"),
    "data.progress": ("Importing… {pct}%", "正在导入… {pct}%"),
    "data.msg_imported": ("Imported: every row was accepted.", "导入完成：所有行均已接收。"),
    "data.msg_refused_whole": (
        "A file was refused whole: nothing was imported.",
        "有文件被整体拒收：本次未导入任何数据。",
    ),
    "data.msg_strict": (
        "All or nothing: rows were refused, so nothing was imported.",
        "全部成功才导入：有行被拒收，本次未导入任何数据。",
    ),
    "data.some_refused": (
        "Imported, but some rows were refused: they are listed below with their reasons.",
        "已导入，但有部分行被拒收，原因见下表。",
    ),
    "data.msg_shrink": (
        (
            "A snapshot would lose more than 10 % of its accounts (a partial extract or a "
            "mistyped as_of_date?): check the file, and replace the snapshot only if that is "
            "intended."
        ),
        (
            "某个快照将失去超过 10% 的账户（数据不完整或快照日期填错？）："
            "请检查文件，确需替换时再确认。"
        ),
    ),
    "data.shrink": (
        (
            "Snapshot {date}: this import would remove {removed} of its {loaded} accounts "
            "({kept} kept; the file has {in_file} for that date)."
        ),
        (
            "快照 {date}：本次导入将移除其 {loaded} 个账户中的 {removed} 个"
            "（保留 {kept} 个；文件中该日期共 {in_file} 个）。"
        ),
    ),
    "data.replace_anyway": ("Replace anyway", "仍然替换"),
    "data.replace_help": (
        "Import the same files again and replace these snapshots with what the files hold.",
        "重新导入同一批文件，并用文件内容替换上述快照。",
    ),
    "data.nothing_written": ("Nothing was written. {detail}", "未写入任何数据。{detail}"),
    "data.report": ("Validation report", "校验报告"),
    "data.file_refused": ("{file} was refused: {reason}", "{file} 被拒收：{reason}"),
    "data.problems": ("{file}: {n} refused row(s) and why", "{file}：{n} 行被拒收及原因"),
    "data.reason_line": ("line {line}: {reason}", "第 {line} 行：{reason}"),
    "data.more_reasons": ("… and {n} more in the table", "… 其余 {n} 条见下表"),
    "data.map_title": ("Map the columns", "映射列名"),
    "data.map_help": (
        (
            "These headers were not recognised. Say what each one means; the answer is remembered "
            "for the next upload."
        ),
        "以下表头无法识别。请指定每一列的含义；映射会被记住，下次上传时自动使用。",
    ),
    "data.map_kind": ("Kind of extract", "文件类型"),
    "data.map_found": ("Recognised: {cols}", "已识别：{cols}"),
    "data.map_ignore": ("(ignore)", "（忽略）"),
    "data.map_missing": ("Still missing: {cols}", "仍缺少必需列：{cols}"),
    "data.map_twice": ("Mapped more than once: {cols}", "被重复映射：{cols}"),
    "data.map_apply": ("Remember the mapping and import again", "保存映射并重新导入"),
    "data.orphans_title": ("Orphan payments", "孤立还款"),
    "data.orphans_none": ("No orphan payments.", "没有孤立还款。"),
    "data.orphans_help": (
        (
            "{n} payment(s) for accounts in no snapshot: kept, and counted as soon as the account "
            "arrives."
        ),
        "{n} 笔还款对应的账户不在任何快照中：已保留，账户导入后即计入统计。",
    ),
    "data.history": ("Import history", "导入记录"),
    "data.history_empty": ("Nothing imported yet.", "尚未导入任何数据。"),
    "data.undo_title": ("Undo an import", "撤销导入"),
    "data.undo_row": ("{file} ({kind}), {rows} rows, {at}", "{file}（{kind}），{rows} 行，{at}"),
    "data.undo": ("Undo", "撤销"),
    "data.undo_confirm": (
        "Undo import #{id} ({file})? Its rows are removed; a snapshot it replaced comes back.",
        "确定撤销导入 #{id}（{file}）？其数据将被删除，被替换的快照将恢复。",
    ),
    "data.undo_do": ("Yes, undo it", "确认撤销"),
    "data.undone": (
        "Import #{id} undone: {rows} rows removed.",
        "已撤销导入 #{id}：删除 {rows} 行。",
    ),
    "data.undo_refused": ("Cannot undo: {detail}", "无法撤销：{detail}"),
    "data.rejects_of": ("Refused rows of an earlier import", "查看以往导入的拒收行"),
    "data.rejects_pick": ("Choose an import", "选择一次导入"),
    "data.mappings_title": ("Remembered column mappings ({n})", "已保存的列名映射（{n}）"),
    "data.forget": ("Forget", "删除"),
    # Tables, charts, units
    "download.csv": ("Download CSV ({rows} rows)", "下载 CSV（{rows} 行）"),
    "download.csv_all": (
        "Download CSV ({rows} rows, all {columns} columns)",
        "下载 CSV（{rows} 行，全部 {columns} 列）",
    ),
    "chart.top": ("(top {n} of {total})", "（前 {n} 名，共 {total}）"),
    "chart.no_data": ("No data for these filters", "当前筛选条件下没有数据"),
    "axis.month": ("Month", "月份"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    # Column names (dashboard/columns.py: the CLI's files use them too)
    **{f"col.{name}": pair for name, pair in COLUMN_LABELS.items()},
    # Data values, by their code (dashboard/vocab.py; the bucket names of config/kpi.yaml)
    "bucket.Current": ("Current", "正常"),
    "bucket.Closed": ("Closed", "已关闭"),
    "bucket.Missing": ("Missing", "缺失"),
    "plan_type.installment": ("installment", "分期"),
    "plan_type.extension": ("extension", "延期"),
    "plan_type.settlement": ("settlement", "减免和解"),
    "plan_status.active": ("active", "履行中"),
    "plan_status.completed": ("completed", "已完成"),
    "plan_status.broken": ("broken", "已违约"),
    "plan_status.superseded": ("superseded", "已被替代"),
    "installment_state.kept": ("kept", "已履约"),
    "installment_state.missed": ("missed", "未履约"),
    "installment_state.pending": ("pending", "未到期"),
    "installment_state.superseded": ("superseded", "计划已替代"),
    "category.harassment": ("harassment", "骚扰"),
    "category.contact_time": ("contact time", "联系时间不当"),
    "category.third_party": ("third party", "联系第三方"),
    "category.privacy": ("privacy", "隐私"),
    "category.amount_dispute": ("amount dispute", "金额争议"),
    "category.service": ("service", "服务态度"),
    "category.other": ("other", "其他"),
    "holder.agency": ("agency", "委外机构"),
    "holder.in_house": ("in house", "自催"),
    "event.snapshot": ("snapshot", "快照"),
    "event.payment": ("payment", "还款"),
    "event.reversal": ("reversal", "冲正"),
    "event.contact": ("contact", "联系"),
    "event.complaint": ("complaint", "投诉"),
    "event.plan": ("repayment plan", "还款计划"),
    "event.installment": ("installment due", "分期到期"),
    "complaint_status.open": ("open", "处理中"),
    "complaint_status.upheld": ("upheld", "投诉成立"),
    "complaint_status.not_upheld": ("not upheld", "投诉不成立"),
    "complaint_status.resolved": ("resolved", "已处理"),
    "direction.worse": ("worse", "恶化"),
    "direction.same": ("same", "不变"),
    "direction.better": ("better", "好转"),
    "direction.closed": ("closed", "关闭"),
    "direction.missing": ("missing", "缺失"),
    "channel.call": ("call", "电话"),
    "channel.sms": ("SMS", "短信"),
    "channel.email": ("e-mail", "邮件"),
    "channel.letter": ("letter", "信函"),
    "channel.visit": ("visit", "外访"),
    "channel.bank_transfer": ("bank transfer", "银行转账"),
    "channel.card": ("card", "银行卡"),
    "channel.cash": ("cash", "现金"),
    "channel.wallet": ("wallet", "电子钱包"),
    "channel.?": ("unknown", "未知"),
    "outcome.no_answer": ("no answer", "未接通"),
    "outcome.wrong_party": ("wrong party", "非本人"),
    "outcome.right_party": ("right party", "本人接听"),
    "outcome.promise_to_pay": ("promise to pay", "承诺还款"),
    "outcome.refused": ("refused", "拒绝还款"),
    "outcome.dispute": ("dispute", "异议"),
    "outcome.complaint": ("complaint", "投诉"),
    "status.open": ("open", "在催"),
    "status.payment_plan": ("payment plan", "分期还款"),
    "status.legal": ("legal", "诉讼"),
    "status.disputed": ("disputed", "争议"),
    "status.settled": ("settled", "和解结清"),
    "status.paid_in_full": ("paid in full", "全额结清"),
    "status.recalled": ("recalled", "撤案"),
    "status.written_off": ("written off", "已核销"),
    "status.active": ("active", "有效"),
    "status.undone": ("undone", "已撤销"),
    "status.draft": ("draft", "草稿"),
    "status.approved": ("approved", "已审批"),
    "status.prepared": ("prepared", "已编制"),
    "kind.payment": ("payment", "还款"),
    "kind.reversal": ("reversal", "冲正"),
    "kind.commission": ("commission", "佣金"),
    "kind.band": ("band", "分段"),
    "kind.compliance": ("compliance", "合规"),
    "kind.team_pool": ("team pool", "团队奖金"),
    "kind.early_bonus": ("early bonus", "提前达标奖"),
    "kind.carry_in": ("carried in", "结转转入"),
    "kind.carry_out": ("carried out", "结转转出"),
    "kind.cap": ("cap", "封顶"),
    "kind.payout": ("payout", "应发"),
    "kind.accounts": ("accounts", "账户"),
    "kind.payments": ("payments", "还款"),
    "kind.agents": ("agents", "催收员"),
    "kind.contacts": ("contacts", "催收记录"),
    # Why a payment counts for an agent (queries/derived/payments_credited.sql); English
    # keeps the engine's words.
    "credit_rule.given": ("given", "文件指定"),
    "credit_rule.account_snapshot": ("account_snapshot", "按账户当期快照"),
    "credit_rule.account_earliest_snapshot": ("account_earliest_snapshot", "按账户最早快照"),
    "credit_rule.none": ("none", "无归属"),
    "credit_rule.reversed_payment_agent": ("reversed_payment_agent", "随被冲正的还款"),
    "credit_rule.unmatched_reversal": ("unmatched_reversal", "未匹配的冲正"),
    # The kinds of extract: the engine's own names (its refusals name a kind by these codes)
    **{k: v for k, v in MESSAGES.items() if k.startswith("kindname.")},
    **{f"region.{en}": (en, zh) for en, zh in REGIONS_ZH.items()},
    # What is on screen (issue 10): cards, chart notes, drill-down hints
    "card.exact": ("Exact: {value}", "精确值：{value}"),
    "card.exact_change": ("Exact: {value} (change {delta})", "精确值：{value}（变化 {delta}）"),
    "chart.window": ("chosen window", "所选时间窗"),
    "chart.click_cell": ("Click to list these accounts", "点击查看这些账户"),
    "chart.click_agent": (
        "Click a bar or a row to open that agent",
        "点击柱形或表格行查看该催收员",
    ),
    "chart.other_cohorts": ("other cohorts", "其他委案月份"),
    "stage.right_party_contacts": ("Right party / contacts", "本人接通 / 联系次数"),
    "stage.promises": ("Promises / right party", "承诺还款 / 本人接通"),
    "stage.promises_kept": ("Kept / promises", "承诺兑现 / 承诺还款"),
    "stage.paying": (
        (
            "Each bar is a stage over the one before. Paying accounts: {n} (not a stage: an "
            "account can pay without a promise)."
        ),
        "每一项为本步占上一步的比例。有还款的账户：{n}（不是转化步骤：没有承诺也可能还款）。",
    ),
    "pay.paid": ("Paid", "实发"),
    "pay.above_cap": ("Above the cap: not paid", "超出封顶：不发放"),
    "pay.deficit": ("Deficit carried to next month", "亏损结转下月"),
    "pay.level_tasks": ("{n} tasks", "{n} 户"),
    # Payouts: the tabs and the plan what-if (issue 12)
    "pay.tab_period": ("Payouts of a month", "月度佣金"),
    "pay.tab_whatif": ("What-if: another plan", "方案模拟"),
    "pay.whatif_help": (
        (
            "A candidate plan file against the plan in force, over past months: each month is "
            "computed twice from today's data. Nothing is approved or saved."
        ),
        "用候选方案文件与现行方案对比过去各月：每月按当前数据分别计算两次，不审批、不保存任何内容。",
    ),
    "pay.whatif_from": ("From (month)", "开始月份"),
    "pay.whatif_to": ("To (month)", "结束月份"),
    "pay.whatif_plans": ("Plan file in force", "现行方案文件"),
    "pay.whatif_candidate": ("Candidate plan file", "候选方案文件"),
    "pay.whatif_upload": (
        "Or upload a candidate plan file (read in memory, never saved)",
        "或上传候选方案文件（仅在内存中读取，不会保存）",
    ),
    "pay.whatif_uploaded": ("Candidate: {name} (uploaded)", "候选方案：{name}（已上传）"),
    "pay.whatif_cannot": ("The what-if cannot be computed: {detail}", "无法进行方案模拟：{detail}"),
    "pay.whatif_current": ("Cost with the plan in force", "现行方案成本"),
    "pay.whatif_candidate_cost": ("Cost with the candidate", "候选方案成本"),
    "pay.whatif_difference": ("Difference (candidate − in force)", "差额（候选 − 现行）"),
    "pay.whatif_counts": (
        "Agents who gain / lose: {gains} / {losses}",
        "收入增加 / 减少的催收员：{gains} / {losses}",
    ),
    "pay.whatif_chart": (
        "Who gains and who loses with the candidate, {start} to {end}",
        "候选方案下各催收员佣金的增减（{start} 至 {end}）",
    ),
    "pay.whatif_gains": ("gains", "增加"),
    "pay.whatif_losses": ("loses", "减少"),
    "pay.whatif_no_change": ("No agent's payout changes.", "所有催收员的佣金均无变化。"),
    "pay.whatif_total": ("Total", "合计"),
    "pay.whatif_table": ("Per month and agent", "按月份与催收员"),
    "delinq.click_hint": (
        "Click a cell of the matrix, or choose below, to list its accounts.",
        "点击矩阵中的格子，或在下方选择，即可列出对应账户。",
    ),
    "table.click_row": ("Click a row to open it below.", "点击表格行即可在下方查看。"),
    # Issue 10, import messages (the i10-import block)
    "data.msg_nothing_new": (
        "Nothing new: every file was already imported or holds only rows already present.",
        "没有新数据：所有文件均已导入过，或其中各行均已存在。",
    ),
    "data.msg_some_new": (
        "Imported: {new} new row(s); {present} row(s) were already present.",
        "导入完成：新增 {new} 行；{present} 行已存在。",
    ),
    "data.already_imported": (
        "{file} was already imported as #{id} ({at}, by {by}): nothing new.",
        "{file} 已于导入 #{id}（{at}，{by}）导入过：没有新数据。",
    ),
    "data.zero_new": (
        "{file}: 0 new rows, {present} already present (kept in the history; nothing to undo).",
        "{file}：新增 0 行，{present} 行已存在（保留在导入记录中；无可撤销内容）。",
    ),
    "data.user_required": (
        "Enter who is importing (Import options → Imported by).",
        "请填写导入人（导入选项 → 导入人）。",
    ),
    "data.user_help": (
        "Recorded in the import history; remembered for this session.",
        "记入导入记录；本次会话内会被记住。",
    ),
    "data.download_refused": (
        "Download the refused rows to fix ({n})",
        "下载被拒收的行以便修改（{n}）",
    ),
    "data.download_refused_help": (
        (
            "The original rows with their line and reason (personal data masked): fix them "
            "and upload the file again; the line and reason columns are ignored."
        ),
        "原始行及其行号与原因（个人信息已脱敏）：修改后可直接重新上传，行号与原因列会被忽略。",
    ),
    "data.undo_none": ("No import holds rows to undo.", "没有可撤销的导入。"),
    # Issue 10, payout texts (the i10-zh2 block): a payout row's status beside an approval
    "status.not in the approval": ("not in the approval", "不在审批范围内"),
}
