"""Tracción meetings: every change to one (role-checked and audited): creating it, its agenda,
timer commands, notes, ratings, closing and reopening.

What a meeting is and how it is read live in meeting_record; the facilitator's panel in
meeting_panel.
"""

import json
from datetime import date, datetime, timedelta
from typing import Any

from kpi.access.roles import Actor, require
from kpi.cockpit import agenda_templates, backlog, timer
from kpi.cockpit.meeting_panel import (
    METHOD_KPIS,
    alert_texts,
    method_results,
    note_text,
    outcome_rows,
    red_results,
    scorecard_inputs,
    scorecard_snapshot,
)
from kpi.cockpit.meeting_record import (
    ATTENDEE,
    BLOCK_TEXT,
    BLOCKER_KINDS,
    DECISIONS,
    LEARNING_KINDS,
    MAX_ATTENDEES,
    MEETING_DAYS,
    NOTE_KINDS,
    NOTE_TEXT,
    TITLE,
    AgendaBlock,
    Meeting,
    MeetingError,
    active_meeting_id,
    auto_advance,
    average_rating,
    clean_agenda,
    clean_attendees,
    clean_note,
    default_agenda,
    default_meeting_date,
    get_meeting,
    list_meetings,
    list_notes,
    meeting_row,
    previous_meeting_id,
    ratings,
    timer_of,
)
from kpi.engine import catalogue
from kpi.errors import business_date
from kpi.i18n import DEFAULT_LANGUAGE, LANGUAGES
from kpi.store.database import Store
from kpi.store.writer import Writer

# The pages, the brief, the minutes and the tests reach the whole meeting API as `meeting.X`.
__all__ = [
    "ATTENDEE",
    "BLOCK_TEXT",
    "BLOCKER_KINDS",
    "DECISIONS",
    "LEARNING_KINDS",
    "MAX_ATTENDEES",
    "METHOD_KPIS",
    "NOTE_KINDS",
    "NOTE_TEXT",
    "TITLE",
    "AgendaBlock",
    "Meeting",
    "MeetingError",
    "active_meeting_id",
    "add_note",
    "alert_texts",
    "apply_template",
    "auto_advance",
    "average_rating",
    "clean_agenda",
    "clean_attendees",
    "close_meeting",
    "create_meeting",
    "default_agenda",
    "default_meeting_date",
    "get_meeting",
    "list_meetings",
    "list_notes",
    "method_results",
    "note_text",
    "note_to_backlog",
    "outcome_rows",
    "previous_meeting_id",
    "rate",
    "rate_attendees",
    "ratings",
    "red_results",
    "reopen_meeting",
    "replace_agenda",
    "scorecard_inputs",
    "scorecard_snapshot",
    "timer_command",
    "timer_of",
    "update_meeting",
]


def create_meeting(
    store: Store,
    actor: Actor,
    *,
    meeting_date: date | None = None,
    title: str | None = None,
    attendees: list[str] | None = None,
    agenda: list[dict] | None = None,
    lang: str = DEFAULT_LANGUAGE,
    template: str = agenda_templates.TRACCION,
) -> int:
    """A planned meeting of `template` (kpi/cockpit/agenda_templates.py): its agenda and title
    unless given."""
    require(actor, "meeting")
    kind = agenda_templates.template(template)
    day = business_date(meeting_date or default_meeting_date(store), "meeting_date")
    blocks = clean_agenda(agenda if agenda is not None else kind.agenda(lang))
    title = TITLE.clean(title) or kind.title(day, lang)
    with store.write(actor, "meeting") as w:
        meeting = w.insert(
            "meetings",
            {
                "title": title,
                "template": kind.key,
                "meeting_date": day,
                "attendees": json.dumps(clean_attendees(attendees or []), ensure_ascii=False),
                "next_review": day + timedelta(days=MEETING_DAYS),
                "created_by": actor.username,
                "created_at": w.now,
            },
        )
        _replace_blocks(w, meeting["id"], blocks)
    return meeting["id"]


def _require_open(w: Writer, meeting_id: int) -> dict:
    row = meeting_row(w, meeting_id)
    if row["status"] == "closed":
        raise MeetingError("meeting.error.closed")
    return row


