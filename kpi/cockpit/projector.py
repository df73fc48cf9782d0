"""What the projector shows for a meeting: the mode the facilitator picked (stored and audited)
and the notes of the running block."""

from dataclasses import dataclass
from datetime import datetime

from kpi.access.roles import Actor
from kpi.cockpit import timer
from kpi.cockpit.meeting_record import MeetingError, auto_advance, list_notes, timer_of
from kpi.store.database import Store

# The projector's modes, in the order the facilitator's picker offers them; labels live in
# kpi/strings/projector.toml as `projector.mode.<mode>`.
MODES = ("timer", "board", "notes", "actions")
DEFAULT_MODE = MODES[0]


@dataclass(frozen=True)
class Screen:
    """What one projector refresh needs: the meeting's status and the mode to draw."""

    closed: bool
    mode: str


def _known(mode: object) -> str:
    """A stored mode this build knows, else the timer (a mode a newer build wrote, say)."""
    return mode if mode in MODES else DEFAULT_MODE


def mode_of(store: Store, meeting_id: int) -> str:
    """The meeting's projector mode (the timer until the facilitator picks another)."""
    rows = store.rows("SELECT mode FROM projector_modes WHERE meeting_id = ?", [meeting_id])
    return _known(rows[0]["mode"] if rows else None)


def screen(store: Store, meeting_id: int) -> Screen:
    """One cheap state read per second: is the meeting closed, and which mode is chosen."""
    rows = store.rows(
        "SELECT m.status, p.mode FROM meetings m "
        "LEFT JOIN projector_modes p ON p.meeting_id = m.id WHERE m.id = ?",
        [meeting_id],
    )
    if not rows:
        raise MeetingError("meeting.error.unknown", meeting_id=meeting_id)
    return Screen(closed=rows[0]["status"] == "closed", mode=_known(rows[0]["mode"]))


def set_mode(store: Store, actor: Actor, meeting_id: int, mode: str) -> str:
    """The facilitator's choice for the room (editors and admins; audited)."""
    if mode not in MODES:
        raise MeetingError("projector.error.mode", mode=str(mode)[:40])
    with store.write(actor, "meeting") as w:
        if not w.rows("SELECT id FROM meetings WHERE id = ?", [meeting_id]):
            raise MeetingError("meeting.error.unknown", meeting_id=meeting_id)
        w.upsert(
            "projector_modes",
            {"meeting_id": meeting_id},
            {"mode": mode, "changed_by": actor.username, "changed_at": w.now},
        )
    return mode


def block_notes(store: Store, meeting_id: int, now: datetime) -> tuple[int, list[dict]]:
    """The running block's position and the notes taken since it first started (every note of
    the meeting while the timer has not started: the room sees what preparation captured)."""
    settled = timer.settle(timer_of(store, meeting_id), now, auto_advance(store))
    started = settled.blocks[settled.current].actual_start
    notes = list_notes(store, meeting_id)
    return settled.current, [n for n in notes if started is None or n["created_at"] >= started]
