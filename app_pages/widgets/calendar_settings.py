"""Ajustes: the governance calendar's cadences (tracción days, review and committee anchors)."""

from datetime import date

import streamlit as st

from app_pages.widgets import common, feedback
from kpi.access.roles import Actor
from kpi.store.database import Store
from kpi.store.settings import NUMBER_RANGES, get_settings, set_setting

# Streamlit's own default shows «2025/01/06»; day first reads as ours.
DAY_FIRST = "DD/MM/YYYY"
ANCHORS = ("review_anchor", "committee_anchor")


def cadence_form(store: Store, user: Actor, flash: str) -> None:
    """The cadences as one form; each changed one is saved as a new setting version."""
    tr = common.tr
    settings = get_settings(store)
    st.subheader(tr("calendar.settings"))
    st.caption(tr("calendar.settings.help"))
    with st.form("calendar_form", enter_to_submit=False):
        cols = st.columns(3)
        low, high = NUMBER_RANGES["traccion_days"]
        values = {
            "traccion_days": cols[0].number_input(
                tr("calendar.settings.traccion_days"),
                int(low),
                int(high),
                int(settings["traccion_days"]),
                key="cal_traccion_days",
            )
        }
        for column, key in zip(cols[1:], ANCHORS, strict=True):
            picked = column.date_input(
                tr(f"calendar.settings.{key}"),
                date.fromisoformat(settings[key]),
                format=DAY_FIRST,
                key=f"cal_{key}",
            )
            values[key] = picked.isoformat()
        if st.form_submit_button(tr("calendar.settings.save"), key="cal_save"):
            changed = {k: v for k, v in values.items() if v != settings[k]}
            feedback.attempt(
                lambda: [set_setting(store, user, k, v) for k, v in changed.items()],
                tr("settings.saved" if changed else "settings.unchanged"),
                flash,
            )
