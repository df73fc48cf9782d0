"""Projector: what the facilitator chose for the room (timer, KPI board, block notes, sprint
actions), read-only and refreshed every second by a fragment only; «Reunión cerrada» at the end."""

import streamlit as st

from app_pages.widgets import common, projector_screens
from kpi.cockpit import meeting
from kpi.text import escape_markdown

common.guard()
store = common.store()

projected = st.session_state.get("projector_meeting")
# Open meetings, and the one on the wall even once it closed (it then says so).
shown = [m for m in meeting.list_meetings(store) if m["status"] != "closed" or m["id"] == projected]
if not shown:
    st.title(common.tr("nav.projector"))
    st.info(common.tr("projector.none"))
    common.end_page()

active = meeting.active_meeting_id(store)
ids = [m["id"] for m in shown]
titles = {m["id"]: m["title"] for m in shown}
meeting_id = st.sidebar.selectbox(
    common.tr("projector.meeting"),
    ids,
    index=ids.index(active) if active in ids else 0,
    format_func=lambda mid: titles[mid],
    key="projector_meeting",
    bind="query-params",  # a reload shows the same meeting
)
projector_screens.room_css()
st.caption(escape_markdown(titles[meeting_id]))


@st.fragment(run_every=1)
def live_panel() -> None:
    projector_screens.render(store, meeting_id)


live_panel()
st.caption(common.tr("projector.hint"))
