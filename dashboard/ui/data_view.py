"""The sections of the Data page: upload and import, the validation report, the column-mapping
step, orphans, import history with undo, remembered mappings.

Kept out of ``views/data.py`` so the page script stays a short layout; every action calls the
importer through ``ui.upload_flow``, exactly as the command line does. Uploads stay in memory
(``upload_flow.HeldUpload``); they are on disk only while an import reads them. File names, header
cells, reasons and messages are shown through ``ui.safe``: as text, never as markdown.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import streamlit as st

from dashboard.ingest.importer import ImportResult, UndoRefused
from dashboard.ingest.kinds import KINDS
from dashboard.ingest.mappings import forget_mapping, list_mappings
from dashboard.ingest.refused import in_language, to_csv
from dashboard.messages import code_of, localise
from dashboard.ui import reads, safe, tables, upload_flow, uploader
from dashboard.ui.i18n import engine_table, engine_text, label, lang, t

STATE = "data_batch"  # {"uploads", "result", "needs", "as_of", "strict", "user"}
GEN = "uploader_gen"
USER = "data_imported_by"  # who is importing: typed once, kept for the session
USER_KEPT = "data_imported_by_kept"  # a widget's value is dropped on a page switch; this is not
IGNORE = ""
# The importer's reasons for writing nothing (message codes) that the page words its own way;
# any other is shown in the page's language from its code (``messages.localise``).
PAGE_MESSAGES = {
    "import.result_refused_whole": "data.msg_refused_whole",
    "import.result_strict": "data.msg_strict",
    "import.result_shrink": "data.msg_shrink",
}


def _progress_bar() -> tuple[Any, upload_flow.Progress]:
    bar = st.progress(0.0, text=safe.t("data.progress", pct=0))

    def update(fraction: float, _message: str) -> None:
        f = min(max(fraction, 0.0), 1.0)
        bar.progress(f, text=safe.t("data.progress", pct=int(f * 100)))

    return bar, update


def _import(uploads: list[upload_flow.HeldUpload], batch: dict[str, Any]) -> None:
    bar, update = _progress_bar()
    result, needs = upload_flow.import_uploads(
        uploads,
        as_of=batch["as_of"],
        strict=batch["strict"],
        user=batch["user"],
        progress=update,
        replace=batch.get("replace", False),
    )
    bar.empty()
    batch["result"], batch["needs"] = result, needs
    # held only while the mapping step or a replace confirmation needs them
    batch["uploads"] = uploads if needs or upload_flow.shrinks(result) else []
    st.session_state[STATE] = batch
    if result.committed:  # a fresh, empty file chooser for the next batch
        st.session_state[GEN] = st.session_state.get(GEN, 0) + 1
        st.rerun()


def upload_section() -> None:
    """File chooser, import options and the Import button."""
    files = uploader.file_uploader(
        t("data.upload"),
        key=f"uploader_{st.session_state.get(GEN, 0)}",
        types=upload_flow.TYPES,
        multiple=True,
        help=t("data.upload_help"),
    )
    with st.expander(t("data.options")):
        as_of = st.date_input(t("data.as_of"), value=None, help=t("data.as_of_help"))
        strict = st.checkbox(t("data.strict"), help=t("data.strict_help"))
        # Never the server's login name: the person at the browser says who they are.
        if USER not in st.session_state:
            # $DASHBOARD_USER, an operator's explicit setting for a one-person install, may
            # prefill it; the server's login name never does (it is not the person importing).
            kept = st.session_state.get(USER_KEPT) or os.environ.get("DASHBOARD_USER", "")
            st.session_state[USER] = kept
        user = st.text_input(t("data.user"), key=USER, help=t("data.user_help"))
        st.session_state[USER_KEPT] = user
    if st.button(t("data.import"), type="primary", disabled=not files, icon=":material/upload:"):
        if not user.strip():
            st.error(t("data.user_required"), icon=":material/person:")
            return
        batch = {"as_of": as_of, "strict": strict, "user": user.strip()}
        _import(upload_flow.hold(files or []), batch)


def _files_table(result: ImportResult) -> pa.Table:
    rows = [
        {
            "file_name": f.file_name,
            "kind": f.kind,
            "rows_in_file": f.rows_in_file,
            "rows_accepted": f.rows_accepted,
            "rows_duplicate": f.rows_duplicate,
            "rows_refused": f.rows_refused,
            "orphans": f.orphans,
            "unmatched_reversals": f.unmatched_reversals,
            "encoding": f.encoding,
            "import_id": f.import_id,
            "refused_whole": engine_text(f.refused_whole, f.refused_code, f.refused_values),
            "ignored_columns": ", ".join(f.ignored_columns),
            "already_imported_as": ", ".join(f"#{i}" for i in f.already_imported_as),
        }
        for f in result.files
    ]
    return pa.Table.from_pylist(rows)


def _first_reasons(problems: pa.Table, n: int = 5) -> None:
    rows = engine_table(problems.slice(0, n)).to_pylist()
    items = [t("data.reason_line", line=r["line"], reason=r["reason"]) for r in rows]
    if problems.num_rows > n:
        items.append(t("data.more_reasons", n=problems.num_rows - n))
    st.markdown(safe.bullets(items))


def _stem(file_name: str) -> str:
    """A short, file-name-safe stem of an upload's name (for download names and keys)."""
    return Path(safe.short(file_name, 40).replace("…", "_")).stem or "file"