def update_meeting(
    store: Store,
    actor: Actor,
    meeting_id: int,
    *,
    title: str | None = None,
    meeting_date: date | None = None,
    attendees: list[str] | None = None,
    next_review: date | None = None,
    decisions: str | None = None,
) -> None:
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = TITLE.clean(title)
        if not changes["title"]:
            raise MeetingError("meeting.error.title")
    if meeting_date is not None:
        changes["meeting_date"] = business_date(meeting_date, "meeting_date")
    if attendees is not None:
        changes["attendees"] = json.dumps(clean_attendees(attendees), ensure_ascii=False)
    if next_review is not None:
        changes["next_review"] = business_date(next_review, "next_review")
    if decisions is not None:
        changes["decisions"] = DECISIONS.clean(decisions)
    if not changes:
        return
    with store.write(actor, "meeting") as w:
        row = _require_open(w, meeting_id)
        day = changes.get("meeting_date", row["meeting_date"])
        if changes.get("next_review", row["next_review"] or day) < day:
            raise MeetingError("meeting.error.next_review")
        w.update("meetings", {"id": meeting_id}, changes)


def replace_agenda(store: Store, actor: Actor, meeting_id: int, blocks: list[dict]) -> None:
    """Replace the agenda; only before the timer starts (times already run would lose their block)."""
    cleaned = clean_agenda(blocks)
    with store.write(actor, "meeting") as w:
        _require_open(w, meeting_id)
        if timer.load(w.cur, meeting_id).status != "idle":
            raise MeetingError("meeting.error.agenda_started")
        _replace_blocks(w, meeting_id, cleaned)


def _replace_blocks(w: Writer, meeting_id: int, blocks: list[dict]) -> None:
    """The meeting's agenda becomes `blocks` (a new meeting has none to delete)."""
    old = w.cur.execute(
        "SELECT count(*) FROM agenda_blocks WHERE meeting_id = ?", [meeting_id]
    ).fetchone()[0]
    for position in range(old):
        w.delete("agenda_blocks", {"meeting_id": meeting_id, "position": position})
    for position, block in enumerate(blocks):
        w.insert("agenda_blocks", {"meeting_id": meeting_id, "position": position, **block})


def apply_template(
    store: Store, actor: Actor, meeting_id: int, template: str, lang: str = DEFAULT_LANGUAGE
) -> None:
    """Make a meeting not yet started one of `template`: its agenda becomes the template's, and
    a title still the old template's default (in either language) becomes the new one's."""
    kind = agenda_templates.template(template)
    blocks = clean_agenda(kind.agenda(lang))
    with store.write(actor, "meeting") as w:
        row = _require_open(w, meeting_id)
        if timer.load(w.cur, meeting_id).status != "idle":
            raise MeetingError("calendar.error.started")
        old = agenda_templates.TEMPLATES.get(row["template"], kind)
        defaults = {old.title(row["meeting_date"], language) for language in LANGUAGES}
        changes = {"template": kind.key}
        if row["title"] in defaults:
            changes["title"] = kind.title(row["meeting_date"], lang)
        w.update("meetings", {"id": meeting_id}, changes)
        _replace_blocks(w, meeting_id, blocks)


def timer_command(
    store: Store,
    actor: Actor,
    meeting_id: int,
    command: str,
    *,
    target: int | None = None,
    expected_revision: int | None = None,
    now: datetime | None = None,
) -> timer.Timer:
    """Apply a facilitator command in one transaction (read, change, store)."""
    advance = auto_advance(store)
    with store.write(actor, "meeting") as w:
        _require_open(w, meeting_id)
        changed = timer.run_command(
            w,
            meeting_id,
            command,
            now=now or w.now,
            target=target,
            expected_revision=expected_revision,
            auto_advance=advance,
        )
        if command == "start":
            w.update("meetings", {"id": meeting_id}, {"status": "running"})
    return changed


def add_note(store: Store, actor: Actor, meeting_id: int, **fields) -> dict:
    """A learning (worked / did not work, and why) or a blocker (dependency / risk): `fields` are
    clean_note's (kind, text, why, area, root_cause, owner, kpi_id)."""
    note = clean_note(**fields)
    with store.write(actor, "notes") as w:
        _require_open(w, meeting_id)
        return w.insert(
            "notes",
            {
                "meeting_id": meeting_id,
                **note,
                "created_by": actor.username,
                "created_at": w.now,
            },
        )


