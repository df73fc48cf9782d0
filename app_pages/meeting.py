"""Meeting (facilitator): create or pick a meeting, drive the shared timer, work each block."""

import streamlit as st

from app_pages.widgets import (
    common,
    feedback,
    meeting_blocks,
    meeting_close,
    meeting_prepare,
    meeting_tabs,
    projector_modes,
    timer_panel,
)
from kpi.cockpit import meeting
from kpi.errors import LONG_TEXT_MAX

# The meeting on screen, in the page's address, so that a reload shows it again.
URL_MEETING = "reunion"

user = common.guard("meeting")
store = common.store()
tr, lang = common.tr, common.lang()

st.title(tr("nav.meeting"))
feedback.show_flash(meeting_blocks.FLASH)

meetings = meeting.list_meetings(store)
open_meetings = [m for m in meetings if m["status"] != "closed"]
with (
    st.expander(tr("meeting.new"), expanded=not open_meetings),
    st.form("new_meeting", enter_to_submit=False),
):
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
        tr("meeting.attendees.pick"),
        meeting_prepare.user_names(),
        placeholder=tr("meeting.attendees.placeholder"),
        key="new_picked",
    )
    typed = st.text_input(tr("meeting.attendees.typed"), max_chars=LONG_TEXT_MAX, key="new_typed")
    template = meeting_prepare.template_select(st, "new_template")
    if st.form_submit_button(tr("meeting.create"), type="primary", key="new_create"):

        def create() -> None:
            attendees = picked + typed.split(",")
            st.session_state["meeting_id"] = meeting.create_meeting(
                store,
                user,
                meeting_date=day,
                title=title,
                attendees=attendees,
                lang=lang,
                template=template,
            )

        feedback.attempt(create, tr("meeting.created"), key=meeting_blocks.FLASH)

meeting_close.reopen_area(store, user, [m for m in meetings if m["status"] == "closed"])

if not open_meetings:
    st.info(tr("meeting.none"))
    common.end_page()

ids = [m["id"] for m in open_meetings]
titles = {m["id"]: m["title"] for m in open_meetings}
if st.session_state.get("meeting_id") not in ids:
    # A reload (F5) starts a new session: the URL says which meeting was on screen.
    linked = st.query_params.get(URL_MEETING, "")
    chosen = int(linked) if linked.isdigit() else meeting.active_meeting_id(store)
    st.session_state["meeting_id"] = chosen if chosen in ids else ids[0]
meeting_id = st.selectbox(tr("meeting.pick"), ids, format_func=titles.get, key="meeting_id")
st.query_params[URL_MEETING] = str(meeting_id)
current = meeting.get_meeting(store, meeting_id)


blocks = meeting_tabs.block_tabs(current)
labels = [tr("meeting.tab.prepare")] + [label for label, _ in blocks]
timer_state = timer_panel.follow_running_block(store, current, labels)


@st.fragment(run_every=1)
def live_timer() -> None:
    timer_panel.live(store, current)


live_timer()
timer_panel.buttons(store, user, current, timer_state)
projector_modes.mode_picker(store, user, current)
meeting_close.confirm_pending(store, user, current)
meeting_blocks.auto_advance_control(store, user)

tabs = st.tabs(labels, key=timer_panel.TAB, on_change="rerun")
with tabs[0]:
    meeting_prepare.prepare(store, user, current)
for tab, (_, area) in zip(tabs[1:], blocks, strict=True):
    with tab:
        area(store, user, current)
