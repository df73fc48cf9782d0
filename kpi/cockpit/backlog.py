"""Effort-impact backlog, the three-action fortnightly sprint and its closed loop to the KPIs.

Quadrant rule (scores 1–5): impact is *high* at 3 or more, effort is *high* at 3 or more, so the
matrix splits between 2 and 3 on both axes. Quick wins = high impact and low effort, big bets =
high impact and high effort, fill-ins = low impact and low effort, money pits = low impact and
high effort. Ordering: quadrant (quick wins, big bets, fill-ins, money pits), then impact
(highest first), then effort (lowest first), then id (oldest first) so the order is stable.

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
from typing import Any

from kpi.access.roles import Actor, require
from kpi.engine import catalogue
from kpi.engine.compute import kpi_value
from kpi.errors import (
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    InvalidInput,
    TextField,
    business_date,
    one_of,
)
from kpi.store.database import Store
from kpi.store.settings import get_settings

MAX_ACTIONS = 3
SPRINT_DAYS = 14
HIGH_SCORE = 3
QUADRANTS = ("quick_win", "big_bet", "fill_in", "money_pit")
ITEM_STATUSES = ("open", "in_sprint", "done", "dropped")
REVIEW_STATUSES = ("done", "not_done", "carried_over")
ITEM_FIELDS = (
    "title",
    "description",
    "area",
    "owner",
    "effort",
    "impact",
    "kpi_id",
    "expected_effect",
    "status",
    "source_note_id",
)
AREAS = ("marketing", "sales", "operations", "management")
# The text people type into items and actions (limits and line rules in kpi.errors.user_text).
ITEM_TEXT = {
    "title": TextField("backlog.col.title", TITLE_MAX),
    "description": TextField("backlog.col.description", LONG_TEXT_MAX, multiline=True),
    "owner": TextField("backlog.col.owner", SHORT_TEXT_MAX),
    "expected_effect": TextField("backlog.col.expected_effect", LONG_TEXT_MAX, multiline=True),
}
ACTION_TEXT = {
    "title": TextField("sprint.col.title", TITLE_MAX),
    "owner": TextField("sprint.col.owner", SHORT_TEXT_MAX),
    "definition_of_done": TextField("sprint.col.done", LONG_TEXT_MAX, multiline=True),
}


class BacklogError(InvalidInput):
    """A refused backlog or sprint change, with its explanation in both languages."""


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


# ---- pure rules ------------------------------------------------------------------------------


def quadrant(effort: int, impact: int) -> str:
    high_impact = impact >= HIGH_SCORE
    high_effort = effort >= HIGH_SCORE
    if high_impact:
        return "big_bet" if high_effort else "quick_win"
    return "money_pit" if high_effort else "fill_in"


def order_key(item: dict) -> tuple:
    return (
        QUADRANTS.index(quadrant(item["effort"], item["impact"])),
        -item["impact"],
        item["effort"],
        item.get("id") or 0,
    )


def order_items(items: list[dict]) -> list[dict]:
    return sorted(items, key=order_key)


def quincena_start(day: date, anchor: date) -> date:
    """First day of the 14-day window (anchored at `anchor`) that contains `day`."""
    return anchor + timedelta(days=((day - anchor).days // SPRINT_DAYS) * SPRINT_DAYS)


def _score(value: Any, name: str) -> int:
    """A 1–5 score from an int, an integral float (editor cells) or a digit string."""
    try:
        number = float(str(value).strip())
    except ValueError:
        raise BacklogError("backlog.error.score", field=name) from None
    if isinstance(value, bool) or not number.is_integer() or not 1 <= number <= 5:
        raise BacklogError("backlog.error.score", field=name)
    return int(number)


def clean_item_changes(changes: dict) -> dict:
    """Validate and normalise a partial item (pure): scores 1–5, non-blank title within its
    limit, text within limits (blank → None), known status, area and KPI."""
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"unknown backlog fields: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    for field, value in changes.items():
        if field in ("effort", "impact"):
            clean[field] = _score(value, field)
        elif field == "title":
            title = ITEM_TEXT["title"].clean(value)
            if not title:
                raise BacklogError("backlog.error.title")
            clean[field] = title
        elif field in ITEM_TEXT:
            clean[field] = ITEM_TEXT[field].clean(value) or None
        elif field == "area":
            clean[field] = one_of(value, "backlog.col.area", AREAS)
        elif field == "kpi_id":
            clean[field] = one_of(value, "backlog.col.kpi", catalogue.BY_ID)
        elif field == "status":
            if value not in ITEM_STATUSES:
                raise BacklogError("backlog.error.status", status=str(value)[:40])
            clean[field] = value
        elif field == "source_note_id":
            clean[field] = None if value is None else int(value)
    return clean


def apply_editor_changes(items: list[dict], editor_state: dict) -> list[tuple[int, dict]]:
    """Turn a st.data_editor edit state over `items` (shown in that order) into item updates.

    Only real changes survive (a cell set back to its value is dropped); values are validated
    like any other edit, so a bad cell raises BacklogError before anything is written.
    """
    updates: list[tuple[int, dict]] = []
    edited = editor_state.get("edited_rows") or {}
    for position in sorted(edited, key=int):
        row = items[int(position)]
        changes = clean_item_changes(
            {k: v for k, v in edited[position].items() if k in ITEM_FIELDS}
        )
        changes = {k: v for k, v in changes.items() if row.get(k) != v}
        if changes:
            updates.append((row["id"], changes))
    return updates


# ---- backlog items ---------------------------------------------------------------------------


def _rows(cur, sql: str, params: list | None = None) -> list[dict]:
    rel = cur.execute(sql, params or [])
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def create_item(
    store: Store,
    actor: Actor,
    *,
    title: str,
    description: str | None = None,
    area: str | None = None,
    owner: str | None = None,
    effort: int = 3,
    impact: int = 3,
    kpi_id: str | None = None,
    expected_effect: str | None = None,
    source_note_id: int | None = None,
) -> dict:
    require(actor, "backlog")
    values = clean_item_changes(
        {
            "title": title,
            "description": description,
            "area": area,
            "owner": owner,
            "effort": effort,
            "impact": impact,
            "kpi_id": kpi_id,
            "expected_effect": expected_effect,
            "source_note_id": source_note_id,
        }
    )
    with store.write(actor, "backlog") as w:
        stamps = {"created_by": actor.username, "created_at": w.now, "updated_at": w.now}
        return w.insert("backlog_items", {**values, "status": "open", **stamps})


def update_item(store: Store, actor: Actor, item_id: int, **changes: Any) -> dict:
    require(actor, "backlog")
    clean = clean_item_changes(changes)
    if get_item(store, item_id) is None:
        raise BacklogError("backlog.error.unknown_item", item_id=item_id)
    with store.write(actor, "backlog") as w:
        return w.update("backlog_items", {"id": item_id}, {**clean, "updated_at": w.now})


def get_item(store: Store, item_id: int) -> dict | None:
    rows = _rows(store.state(), "SELECT * FROM backlog_items WHERE id = ?", [item_id])
    return rows[0] if rows else None


def list_items(store: Store) -> list[dict]:
    """Every backlog item with its quadrant, in priority order."""
    items = _rows(store.state(), "SELECT * FROM backlog_items")
    for item in items:
        item["quadrant"] = quadrant(item["effort"], item["impact"])
    return order_items(items)


# ---- sprints ---------------------------------------------------------------------------------


def _meeting(cur, meeting_id: int) -> dict:
    rows = _rows(cur, "SELECT * FROM meetings WHERE id = ?", [meeting_id])
    if not rows:
        raise BacklogError("backlog.error.meeting", meeting_id=meeting_id)
    return rows[0]


def meeting_title(store: Store, meeting_id: int) -> str:
    return _meeting(store.state(), meeting_id)["title"]


def _anchor(store: Store) -> date:
    return date.fromisoformat(get_settings(store)["sprint_anchor"])


def current_sprint(store: Store, today: date | None = None) -> Sprint:
    """The sprint the backlog page works on when no meeting is named (rule in the docstring)."""
    today = today or store.now().date()
    cur = store.state()
    candidates = (
        (
            "SELECT id, meeting_date FROM meetings WHERE status = 'running' "
            "ORDER BY meeting_date DESC, id DESC LIMIT 1",
            [],
        ),
        (
            "SELECT id, meeting_date FROM meetings WHERE status = 'planned' "
            "AND meeting_date <= ? ORDER BY meeting_date DESC, id DESC LIMIT 1",
            [today],
        ),
        (
            "SELECT id, meeting_date FROM meetings WHERE status = 'closed' AND meeting_date <= ? "
            "AND meeting_date + INTERVAL 14 DAY > ? ORDER BY meeting_date DESC, id DESC LIMIT 1",
            [today, today],
        ),
        (
            "SELECT id, meeting_date FROM meetings WHERE status = 'planned' AND meeting_date > ? "
            "ORDER BY meeting_date, id LIMIT 1",
            [today],
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
    return Sprint(meeting_id, _meeting(store.state(), meeting_id)["meeting_date"])


def _actions_in(cur, sprint: Sprint) -> list[dict]:
    if sprint.meeting_id is None:
        return _rows(
            cur,
            "SELECT * FROM sprint_actions WHERE meeting_id IS NULL AND sprint_start = ? "
            "ORDER BY id",
            [sprint.start],
        )
    return _rows(
        cur, "SELECT * FROM sprint_actions WHERE meeting_id = ? ORDER BY id", [sprint.meeting_id]
    )


def sprint_actions(store: Store, meeting_id: int | None = None) -> list[dict]:
    """The actions of a meeting's sprint (None: the current sprint), oldest first."""
    return _actions_in(store.state(), sprint_of(store, meeting_id))


