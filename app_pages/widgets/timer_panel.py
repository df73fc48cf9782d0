"""The timer panel shared by the facilitator and projector pages (stored state in, HTML out),
and the facilitator's timer buttons."""

from functools import partial

import streamlit as st

from app_pages.widgets import common
from kpi import clock
from kpi.access.roles import Actor
from kpi.cockpit import meeting, timer
from kpi.cockpit.meeting import Meeting
from kpi.errors import InvalidInput
from kpi.store.database import Store
from kpi.text import escape_markdown


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


def controls(store: Store, user: Actor, current: Meeting) -> None:
    """The facilitator's panel and buttons, redrawn every second (a fragment of the page)."""
    tr = common.tr
    stored, shown = render(store, current.id, clock_px=120)
    st.session_state["timer_revision"] = stored.revision
    if message := st.session_state.pop("timer_message", None):
        st.warning(message)
    press = partial(_press, store, user, current.id)
    buttons = st.columns([1, 1, 1, 1, 2, 1])
    running = stored.status in ("running", "paused")
    # The first button starts, pauses or resumes, whichever the stored state allows.
    first = {"idle": "start", "running": "pause", "paused": "resume"}.get(stored.status)
    if first:
        buttons[0].button(
            tr(f"timer.{first}"),
            key=f"t_{first}",
            type="secondary" if first == "pause" else "primary",
            on_click=press,
            args=(first,),
        )
    last = len(current.blocks) - 1
    steps = (("previous", "timer.previous", shown.current == 0),)
    steps += (("next", "timer.next_button", shown.current >= last), ("end", "timer.end", False))
    for column, (command, label, at_edge) in zip(buttons[1:4], steps, strict=True):
        column.button(
            tr(label),
            key=f"t_{command}",
            disabled=not running or at_edge,
            on_click=press,
            args=(command,),
        )
    target = buttons[4].selectbox(
        tr("timer.jump"),
        range(len(current.blocks)),
        key="t_target",
        label_visibility="collapsed",
        format_func=lambda i: f"{i + 1}. {current.blocks[i].name}",
    )
    buttons[5].button(
        tr("timer.jump"), key="t_jump", disabled=not running, on_click=press, args=("jump", target)
    )


def _press(store: Store, user: Actor, meeting_id: int, command: str, target=None) -> None:
    """A button's callback: apply it against the revision this screen last showed."""
    try:
        meeting.timer_command(
            store,
            user,
            meeting_id,
            command,
            target=target,
            expected_revision=st.session_state.get("timer_revision"),
        )
    except timer.TimerError as error:
        st.session_state["timer_message"] = common.tr(f"timer.error.{error.kind}")
    except InvalidInput as error:
        st.session_state["timer_message"] = escape_markdown(error.message(common.lang()))
