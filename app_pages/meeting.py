"""Meeting (facilitator): create or pick a meeting, drive the shared timer, work each block."""

import streamlit as st

from app_pages.widgets import common, meeting_blocks, meeting_close, timer_panel
from kpi.cockpit import meeting, timer
from kpi.errors import LONG_TEXT_MAX, InvalidInput
from kpi.text import escape_markdown

user = common.guard("meeting")
store = common.store()
tr, lang = common.tr, common.lang()

st.title(tr("nav.meeting"))
if flash := st.session_state.pop("meeting_flash", None):
    st.success(flash)

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
        tr("meeting.attendees.pick"), meeting_blocks.user_names(), key="new_picked"
    )
    typed = st.text_input(tr("meeting.attendees.typed"), max_chars=LONG_TEXT_MAX, key="new_typed")
    if st.form_submit_button(tr("meeting.create"), type="primary", key="new_create"):
        try:
            new_id = meeting.create_meeting(
                store,
                user,
                meeting_date=day,
                title=title,
                attendees=picked + typed.split(","),
                lang=lang,
            )
        except InvalidInput as error:
            st.error(escape_markdown(error.message(lang)))
        else:
            st.session_state["meeting_id"] = new_id
            st.session_state["meeting_flash"] = tr("meeting.created")
            st.rerun()

if not open_meetings:
    st.info(tr("meeting.none"))
    st.stop()

ids = [m["id"] for m in open_meetings]
titles = {m["id"]: m["title"] for m in open_meetings}
if st.session_state.get("meeting_id") not in ids:
    st.session_state["meeting_id"] = meeting.active_meeting_id(store) or ids[0]
meeting_id = st.selectbox(tr("meeting.pick"), ids, format_func=titles.get, key="meeting_id")
current = meeting.get_meeting(store, meeting_id)


def press(command: str, target: int | None = None) -> None:
    """A control's callback: apply it against the revision this screen last showed."""
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
        st.session_state["timer_message"] = tr(f"timer.error.{error.kind}")
    except InvalidInput as error:
        st.session_state["timer_message"] = escape_markdown(error.message(lang))


@st.fragment(run_every=1)
def live_timer() -> None:
    stored, shown = timer_panel.render(store, meeting_id, clock_px=120)
    st.session_state["timer_revision"] = stored.revision
    if message := st.session_state.pop("timer_message", None):
        st.warning(message)
    buttons = st.columns([1, 1, 1, 1, 2, 1])
    running = stored.status in ("running", "paused")
    if stored.status == "idle":
        buttons[0].button(
            tr("timer.start"), key="t_start", type="primary", on_click=press, args=("start",)
        )
    elif stored.status == "running":
        buttons[0].button(tr("timer.pause"), key="t_pause", on_click=press, args=("pause",))
    elif stored.status == "paused":
        buttons[0].button(
            tr("timer.resume"), key="t_resume", type="primary", on_click=press, args=("resume",)
        )
    buttons[1].button(
        tr("timer.previous"),
        key="t_previous",
        disabled=not running or shown.current == 0,
        on_click=press,
        args=("previous",),
    )
    buttons[2].button(
        tr("timer.next_button"),
        key="t_next",
        disabled=not running or shown.current + 1 >= len(current.blocks),
        on_click=press,
        args=("next",),
    )
    buttons[3].button(
        tr("timer.end"), key="t_end", disabled=not running, on_click=press, args=("end",)
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


live_timer()
meeting_blocks.auto_advance_control(store, user)

tabs = st.tabs([tr("meeting.tab.prepare")] + [tr(f"meeting.tab.{n}") for n in range(1, 6)])
with tabs[0]:
    meeting_blocks.prepare(store, user, current)
with tabs[1]:
    meeting_blocks.outcomes_area(store, current)
with tabs[2]:
    meeting_blocks.panel_area(store, user, current)
with tabs[3]:
    meeting_blocks.notes_area(store, user, current)
with tabs[4]:
    meeting_blocks.matrix_area(store)
with tabs[5]:
    meeting_close.close_area(store, user, current)
