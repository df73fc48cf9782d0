"""The meeting's block 3: capture learnings, risks and blockers, correct or delete them, send one
to the backlog; and the confirm dialogs blocks 3 and 5 share."""

import streamlit as st

from app_pages.widgets import common, rejections_candidates
from app_pages.widgets.fields import kpi_select
from app_pages.widgets.meeting_blocks import attempt
from kpi.access.roles import Actor
from kpi.cockpit import backlog, meeting, notes
from kpi.cockpit.meeting import NOTE_TEXT, Meeting
from kpi.engine import catalogue
from kpi.store.database import Store
from kpi.text import escape_markdown

# The open dialog as (kind, row id): kept in session state so the dialog is drawn again on
# every rerun until it is confirmed, cancelled or dismissed.
DIALOG = "meeting_dialog"
NOTE_FIELDS = ("kind", "text", "why", "area", "owner", "kpi_id", "root_cause")


def close_dialog() -> None:
    st.session_state.pop(DIALOG, None)


def dialog_button(where, label: str, kind: str, row_id: int, prefill: dict | None = None):
    """A button opening the `kind` dialog for row `row_id`, its widgets set to `prefill`."""

    def open_dialog() -> None:
        st.session_state[DIALOG] = (kind, row_id)
        st.session_state.update(prefill or {})

    where.button(label, key=f"{kind}_{row_id}", on_click=open_dialog)


def dialog_row(kind: str) -> int | None:
    """The row whose `kind` dialog is open, if any."""
    wanted = st.session_state.get(DIALOG)
    return wanted[1] if wanted and wanted[0] == kind else None


def show_dialog(title: str, body, *args) -> None:
    st.dialog(title, on_dismiss=close_dialog)(body)(*args)


def dialog_write(write, success: str) -> None:
    """Apply the dialog's write; the dialog closes once it is done (a refusal keeps it open)."""

    def write_and_close():
        result = write()
        close_dialog()
        return result

    attempt(write_and_close, success)


def confirm_delete(shown: str, consequence: str | None, write, success: str) -> None:
    """A delete dialog's body: what goes (`shown`, user text), what follows, confirm or cancel."""
    tr = common.tr
    st.text(shown)
    if consequence:
        st.caption(consequence)
    left, right = st.columns(2)
    if left.button(tr("meeting.delete"), type="primary", key="dialog_confirm"):
        dialog_write(write, success)
    cancel_button(right)


def cancel_button(where) -> None:
    if where.button(common.tr("meeting.cancel"), key="dialog_cancel"):
        close_dialog()
        st.rerun()


def notes_area(store: Store, user: Actor, current: Meeting) -> None:
    note_form(store, user, current)
    notes_list(store, user, current)
    rejections_candidates.disputed_candidates(store, user, current)


def note_fields(prefix: str) -> dict:
    """A note's inputs (inside a form), keyed `{prefix}_{field}`; returns the typed values."""
    tr = common.tr
    kind = st.selectbox(
        tr("meeting.note.kind"),
        meeting.NOTE_KINDS,
        format_func=lambda k: tr(f"meeting.kind.{k}"),
        key=f"{prefix}_kind",
    )
    text = st.text_area(
        tr("meeting.note.text"), height=80, max_chars=NOTE_TEXT["text"].limit, key=f"{prefix}_text"
    )
    why = st.text_input(
        tr("meeting.note.why"), max_chars=NOTE_TEXT["why"].limit, key=f"{prefix}_why"
    )
    left, middle, right = st.columns(3)
    area = left.selectbox(
        tr("meeting.note.area"),
        [None, *backlog.AREAS],
        format_func=lambda a: tr(f"backlog.area.{a}") if a else "—",
        key=f"{prefix}_area",
    )
    owner = middle.text_input(
        tr("meeting.note.owner"), max_chars=NOTE_TEXT["owner"].limit, key=f"{prefix}_owner"
    )
    kpi_id = kpi_select(right, tr("meeting.note.kpi"), key=f"{prefix}_kpi")
    root_cause = st.text_input(
        tr("meeting.note.root_cause"),
        max_chars=NOTE_TEXT["root_cause"].limit,
        key=f"{prefix}_root_cause",
    )
    note = {"kind": kind, "text": text, "why": why, "area": area, "owner": owner}
    return note | {"root_cause": root_cause, "kpi_id": kpi_id}


def note_form(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    with st.form("note_form", clear_on_submit=True):
        note = note_fields("note")
        if not st.form_submit_button(tr("meeting.note.add"), type="primary", key="note_add"):
            return
    attempt(lambda: meeting.add_note(store, user, current.id, **note), tr("meeting.note.added"))


def note_heading(note: dict) -> str:
    """Kind, owner, area and KPI of a note, as Markdown (the owner is user text)."""
    tr, lang = common.tr, common.lang()
    parts = [f"**{tr('meeting.kind.' + note['kind'])}**", escape_markdown(note["owner"] or "—")]
    if note["area"]:
        parts.append(tr(f"backlog.area.{note['area']}"))
    if note["kpi_id"]:
        parts.append(escape_markdown(catalogue.label_of(note["kpi_id"], lang)))
    return " · ".join(parts)


def notes_list(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    listed = notes.notes_with_items(store, current.id)
    st.subheader(tr("meeting.notes", count=len(listed)))
    editable = user.can("notes")
    for note in listed:
        left, right = st.columns([4, 1])
        left.markdown(note_heading(note))
        left.text(meeting.note_text(note, tr("meeting.note.why"), tr("meeting.note.root_cause")))
        if note["backlog_item_id"]:
            title = escape_markdown(note["backlog_title"] or "—")
            right.page_link(
                "app_pages/backlog.py",
                label=tr("meeting.note.backlog_link", title=title),
                icon="🗂️",
            )
        elif editable and right.button(
            tr("meeting.note.to_backlog"), key=f"to_backlog_{note['id']}"
        ):
            attempt(
                lambda n=note: meeting.note_to_backlog(store, user, n["id"]),
                tr("meeting.note.moved"),
            )
        if editable:
            prefill = {f"note_edit_{f}": note[f] for f in NOTE_FIELDS if f != "kpi_id"}
            prefill["note_edit_kpi"] = note["kpi_id"]
            dialog_button(right, tr("meeting.edit"), "note_edit", note["id"], prefill)
            dialog_button(right, tr("meeting.delete"), "note_delete", note["id"])
    by_id = {note["id"]: note for note in listed}
    if (note_id := dialog_row("note_edit")) in by_id:
        show_dialog(tr("meeting.note.edit.title"), edit_note, store, user, note_id)
    if (note_id := dialog_row("note_delete")) in by_id:
        show_dialog(tr("meeting.note.delete.title"), delete_note, store, user, by_id[note_id])


def edit_note(store: Store, user: Actor, note_id: int) -> None:
    with st.form("note_edit_form"):
        note = note_fields("note_edit")
        saved = st.form_submit_button(common.tr("meeting.save"), type="primary")
    if saved:
        dialog_write(
            lambda: notes.update_note(store, user, note_id, **note),
            common.tr("meeting.note.updated"),
        )
    cancel_button(st)


def delete_note(store: Store, user: Actor, note: dict) -> None:
    kept = note["backlog_title"]
    confirm_delete(
        note["text"],
        common.tr("meeting.note.delete.keeps_item", title=escape_markdown(kept)) if kept else None,
        lambda: notes.delete_note(store, user, note["id"]),
        common.tr("meeting.note.deleted"),
    )
