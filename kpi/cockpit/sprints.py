"""Fortnightly sprints: which one is current, its actions, where a carried-over action goes,
how often sprints are completed and what their actions moved.

Sprint: the actions committed at one meeting (sprint_start = the meeting's date). Outside a
meeting the current sprint is, in order: a running meeting; else the most recent meeting not yet
closed dated today or earlier; else the most recent closed meeting whose 14 days still cover
today (its actions are being worked on, even if the next meeting is already planned); else the
next planned meeting; else a sprint without meeting starting on the current quincena (sprint
anchor + k·14 days).

Closed loop: an action linked to a KPI records the KPI over the 14 days before its sprint start
when it is added, and over the 14 days before its review when it is reviewed, both through the
scorecard engine with no filter; the difference is what the action moved.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from kpi.cockpit.agenda_templates import TRACCION
from kpi.cockpit.backlog_rules import BacklogError
from kpi.cockpit.meeting_record import meeting_row
from kpi.engine.compute import kpi_value
from kpi.errors import LONG_TEXT_MAX, SHORT_TEXT_MAX, TITLE_MAX, TextField
from kpi.store.database import Store
from kpi.store.settings import get_settings
from kpi.store.writer import Writer

MAX_ACTIONS = 3
SPRINT_DAYS = 14
REVIEW_STATUSES = ("done", "not_done", "carried_over")
ACTION_TEXT = {
    "title": TextField("sprint.col.title", TITLE_MAX),
    "owner": TextField("sprint.col.owner", SHORT_TEXT_MAX),
    "definition_of_done": TextField("sprint.col.done", LONG_TEXT_MAX, multiline=True),
}


class SprintFull(BacklogError):
    """The sprint already holds its three actions."""


@dataclass(frozen=True)
class Sprint:
    """One fortnightly sprint: the actions of one meeting (or of a quincena with no meeting)."""

    meeting_id: int | None
    start: date

    @property
    def review_date(self) -> date:
        return self.start + timedelta(days=SPRINT_DAYS)


def quincena_start(day: date, anchor: date) -> date:
    """First day of the 14-day window (anchored at `anchor`) that contains `day`."""
    return anchor + timedelta(days=((day - anchor).days // SPRINT_DAYS) * SPRINT_DAYS)


def meeting_title(store: Store, meeting_id: int) -> str:
    return meeting_row(store, meeting_id)["title"]


def _anchor(store: Store) -> date:
    return date.fromisoformat(get_settings(store)["sprint_anchor"])


def current_sprint(store: Store, today: date | None = None) -> Sprint:
    """The sprint the backlog page works on when no meeting is named (rule in the docstring);
    only a tracción holds a sprint, never a monthly review or a committee."""
    today = today or store.now().date()
    cur = store.state()
    candidates = (
        (
            "SELECT id, meeting_date FROM meetings WHERE template = ? AND status = 'running' "
            "ORDER BY meeting_date DESC, id DESC LIMIT 1",
            [TRACCION],
        ),
        (
            "SELECT id, meeting_date FROM meetings WHERE template = ? AND status = 'planned' "
            "AND meeting_date <= ? ORDER BY meeting_date DESC, id DESC LIMIT 1",
            [TRACCION, today],
        ),
        (
            "SELECT id, meeting_date FROM meetings WHERE template = ? AND status = 'closed' "
            "AND meeting_date <= ? AND meeting_date + INTERVAL 14 DAY > ? "
            "ORDER BY meeting_date DESC, id DESC LIMIT 1",
            [TRACCION, today, today],
        ),
        (
            "SELECT id, meeting_date FROM meetings WHERE template = ? AND status = 'planned' "
            "AND meeting_date > ? ORDER BY meeting_date, id LIMIT 1",
            [TRACCION, today],
        ),
    )
    for sql, params in candidates:
        row = cur.execute(sql, params).fetchone()
        if row:
            return Sprint(row[0], row[1])
    return Sprint(None, quincena_start(today, _anchor(store)))


def sprint_of(store: Store, meeting_id: int | None = None) -> Sprint:
    if meeting_id is None:
        return current_sprint(store)
    return Sprint(meeting_id, meeting_row(store, meeting_id)["meeting_date"])


def actions_in(source: Store | Writer, sprint: Sprint) -> list[dict]:
    """The actions of `sprint`, oldest first (read in a write transaction or outside one)."""
    if sprint.meeting_id is None:
        return source.rows(
            "SELECT * FROM sprint_actions WHERE meeting_id IS NULL AND sprint_start = ? "
            "ORDER BY id",
            [sprint.start],
        )
    return source.rows(
        "SELECT * FROM sprint_actions WHERE meeting_id = ? ORDER BY id", [sprint.meeting_id]
    )


def sprint_actions(store: Store, meeting_id: int | None = None) -> list[dict]:
    """The actions of a meeting's sprint (None: the current sprint), oldest first."""
    return actions_in(store, sprint_of(store, meeting_id))


