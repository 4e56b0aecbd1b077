"""The engine's texts by code: one catalogue of (English, Chinese) templates and one renderer.

The engine (importer, compliance, payouts) never writes a sentence for a person directly: it
emits a message code and named values (``{"column": "amount", "value": "abc"}``), and the text
is rendered from this catalogue in the language asked for: English for the command line,
the stored rejects and the goldens (byte for byte what they printed before), the session's
language in the app. It lives beside ``db.py``, outside both ``engine`` and ``ui``, and imports
neither streamlit nor DuckDB, so the core, the CLI and the app all render through it; the app's
own texts (labels, titles) stay in ``ui/catalogue.py``.

Tables carry their messages as three columns: the English text (what the CLI prints and a
CSV holds), the code and the values as JSON (``MESSAGE_COLUMNS``). ``render_table`` turns such
a table into one for a reader: the text in the language asked for, the code columns dropped.

Templates hold ``{name}`` fields only (no format specs, no literal braces), so the importer's
SQL renders the same English from the same template (``sql_render``), with no value in the SQL
text: templates and codes are bound parameters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from dashboard.messages_payout import PAYOUT_MESSAGES

# code -> (English, Simplified Chinese). Codes by prefix: ``import`` refused rows and files,
# ``row`` rows the CSV reader cannot split, ``compliance`` contact-rule details, ``payout``
# payout lines, notes and statement texts, ``kindname`` the kinds of extract (values of others),
# ``report`` the reasons a report refuses what it was asked (``ReportError(Message(...))``).
MESSAGES: dict[str, tuple[str, str]] = {
    # --- Values of one column (queries/import/macros.sql, stage._checks) ---
    "import.money_decimals": (
        "{column} '{value}' has more than two decimal places",
        "{column} 的值 '{value}' 超过两位小数",
    ),
    "import.money_below_min": (
        "{column} '{value}' is below the minimum -999,999,999,999.99",
        "{column} 的值 '{value}' 低于下限 -999,999,999,999.99",
    ),
    "import.money_above_max": (
        "{column} '{value}' is above the maximum 999,999,999,999.99",
        "{column} 的值 '{value}' 超过上限 999,999,999,999.99",
    ),
    "import.money_invalid": (
        "{column} '{value}' is not an amount of money",
        "{column} 的值 '{value}' 不是有效金额",
    ),
    "import.negative": ("{column} {value} is negative", "{column} 的值 {value} 为负数"),
    "import.money_zero": (
        "{column} {value} is zero: a payment or reversal moves money",
        "{column} 的值 {value} 为零：还款或冲正必须有金额",
    ),
    "import.int_invalid": (
        "{column} '{value}' is not a whole number",
        "{column} 的值 '{value}' 不是整数",
    ),
    "import.date_out_of_range": (
        "{column} {value} is outside the supported range 1900-2100",
        "{column} 的值 {value} 超出支持的范围 1900-2100",
    ),
    "import.date_invalid": ("{column} {value} is not a date", "{column} 的值 {value} 不是有效日期"),
    "import.date_serial": (
        (
            "{column} '{value}' looks like a spreadsheet serial number, not a date "
            "(write dates as YYYY-MM-DD)"
        ),
        "{column} 的值 '{value}' 像是电子表格的日期序号，而不是日期（请写成 YYYY-MM-DD）",
    ),
    "import.date_ambiguous": (
        "{column} '{value}' is ambiguous (day and month order unknown); write dates as YYYY-MM-DD",
        "{column} 的值 '{value}' 有歧义（无法判断日与月的顺序）；请写成 YYYY-MM-DD",
    ),
    "import.date_form": (
        "{column} '{value}' is not a date (expected YYYY-MM-DD)",
        "{column} 的值 '{value}' 不是日期（应为 YYYY-MM-DD）",
    ),
    "import.ts_out_of_range": (
        "{column} {value} is outside the supported range 1900-2100",
        "{column} 的值 {value} 超出支持的范围 1900-2100",
    ),
    "import.ts_invalid": (
        "{column} {value} is not a valid date and time",
        "{column} 的值 {value} 不是有效的日期时间",
    ),
    "import.ts_form": (
        "{column} '{value}' is not a date and time (expected YYYY-MM-DD HH:MM:SS)",
        "{column} 的值 '{value}' 不是日期时间（应为 YYYY-MM-DD HH:MM:SS）",
    ),
    "import.id_too_long": (
        "{column} is longer than 64 characters",
        "{column} 超过 64 个字符",
    ),
    "import.id_control": (
        "{column} '{value}' contains control characters",
        "{column} 的值 '{value}' 含有控制字符",
    ),
    "import.text_too_long": (
        "{column} is longer than 500 characters",
        "{column} 超过 500 个字符",
    ),
    "import.text_longer_than": (
        "{column} is longer than {limit} characters",
        "{column} 超过 {limit} 个字符",
    ),
    "import.not_positive": (
        "{column} {value} is not above zero",
        "{column} 的值 {value} 不大于零",
    ),
    "import.below_minimum": (
        "{column} {value} is below {minimum}",
        "{column} 的值 {value} 小于 {minimum}",
    ),
    "import.rate_decimals": (
        "{column} '{value}' has more than 6 decimal places (4 for a percentage)",
        "{column} 的值 '{value}' 超过 6 位小数（百分数为 4 位）",
    ),
    "import.rate_invalid": (
        "{column} '{value}' is not a rate (write a share such as 0.15, or 15%)",
        "{column} 的值 '{value}' 不是比例（请写成 0.15 这样的小数，或 15%）",
    ),
    "import.rate_out_of_range": (
        "{column} '{value}' is outside 0 to 1 (a share of what is collected: 0.15 or 15%)",
        "{column} 的值 '{value}' 不在 0 到 1 之间（回款中的比例：0.15 或 15%）",
    ),
    "import.month_form": (
        "{column} '{value}' is not a month (expected YYYY-MM, e.g. 2026-10)",
        "{column} 的值 '{value}' 不是月份（应为 YYYY-MM，例如 2026-10）",
    ),
    "import.not_one_of": (
        "{column} '{value}' is not one of: {allowed}",
        "{column} 的值 '{value}' 不在可选值之内：{allowed}",
    ),
    "import.missing_value": (
        "missing required value: {column}",
        "缺少必填值：{column}",
    ),
    # --- Rules across the columns of a row (stage._row_rules) ---
    "import.placement_after_as_of": (
        "placement_date {placement_date} is after as_of_date {as_of_date}",
        "委案日期 placement_date {placement_date} 晚于快照日期 as_of_date {as_of_date}",
    ),
    "import.reversal_positive": (
        "amount {amount} is positive but reverses_payment_id is set: a reversal is negative",
        "amount 为正数 {amount}，但填写了 reverses_payment_id：冲正金额应为负数",
    ),
    "import.reverses_itself": (
        "a payment cannot reverse itself",
        "一笔还款不能冲正它自己",
    ),
    "import.promise_amount_required": (
        "promise_amount is required when outcome is promise_to_pay",
        "结果为承诺还款（promise_to_pay）时必须填写承诺金额 promise_amount",
    ),
    "import.promise_date_required": (
        "promise_date is required when outcome is promise_to_pay",
        "结果为承诺还款（promise_to_pay）时必须填写承诺日期 promise_date",
    ),
    "import.promise_before_contact": (
        "promise_date {promise_date} is before the contact ({contact_date})",
        "承诺日期 promise_date {promise_date} 早于联系日期（{contact_date}）",
    ),
    "import.due_before_created": (
        "due_date {due_date} is before created_date {created_date}",
        "应还日期 due_date {due_date} 早于计划创建日期 created_date {created_date}",
    ),
    "import.resolved_before_received": (
        "resolved_at {resolved_at} is before received_at {received_at}",
        "办结时间 resolved_at {resolved_at} 早于投诉时间 received_at {received_at}",
    ),
    # --- Rows against other rows (stage._mark_duplicates, _check_reversals, apply) ---
    "import.installment_conflict": (
        "installment {no} of plan_id {id} appears with different content on lines {lines}",
        "还款计划 plan_id {id} 的第 {no} 期在第 {lines} 行出现，内容各不相同",
    ),
    "import.plan_inconsistent": (
        (
            "the rows of plan_id {id} disagree on {columns} (lines {lines}): one plan has one "
            "account, agent, type and creation date"
        ),
        (
            "还款计划 plan_id {id} 的各行在 {columns} 上不一致（第 {lines} 行）：同一计划的账户、"
            "催收员、类型和创建日期必须相同"
        ),
    ),
    "import.due_not_after_previous": (
        (
            "due_date {due_date} of installment {no} is not after {previous_due}, the due date of "
            "installment {previous} of plan_id {id}"
        ),
        (
            "还款计划 plan_id {id} 第 {no} 期的应还日期 {due_date} "
            "不晚于第 {previous} 期的应还日期 {previous_due}"
        ),
    ),
    "import.installment_gap": (
        (
            "installment {no} of plan_id {id} leaves a gap: installment {missing} is neither among "
            "the accepted rows of this file nor imported before"
        ),
        (
            "还款计划 plan_id {id} 的第 {no} 期前有缺期：第 {missing} 期既不在本文件已接受的行中，"
            "也未曾导入"
        ),
    ),
    "import.target_conflict": (
        "the target of {level} {id} for {period} appears with different content on lines {lines}",
        "{level} {id} 在 {period} 的目标在第 {lines} 行出现，内容各不相同",
    ),
    "import.target_unknown_agent": (
        (
            "agent {id} is not in the agents extract loaded: a target for {period} needs the "
            "agent (import the agents first, or in the same import)"
        ),
        (
            "催收员 {id} 不在已导入的催收员数据中：{period} 的目标需要该催收员"
            "（请先导入催收员数据，或在同一次导入中一起导入）"
        ),
    ),
    "import.target_unknown_team": (
        (
            "team {id} is no agent's team in the agents extract loaded: a target for {period} "
            "needs the team (import the agents first, or in the same import)"
        ),
        (
            "团队 {id} 不是已导入的催收员数据中任何催收员的团队：{period} 的目标需要该团队"
            "（请先导入催收员数据，或在同一次导入中一起导入）"
        ),
    ),
    "import.account_repeated": (
        "account_id {id} appears {n} times in the snapshot of {as_of_date} (lines {lines})",
        "账号 account_id {id} 在 {as_of_date} 的快照中出现了 {n} 次（第 {lines} 行）",
    ),
    "import.id_conflict": (
        "{column} {id} appears with different content on lines {lines}",
        "{column} {id} 在第 {lines} 行出现，内容各不相同",
    ),
    "import.reversal_other_account": (
        "reverses_payment_id {payment_id} is a payment of account {account_id}, not {own}",
        "reverses_payment_id {payment_id} 是账号 {account_id} 的还款，不是 {own} 的",
    ),
    "import.reversal_of_reversal": (
        "reverses_payment_id {payment_id} is itself a reversal: only a payment can be reversed",
        "reverses_payment_id {payment_id} 本身就是一笔冲正：只能冲正还款",
    ),
    "import.already_imported": (
        (
            "{column} {id} was already imported with different content (import #{import_id}, "
            "line {line}: {differences}); refused, not overwritten"
        ),
        (
            "{column} {id} 已以不同内容导入过（第 #{import_id} 次导入，"
            "第 {line} 行：{differences}）；已拒收，未覆盖"
        ),
    ),
    # One difference between a loaded row and the file's (apply.py): the loaded value, then
    # the file's; a blank value is the message import.blank.
    "import.differs": ("{column} {before} (now {now})", "{column} 原为 {before}，现为 {now}"),
    "import.blank": ("blank", "空"),
    # --- Imports that wrote nothing, and undos refused (importer.ImportResult, UndoRefused) ---
    "import.result_refused_whole": (
        "a file was refused whole: nothing was imported",
        "有文件被整体拒收：未导入任何数据",
    ),
    "import.result_strict": (
        "strict: rows were refused, nothing was imported",
        "全部成功才导入：有行被拒收，未导入任何数据",
    ),
    "import.result_shrink": (
        (
            "a snapshot replacement would remove more than 10 % of the snapshot's accounts: "
            "nothing was imported"
        ),
        "替换快照将移除该快照 10% 以上的账户：未导入任何数据",
    ),
    "import.result_disk_full_folder": (
        (
            "the disk holding the temporary folder {folder} is full: nothing was imported (the "
            "database is as it was); free some space and import again"
        ),
        (
            "临时文件夹 {folder} 所在的磁盘已满：未导入任何数据（数据库保持原样）；"
            "请释放空间后重新导入"
        ),
    ),
    "import.result_disk_full_database": (
        (
            "the disk holding the database {database} is full: nothing was imported (the "
            "database is as it was); free some space and import again"
        ),
        (
            "数据库 {database} 所在的磁盘已满：未导入任何数据（数据库保持原样）；"
            "请释放空间后重新导入"
        ),
    ),
    "import.result_upload_unwritable": (
        "the temporary folder {folder} refused the upload ({detail}): nothing was imported",
        "临时文件夹 {folder} 无法写入上传的文件（{detail}）：未导入任何数据",
    ),
    "import.undo_unknown": ("there is no import #{id}", "不存在导入 #{id}"),
    "import.undo_undone": ("import #{id} was already undone", "导入 #{id} 已经撤销过"),
    "import.undo_disk_full": (
        (
            "the disk holding the database is full: import #{id} was not undone (the database "
            "is as it was); free some space and try again"
        ),
        "数据库所在的磁盘已满：导入 #{id} 未撤销（数据库保持原样）；请释放空间后重试",
    ),
    # --- Rows the CSV reader cannot split into the header's columns (stage.STRUCTURAL) ---
    "row.fewer_fields": (
        "the row has fewer fields than the header ({found} where the header has {expected})",
        "该行的字段比表头少（{found} 个，表头有 {expected} 个）",
    ),
    "row.fewer_fields_uncounted": (
        "the row has fewer fields than the header",
        "该行的字段比表头少",
    ),
    "row.more_fields": (
        "the row has more fields than the header ({found} where the header has {expected})",
        "该行的字段比表头多（{found} 个，表头有 {expected} 个）",
    ),
    "row.more_fields_uncounted": (
        "the row has more fields than the header",
        "该行的字段比表头多",
    ),
    "row.text_after_quote": (
        "a quoted field has text after its closing quote",
        "带引号的字段在闭合引号之后还有文字",
    ),
    "row.never_closed": (
        "a quoted field is never closed (stray quote?)",
        "带引号的字段没有闭合（多了一个引号？）",
    ),
    "row.never_closed_swallowed": (
        (
            "a quoted field is never closed (stray quote?): the {lines} line(s) after it, to the "
            "end of the file, were read into this row"
        ),
        "带引号的字段没有闭合（多了一个引号？）：其后直到文件末尾的 {lines} 行都被读进了这一行",
    ),
    "row.too_long": ("the row is longer than 8 MB", "该行超过 8 MB"),
    "row.bad_encoding": (
        "the row is not valid {encoding} text (mixed encodings in one file?)",
        "该行不是有效的 {encoding} 文本（文件中混用了多种编码？）",
    ),
    "row.looks_utf8": (
        "the row is not valid {encoding} text: it looks like UTF-8 (mixed encodings in one file)",
        "该行不是有效的 {encoding} 文本：看起来是 UTF-8（文件中混用了多种编码）",
    ),
    "row.looks_gbk": (
        (
            "the row is not valid {encoding} text: it looks like GBK/GB18030 "
            "(mixed encodings in one file)"
        ),
        "该行不是有效的 {encoding} 文本：看起来是 GBK/GB18030（文件中混用了多种编码）",
    ),
    "row.cut_character": (
        "the row is not valid {encoding} text: the file ends in the middle of a character",
        "该行不是有效的 {encoding} 文本：文件在一个字符的中间结束",
    ),
    "row.half_character": (
        (
            "the row is not valid {encoding} text: it holds half of a character "
            "(a lone UTF-16 surrogate)"
        ),
        "该行不是有效的 {encoding} 文本：含有半个字符（孤立的 UTF-16 代理项）",
    ),
    "row.nul": ("the row holds a NUL character: it is not text", "该行含有 NUL 字符：不是文本"),
    "row.unreadable": (
        "the row cannot be read as CSV (stray quote?)",
        "该行无法按 CSV 读取（多了一个引号？）",
    ),
    "row.unreadable_other": (
        "the row cannot be read as CSV",
        "该行无法按 CSV 读取",
    ),
    # --- The kind of an extract, as a value of the messages below (``Kind.title``): a refusal
    # names it by code, so the Chinese says 还款 where the English says payments. The app's
    # labels of the kinds (ui/catalogue.py ``kindname``) are these.
    "kindname.accounts": ("accounts", "账户"),
    "kindname.payments": ("payments", "还款"),
    "kindname.agents": ("agents", "催收员"),
    "kindname.contacts": ("contacts", "催收记录"),
    "kindname.repayment_plans": ("repayment plans", "还款计划"),
    "kindname.agencies": ("agencies", "委外机构"),
    "kindname.complaints": ("complaints", "投诉"),
    "kindname.targets": ("targets", "目标"),
    # --- Files refused whole (ingest.reader, ingest.stage: FileRefused.coded) ---
    "file.not_text": (
        "the file is not text in UTF-8 or GBK/GB18030 (is it a spreadsheet or a zip?)",
        "该文件不是 UTF-8 或 GBK/GB18030 编码的文本（是电子表格或压缩包吗？）",
    ),
    "file.nul_at": (
        "the file contains NUL bytes (the first at byte {byte}): it is not a CSV text file",
        "该文件含有 NUL 字节（第一个在第 {byte} 字节）：不是 CSV 文本文件",
    ),
    "file.nul": (
        "the file contains NUL bytes: it is not a CSV text file",
        "该文件含有 NUL 字节：不是 CSV 文本文件",
    ),
    "file.missing": ("{file}: no such file", "{file}：文件不存在"),
    "file.empty": ("the file is empty", "文件是空的"),
    "file.header_too_long": (
        "the first line is longer than 1 MB: it is not a CSV header",
        "第一行超过 1 MB：不是 CSV 表头",
    ),
    "file.header_blank": (
        "the first line is blank: a CSV extract starts with a header row",
        "第一行是空行：CSV 数据文件应以表头行开始",
    ),
    "file.mapping_refused": (
        "the column mapping {header} -> {column} is refused: {problem}",
        "列映射 {header} -> {column} 被拒绝：{problem}",
    ),
    "file.mapping_known": (
        "'{header}' already means {known} in {kind} extracts: a mapping cannot make it {column}",
        "'{header}' 在{kind}数据文件中已表示 {known}：映射不能把它改为 {column}",
    ),
    "file.mapping_personal": (
        (
            "'{header}' names personal data ({personal}): it can be mapped only onto a personal "
            "column (customer_name, phone, id_number of accounts, masked at import), never onto "
            "{column}"
        ),
        (
            "'{header}' 表示个人信息（{personal}）：只能映射到个人信息列（账户数据文件的 "
            "customer_name、phone、id_number，导入时脱敏），不能映射到 {column}"
        ),
    ),
    "file.kind_data_row": (
        (
            "cannot tell what kind of extract this is: its first line holds numbers or dates, "
            "like a data row; an extract starts with a header row naming its columns "
            "(accounts, payments, agents, contacts, repayment plans, agencies, complaints or "
            "targets)"
        ),
        (
            "无法判断这是哪一类数据文件：第一行是数字或日期，像是数据行；数据文件应以"
            "列名表头行开始（账户、还款、催收员、催收记录、还款计划、委外机构、投诉或目标）"
        ),
    ),
    "file.kind_unknown": (
        (
            "cannot tell what kind of extract this is from its header ({headers}); expected "
            "accounts, payments, agents, contacts, repayment plans, agencies, complaints or "
            "targets"
        ),
        (
            "无法根据表头（{headers}）判断这是哪一类数据文件；应为账户、还款、催收员、催收记录、"
            "还款计划、委外机构、投诉或目标"
        ),
    ),
    "file.xlsx_unreadable": (
        (
            "the file looks like a spreadsheet (.xlsx) but cannot be read as one (damaged, or "
            "another kind of zip archive?)"
        ),
        "该文件看起来是电子表格（.xlsx），但无法读取（文件损坏，或是其他压缩包？）",
    ),
    "file.xls_old": (
        (
            "the file is an Excel 97-2003 workbook (.xls), which is not read: save it as .xlsx "
            "(or CSV) and import again"
        ),
        "该文件是 Excel 97-2003 工作簿（.xls），无法读取：请另存为 .xlsx（或 CSV）后重新导入",
    ),
    "file.xlsx_password": (
        "the spreadsheet is protected by a password: save it without one and import again",
        "该电子表格设置了密码保护：请去掉密码另存后重新导入",
    ),
    "file.sheet_missing": (
        "the spreadsheet has no sheet named '{sheet}' (its sheets: {sheets})",
        "该电子表格中没有名为 '{sheet}' 的工作表（现有工作表：{sheets}）",
    ),
    "file.sheet_empty": (
        "sheet '{sheet}' of the spreadsheet is empty",
        "电子表格的工作表 '{sheet}' 是空的",
    ),
    "file.kind_other": (
        "this looks like a {detected} extract, not {kind} (no {columns} column)",
        "这看起来是{detected}数据文件，而不是{kind}数据文件（没有 {columns} 列）",
    ),
    "file.same_meaning": (
        "columns '{first}' and '{second}' both mean {column}: keep one of them",
        "列 '{first}' 和 '{second}' 都表示 {column}：请只保留其中一列",
    ),
    "file.missing_column": (
        "missing required column {columns} for a {kind} extract",
        "{kind}数据文件缺少必填列 {columns}",
    ),
    "file.missing_columns": (
        "missing required columns {columns} for a {kind} extract",
        "{kind}数据文件缺少必填列 {columns}",
    ),
    "file.missing_column_delimiter": (
        (
            "missing required column {columns} for a {kind} extract "
            "(is the file separated by something other than commas?)"
        ),
        "{kind}数据文件缺少必填列 {columns}（文件是否用逗号以外的符号分隔？）",
    ),
    "file.missing_columns_delimiter": (
        (
            "missing required columns {columns} for a {kind} extract "
            "(is the file separated by something other than commas?)"
        ),
        "{kind}数据文件缺少必填列 {columns}（文件是否用逗号以外的符号分隔？）",
    ),
    "file.missing_column_as_of": (
        (
            "missing required column {columns} for a {kind} extract "
            "(or give the snapshot date with --as-of)"
        ),
        "{kind}数据文件缺少必填列 {columns}（或用 --as-of 指定快照日期）",
    ),
    "file.no_rows": (
        "the file has a header but no data rows",
        "文件只有表头，没有数据行",
    ),
    "file.csv_error": (
        (
            "the file cannot be read as {delimiter}-separated text: its rows cannot be split into "
            "the header's columns (check the separator and the quotes)"
        ),
        "无法按{delimiter_zh}分隔的文本读取该文件：其数据行无法按表头拆分成列（请检查分隔符和引号）",
    ),
    "file.too_large": (
        "the file is too large to be read with the memory available",
        "文件过大，可用内存不足以读取",
    ),
    # --- Compliance: the detail of each contact rule broken (compliance/violations.sql) ---
    "compliance.contact_hours": (
        "{time} is outside {hours_from}-{hours_until}",
        "{time} 不在允许的时段 {hours_from}-{hours_until} 之内",
    ),
    "compliance.unanswered_calls_per_day": (
        "more than {limit} unanswered calls to this account on this day",
        "当天对该账户的未接通呼叫超过 {limit} 次",
    ),
    "compliance.calls_per_window": (
        "more than {limit} calls to this account in {days} days",
        "{days} 天内对该账户的呼叫超过 {limit} 次",
    ),
    "compliance.call_after_conversation": (
        "call {days} day(s) after a right-party conversation at {at}",
        "在 {at} 与本人通话后第 {days} 天再次呼叫",
    ),
    # --- Reports: why a report cannot run on what was asked (engine/cases.py) ---
    "report.account_missing": ("give an account id", "请输入账号"),
    "report.pacing_no_payments": (
        (
            "no payment is loaded: pacing measures what was collected (import payments, or "
            "give --as-of)"
        ),
        "尚未导入任何还款：进度按回收金额衡量（请导入还款数据，或指定 --as-of）",
    ),
    "report.account_unknown": (
        "no account {account} in any loaded snapshot",
        "已导入的快照中没有账号 {account}",
    ),
    "report.account_ambiguous": (
        "{count} accounts match {account} ({accounts}): give more of the id",
        "有 {count} 个账号与 {account} 匹配（{accounts}）：请输入更完整的账号",
    ),
    "report.account_ambiguous_many": (
        "more than 10 accounts match {account} ({accounts}, ...): give more of the id",
        "超过 10 个账号与 {account} 匹配（{accounts} 等）：请输入更完整的账号",
    ),
    # --- Forecasts with too little history (engine/forecasts.py) ---
    "report.forecast_few_cohorts": (
        (
            "only {cohorts} placement month(s) up to {as_of}: the recovery forecast needs at "
            "least {minimum} to project from"
        ),
        "截至 {as_of} 只有 {cohorts} 个委案月份：回收预测至少需要 {minimum} 个才能推算",
    ),
    "report.forecast_few_pairs": (
        (
            "only {pairs} pair(s) of consecutive snapshots up to {as_of}: the balance forecast "
            "needs at least {minimum} to project from"
        ),
        "截至 {as_of} 只有 {pairs} 对相邻快照：余额预测至少需要 {minimum} 对才能推算",
    ),
}

MESSAGES.update(PAYOUT_MESSAGES)  # the payout engine's block (dashboard/messages_payout.py)

# Text columns of engine tables that hold a message: text column -> (code column, code prefix,
# values column). A code column of "" means the prefix is the whole code (not used yet).
MESSAGE_COLUMNS: dict[str, tuple[str, str, str]] = {
    "reason": ("reason_code", "", "reason_args"),
    "detail": ("rule", "compliance.", "detail_args"),
    "rule_text": ("rule_code", "", "rule_args"),
}
HELPER_COLUMNS = {"reason_code", "reason_args", "detail_args", "rule_code", "rule_args"}

_FIELD = re.compile(r"\{([a-z_]+)\}")


def fields(code: str) -> set[str]:
    """The ``{name}`` fields of a message's English template."""
    return set(_FIELD.findall(MESSAGES[code][0]))