def result_section() -> None:
    """The validation report of the last import: per file counts, every refused row."""
    batch = st.session_state.get(STATE)
    if not batch or batch.get("result") is None:
        return
    result: ImportResult = batch["result"]
    present = sum(f.rows_duplicate for f in result.files)
    # Refused rows come first: a file that added nothing and had rows refused is not "nothing
    # new" but rows to fix.
    if result.committed and result.exit_code != 0:
        st.warning(t("data.some_refused"), icon=":material/warning:")
    elif result.nothing_new:
        st.info(t("data.msg_nothing_new"), icon=":material/info:")
    elif result.committed and present:
        new = sum(f.rows_new for f in result.files)
        st.success(safe.t("data.msg_some_new", new=f"{new:,}", present=f"{present:,}"))
    elif result.committed:
        st.success(t("data.msg_imported"), icon=":material/check_circle:")
    else:
        code, _ = code_of(result.message)
        own = PAGE_MESSAGES.get(code or "")
        detail = t(own) if own else localise(result.message, lang())
        st.error(safe.t("data.nothing_written", detail=detail), icon=":material/block:")
    _confirm_replace(result, batch)
    st.subheader(t("data.report"))
    tables.show(_files_table(result), name="import_report")
    for n, f in enumerate(result.files):
        name = safe.short(f.file_name)
        if result.committed and f.nothing_new and f.same_as is not None:
            p = f.same_as
            st.info(safe.t("data.already_imported", file=name, id=p.import_id,
                           at=f"{p.imported_at:%Y-%m-%d %H:%M}", by=p.imported_by))  # fmt: skip
        elif result.committed and f.import_id is not None and f.rows_new == 0:
            st.info(safe.t("data.zero_new", file=name, present=f"{f.rows_duplicate:,}"))
        if f.refused_whole:
            reason = engine_text(f.refused_whole, f.refused_code, f.refused_values)
            st.error(safe.t("data.file_refused", file=name, reason=reason))
        if f.problems is not None and f.problems.num_rows:
            with st.expander(safe.t("data.problems", file=name, n=f.rows_refused), expanded=True):
                _first_reasons(f.problems)
                tables.show(f.problems, name=f"rejects_{n}_{_stem(f.file_name)}")
                if f.refused_rows is not None and f.refused_rows.num_rows:
                    st.download_button(
                        safe.t("data.download_refused", n=f"{f.refused_rows.num_rows:,}"),
                        # in memory: never a file on the server; reasons in the page's language
                        data=to_csv(in_language(f.refused_rows, f.problems, lang())),
                        file_name=f"{_stem(f.file_name)}.refused.csv",
                        mime="text/csv",
                        key=f"refused_rows_{n}",
                        help=t("data.download_refused_help"),
                        on_click="ignore",
                        icon=":material/download:",
                    )


