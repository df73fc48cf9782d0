"""Form fields several widgets share, so each is declared once, and the channel-label form
built on the channel picker."""

from functools import partial

import streamlit as st

from app_pages.widgets import common, feedback
from kpi.access.roles import Actor
from kpi.engine import catalogue
from kpi.engine.dimension_labels import channel_namer, set_channel_label
from kpi.engine.pickers import dimension_values
from kpi.errors import SHORT_TEXT_MAX
from kpi.i18n import fmt_number, parse_number
from kpi.store.database import Store


def decimal_input(
    where, label: str, value: float, key: str, low: float, high: float, digits: int = 1
) -> float | None:
    """A number typed and shown as the reader writes it («25,0» in Spanish; Streamlit's own number
    input always shows «25.0»). None, with the reason under the field, when the text is not a
    number of the language or falls outside [low, high]."""
    lang = common.lang()
    text = where.text_input(label, value=fmt_number(value, lang, digits), key=key)
    number = parse_number(text, lang)
    if number is None:
        example = fmt_number(value, lang, digits)
        where.error(common.tr("input.number.invalid", text=text[:40], example=example))
    elif not low <= number <= high:
        bounds = {"low": fmt_number(low, lang, digits), "high": fmt_number(high, lang, digits)}
        where.error(common.tr("input.number.range", **bounds))
        return None
    return number


def kpi_select(
    where, label: str, key: str, none: str | None = None, optional: bool = True
) -> str | None:
    """A KPI picker showing labels in the viewer's language; an optional one offers `none` first
    (the "no KPI" choice)."""
    return where.selectbox(
        label,
        [none, *catalogue.BY_ID] if optional else list(catalogue.BY_ID),
        format_func=partial(catalogue.label_of, lang=common.lang()),
        key=key,
    )


def channel_select(
    where, store: Store, channels: list[str], label: str, key: str, every: str | None = None
) -> str:
    """A picker of `channels` showing each one's label, never its code; `every` offers "all
    channels" first (returned as "")."""
    name = channel_namer(store, common.lang())
    return where.selectbox(
        label,
        [""] * (every is not None) + channels,
        format_func=lambda code: name(code) if code else every,
        key=key,
    )


def channel_label_form(store: Store, user: Actor, flash: str) -> None:
    """Ajustes: an admin gives a channel the name everyone sees (empty: back to the default)."""
    tr = common.tr
    st.subheader(tr("settings.channels"))
    st.caption(tr("settings.channels.caption"))
    with st.form("channels_form", enter_to_submit=False):
        left, right = st.columns(2)
        # Every channel the facts hold (leads, deals, spend), as the scorecard's filter lists them.
        channels = dimension_values(store)["channel"]
        code = channel_select(left, store, channels, tr("settings.channels.channel"), "ch_code")
        label = right.text_input(
            tr("settings.channels.label"), max_chars=SHORT_TEXT_MAX, key="ch_label"
        )
        if st.form_submit_button(tr("settings.channels.save")) and code is not None:
            feedback.attempt(
                partial(set_channel_label, store, user, code, label), tr("settings.saved"), flash
            )