def render(code: str, args: Mapping[str, Any] | str | None, lang: str = "en") -> str | None:
    """The text of a message in ``lang`` ("en" or "zh"); None when the code is unknown.

    Args:
        code: the message code (a key of ``MESSAGES``).
        args: its named values, as a mapping or as JSON text (as stored); a missing value is
            rendered empty, as the SQL renderer does.
        lang: "zh" for Chinese, anything else for English.
    """
    entry = MESSAGES.get(code)
    if entry is None:
        return None
    values = json.loads(args) if isinstance(args, str) else dict(args or {})
    template = entry[1] if lang == "zh" else entry[0]
    return _FIELD.sub(lambda m: _text(values.get(m.group(1)), lang), template)


def _text(value: Any, lang: str = "en") -> str:
    """A value in a message: a message in it (a ``Message``, or its JSON form) is rendered in
    the same language, a list of them joined ("; " in English, "；" in Chinese)."""
    if value is None:
        return ""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, dict) and "code" in value:
        return render(str(value["code"]), value.get("args"), lang) or ""
    if isinstance(value, list):
        return ("；" if lang == "zh" else "; ").join(_text(v, lang) for v in value)
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return {"code": value.code, "args": _plain(value.args)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, int | str) else str(value)


class Message(str):
    """A message that is its English text (so the CLI, the stored tables and every test read
    it as before) and carries its code and values, to be rendered in another language.

    ``Message("payout.capped", total="1,200.00", cap="1,000.00")``; a value may be another
    Message or a list of them. ``restored`` rebuilds one from stored text, code and values:
    its English is the stored text (what was approved), never re-rendered.
    """

    code: str
    args: dict[str, Any]

    def __new__(cls, code: str, **args: Any) -> Message:
        if code not in MESSAGES:
            raise KeyError(f"unknown message code {code!r}")
        obj = super().__new__(cls, render(code, args) or "")
        obj.code, obj.args = code, args
        return obj

    @classmethod
    def restored(cls, text: str, code: str | None, args: str | None) -> str:
        """Stored text with its code and values (JSON) as a Message; without a code (stored
        before codes existed) or with an unknown one, the text as it is."""
        if not code or code not in MESSAGES:
            return text
        obj = super().__new__(cls, text)
        obj.code, obj.args = code, json.loads(args) if args else {}
        return obj

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``: the English is the message itself."""
        if lang != "zh":
            return str.__str__(self)
        return render(self.code, self.args, lang) or str.__str__(self)

    def args_json(self) -> str:
        """The values as JSON text (nested messages as their code and values), as stored."""
        return json.dumps(_plain(self.args), ensure_ascii=False, sort_keys=True)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (st.cache_data) with code and values
        return (Message.restored, (str.__str__(self), self.code, self.args_json()))


def localise(text: Any, lang: str) -> str:
    """Any engine text in ``lang``: a Message rendered, anything else as it is."""
    if isinstance(text, Message):
        return text.text(lang)
    return "" if text is None else str(text)


def code_of(text: Any) -> tuple[str | None, str | None]:
    """(code, values as JSON) of a Message; (None, None) for plain text."""
    if isinstance(text, Message):
        return text.code, text.args_json()
    return None, None


def render_or(text: str | None, code: str | None, args: Any, lang: str) -> str | None:
    """A stored message in ``lang``: rendered from its code, else the stored text as it is."""
    if code is None or lang != "zh":
        return text
    rendered = render(code, args, lang)
    return text if rendered is None else rendered


def render_table(table: pa.Table, lang: str = "en") -> pa.Table:
    """The table for a reader in ``lang``: message columns rendered, code columns dropped.

    English keeps the stored texts as they are (what the CLI has always printed).
    """
    names = table.column_names
    for text_col, (code_col, prefix, args_col) in MESSAGE_COLUMNS.items():
        if text_col not in names or code_col not in names or args_col not in names:
            continue
        if lang == "zh":
            texts = table.column(text_col).to_pylist()
            codes = table.column(code_col).to_pylist()
            args = table.column(args_col).to_pylist()
            out = [
                render_or(t, f"{prefix}{c}" if c is not None else None, a, lang)
                for t, c, a in zip(texts, codes, args, strict=True)
            ]
            i = table.schema.get_field_index(text_col)
            table = table.set_column(i, text_col, pa.array(out, pa.string()))
    keep = [n for n in table.column_names if n not in HELPER_COLUMNS]
    return table.select(keep)


def sql_params() -> dict[str, list[str]]:
    """The bound parameters ``sql_render`` reads: ``$msg_codes`` and ``$msg_en``."""
    return {"msg_codes": list(MESSAGES), "msg_en": [en for en, _ in MESSAGES.values()]}


def sql_render(code: str, args: str) -> str:
    """SQL for the English text of message ``code`` (an SQL expression) with values ``args``
    (an SQL expression giving JSON text), from the bound ``sql_params``: the template is split
    at its ``{`` and each field is filled in one pass (a value holding braces stays as it is).
    """
    template = f"$msg_en[list_position($msg_codes, {code})]"
    return (
        f"array_to_string(list_transform(string_split({template}, '{{'), lambda p, i: "
        f"case when i = 1 then p else coalesce(json_extract_string({args}, "
        f"'$.\"' || split_part(p, '}}', 1) || '\"'), '') "
        f"|| substr(p, strpos(p, '}}') + 1) end), '')"
    )
