"""Projector: the shared timer, huge and read-only, refreshed every second by a fragment only."""

import streamlit as st

from app_pages.widgets import common, timer_panel
from kpi.cockpit import meeting
from kpi.text import escape_markdown

common.guard()
store = common.store()

open_meetings = [m for m in meeting.list_meetings(store) if m["status"] != "closed"]
if not open_meetings:
    st.title(common.tr("nav.projector"))
    st.info(common.tr("projector.none"))
    st.stop()

active = meeting.active_meeting_id(store)
ids = [m["id"] for m in open_meetings]
titles = {m["id"]: m["title"] for m in open_meetings}
meeting_id = st.sidebar.selectbox(
    common.tr("projector.meeting"),
    ids,
    index=ids.index(active) if active in ids else 0,
    format_func=lambda mid: titles[mid],
    key="projector_meeting",
)
# Our own fixed CSS (no user text): room for the clock, and no fading while the fragment
# refreshes, so the projected clock never dims once a second.
st.markdown(
    "<style>.block-container{padding-top:1rem;padding-bottom:0}"
    '[data-stale="true"]{opacity:1 !important;transition:none !important}</style>',
    unsafe_allow_html=True,
)
st.caption(escape_markdown(titles[meeting_id]))


@st.fragment(run_every=1)
def live_panel() -> None:
    timer_panel.render(store, meeting_id, clock_px=240)


live_panel()
st.caption(common.tr("projector.hint"))
