"""The timer panel shared by the facilitator and projector pages: stored state in, HTML out."""

import streamlit as st

from app_pages.widgets import common
from kpi import clock
from kpi.cockpit import meeting, timer
from kpi.store.database import Store


def render(store: Store, meeting_id: int, clock_px: int) -> tuple[timer.Timer, timer.TimerView]:
    """Read the stored timer and draw it; cheap state reads only (runs every second)."""
    current = meeting.get_meeting(store, meeting_id)
    stored = meeting.timer_of(store, meeting_id)
    shown = timer.view(stored, clock.now(), meeting.auto_advance(store))
    blocks = current.blocks
    block = blocks[shown.current]
    following = blocks[shown.current + 1] if shown.current + 1 < len(blocks) else None
    words = {
        "block": common.tr("timer.block", n=shown.current + 1, total=len(blocks)),
        "status": common.tr(f"timer.status.{shown.status}"),
        "leader": common.tr("timer.leader"),
        "next": common.tr("timer.next"),
        "last": common.tr("timer.last"),
        "total": common.tr("timer.total"),
    }
    panel = timer.panel_html(
        shown,
        timer.BlockLabel(block.name, block.leader, block.content if clock_px > 150 else ""),
        timer.BlockLabel(following.name, following.leader, "") if following else None,
        words,
        clock_px=clock_px,
    )
    # One line: a blank line in user text would end Markdown's HTML block and the rest of it
    # would render as Markdown (a remote image); as entities the newlines stay plain text.
    one_line = panel.replace("\r", "&#13;").replace("\n", "&#10;")
    # Our fixed template; every user text in it is html-escaped.
    st.markdown(one_line, unsafe_allow_html=True)
    return stored, shown
