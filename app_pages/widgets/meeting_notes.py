"""The meeting's block 3: capture learnings, risks and blockers; send one to the backlog."""

import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.fields import kpi_select
from app_pages.widgets.meeting_blocks import attempt
from kpi.access.roles import Actor
from kpi.cockpit import backlog, meeting
from kpi.cockpit.meeting import NOTE_TEXT, Meeting
from kpi.store.database import Store
from kpi.text import escape_markdown


def notes_area(store: Store, user: Actor, current: Meeting) -> None:
    note_form(store, user, current)
    notes_list(store, user, current)


def note_form(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    with st.form("note_form", clear_on_submit=True):
        kind = st.selectbox(
            tr("meeting.note.kind"),
            meeting.NOTE_KINDS,
            format_func=lambda k: tr(f"meeting.kind.{k}"),
            key="note_kind",
        )
        text = st.text_area(
            tr("meeting.note.text"), height=80, max_chars=NOTE_TEXT["text"].limit, key="note_text"
        )
        why = st.text_input(
            tr("meeting.note.why"), max_chars=NOTE_TEXT["why"].limit, key="note_why"
        )
        left, middle, right = st.columns(3)
        area = left.selectbox(
            tr("meeting.note.area"),
            [None, *backlog.AREAS],
            format_func=lambda a: tr(f"backlog.area.{a}") if a else "—",
            key="note_area",
        )
        owner = middle.text_input(
            tr("meeting.note.owner"), max_chars=NOTE_TEXT["owner"].limit, key="note_owner"
        )
        kpi_id = kpi_select(right, tr("meeting.note.kpi"), key="note_kpi")
        root_cause = st.text_input(
            tr("meeting.note.root_cause"),
            max_chars=NOTE_TEXT["root_cause"].limit,
            key="note_root_cause",
        )
        if not st.form_submit_button(tr("meeting.note.add"), type="primary", key="note_add"):
            return
    note = {"kind": kind, "text": text, "why": why, "area": area, "owner": owner}
    note |= {"root_cause": root_cause, "kpi_id": kpi_id}
    attempt(lambda: meeting.add_note(store, user, current.id, **note), tr("meeting.note.added"))


def notes_list(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    notes = meeting.list_notes(store, current.id)
    st.subheader(tr("meeting.notes", count=len(notes)))
    for note in notes:
        left, right = st.columns([4, 1])
        owner = escape_markdown(note["owner"] or "—")
        left.markdown(f"**{tr('meeting.kind.' + note['kind'])}** · {owner}")
        left.text(meeting.note_text(note, tr("meeting.note.why"), tr("meeting.note.root_cause")))
        if note["backlog_item_id"]:
            right.caption(tr("meeting.note.in_backlog", item=note["backlog_item_id"]))
        elif right.button(tr("meeting.note.to_backlog"), key=f"to_backlog_{note['id']}"):
            attempt(
                lambda n=note: meeting.note_to_backlog(store, user, n["id"]),
                tr("meeting.note.moved"),
            )