def _confirm_replace(result: ImportResult, batch: dict[str, Any]) -> None:
    """Snapshots the import would shrink by more than 10 %: the counts, and "Replace anyway"."""
    shrinks = upload_flow.shrinks(result)
    if not shrinks:
        return
    for s in shrinks:
        st.warning(
            safe.t("data.shrink", date=s.as_of_date.isoformat(), removed=s.accounts_removed,
              loaded=s.accounts_loaded, kept=s.accounts_kept, in_file=s.accounts_in_file),
            icon=":material/warning:",
        )  # fmt: skip
    if st.button(t("data.replace_anyway"), key="replace_anyway", help=t("data.replace_help")):
        _import(batch["uploads"], {**batch, "replace": True})
        st.rerun()


def _mapping_form(
    n: int, need: upload_flow.MappingNeed, batch: dict[str, Any]
) -> tuple[str, dict[str, str]] | None:
    """One file's mapping widgets: (kind, header -> column) once every required column is set."""
    kinds = list(KINDS)
    kind = st.selectbox(
        t("data.map_kind"),
        kinds,
        index=kinds.index(need.kind),
        key=f"map_kind_{n}",
        format_func=lambda k: label("kindname", k),
    )
    fresh = upload_flow.analyse(
        need.headers,
        file_name=need.file_name,
        index=need.index,
        kind_name=kind,
        as_of=batch["as_of"],
        saved=upload_flow.remembered(),
    )
    if fresh is None:
        return kind, {}
    columns = upload_flow.kind_columns(kind)
    free = [c for c in columns if c not in fresh.found]
    if fresh.found:
        found = t("list.sep").join(f"{h} → {c}" for c, h in fresh.found.items())
        st.caption(safe.t("data.map_found", cols=found))
    chosen: dict[str, str] = {}
    cols = st.columns(3)
    for i, header in enumerate(fresh.unknown):
        target = cols[i % 3].selectbox(
            safe.md(safe.short(header)),
            [IGNORE, *upload_flow.targets_for(kind, header, free)],
            key=f"map_{n}_{kind}_{i}",
            format_func=lambda c: t("data.map_ignore") if c == IGNORE else c,
        )
        if target:
            chosen[header] = target
    lacking = [c for c in fresh.missing if c not in chosen.values()]
    twice = {c for c in chosen.values() if list(chosen.values()).count(c) > 1}
    if twice:
        st.error(safe.t("data.map_twice", cols=t("list.sep").join(sorted(twice))))
        return None
    if lacking:
        st.warning(safe.t("data.map_missing", cols=t("list.sep").join(lacking)))
        return None
    return kind, chosen


def mapping_section() -> None:
    """For files whose header was not understood: map each unknown header, then re-import."""
    batch = st.session_state.get(STATE)
    if not batch or not batch.get("needs"):
        return
    st.subheader(t("data.map_title"))
    st.caption(t("data.map_help"))
    mappings: dict[int, tuple[str, dict[str, str]]] = {}
    complete = True
    for n, need in enumerate(batch["needs"]):
        with st.container(border=True):
            st.markdown(f"**{safe.md(safe.short(need.file_name))}**")
            answer = _mapping_form(n, need, batch)
            if answer is None:
                complete = False
            else:
                mappings[need.index] = answer
    if st.button(t("data.map_apply"), type="primary", disabled=not complete, key="map_apply"):
        for kind, chosen in mappings.values():
            upload_flow.remember(kind, chosen)
        uploads = [
            replace(u, kind=mappings[i][0]) if i in mappings else u
            for i, u in enumerate(batch["uploads"])
        ]
        _import(uploads, batch)
        st.rerun()