def next_sprint(store: Store, sprint: Sprint) -> Sprint:
    """Where a carried-over action goes: the first meeting after the sprint started, else the
    meeting-less sprint 14 days later."""
    row = (
        store.state()
        .execute(
            "SELECT id, meeting_date FROM meetings WHERE meeting_date > ? "
            "ORDER BY meeting_date, id LIMIT 1",
            [sprint.start],
        )
        .fetchone()
    )
    if row:
        return Sprint(row[0], row[1])
    return Sprint(None, sprint.start + timedelta(days=SPRINT_DAYS))


def _default_due(cur, sprint: Sprint) -> date:
    if sprint.meeting_id is not None:
        next_review = _meeting(cur, sprint.meeting_id)["next_review"]
        if next_review:
            return next_review
    return sprint.review_date


def kpi_value_before(store: Store, kpi_id: str, day: date) -> float | None:
    """The KPI over the 14 days before `day` (day excluded), as known the day before (unfiltered)."""
    end = day - timedelta(days=1)
    return kpi_value(store, kpi_id, day - timedelta(days=SPRINT_DAYS), end, as_of=end).value


def _insert_action(w, cur, sprint: Sprint, values: dict) -> dict:
    if len(_actions_in(cur, sprint)) >= MAX_ACTIONS:
        raise SprintFull("sprint.error.full", cap=MAX_ACTIONS)
    return w.insert(
        "sprint_actions",
        {
            **values,
            "meeting_id": sprint.meeting_id,
            "sprint_start": sprint.start,
            "status": "planned",
            "created_at": w.now,
        },
    )


