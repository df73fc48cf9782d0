"""The facilitator's preparation tab: attendees, the agenda before the start, the brief."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.meeting_blocks import attempt
from kpi.access.auth import auth_path_for, list_users
from kpi.access.roles import Actor
from kpi.cockpit import brief, meeting
from kpi.cockpit.agenda_templates import TEMPLATES, TRACCION
from kpi.cockpit.meeting import Meeting
from kpi.errors import LONG_TEXT_MAX
from kpi.store.database import Store


def user_names() -> list[str]:
    return [u["name"] for u in list_users(auth_path_for(common.db_path()))]


def prepare(store: Store, user: Actor, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    attendees_area(store, user, current)
    template_area(store, user, current)
    agenda_area(store, user, current)
    st.subheader(tr("brief.title"))
    st.caption(tr("brief.help"))
    st.download_button(
        tr("brief.download"),
        data=lambda: brief.brief_markdown(store, lang, meeting_id=current.id),
        file_name=f"brief-{current.meeting_date.isoformat()}.md",
        mime="text/markdown",
        key="brief_download",
    )


def attendees_area(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    st.subheader(tr("meeting.attendees"))
    known = user_names()
    options = known + [a for a in current.attendees if a not in known]
    picked = st.multiselect(
        tr("meeting.attendees.pick"),
        options,
        default=current.attendees,
        placeholder=tr("meeting.attendees.placeholder"),
        key=f"attendees_picked_{current.id}",
    )
    typed = st.text_input(
        tr("meeting.attendees.typed"), max_chars=LONG_TEXT_MAX, key="attendees_typed"
    )
    if st.button(tr("meeting.attendees.save"), key="save_attendees"):
        attempt(
            lambda: meeting.update_meeting(
                store, user, current.id, attendees=picked + typed.split(",")
            ),
            tr("meeting.saved"),
        )


def template_select(where, key: str, current: str = TRACCION, disabled: bool = False) -> str:
    """A pick of agenda template by its name (here, and in the new-meeting form)."""
    return where.selectbox(
        common.tr("calendar.template"),
        list(TEMPLATES),
        index=list(TEMPLATES).index(current),
        format_func=lambda name: TEMPLATES[name].name(common.lang()),
        disabled=disabled,
        help=common.tr("calendar.prepare.help"),
        key=key,
    )


def template_area(store: Store, user: Actor, current: Meeting) -> None:
    """The meeting's agenda template; another one replaces the agenda, only before the start."""
    tr, lang = common.tr, common.lang()
    started = meeting.timer_of(store, current.id).status != "idle"
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = template_select(left, f"template_{current.id}", current.template, disabled=started)
    if right.button(
        tr("calendar.prepare.apply"),
        key="apply_template",
        disabled=started or picked == current.template,
    ):
        attempt(
            lambda: meeting.apply_template(store, user, current.id, picked, lang),
            tr("calendar.prepare.applied"),
        )


def agenda_area(store: Store, user: Actor, current: Meeting) -> None:
    """The agenda as an editable table, locked once the timer has started."""
    tr = common.tr
    st.subheader(tr("meeting.agenda"))
    started = meeting.timer_of(store, current.id).status != "idle"
    rows = pd.DataFrame(
        [
            {"name": b.name, "minutes": b.minutes, "leader": b.leader, "content": b.content}
            for b in current.blocks
        ]
    )
    text_column = {
        column: st.column_config.TextColumn(
            tr(f"meeting.col.{label}"),
            max_chars=meeting.BLOCK_TEXT[column].limit,
            required=column == "name",
        )
        for column, label in (("name", "block"), ("leader", "leader"), ("content", "content"))
    }
    edited = st.data_editor(
        rows,
        num_rows="dynamic",
        disabled=started,
        key=f"agenda_editor_{current.id}",
        width="stretch",
        column_config=text_column
        | {
            "minutes": st.column_config.NumberColumn(
                tr("meeting.col.minutes"), min_value=1, max_value=180, step=1, required=True
            ),
        },
    )
    st.caption(
        tr("meeting.agenda.total", minutes=f"{edited['minutes'].fillna(0).sum():g}")
        + (" " + tr("meeting.agenda.locked") if started else "")
    )
    if not started and st.button(tr("meeting.agenda.save"), key="save_agenda"):
        attempt(
            # Empty cells arrive as NaN/NA; the core expects None.
            lambda: meeting.replace_agenda(
                store,
                user,
                current.id,
                edited.astype(object).where(edited.notna(), None).to_dict("records"),
            ),
            tr("meeting.saved"),
        )
