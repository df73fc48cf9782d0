"""The facilitator's projector mode picker: one click changes what the room sees."""

import streamlit as st

from app_pages.widgets import common
from kpi.access.roles import Actor
from kpi.cockpit import projector
from kpi.cockpit.meeting import Meeting
from kpi.store.database import Store


def mode_picker(store: Store, user: Actor, current: Meeting) -> None:
    """One segmented control; the choice is stored in its callback, before the page reruns, so
    the projector's next one-second refresh shows it and no later run can undo the click."""
    key = f"projector_mode_{current.id}"
    # Another facilitator's screen may have changed the mode: show what the room sees now.
    st.session_state[key] = projector.mode_of(store, current.id)
    st.segmented_control(
        common.tr("projector.mode.label"),
        projector.MODES,
        format_func=lambda mode: common.tr(f"projector.mode.{mode}"),
        key=key,
        on_change=_choose,
        args=(store, user, current.id, key),
        disabled=not user.can("meeting") or current.status == "closed",
    )


def _choose(store: Store, user: Actor, meeting_id: int, key: str) -> None:
    mode = st.session_state[key]
    if mode is not None:  # a click on the chosen mode unselects it: the room keeps seeing it
        common.run_write(lambda: projector.set_mode(store, user, meeting_id, mode))