def add_sprint_action(
    store: Store,
    actor: Actor,
    *,
    meeting_id: int | None = None,
    title: str,
    owner: str,
    definition_of_done: str,
    due_date: date | None = None,
    backlog_item_id: int | None = None,
    kpi_id: str | None = None,
) -> dict:
    """Commit one action to a sprint; refuses a fourth with SprintFull."""
    require(actor, "sprint")
    typed = {"title": title, "owner": owner, "definition_of_done": definition_of_done}
    for field, value in typed.items():
        typed[field] = ACTION_TEXT[field].clean(value)
        if not typed[field]:
            raise BacklogError(f"sprint.error.{field}")
    kpi_id = one_of(kpi_id, "sprint.col.kpi", catalogue.BY_ID)
    sprint = sprint_of(store, meeting_id)
    # Checked again inside the transaction; this early check spares the KPI query.
    if len(_actions_in(store.state(), sprint)) >= MAX_ACTIONS:
        raise SprintFull("sprint.error.full", cap=MAX_ACTIONS)
    start_value = kpi_value_before(store, kpi_id, sprint.start) if kpi_id else None
    with store.write(actor, "sprint") as w:
        due = business_date(due_date, "due_date") if due_date else _default_due(w.cur, sprint)
        if due < sprint.start:
            raise BacklogError("sprint.error.due", start=sprint.start.isoformat())
        action = _insert_action(
            w,
            w.cur,
            sprint,
            {
                **typed,
                "due_date": due,
                "backlog_item_id": backlog_item_id,
                "kpi_id": kpi_id,
                "kpi_value_at_start": start_value,
                "created_by": actor.username,
            },
        )
        if backlog_item_id is not None:
            w.update(
                "backlog_items",
                {"id": backlog_item_id},
                {"status": "in_sprint", "updated_at": w.now},
            )
    return action


