"""Tracción meetings: agenda, attendees, timer commands, learnings and blockers, ratings, closing."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kpi.access.roles import Actor, require
from kpi.cockpit import backlog, outcomes, timer
from kpi.engine import catalogue
from kpi.engine.alerts import misalignment_alerts
from kpi.engine.compute import compute_scorecard
from kpi.errors import (
    DECISIONS_MAX,
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    InvalidInput,
    TextField,
    business_date,
    one_of,
)
from kpi.i18n import DASH, DEFAULT_LANGUAGE, fmt_date, t
from kpi.store.database import Store
from kpi.store.settings import get_settings

MEETING_DAYS = 14
LEARNING_KINDS = ("worked", "did_not_work")
BLOCKER_KINDS = ("dependency", "risk")
NOTE_KINDS = LEARNING_KINDS + BLOCKER_KINDS
# The method's agenda (DESIGN §1): string key suffix and planned minutes of each block.
DEFAULT_BLOCKS = (("1", 5), ("2", 10), ("3", 15), ("4", 10), ("5", 5))
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

    @property
    def review_date(self) -> date:
        return self.next_review or self.meeting_date + timedelta(days=MEETING_DAYS)


def _rows(cur, sql: str, params: list | None = None) -> list[dict]:
    rel = cur.execute(sql, params or [])
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def default_agenda(lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    return [
        {
            "name": t(f"meeting.block.{key}.name", lang),
            "minutes": minutes,
            "leader": t(f"meeting.block.{key}.leader", lang),
            "content": t(f"meeting.block.{key}.content", lang),
        }
        for key, minutes in DEFAULT_BLOCKS
    ]


def default_meeting_date(store: Store, today: date | None = None) -> date:
    """Fourteen days after the latest meeting, else today."""
    latest = store.state().execute("SELECT max(meeting_date) FROM meetings").fetchone()[0]
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


def create_meeting(
    store: Store,
    actor: Actor,
    *,
    meeting_date: date | None = None,
    title: str | None = None,
    attendees: list[str] | None = None,
    agenda: list[dict] | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> int:
    require(actor, "meeting")
    day = business_date(meeting_date or default_meeting_date(store), "meeting_date")
    blocks = clean_agenda(agenda if agenda is not None else default_agenda(lang))
    title = TITLE.clean(title) or t("meeting.default_title", lang, date=fmt_date(day, lang))
    with store.write(actor, "meeting") as w:
        meeting = w.insert(
            "meetings",
            {
                "title": title,
                "meeting_date": day,
                "attendees": json.dumps(clean_attendees(attendees or []), ensure_ascii=False),
                "next_review": day + timedelta(days=MEETING_DAYS),
                "created_by": actor.username,
                "created_at": w.now,
            },
        )
        for position, block in enumerate(blocks):
            w.insert("agenda_blocks", {"meeting_id": meeting["id"], "position": position, **block})
    return meeting["id"]


def _meeting_row(cur, meeting_id: int) -> dict:
    rows = _rows(cur, "SELECT * FROM meetings WHERE id = ?", [meeting_id])
    if not rows:
        raise MeetingError("meeting.error.unknown", meeting_id=meeting_id)
    return rows[0]


def get_meeting(store: Store, meeting_id: int) -> Meeting:
    cur = store.state()
    row = _meeting_row(cur, meeting_id)
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
        for b in _rows(
            cur, "SELECT * FROM agenda_blocks WHERE meeting_id = ? ORDER BY position", [meeting_id]
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
    )


def list_meetings(store: Store, search: str | None = None) -> list[dict]:
    """Meetings newest first with their average rating; `search` matches title, attendees,
    decisions, notes and the sprint's actions (case-insensitive)."""
    sql = (
        "SELECT m.id, m.title, m.meeting_date, m.status, m.attendees, m.next_review, "
        "(SELECT avg(rating) FROM meeting_ratings r WHERE r.meeting_id = m.id) AS rating "
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
    meetings = _rows(store.state(), sql, params)
    for meeting in meetings:
        meeting["attendees"] = json.loads(meeting["attendees"] or "[]")
    return meetings


def active_meeting_id(store: Store) -> int | None:
    """The meeting a projector should show: a running timer first, else the newest open one."""
    row = (
        store.state()
        .execute(
            "SELECT m.id FROM meetings m LEFT JOIN timer_state s ON s.meeting_id = m.id "
            "WHERE m.status <> 'closed' ORDER BY (s.status IN ('running', 'paused')) DESC NULLS "
            "LAST, m.meeting_date DESC, m.id DESC LIMIT 1"
        )
        .fetchone()
    )
    return row[0] if row else None


def previous_meeting_id(store: Store, meeting_id: int) -> int | None:
    """The meeting held before this one (its sprint is reviewed in block 2)."""
    current = _meeting_row(store.state(), meeting_id)
    row = (
        store.state()
        .execute(
            "SELECT id FROM meetings WHERE meeting_date < ? OR (meeting_date = ? AND id < ?) "
            "ORDER BY meeting_date DESC, id DESC LIMIT 1",
            [current["meeting_date"], current["meeting_date"], meeting_id],
        )
        .fetchone()
    )
    return row[0] if row else None


def _require_open(cur, meeting_id: int) -> dict:
    row = _meeting_row(cur, meeting_id)
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
        row = _require_open(w.cur, meeting_id)
        day = changes.get("meeting_date", row["meeting_date"])
        if changes.get("next_review", row["next_review"] or day) < day:
            raise MeetingError("meeting.error.next_review")
        w.update("meetings", {"id": meeting_id}, changes)


def replace_agenda(store: Store, actor: Actor, meeting_id: int, blocks: list[dict]) -> None:
    """Replace the agenda; only before the timer starts (times already run would lose their block)."""
    cleaned = clean_agenda(blocks)
    with store.write(actor, "meeting") as w:
        _require_open(w.cur, meeting_id)
        if timer.load(w.cur, meeting_id).status != "idle":
            raise MeetingError("meeting.error.agenda_started")
        old = w.cur.execute(
            "SELECT count(*) FROM agenda_blocks WHERE meeting_id = ?", [meeting_id]
        ).fetchone()[0]
        for position in range(old):
            w.delete("agenda_blocks", {"meeting_id": meeting_id, "position": position})
        for position, block in enumerate(cleaned):
            w.insert("agenda_blocks", {"meeting_id": meeting_id, "position": position, **block})


def timer_of(store: Store, meeting_id: int) -> timer.Timer:
    return timer.load(store.state(), meeting_id)


def auto_advance(store: Store) -> bool:
    return bool(get_settings(store)["auto_advance"])


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
        _require_open(w.cur, meeting_id)
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


def add_note(
    store: Store,
    actor: Actor,
    meeting_id: int,
    *,
    kind: str,
    text: str,
    why: str | None = None,
    area: str | None = None,
    root_cause: str | None = None,
    owner: str | None = None,
    kpi_id: str | None = None,
) -> dict:
    """A learning (worked / did not work, and why) or a blocker (dependency / risk)."""
    if kind not in NOTE_KINDS:
        raise MeetingError("meeting.error.note_kind", kind=str(kind)[:40])
    typed = {"text": text, "why": why, "root_cause": root_cause, "owner": owner}
    clean = {field: NOTE_TEXT[field].clean(value) or None for field, value in typed.items()}
    if not clean["text"]:
        raise MeetingError("meeting.error.note_text")
    area = one_of(area, "meeting.note.area", backlog.AREAS)
    kpi_id = one_of(kpi_id, "meeting.note.kpi", catalogue.BY_ID)
    with store.write(actor, "notes") as w:
        _require_open(w.cur, meeting_id)
        return w.insert(
            "notes",
            {
                "meeting_id": meeting_id,
                "kind": kind,
                **clean,
                "area": area,
                "kpi_id": kpi_id,
                "created_by": actor.username,
                "created_at": w.now,
            },
        )


def list_notes(store: Store, meeting_id: int) -> list[dict]:
    return _rows(
        store.state(), "SELECT * FROM notes WHERE meeting_id = ? ORDER BY id", [meeting_id]
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
    rows = _rows(store.state(), "SELECT * FROM notes WHERE id = ?", [note_id])
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
        effort=3,
        impact=3,
        kpi_id=note["kpi_id"] if note["kpi_id"] in catalogue.BY_ID else None,
        source_note_id=note_id,
    )
    with store.write(actor, "notes") as w:
        w.update("notes", {"id": note_id}, {"backlog_item_id": item["id"]})
    return item["id"]


def rate(store: Store, actor: Actor, meeting_id: int, attendee: str, rating: int) -> None:
    """One attendee's 1–10 rating of the meeting (a second rating replaces the first)."""
    if not isinstance(rating, int) or not 1 <= rating <= 10:
        raise MeetingError("meeting.error.rating")
    attendee = ATTENDEE.clean(attendee)
    meeting = get_meeting(store, meeting_id)
    if attendee not in meeting.attendees:
        raise MeetingError("meeting.error.not_attendee", name=attendee)
    with store.write(actor, "meeting") as w:
        w.upsert(
            "meeting_ratings", {"meeting_id": meeting_id, "attendee": attendee}, {"rating": rating}
        )


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


def scorecard_inputs(store: Store) -> tuple:
    """A cache key for the scorecard: facts, targets, settings and the day. Timer clicks, notes
    and actions leave it unchanged, so they never cause a recomputation."""
    versions = (
        store.state()
        .execute(
            "SELECT (SELECT count(*) FROM kpi_targets), (SELECT max(valid_from) FROM kpi_targets), "
            "(SELECT count(*) FROM settings), (SELECT max(valid_from) FROM settings)"
        )
        .fetchone()
    )
    return (store.facts_generation(), *versions, store.now().date())


def scorecard_snapshot(store: Store) -> dict:
    """The scorecard as it stands: value, status, target and unit of every KPI."""
    scorecard = compute_scorecard(store, period="quincena")
    return {
        "taken_at": store.now().isoformat(),
        "kpis": [
            {
                "kpi_id": r.kpi_id,
                "value": r.value,
                "status": r.status,
                "target": r.target,
                "unit": r.unit,
            }
            for r in scorecard.results
        ],
    }


def close_meeting(
    store: Store,
    actor: Actor,
    meeting_id: int,
    *,
    snapshot: dict | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Freeze the scorecard into the meeting, stop its timer and mark it closed."""
    require(actor, "meeting")
    frozen = snapshot if snapshot is not None else scorecard_snapshot(store)
    advance = auto_advance(store)
    with store.write(actor, "meeting") as w:
        _require_open(w.cur, meeting_id)
        moment = now or w.now
        if timer.load(w.cur, meeting_id).status in ("running", "paused"):
            timer.run_command(w, meeting_id, "end", now=moment, auto_advance=advance)
        w.update(
            "meetings",
            {"id": meeting_id},
            {
                "status": "closed",
                "closed_at": moment,
                "kpi_snapshot": json.dumps(frozen, ensure_ascii=False, default=str),
            },
        )
    return get_meeting(store, meeting_id)


# ---- what the facilitator's panel shows -------------------------------------------------------

# The method's four panel KPIs (DESIGN §1, block 2): MQL→SQL, win rate by ICP, time-to-value, NPS.
METHOD_KPIS = ("mql_to_sql_rate", "win_rate_icp", "time_to_value_days", "nps_post_delivery")


def method_results(scorecard) -> list:
    return [scorecard.get(kpi_id) for kpi_id in METHOD_KPIS]


def red_results(scorecard) -> list:
    """Every KPI in red this period (the method's four included: red is red)."""
    return [r for r in scorecard.results if r.status == "red"]


def outcome_rows(store: Store, quarter: str, today: date, lang: str = DEFAULT_LANGUAGE) -> list:
    """The quarter's outcomes with progress computed from the data, ready to show."""
    rows = []
    currency = get_settings(store)["currency"]
    for outcome in outcomes.list_outcomes(store, quarter):
        status = outcomes.outcome_status(store, outcome, today)
        kpi = catalogue.BY_ID[outcome["kpi_id"]]
        shown = {
            name: catalogue.format_value(kpi, value, lang, currency)
            for name, value in (
                ("baseline", status.baseline),
                ("current", status.current),
                ("target", outcome["target"]),
            )
        }
        verdict = {True: "on_track", False: "off_track", None: "unknown"}[status.on_track]
        rows.append(
            {
                "title": outcome["title"],
                "kpi": kpi.label(lang),
                "owner": outcome["owner"] or DASH,
                **shown,
                "progress": status.progress,
                "on_track": status.on_track,
                "summary": t(
                    "meeting.outcome.summary",
                    lang,
                    **shown,
                    verdict=t(f"meeting.outcome.{verdict}", lang),
                ),
            }
        )
    return rows


def note_text(note: dict, why_label: str, root_label: str) -> str:
    lines = [note["text"]]
    if note.get("why"):
        lines.append(f"{why_label}: {note['why']}")
    if note.get("root_cause"):
        lines.append(f"{root_label}: {note['root_cause']}")
    return "\n".join(lines)


def alert_texts(store: Store, scorecard, lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """The scorecard's misalignment alerts as (severity, sentence in `lang`)."""
    currency = get_settings(store)["currency"]
    return [
        (alert.severity, alert.text(lang, currency))
        for alert in misalignment_alerts(store, scorecard)
    ]
