"""A meeting as stored and read: its records, the rules for what people type into it, and the
queries the pages read it by."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kpi.cockpit import timer
from kpi.cockpit.agenda_templates import TEMPLATES, TRACCION
from kpi.cockpit.backlog_rules import AREAS
from kpi.engine import catalogue
from kpi.errors import (
    DECISIONS_MAX,
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    InvalidInput,
    TextField,
    one_of,
)
from kpi.i18n import DEFAULT_LANGUAGE
from kpi.store.database import Store
from kpi.store.settings import get_settings
from kpi.store.writer import Writer

MEETING_DAYS = 14
MAX_ATTENDEES = 60  # with names of at most SHORT_TEXT_MAX characters, bounds the stored list
# The text people type into a meeting (limits and line rules in kpi.errors.user_text).
TITLE = TextField("meeting.title", TITLE_MAX)
ATTENDEE = TextField("meeting.attendees", SHORT_TEXT_MAX)
DECISIONS = TextField("meeting.decisions", DECISIONS_MAX, multiline=True)
BLOCK_TEXT = {
    "name": TextField("meeting.col.block", TITLE_MAX),
    "leader": TextField("meeting.col.leader", TITLE_MAX),
    "content": TextField("meeting.col.content", LONG_TEXT_MAX, multiline=True),
}
LEARNING_KINDS = ("worked", "did_not_work")
BLOCKER_KINDS = ("dependency", "risk")
NOTE_KINDS = LEARNING_KINDS + BLOCKER_KINDS
NOTE_TEXT = {
    "text": TextField("meeting.note.text", LONG_TEXT_MAX, multiline=True),
    "why": TextField("meeting.note.why", LONG_TEXT_MAX, multiline=True),
    "root_cause": TextField("meeting.note.root_cause", LONG_TEXT_MAX, multiline=True),
    "owner": TextField("meeting.note.owner", SHORT_TEXT_MAX),
}


class MeetingError(InvalidInput):
    """A refused meeting change, explained in both languages."""


@dataclass(frozen=True)
class AgendaBlock:
    position: int
    name: str
    minutes: float
    leader: str
    content: str
    actual_start: datetime | None
    actual_end: datetime | None
    actual_seconds: float


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str
    meeting_date: date
    status: str
    attendees: list[str]
    next_review: date | None
    kpi_snapshot: dict | None
    decisions: str
    created_by: str
    closed_at: datetime | None
    blocks: list[AgendaBlock]
    # The latest reopening for corrections (None if never reopened); the audit log has them all.
    reopened_at: datetime | None = None
    reopened_by: str | None = None
    template: str = TRACCION  # kpi/cockpit/agenda_templates.py

    @property
    def review_date(self) -> date:
        return self.next_review or self.meeting_date + timedelta(days=MEETING_DAYS)


def default_agenda(lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The method's 45-minute tracción agenda (DESIGN §1)."""
    return TEMPLATES[TRACCION].agenda(lang)


def default_meeting_date(store: Store, today: date | None = None) -> date:
    """Fourteen days after the latest tracción (reviews and committees keep their own
    calendar), else today."""
    latest = (
        store.state()
        .execute("SELECT max(meeting_date) FROM meetings WHERE template = ?", [TRACCION])
        .fetchone()[0]
    )
    if latest is None:
        return today or store.now().date()
    return latest + timedelta(days=MEETING_DAYS)


def clean_agenda(blocks: list[dict]) -> list[dict]:
    """Validate an edited agenda: at least one block, each with a name and minutes in (0, 180]."""
    cleaned = []
    for block in blocks:
        name = BLOCK_TEXT["name"].clean(block.get("name"))
        if not name:
            continue
        try:
            minutes = float(block.get("minutes") or 0)
        except (TypeError, ValueError):
            raise MeetingError("meeting.error.minutes", name=name) from None
        if not 0 < minutes <= 180:
            raise MeetingError("meeting.error.minutes", name=name)
        cleaned.append(
            {
                "name": name,
                "minutes": minutes,
                "leader": BLOCK_TEXT["leader"].clean(block.get("leader")),
                "content": BLOCK_TEXT["content"].clean(block.get("content")),
            }
        )
    if not cleaned:
        raise MeetingError("meeting.error.no_blocks")
    return cleaned


