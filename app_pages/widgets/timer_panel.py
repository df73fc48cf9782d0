"""The timer panel shared by the facilitator and projector pages (stored state in, HTML out),
the facilitator's timer buttons, and the facilitator page's tabs that follow the running block."""

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

FIRST_COMMAND = {"idle": "start", "running": "pause", "paused": "resume", "ended": "resume"}
# The one-click-irreversible action («Terminar», «Cerrar la reunión») awaiting confirmation.
CONFIRM = "meeting_confirm"
# The facilitator page's tabs: 0 is «Preparar», n is block n (the blocks after the last tab's of
# a longer agenda open the last tab). The open tab is kept as a position: labels are translated.
TAB = "meeting_tab"
LAST_TAB = 5
_POSITION = "meeting_tab_position"
_OPENED = "meeting_tab_opened"  # the label this page opened last run
_FOLLOWED = "meeting_tab_followed"  # (meeting, the running block's tab) the page last followed
_REVISION = "timer_revision"  # the timer revision the page's buttons were drawn for


def read(store: Store, meeting_id: int) -> tuple[timer.Timer, timer.TimerView]:
    """The stored timer and what it shows now (cheap state reads: runs every second)."""
    stored = meeting.timer_of(store, meeting_id)
    return stored, timer.view(stored, clock.now(), meeting.auto_advance(store))


def render(
    store: Store,
    meeting_id: int,
    clock_px: int,
    state: tuple[timer.Timer, timer.TimerView] | None = None,
) -> None:
    """Draw the timer panel of `state` (read now when not given)."""
    current = meeting.get_meeting(store, meeting_id)
    _, shown = state or read(store, meeting_id)
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


def ask_to_confirm(action: str) -> None:
    """A button's callback: the page's run that follows opens the confirmation of `action`."""
    st.session_state[CONFIRM] = action


def _block_tab(shown: timer.TimerView) -> int | None:
    return min(shown.current + 1, LAST_TAB) if shown.status in ("running", "paused") else None


def follow_running_block(
    store: Store, current: Meeting, labels: list[str]
) -> tuple[timer.Timer, timer.TimerView]:
    """Choose the tab the page opens: the one the facilitator last picked, unless the running
    block (or the meeting) changed since, then the running block's. Call before the timer; the
    timer state it read is the one the page's buttons then act on (pass it to `buttons`)."""
    position = st.session_state.get(_POSITION, 0)
    picked = st.session_state.get(TAB)
    if picked != st.session_state.get(_OPENED) and picked in labels:
        position = labels.index(picked)
    stored, shown = read(store, current.id)
    following = (current.id, _block_tab(shown))
    followed = st.session_state.get(_FOLLOWED)
    if following != followed:
        st.session_state[_FOLLOWED] = following
        if following[1] is not None:
            position = min(following[1], len(labels) - 1)
        elif followed is None or followed[0] != current.id:
            position = 0  # another meeting, not running: its preparation
    st.session_state[_POSITION] = position
    st.session_state[TAB] = st.session_state[_OPENED] = labels[position]
    st.session_state[_REVISION] = stored.revision
    return stored, shown


def live(store: Store, current: Meeting) -> None:
    """The facilitator's panel, redrawn every second (a fragment of the page). When the timer
    changed since the page drew its buttons and tabs (on another screen, or by auto-advance), the
    whole page runs again instead, before anything is drawn: the buttons never act on a state the
    facilitator does not see, and no panel of this run is left beside the next one's."""
    state = read(store, current.id)
    stored, shown = state
    followed = st.session_state.get(_FOLLOWED)
    if stored.revision != st.session_state.get(_REVISION) or (
        (current.id, _block_tab(shown)) != followed
    ):
        st.rerun()
    render(store, current.id, clock_px=120, state=state)


def buttons(
    store: Store, user: Actor, current: Meeting, state: tuple[timer.Timer, timer.TimerView]
) -> None:
    """The facilitator's timer buttons, outside the timer's fragment: the every-second refresh
    never redraws them, and a click runs the whole page (the tabs follow the running block)."""
    tr = common.tr
    stored, shown = state
    if message := st.session_state.pop("timer_message", None):
        st.warning(message)
    act = partial(press, store, user, current.id)
    columns = st.columns([1, 1, 1, 1, 2, 1])
    running = stored.status in ("running", "paused")
    # The first button starts, pauses or resumes (after a pause or an end), as the state allows.
    first = FIRST_COMMAND[stored.status]
    columns[0].button(
        tr(f"timer.{first}"),
        key=f"t_{first}",
        type="secondary" if first == "pause" else "primary",
        on_click=act,
        args=(first,),
    )
    last = len(current.blocks) - 1
    steps = (("previous", "timer.previous", shown.current == 0),)
    steps += (("next", "timer.next_button", shown.current >= last),)
    for column, (command, label, at_edge) in zip(columns[1:3], steps, strict=True):
        column.button(
            tr(label),
            key=f"t_{command}",
            disabled=not running or at_edge,
            on_click=act,
            args=(command,),
        )
    columns[3].button(
        tr("timer.end"),
        key="t_end",
        disabled=not running,
        on_click=ask_to_confirm,
        args=("end",),
    )
    target = columns[4].selectbox(
        tr("timer.jump"),
        range(len(current.blocks)),
        key="t_target",
        label_visibility="collapsed",
        format_func=lambda i: f"{i + 1}. {current.blocks[i].name}",
    )
    columns[5].button(
        tr("timer.jump"), key="t_jump", disabled=not running, on_click=act, args=("jump", target)
    )


def press(store: Store, user: Actor, meeting_id: int, command: str, target=None) -> None:
    """Apply a timer command against the revision this screen last showed."""
    try:
        meeting.timer_command(
            store,
            user,
            meeting_id,
            command,
            target=target,
            expected_revision=st.session_state.get(_REVISION),
        )
    except timer.TimerError as error:
        st.session_state["timer_message"] = common.tr(f"timer.error.{error.kind}")
    except InvalidInput as error:
        st.session_state["timer_message"] = escape_markdown(error.message(common.lang()))