def next_sprint(store: Store, sprint: Sprint) -> Sprint:
    """Where a carried-over action goes: the first tracción after the sprint started, else the
    meeting-less sprint 14 days later (a monthly review or a committee holds no sprint)."""
    row = (
        store.state()
        .execute(
            "SELECT id, meeting_date FROM meetings WHERE template = ? AND meeting_date > ? "
            "ORDER BY meeting_date, id LIMIT 1",
            [TRACCION, sprint.start],
        )
        .fetchone()
    )
    if row:
        return Sprint(row[0], row[1])
    return Sprint(None, sprint.start + timedelta(days=SPRINT_DAYS))


def default_due(source: Store | Writer, sprint: Sprint) -> date:
    """The sprint's meeting's next review, else the sprint's own review date."""
    if sprint.meeting_id is not None:
        next_review = meeting_row(source, sprint.meeting_id)["next_review"]
        if next_review:
            return next_review
    return sprint.review_date


def kpi_value_before(store: Store, kpi_id: str, day: date) -> float | None:
    """The KPI over the 14 days before `day` (day excluded), as known the day before (unfiltered)."""
    end = day - timedelta(days=1)
    return kpi_value(store, kpi_id, day - timedelta(days=SPRINT_DAYS), end, as_of=end).value


def pending_reviews(store: Store) -> list[dict]:
    """Actions not yet reviewed, oldest sprint first."""
    return store.rows(
        "SELECT * FROM sprint_actions WHERE status = 'planned' ORDER BY sprint_start, id",
    )


def sprint_completion_trend(store: Store) -> list[dict]:
    """Per sprint: actions, done, not done, carried over, pending and the completion rate.

    Rate = done ÷ reviewed actions (pending ones are not yet a success or a failure); None
    while nothing in the sprint has been reviewed.
    """
    rows = store.rows(
        "SELECT meeting_id, sprint_start, count(*) AS actions, "
        "count(*) FILTER (status = 'done') AS done, "
        "count(*) FILTER (status = 'not_done') AS not_done, "
        "count(*) FILTER (status = 'carried_over') AS carried_over, "
        "count(*) FILTER (status = 'planned') AS pending "
        "FROM sprint_actions GROUP BY meeting_id, sprint_start ORDER BY sprint_start, meeting_id",
    )
    for row in rows:
        reviewed = row["actions"] - row["pending"]
        row["rate"] = row["done"] / reviewed if reviewed else None
    return rows


def closed_loop(store: Store, directions: dict[str, int] | None = None) -> list[dict]:
    """Reviewed actions linked to a KPI: value at sprint start, at review, change and whether
    the change went the good way (`directions`: kpi_id → +1 higher is better, −1 lower)."""
    rows = store.rows(
        "SELECT id, title, owner, status, kpi_id, sprint_start, reviewed_at, "
        "kpi_value_at_start, kpi_value_at_review FROM sprint_actions "
        "WHERE kpi_id IS NOT NULL AND status <> 'planned' ORDER BY reviewed_at, id",
    )
    directions = directions or {}
    for row in rows:
        start, review = row["kpi_value_at_start"], row["kpi_value_at_review"]
        row["change"] = None if start is None or review is None else review - start
        sign = directions.get(row["kpi_id"], 1)
        row["improved"] = None if row["change"] is None else row["change"] * sign > 0
    return rows