def clean_attendees(names: list[str]) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively), in the order given; at most MAX_ATTENDEES."""
    seen: set[str] = set()
    result = []
    for name in names:
        name = ATTENDEE.clean(name)
        if name and name.casefold() not in seen:
            if len(result) == MAX_ATTENDEES:
                raise MeetingError("meeting.error.attendees", cap=MAX_ATTENDEES)
            seen.add(name.casefold())
            result.append(name)
    return result


def meeting_row(source: Store | Writer, meeting_id: int) -> dict:
    """The stored row of a meeting (read in a write transaction or outside one)."""
    rows = source.rows("SELECT * FROM meetings WHERE id = ?", [meeting_id])
    if not rows:
        raise MeetingError("meeting.error.unknown", meeting_id=meeting_id)
    return rows[0]


def get_meeting(store: Store, meeting_id: int) -> Meeting:
    row = meeting_row(store, meeting_id)
    blocks = [
        AgendaBlock(
            b["position"],
            b["name"],
            b["minutes"],
            b["leader"] or "",
            b["content"] or "",
            b["actual_start"],
            b["actual_end"],
            b["actual_seconds"] or 0.0,
        )
        for b in store.rows(
            "SELECT * FROM agenda_blocks WHERE meeting_id = ? ORDER BY position", [meeting_id]
        )
    ]
    return Meeting(
        id=row["id"],
        title=row["title"],
        meeting_date=row["meeting_date"],
        status=row["status"],
        attendees=json.loads(row["attendees"] or "[]"),
        next_review=row["next_review"],
        kpi_snapshot=json.loads(row["kpi_snapshot"]) if row["kpi_snapshot"] else None,
        decisions=row["decisions"] or "",
        created_by=row["created_by"],
        closed_at=row["closed_at"],
        blocks=blocks,
        reopened_at=row["reopened_at"],
        reopened_by=row["reopened_by"],
        template=row["template"],
    )


def list_meetings(store: Store, search: str | None = None) -> list[dict]:
    """Meetings newest first with their average rating; `search` matches title, attendees,
    decisions, notes and the sprint's actions (case-insensitive)."""
    sql = (
        "SELECT m.id, m.title, m.meeting_date, m.status, m.attendees, m.next_review, "
        "m.template, (SELECT avg(rating) FROM meeting_ratings r WHERE r.meeting_id = m.id) AS rating "
        "FROM meetings m"
    )
    params: list = []
    needle = str(search or "").strip()[:TITLE_MAX]
    if needle:
        pattern = f"%{needle}%"
        sql += (
            " WHERE m.title ILIKE ? OR m.attendees ILIKE ? OR coalesce(m.decisions, '') ILIKE ?"
            " OR EXISTS (SELECT 1 FROM notes n WHERE n.meeting_id = m.id AND (n.text ILIKE ?"
            " OR coalesce(n.why, '') ILIKE ? OR coalesce(n.root_cause, '') ILIKE ?))"
            " OR EXISTS (SELECT 1 FROM sprint_actions a WHERE a.meeting_id = m.id AND"
            " (a.title ILIKE ? OR a.owner ILIKE ?))"
        )
        params = [pattern] * 8
    sql += " ORDER BY m.meeting_date DESC, m.id DESC"
    meetings = store.rows(sql, params)
    for meeting in meetings:
        meeting["attendees"] = json.loads(meeting["attendees"] or "[]")
    return meetings


def active_meeting_id(store: Store) -> int | None:
    """The meeting a projector should show: a running timer first, else the newest open one."""
    rows = store.rows(
        "SELECT m.id FROM meetings m LEFT JOIN timer_state s ON s.meeting_id = m.id "
        "WHERE m.status <> 'closed' ORDER BY (s.status IN ('running', 'paused')) DESC NULLS "
        "LAST, m.meeting_date DESC, m.id DESC LIMIT 1"
    )
    return rows[0]["id"] if rows else None


def previous_meeting_id(store: Store, meeting_id: int) -> int | None:
    """The meeting of the same template held before this one (a tracción reviews the previous
    tracción's sprint in block 2, whatever reviews or committees came between)."""
    current = meeting_row(store, meeting_id)
    rows = store.rows(
        "SELECT id FROM meetings WHERE template = ? AND (meeting_date < ? "
        "OR (meeting_date = ? AND id < ?)) ORDER BY meeting_date DESC, id DESC LIMIT 1",
        [current["template"], current["meeting_date"], current["meeting_date"], meeting_id],
    )
    return rows[0]["id"] if rows else None


def timer_of(store: Store, meeting_id: int) -> timer.Timer:
    return timer.load(store.state(), meeting_id)


def auto_advance(store: Store) -> bool:
    return bool(get_settings(store)["auto_advance"])


def list_notes(store: Store, meeting_id: int) -> list[dict]:
    return store.rows("SELECT * FROM notes WHERE meeting_id = ? ORDER BY id", [meeting_id])


def ratings(store: Store, meeting_id: int) -> dict[str, int]:
    rows = (
        store.state()
        .execute(
            "SELECT attendee, rating FROM meeting_ratings WHERE meeting_id = ? ORDER BY attendee",
            [meeting_id],
        )
        .fetchall()
    )
    return dict(rows)


def average_rating(store: Store, meeting_id: int) -> float | None:
    values = list(ratings(store, meeting_id).values())
    return sum(values) / len(values) if values else None


def clean_note(
    *,
    kind: str,
    text: str,
    why: str | None = None,
    area: str | None = None,
    root_cause: str | None = None,
    owner: str | None = None,
    kpi_id: str | None = None,
) -> dict:
    """A note's fields validated (known kind, area and KPI; non-blank text; limits)."""
    if kind not in NOTE_KINDS:
        raise MeetingError("meeting.error.note_kind", kind=str(kind)[:40])
    typed = {"text": text, "why": why, "root_cause": root_cause, "owner": owner}
    clean = {field: NOTE_TEXT[field].clean(value) or None for field, value in typed.items()}
    if not clean["text"]:
        raise MeetingError("meeting.error.note_text")
    area = one_of(area, "meeting.note.area", AREAS)
    kpi_id = one_of(kpi_id, "meeting.note.kpi", catalogue.BY_ID)
    return {"kind": kind, **clean, "area": area, "kpi_id": kpi_id}
