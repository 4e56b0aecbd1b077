"""Page-level choices (payout period, statement agent, drill-down cell, compliance preset,
leaderboard sort, measure toggles): one state per choice, kept in the URL.

Why this module exists (issue 10): a selector showed one agent while the figures beside it were
another's, because a choice had two sources of truth, a widget default (``index=``,
``default=``) and a value held elsewhere (session state set by Reset, or a value the browser
still held for a widget the page had hidden while the filters were invalid). Here every choice
is one widget bound to a URL parameter (``bind="query-params"``, the key is the parameter's
name) whose value lives only in ``st.session_state[key]``:

- the widget gets no default argument: the default is the first option (Streamlit leaves a
  bound value equal to the default out of the URL), and a choice that can be empty (``All``)
  defaults to None;
- before the widget is drawn, ``_settle`` writes a valid value into ``st.session_state[key]``
  when the stored one is not among this run's options (an agent who left the leaderboard), when
  Reset asked for the default, or when a link spells the value differently (the option's code,
  or its label in the other language: a bound option travels in the URL as its label);
- what the widget returns is what the page computes with, in the same run.

``reset_all`` (the sidebar's Reset) asks every choice of every page for its default; a choice
that is not drawn in this run takes it when its page next draws it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import streamlit as st

from dashboard.ui import safe
from dashboard.ui.catalogue import CATALOGUE

T = TypeVar("T")

# Every page-level choice: URL parameter (= widget key) -> the page that draws it.
CHOICES: dict[str, str] = {
    "delinq_measure": "delinquency",
    "drill_from": "delinquency",
    "drill_to": "delinquency",
    "agents_sort": "agents",
    "agents_order": "agents",
    "agents_pick": "agents",
    "agents_timing": "agents",
    "compliance_preset": "compliance",
    "viol_agent": "compliance",
    "viol_rule": "compliance",
    "pay_period": "payouts",
    "pay_agent": "payouts",
    "case_account": "cases",
    "cases_plan_by": "cases",
}
PENDING = "_choices_reset"  # keys whose next draw takes the default (after Reset)
OPEN_ACCOUNT = "_open_account"  # an account a table row asked to open (``blocks.open_history``)
RETRIED = "_choices_reset_retried"  # choices drawn once more after Reset (``_reset_drawn``)


def reset_all() -> None:
    """Every page-level choice goes back to its default the next time it is drawn."""
    st.session_state[PENDING] = set(CHOICES)


def catalogue_spellings(prefix: str) -> Callable[[Any], list[str]]:
    """The ways a link may spell an option labelled by the catalogue (``prefix.option``): the
    option itself and its label in either language."""

    def spellings(option: Any) -> list[str]:
        entry = CATALOGUE.get(f"{prefix}.{option}")
        return [str(option), *(entry or ())]

    return spellings


def url_value(key: str) -> str | None:
    """The raw value of a URL parameter (None when absent), read before its widget is drawn."""
    try:
        value = st.query_params.get(key)
    except Exception:  # outside a script run
        return None
    return value if isinstance(value, str) else None


def _settle(
    key: str,
    options: Sequence[T],
    default: T | None,
    spellings: Callable[[T], Iterable[str]] | None,
    labels: list[str],
) -> bool:
    """Put a valid value into ``st.session_state[key]`` where it needs one (module doc); True
    when Reset asked for the default (the caller then calls ``_reset_drawn``)."""
    pending: set[str] = st.session_state.get(PENDING) or set()
    if key in pending:
        pending.discard(key)
        st.session_state[key] = default
        return True
    if key in st.session_state:
        value = st.session_state[key]
        if value is not None and value not in options:
            st.session_state[key] = default
        return False
    # The session's first draw of this choice: a link's value that Streamlit would not
    # recognise (not this language's label) is mapped to its option here.
    raw = url_value(key)
    if raw is None or raw in labels or spellings is None:
        return False
    for option in options:
        if raw in spellings(option):
            st.session_state[key] = option
            return False
    return False


def _reset_drawn(key: str, value: Any, default: Any) -> None:
    """After Reset: the first draw of a choice never drawn before in the session takes the
    value of the URL the session started with over the state's (Streamlit's binding seeds a
    widget's first draw from that URL, whatever the state says). Then the page runs once more,
    asking for the default again: from the second draw on, the state wins."""
    retried: set[str] = st.session_state.setdefault(RETRIED, set())
    if value != default and key not in retried:
        retried.add(key)
        st.session_state.setdefault(PENDING, set()).add(key)
        st.rerun()
    retried.discard(key)


def _texts(options: Sequence[T], format_func: Callable[[T], str]) -> dict[T, str]:
    """Each option's text, made in this run: in this run's language (Streamlit may call a
    format function again outside the run, where the session's language is unknown)."""
    return {o: format_func(o) for o in options}


def select(
    key: str,
    label: str,
    options: Sequence[T],
    *,
    format_func: Callable[[T], str] = str,
    spellings: Callable[[T], Iterable[str]] | None = None,
    optional: bool = False,
    placeholder: str | None = None,
    container: Any = None,
    **kwargs: Any,
) -> T | None:
    """A selectbox choice, bound to the URL parameter ``key``.

    Args:
        key: the widget key and URL parameter (one of ``CHOICES``).
        label: the widget label (our own text).
        options: in order; the first is the default (unless ``optional``).
        format_func: how an option is shown (its text is also its URL spelling).
        spellings: other spellings of an option a link may carry (``catalogue_spellings``).
        optional: the choice may be empty (``placeholder``, e.g. "All"); empty is the default.
        placeholder: shown when empty.
        container: where to draw (default: the current one).
        kwargs: passed to ``st.selectbox`` (``help``, ``disabled``, ``on_change``...).

    Returns:
        The option the widget shows, which is the one the page must use (None when empty).
    """
    default = None if optional or not options else options[0]
    texts = _texts(options, format_func)
    reset = _settle(key, options, default, spellings, list(texts.values()))
    where = container if container is not None else st
    value = where.selectbox(
        safe.md(label),
        options,
        index=None if optional else 0,
        format_func=lambda o: texts.get(o, str(o)),
        placeholder=placeholder,
        key=key,
        bind="query-params",
        **kwargs,
    )
    if reset:
        _reset_drawn(key, value, default)
    return value  # type: ignore[no-any-return]


def segmented(
    key: str,
    label: str,
    options: Sequence[T],
    *,
    format_func: Callable[[T], str] = str,
    spellings: Callable[[T], Iterable[str]] | None = None,
    first: T | None = None,
    **kwargs: Any,
) -> T:
    """A segmented-control choice (always one option selected), bound to the URL parameter
    ``key``; the default is ``first`` (else the first option), written to session state when
    the choice has no value yet (a segmented control's own ``default=`` would be a second source
    of truth)."""
    default = first if first is not None else options[0]
    texts = _texts(options, lambda o: safe.md(format_func(o)))  # an option's text is markdown
    reset = _settle(key, options, default, spellings, list(texts.values()))
    if st.session_state.get(key) is None and (url_value(key) or "") not in texts.values():
        st.session_state[key] = default
    value = st.segmented_control(
        safe.md(label),
        options,
        format_func=lambda o: safe.md(texts.get(o, str(o))),
        required=True,
        key=key,
        bind="query-params",
        **kwargs,
    )
    if reset:
        _reset_drawn(key, value, default)
    return value if value is not None else default


def text(key: str, label: str, *, placeholder: str | None = None, **kwargs: Any) -> str:
    """A text choice (a search box), bound to the URL parameter ``key``; the default is empty.

    Returns:
        The text the box shows, stripped ("" when empty).
    """
    pending: set[str] = st.session_state.get(PENDING) or set()
    reset = key in pending
    if reset:
        pending.discard(key)
        st.session_state[key] = ""
    value = st.text_input(
        safe.md(label), key=key, placeholder=placeholder, bind="query-params", **kwargs
    )
    if reset:
        _reset_drawn(key, value or "", "")
    return (value or "").strip()