def orphans_section() -> None:
    """Payments whose account is in no snapshot yet."""
    orphans: pa.Table = reads.get("orphan_payments")
    st.subheader(t("data.orphans_title"))
    if orphans.num_rows == 0:
        st.caption(t("data.orphans_none"))
        return
    st.caption(safe.t("data.orphans_help", n=f"{orphans.num_rows:,}"))
    tables.show(orphans, name="orphan_payments", height=240)


def _undo(import_id: int) -> None:
    try:
        done = upload_flow.undo(import_id)
        st.session_state["undo_message"] = (
            "ok",
            "data.undone",
            {"id": done.import_id, "rows": done.rows_removed},
        )
    except UndoRefused as exc:
        detail = localise(exc.message, lang())
        st.session_state["undo_message"] = ("error", "data.undo_refused", {"detail": detail})


def history_section() -> None:
    """Every import, and an Undo button per active one."""
    st.subheader(t("data.history"))
    note = st.session_state.pop("undo_message", None)
    if note and note[0] == "ok":
        st.success(safe.t(note[1], **note[2]))
    elif note:
        st.error(safe.t(note[1], **note[2]))
    log: pa.Table = reads.get("import_log")
    if log.num_rows == 0:
        st.caption(t("data.history_empty"))
        return
    cols = [
        "import_id",
        "imported_at",
        "imported_by",
        "kind",
        "file_name",
        "rows_in_file",
        "rows_accepted",
        "rows_duplicate",
        "rows_refused",
        "snapshot_dates",
        "status",
        "undone_at",
        "undone_by",
    ]
    tables.show(log, name="import_history", columns=cols, height=260)
    # Only imports an undo would change: one that delivered only rows already present holds
    # none (it stays in the history above for the audit trail).
    active = reads.get("undoable_imports").to_pylist()
    st.markdown(f"**{t('data.undo_title')}**")
    if not active:
        st.caption(t("data.undo_none"))
    with st.container(height=min(360, 20 + 48 * max(len(active), 1))):
        for r in active:
            c1, c2, c3 = st.columns([1, 6, 2], vertical_alignment="center")
            c1.markdown(safe.code(f"#{r['import_id']}"))
            c2.markdown(
                safe.t(
                    "data.undo_row",
                    file=safe.short(r["file_name"]),
                    kind=label("kindname", r["kind"]),
                    rows=f"{r['rows_accepted']:,}",
                    at=f"{r['imported_at']:%Y-%m-%d %H:%M}",
                )
            )
            with c3.popover(t("data.undo"), icon=":material/undo:"):
                file = safe.short(r["file_name"])
                st.markdown(safe.t("data.undo_confirm", id=r["import_id"], file=file))
                st.button(
                    t("data.undo_do"),
                    key=f"undo_{r['import_id']}",
                    type="primary",
                    on_click=_undo,
                    args=(int(r["import_id"]),),
                )
    refused = [r for r in log.to_pylist() if r["rows_refused"]]
    if refused:
        choice = st.selectbox(
            t("data.rejects_of"),
            [r["import_id"] for r in refused],
            index=None,
            placeholder=t("data.rejects_pick"),
            format_func=lambda i: next(
                f"#{i} {r['file_name']} ({r['rows_refused']:,})"
                for r in refused
                if r["import_id"] == i
            ),
        )
        if choice is not None:
            tables.show(reads.get("rejects", import_id=choice), name=f"rejects_import_{choice}")


def mappings_section() -> None:
    """The remembered header mappings, with a way to forget one."""
    with reads.connection() as con:
        rows = list_mappings(con)
    if not rows:
        return
    with st.expander(safe.t("data.mappings_title", n=len(rows))):
        for kind, header, column, saved in rows:
            c1, c2 = st.columns([6, 1], vertical_alignment="center")
            day = f"{saved:%Y-%m-%d}"
            c1.markdown(
                f"{safe.label('kindname', kind)}: {safe.code(header)} → {safe.code(column)} "
                f"({safe.md(day)})"
            )
            if c2.button(t("data.forget"), key=f"forget_{kind}_{header}", type="tertiary"):
                with reads.connection() as con:
                    forget_mapping(con, kind, header)
                st.rerun()
