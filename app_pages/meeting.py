"""Meeting (facilitator): create or pick a meeting, drive the shared timer, work each block."""

import streamlit as st

from app_pages.widgets import (
    common,
    feedback,
    meeting_blocks,
    meeting_close,
    meeting_notes,
    meeting_prepare,
    timer_panel,
)
from kpi.cockpit import meeting
from kpi.errors import LONG_TEXT_MAX

user = common.guard("meeting")
store = common.store()
tr, lang = common.tr, common.lang()

st.title(tr("nav.meeting"))
feedback.show_flash(meeting_blocks.FLASH)

open_meetings = [m for m in meeting.list_meetings(store) if m["status"] != "closed"]
with st.expander(tr("meeting.new"), expanded=not open_meetings), st.form("new_meeting"):
    day = st.date_input(
        tr("meeting.date"),
        value=meeting.default_meeting_date(store),
        format="DD/MM/YYYY",
        key="new_date",
    )
    title = st.text_input(
        tr("meeting.title"),
        placeholder=tr("meeting.title.placeholder"),
        max_chars=meeting.TITLE.limit,
        key="new_title",
    )
    picked = st.multiselect(
        tr("meeting.attendees.pick"), meeting_prepare.user_names(), key="new_picked"
    )
    typed = st.text_input(tr("meeting.attendees.typed"), max_chars=LONG_TEXT_MAX, key="new_typed")
    if st.form_submit_button(tr("meeting.create"), type="primary", key="new_create"):

        def create() -> None:
            attendees = picked + typed.split(",")
            st.session_state["meeting_id"] = meeting.create_meeting(
                store, user, meeting_date=day, title=title, attendees=attendees, lang=lang
            )

        feedback.attempt(create, tr("meeting.created"), key=meeting_blocks.FLASH)

if not open_meetings:
    st.info(tr("meeting.none"))
    st.stop()

ids = [m["id"] for m in open_meetings]
titles = {m["id"]: m["title"] for m in open_meetings}
if st.session_state.get("meeting_id") not in ids:
    st.session_state["meeting_id"] = meeting.active_meeting_id(store) or ids[0]
meeting_id = st.selectbox(tr("meeting.pick"), ids, format_func=titles.get, key="meeting_id")
current = meeting.get_meeting(store, meeting_id)


@st.fragment(run_every=1)
def live_timer() -> None:
    timer_panel.controls(store, user, current)


live_timer()
meeting_blocks.auto_advance_control(store, user)

tabs = st.tabs([tr("meeting.tab.prepare")] + [tr(f"meeting.tab.{n}") for n in range(1, 6)])
with tabs[0]:
    meeting_prepare.prepare(store, user, current)
with tabs[1]:
    meeting_blocks.outcomes_area(store, current)
with tabs[2]:
    meeting_blocks.panel_area(store, user, current)
with tabs[3]:
    meeting_notes.notes_area(store, user, current)
with tabs[4]:
    meeting_blocks.matrix_area(store)
with tabs[5]:
    meeting_close.close_area(store, user, current)