def _abridged(text: str, limit: int) -> str:
    """`text` when it fits, else cut to `limit` with a visible ellipsis (never a silent cut)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def note_to_backlog(store: Store, actor: Actor, note_id: int) -> int:
    """Turn a note into a backlog item (once: a second click returns the same item).

    The item's title is the note's text on one line, its description the text, why and root
    cause; either is abridged with an ellipsis when longer than the item's field allows (the
    whole note stays linked as the item's source)."""
    require(actor, "backlog")
    rows = store.rows("SELECT * FROM notes WHERE id = ?", [note_id])
    if not rows:
        raise MeetingError("meeting.error.unknown_note", note_id=note_id)
    note = rows[0]
    if note["backlog_item_id"] is not None:
        return note["backlog_item_id"]
    description = "\n".join(
        part for part in (note["text"], note["why"], note["root_cause"]) if part
    )
    area = note["area"] if note["area"] in backlog.AREAS else None
    item = backlog.create_item(
        store,
        actor,
        title=_abridged(" ".join(note["text"].split()), backlog.ITEM_TEXT["title"].limit),
        description=_abridged(description, backlog.ITEM_TEXT["description"].limit),
        area=area,
        owner=note["owner"],
        kpi_id=note["kpi_id"] if note["kpi_id"] in catalogue.BY_ID else None,
        source_note_id=note_id,
    )
    with store.write(actor, "notes") as w:
        w.update("notes", {"id": note_id}, {"backlog_item_id": item["id"]})
    return item["id"]


def rate(store: Store, actor: Actor, meeting_id: int, attendee: str, rating: int) -> None:
    """One attendee's 1–10 rating of the meeting (a second rating replaces the first)."""
    rate_attendees(store, actor, meeting_id, {attendee: rating})


def rate_attendees(store: Store, actor: Actor, meeting_id: int, given: dict[str, int]) -> int:
    """Several attendees' ratings in one write: all are stored or, if one is refused, none.
    Returns how many were stored."""
    cleaned = {}
    for attendee, rating in given.items():
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 10:
            raise MeetingError("meeting.error.rating")
        cleaned[ATTENDEE.clean(attendee)] = rating
    attendees = get_meeting(store, meeting_id).attendees
    for attendee in cleaned:
        if attendee not in attendees:
            raise MeetingError("meeting.error.not_attendee", name=attendee)
    with store.write(actor, "meeting") as w:
        for attendee, rating in cleaned.items():
            key = {"meeting_id": meeting_id, "attendee": attendee}
            w.upsert("meeting_ratings", key, {"rating": rating})
    return len(cleaned)


def close_meeting(
    store: Store,
    actor: Actor,
    meeting_id: int,
    *,
    snapshot: dict | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Freeze the scorecard into the meeting, stop its timer and mark it closed. A reopened
    meeting closed again keeps the scorecard the room saw at its first close."""
    require(actor, "meeting")
    if snapshot is None:
        kept = meeting_row(store, meeting_id)["kpi_snapshot"]
        snapshot = json.loads(kept) if kept else scorecard_snapshot(store)
    advance = auto_advance(store)
    with store.write(actor, "meeting") as w:
        _require_open(w, meeting_id)
        moment = now or w.now
        if timer.load(w.cur, meeting_id).status in ("running", "paused"):
            timer.run_command(w, meeting_id, "end", now=moment, auto_advance=advance)
        w.update(
            "meetings",
            {"id": meeting_id},
            {
                "status": "closed",
                "closed_at": moment,
                "kpi_snapshot": json.dumps(snapshot, ensure_ascii=False, default=str),
            },
        )
    return get_meeting(store, meeting_id)


def reopen_meeting(
    store: Store, actor: Actor, meeting_id: int, *, now: datetime | None = None
) -> Meeting:
    """Open a closed meeting again for corrections; the row records when and by whom (the
    minutes say so) and it can be closed again. Its timer stays ended until resumed."""
    with store.write(actor, "meeting") as w:
        if meeting_row(w, meeting_id)["status"] != "closed":
            raise MeetingError("meeting.error.not_closed")
        started = timer.load(w.cur, meeting_id).status != "idle"
        reopened = {"reopened_at": now or w.now, "reopened_by": actor.username}
        status = "running" if started else "planned"
        w.update("meetings", {"id": meeting_id}, {"status": status, **reopened})
    return get_meeting(store, meeting_id)
