"""Correcting a meeting's notes: edit or delete one (role-checked, audited), and the notes list
with the title of the backlog item each one became.

Capturing a note and sending it to the backlog live in kpi.cockpit.meeting; the same field rules
apply here (meeting_record.clean_note), and, like a new note, a note of a closed meeting is not changed.
"""

from kpi.access.roles import Actor, require
from kpi.cockpit.meeting_record import MeetingError, clean_note, meeting_row
from kpi.store.database import Store
from kpi.store.writer import Writer


def _open_note(w: Writer, note_id: int) -> dict:
    """The note to change, refused when unknown or when its meeting is closed."""
    rows = w.rows("SELECT * FROM notes WHERE id = ?", [note_id])
    if not rows:
        raise MeetingError("meeting.error.unknown_note", note_id=note_id)
    meeting_id = rows[0]["meeting_id"]
    if meeting_id is not None and meeting_row(w, meeting_id)["status"] == "closed":
        raise MeetingError("meeting.error.closed")
    return rows[0]


def update_note(store: Store, actor: Actor, note_id: int, **fields) -> dict:
    """Replace a note's kind, text, why, area, root cause, owner and KPI."""
    require(actor, "notes")
    clean = clean_note(**fields)
    with store.write(actor, "notes") as w:
        _open_note(w, note_id)
        return w.update("notes", {"id": note_id}, clean)


def delete_note(store: Store, actor: Actor, note_id: int) -> None:
    """Remove a note. The backlog item it became stays (its description holds the note's text);
    only its link back to the note is cleared."""
    require(actor, "notes")
    with store.write(actor, "notes") as w:
        item_id = _open_note(w, note_id)["backlog_item_id"]
        w.delete("notes", {"id": note_id})
        if w.rows("SELECT id FROM backlog_items WHERE id = ?", [item_id]):
            w.update(
                "backlog_items", {"id": item_id}, {"source_note_id": None, "updated_at": w.now}
            )


def notes_with_items(store: Store, meeting_id: int) -> list[dict]:
    """The meeting's notes, oldest first, each with `backlog_title` (None until sent)."""
    return store.rows(
        "SELECT n.*, b.title AS backlog_title FROM notes n "
        "LEFT JOIN backlog_items b ON b.id = n.backlog_item_id "
        "WHERE n.meeting_id = ? ORDER BY n.id",
        [meeting_id],
    )