def review_action(store: Store, actor: Actor, action_id: int, status: str) -> dict:
    """Mark an action done, not done or carried over (a copy goes to the next sprint)."""
    require(actor, "sprint")
    if status not in REVIEW_STATUSES:
        raise BacklogError("sprint.error.review_status", status=str(status)[:40])
    rows = _rows(store.state(), "SELECT * FROM sprint_actions WHERE id = ?", [action_id])
    if not rows:
        raise BacklogError("sprint.error.unknown_action", action_id=action_id)
    action = rows[0]
    if action["status"] == "carried_over":
        raise BacklogError("sprint.error.already_carried")
    today = store.now().date()
    review_value = kpi_value_before(store, action["kpi_id"], today) if action["kpi_id"] else None
    target = next_sprint(store, Sprint(action["meeting_id"], action["sprint_start"]))
    with store.write(actor, "sprint") as w:
        reviewed = w.update(
            "sprint_actions",
            {"id": action_id},
            {"status": status, "kpi_value_at_review": review_value, "reviewed_at": w.now},
        )
        if status == "carried_over":
            _insert_action(
                w,
                w.cur,
                target,
                {
                    "title": action["title"],
                    "owner": action["owner"],
                    "definition_of_done": action["definition_of_done"],
                    "due_date": max(action["due_date"], target.review_date),
                    "backlog_item_id": action["backlog_item_id"],
                    "kpi_id": action["kpi_id"],
                    "kpi_value_at_start": action["kpi_value_at_start"],
                    "carried_from": action_id,
                    "created_by": actor.username,
                },
            )
        item_id = action["backlog_item_id"]
        if item_id is not None and status != "carried_over":
            item_status = "done" if status == "done" else "open"
            w.update("backlog_items", {"id": item_id}, {"status": item_status, "updated_at": w.now})
    return reviewed


def selected_ids(selection: dict | None) -> list[int]:
    """Item ids picked on the matrix, from the event state of `st.altair_chart(on_select=...)`."""
    points = ((selection or {}).get("selection") or {}).get("pick") or []
    return [int(point["id"]) for point in points if point.get("id") is not None]


def pending_reviews(store: Store) -> list[dict]:
    """Actions not yet reviewed, oldest sprint first."""
    return _rows(
        store.state(),
        "SELECT * FROM sprint_actions WHERE status = 'planned' ORDER BY sprint_start, id",
    )


def sprint_completion_trend(store: Store) -> list[dict]:
    """Per sprint: actions, done, not done, carried over, pending and the completion rate.

    Rate = done ÷ reviewed actions (pending ones are not yet a success or a failure); None
    while nothing in the sprint has been reviewed.
    """
    rows = _rows(
        store.state(),
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
    rows = _rows(
        store.state(),
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
