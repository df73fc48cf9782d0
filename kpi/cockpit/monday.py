"""What a manager needs on Monday: next meeting, actions due, KPIs red twice, outcomes off track."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kpi.cockpit.brief import MIN_STREAK, red_streak
from kpi.cockpit.outcomes import OutcomeStatus, list_outcomes, outcome_status, quarter_label
from kpi.engine.compute import last_complete_scorecard
from kpi.engine.periods import Period
from kpi.store.database import Store

# The Inicio page judges KPIs by the fortnight the meeting reviews.
PERIOD_KIND = "quincena"


@dataclass(frozen=True)
class RedStreak:
    """KPIs red in both of the last two complete periods (older first in `periods`)."""

    kpi_ids: list[str]
    periods: tuple[Period, Period]


@dataclass(frozen=True)
class LastImport:
    imported_at: datetime
    table_name: str
    actor: str


@dataclass(frozen=True)
class Monday:
    today: date
    next_meeting: dict | None
    actions: list[dict]  # each with `overdue`
    red: RedStreak
    off_track: list[OutcomeStatus]
    last_import: LastImport | None


def week_end(day: date) -> date:
    """The Sunday closing `day`'s week (Monday–Sunday)."""
    return day + timedelta(days=6 - day.weekday())


def next_meeting(store: Store, today: date) -> dict | None:
    """The first meeting not closed from today on; else the latest one still open."""
    rows = store.rows(
        "SELECT id, title, meeting_date, status FROM meetings WHERE status <> 'closed' "
        "ORDER BY meeting_date < ?, "
        "CASE WHEN meeting_date >= ? THEN meeting_date END, meeting_date DESC, id LIMIT 1",
        [today, today],
    )
    return rows[0] if rows else None


def actions_due(store: Store, today: date) -> list[dict]:
    """Planned sprint actions due by the end of this week (overdue ones included), soonest first."""
    rows = store.rows(
        "SELECT id, title, owner, due_date, meeting_id FROM sprint_actions "
        "WHERE status = 'planned' AND due_date <= ? ORDER BY due_date, id",
        [week_end(today)],
    )
    return [{**row, "overdue": row["due_date"] < today} for row in rows]


def red_twice(store: Store, today: date) -> RedStreak:
    """The scorecard's statuses for the last two complete fortnights: KPIs red in both."""
    scorecard = last_complete_scorecard(store, PERIOD_KIND, today)
    red = [
        result.kpi_id
        for result in scorecard.results
        if red_streak([point.status for point in result.trend]) >= MIN_STREAK
    ]
    return RedStreak(red, (scorecard.periods[-2], scorecard.periods[-1]))


def off_track(store: Store, today: date) -> list[OutcomeStatus]:
    """This quarter's outcomes whose progress lags the time elapsed."""
    statuses = [outcome_status(store, o, today) for o in list_outcomes(store, quarter_label(today))]
    return [status for status in statuses if status.on_track is False]


def last_import(store: Store) -> LastImport | None:
    row = (
        store.facts()
        .execute(
            "SELECT imported_at, table_name, actor FROM import_log "
            "ORDER BY imported_at DESC LIMIT 1"
        )
        .fetchone()
    )
    return LastImport(*row) if row else None


def monday(store: Store, today: date | None = None) -> Monday:
    """Everything the Inicio page shows, read once."""
    today = today or store.now().date()
    return Monday(
        today,
        next_meeting(store, today),
        actions_due(store, today),
        red_twice(store, today),
        off_track(store, today),
        last_import(store),
    )
