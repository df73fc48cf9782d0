"""Backlog rules with no database: quadrants and priority order, item validation, editor edits.

Quadrant rule (scores 1–5): impact is *high* at 3 or more, effort is *high* at 3 or more, so the
matrix splits between 2 and 3 on both axes. Quick wins = high impact and low effort, big bets =
high impact and high effort, fill-ins = low impact and low effort, money pits = low impact and
high effort. An item missing either score is *unscored*: it has no quadrant and stays off the
matrix until scored (a note sent to the backlog is scored later, in the meeting's block 4; a
silent 3/3 would put it among the big bets). Ordering: quadrant (quick wins, big bets, fill-ins,
money pits, unscored), then impact (highest first), then effort (lowest first), then id (oldest
first) so the order is stable.
"""

from typing import Any

from kpi.engine import catalogue
from kpi.errors import LONG_TEXT_MAX, SHORT_TEXT_MAX, TITLE_MAX, InvalidInput, TextField, one_of

HIGH_SCORE = 3
QUADRANTS = ("quick_win", "big_bet", "fill_in", "money_pit")
UNSCORED = "unscored"
ITEM_STATUSES = ("open", "in_sprint", "done", "dropped")
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


class BacklogError(InvalidInput):
    """A refused backlog or sprint change, with its explanation in both languages."""


def is_scored(item: dict) -> bool:
    return item["effort"] is not None and item["impact"] is not None


def quadrant(effort: int | None, impact: int | None) -> str:
    if effort is None or impact is None:
        return UNSCORED
    high_impact = impact >= HIGH_SCORE
    high_effort = effort >= HIGH_SCORE
    if high_impact:
        return "big_bet" if high_effort else "quick_win"
    return "money_pit" if high_effort else "fill_in"


def order_key(item: dict) -> tuple:
    return (
        (*QUADRANTS, UNSCORED).index(quadrant(item["effort"], item["impact"])),
        -(item["impact"] or 0),
        item["effort"] or 0,
        item.get("id") or 0,
    )


def order_items(items: list[dict]) -> list[dict]:
    return sorted(items, key=order_key)


def _score(value: Any, name: str) -> int | None:
    """A 1–5 score from an int, an integral float (editor cells) or a digit string; None or a
    blank (a cleared cell) leaves the item unscored."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise BacklogError("backlog.error.score", field=name) from None
    if isinstance(value, bool) or not number.is_integer() or not 1 <= number <= 5:
        raise BacklogError("backlog.error.score", field=name)
    return int(number)


def clean_item_changes(changes: dict) -> dict:
    """Validate and normalise a partial item (pure): scores 1–5 or None, non-blank title within its
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


def editor_ids(items: list[dict], shown: list[int] | None, editor_state: dict | None) -> list[int]:
    """The ids a data editor shows, in order: those it showed before (`shown`) while it holds
    unsaved edits (they name rows by position, so an item added meanwhile must not shift them),
    else every item in `items` order."""
    if shown is not None and (editor_state or {}).get("edited_rows"):
        return shown
    return [item["id"] for item in items]


def apply_editor_changes(
    items: list[dict], shown_ids: list[int], editor_state: dict
) -> list[tuple[int, dict]]:
    """Turn a st.data_editor edit state into item updates, by item id.

    The editor names edited rows by position: position n is the item `shown_ids[n]` (the ids the
    editor showed, in order), whatever was added since. `items` are the items as stored now: only
    real changes to them survive (a cell set back to its value is dropped); values are validated
    like any other edit, so a bad cell raises BacklogError before anything is written.
    """
    stored = {item["id"]: item for item in items}
    updates: list[tuple[int, dict]] = []
    edited = editor_state.get("edited_rows") or {}
    for position in sorted(edited, key=int):
        item_id = shown_ids[int(position)]
        changes = clean_item_changes(
            {k: v for k, v in edited[position].items() if k in ITEM_FIELDS}
        )
        changes = {k: v for k, v in changes.items() if stored[item_id].get(k) != v}
        if changes:
            updates.append((item_id, changes))
    return updates


def selected_ids(selection: dict | None) -> list[int]:
    """Item ids picked on the matrix, from the event state of `st.altair_chart(on_select=...)`."""
    points = ((selection or {}).get("selection") or {}).get("pick") or []
    return [int(point["id"]) for point in points if point.get("id") is not None]
