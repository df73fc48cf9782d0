"""What mail is due on a day, from the cockpit state: minutes of closed meetings, the brief the
day before a planned meeting, reminders of open sprint actions."""

import json
from dataclasses import dataclass
from datetime import date, timedelta

from kpi.store.database import Store

# Older news is history: a first run on a long-used database mails nothing from before this.
LOOKBACK_DAYS = 7
BRIEF_DAYS_BEFORE = 1  # the brief goes 24 h ahead (meetings have a day, not an hour)
REMINDER_DAYS_BEFORE = 2


@dataclass(frozen=True)
class Due:
    """One piece of news and who it is for: `due_on` is the day it became due."""

    kind: str
    object_id: int
    due_on: date
    names: tuple[str, ...]

    def key(self, username: str) -> str:
        """The outbox key: one message per kind, object, recipient and due day."""
        return f"{self.kind}:{self.object_id}:{username}:{self.due_on.isoformat()}"


def _attendees(raw: str | None) -> tuple[str, ...]:
    return tuple(json.loads(raw or "[]"))


def due_on(store: Store, today: date) -> list[Due]:
    """Everything due on `today` (and not older than LOOKBACK_DAYS)."""
    earliest = today - timedelta(days=LOOKBACK_DAYS)
    closed = store.rows(
        "SELECT id, attendees, CAST(closed_at AS DATE) AS day FROM meetings "
        "WHERE status = 'closed' AND CAST(closed_at AS DATE) BETWEEN ? AND ? ORDER BY id",
        [earliest, today],
    )
    planned = store.rows(
        "SELECT id, attendees, meeting_date FROM meetings "
        "WHERE status = 'planned' AND meeting_date BETWEEN ? AND ? ORDER BY id",
        [today, today + timedelta(days=BRIEF_DAYS_BEFORE)],
    )
    actions = store.rows(
        "SELECT id, owner, due_date FROM sprint_actions "
        "WHERE status = 'planned' AND due_date BETWEEN ? AND ? ORDER BY id",
        [earliest - timedelta(days=1), today + timedelta(days=REMINDER_DAYS_BEFORE)],
    )
    found = [Due("minutes", m["id"], m["day"], _attendees(m["attendees"])) for m in closed]
    found += [
        Due(
            "brief",
            m["id"],
            m["meeting_date"] - timedelta(days=BRIEF_DAYS_BEFORE),
            _attendees(m["attendees"]),
        )
        for m in planned
    ]
    for action in actions:
        due = action["due_date"]
        if due >= today:
            kind, day = "action_due", due - timedelta(days=REMINDER_DAYS_BEFORE)
        else:
            kind, day = "action_overdue", due + timedelta(days=1)
        found.append(Due(kind, action["id"], day, (action["owner"],)))
    return found
