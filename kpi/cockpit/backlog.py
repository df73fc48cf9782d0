"""Backlog items and sprint actions: every change (role-checked, audited) and the item lists.

The rules they follow live beside them: quadrants, order and validation in backlog_rules,
sprints (which one is current, the cap, the closed loop) in sprints.
"""

from datetime import date
from typing import Any

from kpi.access.roles import Actor, require
from kpi.cockpit.backlog_rules import (
    AREAS,
    HIGH_SCORE,
    ITEM_STATUSES,
    ITEM_TEXT,
    UNSCORED,
    BacklogError,
    apply_editor_changes,
    clean_item_changes,
    editor_ids,
    is_scored,
    order_items,
    quadrant,
    selected_ids,
)
from kpi.cockpit.sprints import (
    ACTION_TEXT,
    MAX_ACTIONS,
    REVIEW_STATUSES,
    Sprint,
    SprintFull,
    actions_in,
    closed_loop,
    current_sprint,
    default_due,
    kpi_value_before,
    meeting_title,
    next_sprint,
    pending_reviews,
    quincena_start,
    sprint_actions,
    sprint_completion_trend,
    sprint_of,
)
from kpi.engine import catalogue
from kpi.errors import business_date, one_of
from kpi.store.database import Store
from kpi.store.writer import Writer

# The pages, the meeting and the tests reach the whole backlog API as `backlog.X`.
__all__ = [
    "ACTION_TEXT",
    "AREAS",
    "HIGH_SCORE",
    "ITEM_STATUSES",
    "ITEM_TEXT",
    "MAX_ACTIONS",
    "REVIEW_STATUSES",
    "BacklogError",
    "Sprint",
    "UNSCORED",
    "SprintFull",
    "add_sprint_action",
    "apply_editor_changes",
    "closed_loop",
    "create_item",
    "current_sprint",
    "delete_action",
    "editor_ids",
    "get_item",
    "is_scored",
    "list_items",
    "meeting_title",
    "order_items",
    "pending_reviews",
    "quadrant",
    "quincena_start",
    "review_action",
    "selected_ids",
    "sprint_actions",
    "sprint_completion_trend",
    "sprint_of",
    "update_action",
    "update_item",
]


def create_item(
    store: Store,
    actor: Actor,
    *,
    title: str,
    description: str | None = None,
    area: str | None = None,
    owner: str | None = None,
    effort: int | None = None,
    impact: int | None = None,
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
    rows = store.rows("SELECT * FROM backlog_items WHERE id = ?", [item_id])
    return rows[0] if rows else None


def list_items(store: Store) -> list[dict]:
    """Every backlog item with its quadrant ("unscored" while a score is missing), in priority
    order."""
    items = store.rows("SELECT * FROM backlog_items")
    for item in items:
        item["quadrant"] = quadrant(item["effort"], item["impact"])
    return order_items(items)


def _action_text(typed: dict) -> dict:
    """An action's typed fields cleaned; none of them may be blank."""
    clean = {field: ACTION_TEXT[field].clean(value) for field, value in typed.items()}
    for field, value in clean.items():
        if not value:
            raise BacklogError(f"sprint.error.{field}")
    return clean


def _planned_action(w: Writer, action_id: int) -> dict:
    """The action to edit or delete: only a planned one (a reviewed action is the sprint's
    record, and a carried-over one has a copy pointing at it)."""
    rows = w.rows("SELECT * FROM sprint_actions WHERE id = ?", [action_id])
    if not rows:
        raise BacklogError("sprint.error.unknown_action", action_id=action_id)
    if rows[0]["status"] != "planned":
        raise BacklogError("sprint.error.reviewed")
    return rows[0]


def update_action(
    store: Store,
    actor: Actor,
    action_id: int,
    *,
    title: str,
    owner: str,
    definition_of_done: str,
    due_date: date,
) -> dict:
    """Correct a planned action's text and due date (its KPI and item links stay)."""
    require(actor, "sprint")
    typed = _action_text({"title": title, "owner": owner, "definition_of_done": definition_of_done})
    due = business_date(due_date, "due_date")
    with store.write(actor, "sprint") as w:
        start = _planned_action(w, action_id)["sprint_start"]
        if due < start:
            raise BacklogError("sprint.error.due", start=start.isoformat())
        return w.update("sprint_actions", {"id": action_id}, {**typed, "due_date": due})


def delete_action(store: Store, actor: Actor, action_id: int) -> None:
    """Remove a planned action; the backlog item it took into the sprint is open again."""
    require(actor, "sprint")
    with store.write(actor, "sprint") as w:
        item_id = _planned_action(w, action_id)["backlog_item_id"]
        w.delete("sprint_actions", {"id": action_id})
        items = w.rows("SELECT status FROM backlog_items WHERE id = ?", [item_id])
        if items and items[0]["status"] == "in_sprint":
            w.update("backlog_items", {"id": item_id}, {"status": "open", "updated_at": w.now})


def _insert_action(w: Writer, sprint: Sprint, values: dict) -> dict:
    if len(actions_in(w, sprint)) >= MAX_ACTIONS:
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
    """Commit one action to a sprint (linked to `backlog_item_id`, which goes in_sprint);
    refuses a fourth with SprintFull."""
    require(actor, "sprint")
    typed = _action_text({"title": title, "owner": owner, "definition_of_done": definition_of_done})
    kpi_id = one_of(kpi_id, "sprint.col.kpi", catalogue.BY_ID)
    sprint = sprint_of(store, meeting_id)
    # Checked again inside the transaction; this early check spares the KPI query.
    if len(actions_in(store, sprint)) >= MAX_ACTIONS:
        raise SprintFull("sprint.error.full", cap=MAX_ACTIONS)
    start_value = kpi_value_before(store, kpi_id, sprint.start) if kpi_id else None
    with store.write(actor, "sprint") as w:
        due = business_date(due_date, "due_date") if due_date else default_due(w, sprint)
        if due < sprint.start:
            raise BacklogError("sprint.error.due", start=sprint.start.isoformat())
        action = _insert_action(
            w,
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
    rows = store.rows("SELECT * FROM sprint_actions WHERE id = ?", [action_id])
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
