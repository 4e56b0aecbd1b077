"""The payout engine's texts by code (issue 10): merged into ``dashboard.messages.MESSAGES``.

Kept apart from the importer's and compliance's codes so each file reads in one sitting. The
English templates render byte for byte the sentences the payout engine wrote before it had
codes (the CLI, the stored approvals and the tests read them); the Chinese use the usual
finance terms: 提成 (commission), 计提基数 (basis), 封顶 (cap), 扣减 (reduction), 结转 (carry),
审批 (approval), 重开 (reopen), 对账单 (statement).

Codes by prefix: ``payout.`` commission decisions (the audit trail), ``payout.credit_`` why a
payment is credited to an agent, ``payout.line_`` a payment or reversal line, ``payout.note_``
notes beside a report, ``payout.rule_`` the plan in words, ``payout.refuse_`` approvals and
reopenings refused, ``payout.status_`` the statement's status line, ``payout.about_`` the
workbook's About sheet, ``payout.stmt_`` the statement's labels, ``payout.fig_`` its figures.
A value may itself be a message (rendered in the same language) or a list of messages (joined
with "; " in English, "；" in Chinese).
"""

from __future__ import annotations

PAYOUT_MESSAGES: dict[str, tuple[str, str]] = {
    # --- Commission decisions (payouts/rules.py) ---
    "payout.fixed_rate": (
        "fixed rate {rate} x basis {basis} = {amount}",
        "固定提成比例 {rate} × 计提基数 {basis} = {amount}",
    ),
    "payout.shown_tasks": ("tasks {tasks}", "有效户数 {tasks}"),
    "payout.shown_collected": ("collected {amount}", "回收金额 {amount}"),
    "payout.mode_retroactive": ("retroactive", "全额累进"),
    "payout.mode_marginal": ("marginal", "超额累进"),
    "payout.level_applies": (
        "{shown}: level from {start} applies ({mode}); {rate} x basis {basis} = {amount}",
        "{shown}：适用起点为 {start} 的档位（{mode}）；{rate} × 计提基数 {basis} = {amount}",
    ),
    "payout.band_above": ("above {low}", "{low} 以上"),
    "payout.band_range": ("{low} to {high}", "{low} 至 {high}"),
    "payout.band": (
        "band {band}: {rate} x {portion} = {amount}",
        "分段 {band}：{rate} × {portion} = {amount}",
    ),
    "payout.marginal": (
        "{shown}: marginal tiers, each band at its own rate; sum of {n} band(s) = {amount}",
        "{shown}：超额累进，各分段按各自比例计提；{n} 个分段合计 = {amount}",
    ),
    "payout.no_compliance_clawback": (
        "no compliance factor on a commission <= 0 (clawback)",
        "提成 <= 0（追回）时不适用合规系数",
    ),
    "payout.compliance": (
        (
            "{violations} violation(s), {complaints} complaint(s) in {contacts} contact(s): "
            "factor max({floor}, 1 - {per_violation} x {violations} - {per_complaint} x "
            "{complaints}) = {factor}; {base} x {factor} = {after}"
        ),
        (
            "{contacts} 次联系中违规 {violations} 次、投诉 {complaints} 次：合规系数 "
            "max({floor}, 1 - {per_violation} × {violations} - {per_complaint} × "
            "{complaints}) = {factor}；{base} × {factor} = {after}"
        ),
    ),
    "payout.compliance_upheld": (
        (
            "{violations} violation(s), {complaints} complaint(s) in {contacts} contact(s), "
            "{upheld} upheld complaint(s): factor max({floor}, 1 - {per_violation} x "
            "{violations} - {per_complaint} x {complaints} - {per_upheld} x {upheld}) = "
            "{factor}; {base} x {factor} = {after}"
        ),
        (
            "{contacts} 次联系中违规 {violations} 次、投诉 {complaints} 次，成立的投诉 {upheld} "
            "件：合规系数 max({floor}, 1 - {per_violation} × {violations} - {per_complaint} × "
            "{complaints} - {per_upheld} × {upheld}) = {factor}；{base} × {factor} = {after}"
        ),
    ),
    "payout.team_no_pool": ("team {team} has no team pool", "团队 {team} 没有团队奖金池"),
    "payout.team_below": (
        "team {team} collected {net}, below its target {target}: no pool",
        "团队 {team} 回收 {net}，未达目标 {target}：无团队奖金",
    ),
    "payout.team_share": (
        (
            "team {team} collected {net} >= target {target}: pool {rate} = {pool}; share "
            "{own} / {positive} of the members' positive bases = {share} (largest remainder "
            "to the cent)"
        ),
        (
            "团队 {team} 回收 {net} >= 目标 {target}：奖金池 {rate} = {pool}；按成员正计提基数"
            "分配 {own} / {positive} = {share}（最大余数法，精确到分）"
        ),
    ),
    "payout.no_team": ("the agent is in no team", "该催收员不属于任何团队"),
    "payout.no_early_bonus": (
        "the plan has no early-completion bonus",
        "该方案没有提前达标奖",
    ),
    # The target of the early bonus, as a value of the messages below: the agent's own for the
    # month (targets extract) or the plan's (early_bonus.target).
    "payout.target_own": (
        "the agent's own target {target} for {period} (targets extract)",
        "本人 {period} 目标 {target}（目标数据）",
    ),
    "payout.target_plan": ("the plan's target {target}", "方案目标 {target}"),
    "payout.early_not_reached": (
        ("collected {basis}, {target} not reached (or not held to the period's end): no bonus"),
        "回收 {basis}，未达到{target}（或未保持到期末）：无奖金",
    ),
    "payout.early_need": (
        "at least {days} day(s) before {last_day}",
        "至少早于 {last_day} {days} 天",
    ),
    "payout.early_bonus": (
        (
            "{target} reached on {day}, {before} day(s) before the period's last day "
            "({need}): bonus {amount}"
        ),
        "{day} 达到{target}，距期末最后一天 {before} 天（要求{need}）：奖金 {amount}",
    ),
    "payout.early_too_late": (
        (
            "{target} reached on {day}, only {before} day(s) before the period's last "
            "day (needs {need}): no bonus"
        ),
        "{day} 达到{target}，距期末最后一天仅 {before} 天（要求{need}）：无奖金",
    ),
    "payout.carry_in": (
        "deficit carried in from before: {amount}",
        "上期结转亏损：{amount}",
    ),
    "payout.carry_out": (
        "total {total} is below zero: pays 0.00; the deficit is carried to {next}",
        "合计 {total} 小于零：本期发放 0.00；亏损结转至 {next}",
    ),
    "payout.capped": ("total {total} capped at {cap}", "合计 {total}，按封顶 {cap} 发放"),
    "payout.within_cap": ("total {total} within the cap {cap}", "合计 {total}，未超过封顶 {cap}"),
    "payout.payout": (
        (
            "total = commission {after} + team share {share} + early bonus {bonus} + carried "
            "in {carried} = {total}; payout {payout}"
        ),
        (
            "合计 = 提成 {after} + 团队奖金 {share} + 提前达标奖 {bonus} + 上期结转 "
            "{carried} = {total}；应发佣金 {payout}"
        ),
    ),
    # --- Why a payment is credited to an agent (payouts/tables.py money_line_reason) ---
    "payout.credit_given": (
        "credited to the agent named on the payment row",
        "计入还款记录上填写的催收员",
    ),
    "payout.credit_account_snapshot": (
        "no agent on the row: credited to the account's agent in the snapshot of {snapshot}",
        "还款记录未填催收员：计入该账户在 {snapshot} 快照中的催收员",
    ),
    "payout.credit_account_earliest_snapshot": (
        (
            "no agent on the row and no snapshot on or before the payment: credited to the "
            "account's agent in its earliest snapshot ({snapshot})"
        ),
        "还款记录未填催收员，且还款日及之前没有快照：计入该账户最早快照（{snapshot}）中的催收员",
    ),
    "payout.credit_reversed_payment_agent": (
        "reversal without an agent: credited to the agent of the payment it reverses",
        "冲正未填催收员：计入被冲正还款的催收员",
    ),
    "payout.credit_other": ("{rule}", "{rule}"),
    "payout.line_payment": ("payment: {why}", "还款：{why}"),
    "payout.line_reversal_no_original": (
        "reversal (no original payment given): {why}; reduces this period's basis",
        "冲正（未指明原还款）：{why}；扣减本期计提基数",
    ),
    "payout.line_reversal_not_loaded": (
        "reversal of {original} (not loaded): {why}; reduces this period's basis",
        "冲正 {original}（原还款未导入）：{why}；扣减本期计提基数",
    ),
    "payout.line_earlier": (", a payment of {month},", "（{month} 的还款）"),
    "payout.line_reversal": (
        (
            "reversal of {original} paid {paid}{earlier} dated in this period: {why}; reduces "
            "this period's basis (clawback)"
        ),
        "冲正 {paid} 支付的 {original}{earlier}，冲正日期在本期：{why}；扣减本期计提基数（追回）",
    ),
    # --- Notes beside a report (payouts/report.py, payouts/run.py) ---
    "payout.note_plan_changed": (
        "the plan file changed since the approval (approved with sha256 {approved}, now {now})",
        "审批后方案文件已变更（审批时 sha256 {approved}，现为 {now}）",
    ),
    "payout.note_data_changed": ("the data changed since the approval", "审批后数据已变更"),
    "payout.note_adjusted": (
        (
            "{n} agent(s) would be paid differently today: adjustments total {total}. The "
            "approved figures stand; to replace them, reopen the period (approve --reopen "
            "--reason TEXT) and approve it again."
        ),
        (
            "按今日数据重算，{n} 名催收员的佣金会不同：调整额合计 {total}。已审批的数字不变；"
            "如需替换，请重开该期间（approve --reopen --reason TEXT）后重新审批。"
        ),
    ),
    "payout.note_uncounted": (
        (
            "{n} payment row(s) dated in {period} (net {total}) are in no agent's basis "
            "(account in no snapshot yet, or no agent to credit)"
        ),
        (
            "{period} 有 {n} 笔还款（净额 {total}）未计入任何催收员的计提基数"
            "（账户尚未出现在快照中，或没有可归属的催收员）"
        ),
    ),
    "payout.note_approved": (
        "{period} was approved by {by} on {at}: the figures are the approved ones",
        "{period} 已由 {by} 于 {at} 审批：以下为已审批的数字",
    ),
    "payout.note_cannot_recompute": (
        "cannot recompute today, so no adjustments are shown: {why}",
        "今日无法重算，因此不显示调整额：{why}",
    ),
    "payout.note_no_plan_file": ("no plan file", "没有方案文件"),
    "payout.note_rules_today": (
        (
            "this approval did not store the plan in words: statements show the plan file's "
            "rules as they are today"
        ),
        "本次审批未保存方案规则说明：对账单显示方案文件当前的规则",
    ),
    "payout.note_no_rules": (
        (
            "The plan's rules were not stored with this approval (it was made before the "
            "dashboard kept them) and the plan file cannot be read now: the figures above are "
            "the approved ones."
        ),
        "本次审批未保存方案规则（审批早于系统保存规则的版本），且方案文件现在无法读取：以上为已审批的数字。",
    ),
    "payout.note_lines_approved": (
        "{period} is approved: these are the lines as approved",
        "{period} 已审批：以下为审批时的明细",
    ),
    "payout.carry_frozen": (
        "carry_out frozen by the approval of {period}",
        "{period} 审批时锁定的结转额",
    ),
    "payout.carry_first": ("first activity ({start})", "首笔业务（{start}）"),
    "payout.carry_none": ("none", "无"),
    "payout.input_empty": (
        "the database holds no agents and no payments: import data first",
        "数据库中没有催收员也没有还款：请先导入数据",
    ),
    # --- The plan in words (payouts/plan_words.py plan_in_words) ---
    "payout.rule_description": ("Plan {plan}: {description}", "方案 {plan}：{description}"),
    "payout.rule_basis": (
        "the basis (net amount credited to you in the month; reversals reduce it)",
        "计提基数（当月计入您名下的净回收金额；冲正会扣减）",
    ),
    "payout.rule_fixed": ("Commission: {rate} of {basis}.", "提成：{basis}的 {rate}。"),
    "payout.rule_tasks": ("{n} tasks", "{n} 户"),
    "payout.rule_step": ("from {at}: {rate}", "{at} 起：{rate}"),
    "payout.rule_what_tasks": (
        "the number of tasks (accounts with a net payment > 0)",
        "有效户数（净还款 > 0 的账户数）",
    ),
    "payout.rule_what_collected": ("the amount collected", "回收金额"),
    "payout.rule_retroactive": (
        "Commission: the rate is set by {what} and applies to the whole of {basis}: {steps}.",
        "提成：比例由{what}决定，并适用于全部{basis}：{steps}。",
    ),
    "payout.rule_band": ("{span} at {rate}", "{span} 按 {rate}"),
    "payout.rule_marginal": (
        "Commission: each band of {basis} is paid at its own rate: {bands}.",
        "提成：{basis}的每个分段按各自比例计提：{bands}。",
    ),
    "payout.rule_compliance_upheld": (
        (
            "Compliance: the commission is multiplied by 1 - {per_violation} per contact that "
            "broke a contact rule - {per_complaint} per complaint, counted over your contacts "
            "of the month, - {per_upheld} per upheld complaint received in the month, never "
            "below {floor}. A clawback is not reduced."
        ),
        (
            "合规：提成乘以合规系数，每次违反联系规则的联系扣减 {per_violation}，每次投诉扣减 "
            "{per_complaint}（按当月联系统计），当月收到且成立的投诉每件扣减 {per_upheld}，"
            "最低为 {floor}。追回金额不做扣减。"
        ),
    ),
    "payout.rule_compliance": (
        (
            "Compliance: the commission is multiplied by 1 - {per_violation} per contact that "
            "broke a contact rule - {per_complaint} per complaint, counted over your contacts "
            "of the month, never below {floor}. A clawback is not reduced."
        ),
        (
            "合规：提成乘以合规系数，每次违反联系规则的联系扣减 {per_violation}，每次投诉扣减 "
            "{per_complaint}，按当月联系统计，最低为 {floor}。追回金额不做扣减。"
        ),
    ),
    "payout.rule_team_pool": (
        (
            "Team pool (team {team}): when the team's net collected in the month reaches "
            "{target}, {rate} of it is shared among the team's members in proportion to their "
            "positive basis, rounded to cents so the shares add up to the pool."
        ),
        (
            "团队奖金（团队 {team}）：团队当月净回收达到 {target} 时，按其 {rate} 计提奖金池，"
            "按成员的正计提基数比例分配，精确到分，各份之和等于奖金池。"
        ),
    ),
    "payout.rule_early_bonus": (
        (
            "Early-completion bonus: {amount} when your net collected in the month reaches "
            "your target for the month (your own one when the targets set one, else {target}) "
            "and stays there to the month's end, on a day at least {days} days before the "
            "month's last day."
        ),
        (
            "提前达标奖：当月净回收在不晚于月末最后一天前 {days} 天达到当月目标"
            "（设有本人目标时按本人目标，否则为 {target}）并保持到月末时，奖励 {amount}。"
        ),
    ),
    "payout.rule_cap": (
        "Cap: the month's total is paid up to {cap}.",
        "封顶：当月合计最多发放 {cap}。",
    ),
    "payout.rule_total": (
        (
            "Total = commission after compliance + team share + early bonus + deficit carried "
            "in. A negative total pays 0.00 and the deficit is carried into the next month. "
            "Every amount is rounded half-up to the cent."
        ),
        (
            "合计 = 合规调整后提成 + 团队奖金 + 提前达标奖 + 上期结转亏损。合计为负时发放 0.00，"
            "亏损结转至下月。所有金额四舍五入到分。"
        ),
    ),
    # --- Approvals and reopenings refused (payouts/approvals.py) ---
    "payout.refuse_no_approver": ("say who approves (--by NAME)", "请填写审批人（--by NAME）"),
    "payout.refuse_nothing": (
        "{period} has no agents to pay: nothing to approve",
        "{period} 没有需要发放佣金的催收员：无可审批内容",
    ),
    "payout.refuse_already": (
        (
            "{period} was already approved by {by} on {at}; reopen it first (approve --reopen "
            "--reason TEXT)"
        ),
        "{period} 已由 {by} 于 {at} 审批；请先重开（approve --reopen --reason TEXT）",
    ),
    "payout.refuse_no_reason": (
        "reopening needs a reason (--reason TEXT)",
        "重开需要填写原因（--reason TEXT）",
    ),
    "payout.refuse_no_reopener": ("say who reopens (--by NAME)", "请填写重开人（--by NAME）"),
    "payout.refuse_not_approved": (
        "{period} is not approved: nothing to reopen",
        "{period} 尚未审批：无需重开",
    ),
    # --- Closing the books: four eyes, approval rules (payouts/approvals.py, service.py) ---
    "payout.refuse_no_preparer": ("say who prepares (--by NAME)", "请填写编制人（--by NAME）"),
    "payout.refuse_already_prepared": (
        (
            "{period} was already prepared by {by} on {at}: another person approves it "
            "(approve --period {period} --by NAME), or reopen it (approve --reopen --reason TEXT)"
        ),
        (
            "{period} 已由 {by} 于 {at} 编制：请由另一人审批（approve --period {period} --by "
            "NAME），或重开（approve --reopen --reason TEXT）"
        ),
    ),
    "payout.refuse_not_prepared": (
        (
            "{period} is not prepared: prepare it first (prepare --period {period} --by NAME); "
            "another person then approves it"
        ),
        "{period} 尚未编制：请先编制（prepare --period {period} --by NAME），再由另一人审批",
    ),
    "payout.refuse_same_person": (
        "{by} prepared {period}: another person must approve it (four eyes)",
        "{period} 由 {by} 编制：须由另一人审批（双人复核）",
    ),
    "payout.refuse_not_ended": (
        (
            "{period} has not ended in the data: its last day {last_day} is after the latest "
            "snapshot ({as_of}); load a snapshot of {last_day} or later first"
        ),
        (
            "{period} 在数据中尚未结束：其最后一天 {last_day} 晚于最新快照（{as_of}）；"
            "请先导入 {last_day} 或之后的快照"
        ),
    ),
    "payout.refuse_no_snapshot": (
        "{period} has not ended in the data: no accounts snapshot is loaded",
        "{period} 在数据中尚未结束：尚未导入任何账户快照",
    ),
    "payout.refuse_earlier_open": (
        (
            "{period}: earlier periods with payouts are not approved: {periods}; approve them "
            "first, in order"
        ),
        "{period}：之前有佣金的期间尚未审批：{periods}；请按顺序先审批",
    ),
    "payout.earlier_prepared": ("{period} (prepared by {by})", "{period}（{by} 已编制）"),
    "payout.earlier_booked": ("{period} (adjustments booked)", "{period}（已入账调整）"),
    "payout.earlier_more": ("and {n} more", "另有 {n} 个"),
    "payout.refuse_later_frozen": (
        "cannot reopen {period}: {later} is {status}: reopen it first (the latest period first)",
        "无法重开 {period}：{later} 为{status}状态：请先重开它（从最近的期间开始）",
    ),
    "payout.refuse_later_frozen_prepare": (
        "{period} cannot be prepared: a later period, {later}, is already {status}",
        "{period} 无法编制：之后的期间 {later} 已为{status}状态",
    ),
    "payout.refuse_concurrent": (
        (
            "another {step} of {period} was saved at the same moment and was kept: nothing "
            "was changed here; look at the period again"
        ),
        "{period} 的另一项{step}在同一时刻已保存并生效：此处未做任何更改；请重新查看该期间",
    ),
    "payout.step_prepare": ("preparation", "编制"),
    "payout.step_approve": ("approval", "审批"),
    "payout.step_reopen": ("reopening", "重开"),
    # --- Adjustments booked (payouts/rules.py, report.py) ---
    "payout.adjustment_for": (
        (
            "adjustment for {period}: recomputed today {recomputed} - approved {approved} "
            "(payout plus deficit carried out of {period}) = {amount}, added after the cap"
        ),
        (
            "{period} 调整：今日重算 {recomputed} - 已审批 {approved}"
            "（{period} 应发佣金加结转亏损）= {amount}，在封顶之后计入"
        ),
    ),
    "payout.adjustment_for_rest": (
        (
            "adjustment for {period}: recomputed today {recomputed} - approved {approved} - "
            "booked before {booked} (payout plus deficit carried out of {period}) = {amount}, "
            "added after the cap"
        ),
        (
            "{period} 调整：今日重算 {recomputed} - 已审批 {approved} - 此前已入账 {booked}"
            "（{period} 应发佣金加结转亏损）= {amount}，在封顶之后计入"
        ),
    ),
    "payout.carry_out_adjusted": (
        "after the adjustments {result} is below zero: pays 0.00; the deficit is carried to {next}",
        "计入调整后 {result} 小于零：本期发放 0.00；亏损结转至 {next}",
    ),
    "payout.payout_adjusted": (
        (
            "total = commission {after} + team share {share} + early bonus {bonus} + carried "
            "in {carried} = {total}; after the cap {capped} + adjustments {adjustments} = "
            "{result}; payout {payout}"
        ),
        (
            "合计 = 提成 {after} + 团队奖金 {share} + 提前达标奖 {bonus} + 上期结转 {carried} = "
            "{total}；封顶后 {capped} + 调整 {adjustments} = {result}；应发佣金 {payout}"
        ),
    ),
    "payout.kind_adjustment": ("adjustment", "调整"),
    "payout.note_lines_prepared": (
        "{period} is prepared: these are the lines as prepared",
        "{period} 已编制：以下为编制时的明细",
    ),
    "payout.note_prepared": (
        (
            "{period} was prepared by {by} on {at} and awaits approval by another person: the "
            "figures are the prepared ones"
        ),
        "{period} 已由 {by} 于 {at} 编制，待另一人审批：以下为编制时的数字",
    ),
    "payout.note_adjusted_approved": (
        (
            "{n} agent(s) would be paid differently today: adjustments total {total}. The "
            "approved figures stand; what is not booked yet is booked into {into} as adjustment "
            "lines."
        ),
        (
            "按今日数据重算，{n} 名催收员的佣金会不同：调整额合计 {total}。已审批的数字不变；"
            "尚未入账的差额将作为调整行计入 {into}。"
        ),
    ),
    "payout.note_adjusted_prepared": (
        (
            "{n} agent(s) would be paid differently today: adjustments total {total}. The "
            "prepared figures stand: approve them (the differences are then booked into the "
            "next period) or reopen the period and prepare it again."
        ),
        (
            "按今日数据重算，{n} 名催收员的佣金会不同：调整额合计 {total}。编制的数字不变："
            "可审批（差额随后计入下一期间），或重开后重新编制。"
        ),
    ),
    "payout.note_booked": (
        "{n} adjustment line(s) for approved periods are booked into {period}: total {total}",
        "{n} 条已审批期间的调整计入 {period}：合计 {total}",
    ),
    "payout.note_not_booked": (
        "the adjustments for {period} cannot be booked today: {why}",
        "{period} 的调整今日无法入账：{why}",
    ),
    "payout.note_plan_as_approved": (
        (
            "the recomputation uses the plan as approved; the plan file in use now (sha256 "
            "{now}) applies from the first period not yet prepared"
        ),
        "重算使用审批时的方案；当前方案文件（sha256 {now}）自第一个尚未编制的期间起适用",
    ),
    "payout.note_plan_not_stored": (
        "this approval did not store its plan: the recomputation uses today's plan file",
        "本次审批未保存方案：重算使用当前方案文件",
    ),
    "payout.carry_frozen_prepared": (
        "carry_out frozen by the preparation of {period} (not approved yet)",
        "{period} 编制时锁定的结转额（尚未审批）",
    ),
    "payout.status_prepared": (
        "PREPARED by {by} on {at}: awaiting approval by another person",
        "已由 {by} 于 {at} 编制：待另一人审批",
    ),
    "payout.status_four_eyes": (
        "prepared by {prepared_by} on {prepared_at}, approved by {by} on {at}",
        "由 {prepared_by} 于 {prepared_at} 编制，{by} 于 {at} 审批",
    ),
    "payout.status_value_prepared": ("prepared", "已编制"),
    "payout.fig_adjustment_in": ("Adjustments of approved periods", "已审批期间的调整"),
    "payout.about_prepared_by": ("Prepared by", "编制人"),
    "payout.about_prepared_at": ("Prepared at", "编制时间"),
    # --- The statement's status line (payouts/statements.py status_line) ---
    "payout.status_draft": ("DRAFT: not approved", "草稿：未审批"),
    "payout.status_approved": ("approved by {by} on {at}", "已由 {by} 于 {at} 审批"),
    # --- The workbook (payouts/exports.py) ---
    "payout.about_period": ("Period", "期间"),
    "payout.about_status": ("Status", "状态"),
    "payout.about_plan_file": ("Plan file", "方案文件"),
    "payout.about_plan_sha": ("Plan file sha256", "方案文件 sha256"),
    "payout.about_carry_from": ("Deficit chain from", "亏损结转起点"),
    "payout.about_generated": ("Generated at", "生成时间"),
    "payout.about_approved_by": ("Approved by", "审批人"),
    "payout.about_approved_at": ("Approved at", "审批时间"),
    "payout.about_approved_sha": ("Approved plan sha256", "审批时方案 sha256"),
    "payout.about_note": ("Note", "说明"),
    "payout.about_no_plan": (
        "(none readable: the approved figures alone)",
        "（无可读取的方案文件：仅显示已审批的数字）",
    ),
    "payout.status_value_approved": ("approved", "已审批"),
    "payout.status_value_draft": ("draft", "草稿"),
    "payout.cli_total": (
        "{n} agent(s), total payout {total} ({status})",
        "{n} 名催收员，佣金合计 {total}（{status}）",
    ),
    "payout.sheet_payouts": ("Payouts", "佣金"),
    "payout.sheet_lines": ("Lines", "明细"),
    "payout.sheet_about": ("About", "说明"),
    "payout.sheet_total": ("Total", "合计"),
    # --- Statements and the workbook handed out (issue 12: statements.py, exports.py) ---
    "payout.page_of": ("page {n} of {total}", "第 {n} 页，共 {total} 页"),
    "payout.stmt_fact": ("{label}: {value}", "{label}：{value}"),
    "payout.stmt_period": ("Period", "期间"),
    "payout.stmt_status": ("Status", "审批状态"),
    "payout.stmt_employee_no": ("Employee no.", "员工编号"),
    "payout.stmt_cost_center": ("Cost center", "成本中心"),
    "payout.about_plan_words": ("Plan {plan}", "方案 {plan}"),
    "payout.about_plan_words_team": ("Plan {plan}, team {team}", "方案 {plan}，团队 {team}"),
    "payout.status_value_not in the approval": ("not in the approval", "不在审批范围内"),
    "payout.rule_word_given": ("named on the payment", "文件指定"),
    "payout.rule_word_account_snapshot": ("account's agent in the snapshot", "按账户当期快照"),
    "payout.rule_word_account_earliest_snapshot": (
        "account's agent in its earliest snapshot",
        "按账户最早快照",
    ),
    "payout.rule_word_reversed_payment_agent": (
        "agent of the reversed payment",
        "随被冲正的还款",
    ),
    "payout.rule_word_none": ("no agent", "无归属"),
    "payout.rule_word_unmatched_reversal": ("unmatched reversal", "未匹配的冲正"),
    # --- The plan what-if (payouts/whatif.py) ---
    "payout.whatif_backwards": (
        "the range ends ({end}) before it starts ({start})",
        "区间结束月份 {end} 早于开始月份 {start}",
    ),
    "payout.whatif_too_long": (
        "{start} to {end} is more than {n} months: choose a shorter range",
        "{start} 至 {end} 超过 {n} 个月：请缩短区间",
    ),
    "payout.whatif_total": ("Total", "合计"),
    "payout.row_kind_agent": ("agent", "催收员"),
    "payout.row_kind_total": ("total", "合计"),
    # --- The statement (payouts/statements.py) ---
    "payout.stmt_title": (
        "Commission statement {period}: {name} ({agent_id})",
        "佣金对账单 {period}：{name}（{agent_id}）",
    ),
    "payout.stmt_team": ("Team", "团队"),
    "payout.stmt_plan": ("Plan", "方案"),
    "payout.stmt_payout": ("Payout", "佣金"),
    "payout.stmt_lines": ("Lines", "明细"),
    "payout.stmt_rules": ("The plan's rules", "方案规则"),
    "payout.stmt_kind": ("Kind", "类型"),
    "payout.stmt_date": ("Date", "日期"),
    "payout.stmt_payment": ("Payment", "还款流水号"),
    "payout.stmt_account": ("Account", "账号"),
    "payout.stmt_amount": ("Amount", "金额"),
    "payout.stmt_reason": ("Reason", "原因"),
    "payout.stmt_yes": ("yes", "是"),
    "payout.stmt_no": ("no", "否"),
    "payout.stmt_recomputed": (
        "Recomputed today (adjustment {adjustment})",
        "今日重算（调整额 {adjustment}）",
    ),
    "payout.fig_basis": (
        "Basis (net collected, credited to you)",
        "计提基数（计入您名下的净回收）",
    ),
    "payout.fig_tasks": ("Tasks (accounts with net payment > 0)", "有效户数（净还款 > 0 的账户）"),
    "payout.fig_rate": ("Rate applied", "适用提成比例"),
    "payout.fig_base_commission": ("Commission", "提成"),
    "payout.fig_compliance_factor": ("Compliance factor", "合规系数"),
    "payout.fig_base_after_compliance": (
        "Commission after compliance factor",
        "合规调整后提成",
    ),
    "payout.fig_team_bonus": ("Team pool share", "团队奖金"),
    "payout.fig_early_bonus": ("Early-completion bonus", "提前达标奖"),
    "payout.fig_carried_in": ("Deficit carried in", "上期结转亏损"),
    "payout.fig_total": ("Total", "合计"),
    "payout.fig_cap_applied": ("Cap applied", "已封顶"),
    "payout.fig_payout": ("Payout", "应发佣金"),
    "payout.fig_carry_out": ("Deficit carried to next month", "结转下月亏损"),
    "payout.kind_payment": ("payment", "还款"),
    "payout.kind_reversal": ("reversal", "冲正"),
    "payout.kind_commission": ("commission", "提成"),
    "payout.kind_band": ("band", "分段"),
    "payout.kind_compliance": ("compliance", "合规"),
    "payout.kind_team_pool": ("team pool", "团队奖金"),
    "payout.kind_early_bonus": ("early bonus", "提前达标奖"),
    "payout.kind_carry_in": ("carried in", "上期结转"),
    "payout.kind_carry_out": ("carried out", "结转下期"),
    "payout.kind_cap": ("cap", "封顶"),
    "payout.kind_payout": ("payout", "应发"),
}
