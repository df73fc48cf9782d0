"""Block 5's sprint actions on the facilitator page: the three actions (corrected or deleted in a
dialog) and the form to add one, typed or started from a backlog item it then links to."""

import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.fields import kpi_select
from app_pages.widgets.meeting_blocks import attempt
from app_pages.widgets.meeting_notes import (
    cancel_button,
    confirm_delete,
    dialog_button,
    dialog_row,
    dialog_write,
    show_dialog,
)
from app_pages.widgets.sprint import NO_ITEM, describe_action
from kpi.access.roles import Actor
from kpi.cockpit import backlog
from kpi.cockpit.backlog import ACTION_TEXT
from kpi.cockpit.meeting import Meeting
from kpi.engine import catalogue
from kpi.store.database import Store
from kpi.text import escape_markdown

ITEM = "action_item"
# Set after an action is added: the next run shows the item picker back on «none» before drawing
# it (a widget's state cannot change once it is drawn, and dropping its key made the picker's
# callback read a key that was gone: the page failed on the next action).
_RESET_ITEM = "action_item_reset"


def actions_area(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    actions = backlog.sprint_actions(store, current.id)
    items = backlog.list_items(store)
    titles = {item["id"]: item["title"] for item in items}
    editable = user.can("sprint")
    st.subheader(tr("meeting.actions", count=len(actions), cap=backlog.MAX_ACTIONS))
    for number, action in enumerate(actions, start=1):
        left, right = st.columns([4, 1])
        describe_action(left, action, f"{number}. {escape_markdown(action['title'])}")
        if action["backlog_item_id"] in titles:
            linked = escape_markdown(titles[action["backlog_item_id"]])
            left.caption(tr("meeting.action.item_linked", title=linked))
        if editable and action["status"] == "planned":
            dialog_button(right, tr("meeting.edit"), "action_edit", action["id"])
            dialog_button(right, tr("meeting.delete"), "action_delete", action["id"])
    by_id = {action["id"]: action for action in actions}
    if (action_id := dialog_row("action_edit")) in by_id:
        show_dialog(tr("meeting.action.edit.title"), edit_action, store, user, by_id[action_id])
    if (action_id := dialog_row("action_delete")) in by_id:
        show_dialog(tr("meeting.action.delete.title"), delete_action, store, user, by_id[action_id])
    if editable and len(actions) < backlog.MAX_ACTIONS:
        add_action(store, user, current, [item for item in items if item["status"] == "open"])


def action_fields(prefix: str, action: dict) -> dict:
    """An action's title, owner, due date and definition of done (inside a form), keyed
    `{prefix}_{field}` and starting from `action`'s values."""
    tr = common.tr
    title = st.text_input(
        tr("sprint.col.title"),
        value=action.get("title", ""),
        max_chars=ACTION_TEXT["title"].limit,
        key=f"{prefix}_title",
    )
    left, right = st.columns(2)
    owner = left.text_input(
        tr("sprint.add.owner"),
        value=action.get("owner", ""),
        max_chars=ACTION_TEXT["owner"].limit,
        key=f"{prefix}_owner",
    )
    due = right.date_input(
        tr("sprint.add.due"), value=action["due_date"], format="DD/MM/YYYY", key=f"{prefix}_due"
    )
    done = st.text_input(
        tr("sprint.add.done"),
        value=action.get("definition_of_done", ""),
        max_chars=ACTION_TEXT["definition_of_done"].limit,
        key=f"{prefix}_done",
    )
    return {"title": title, "owner": owner, "due_date": due, "definition_of_done": done}


def pick_item(items: list[dict]) -> int:
    """The backlog item the next action starts from (NO_ITEM: typed anew). Outside the form, so
    a pick reruns at once and fills the form's title, owner and KPI from the item."""
    tr = common.tr
    by_id = {item["id"]: item for item in items}

    if st.session_state.pop(_RESET_ITEM, False):
        st.session_state[ITEM] = NO_ITEM

    def prefill() -> None:
        item = by_id.get(st.session_state.get(ITEM))
        if item:
            kpi_id = item["kpi_id"] if item["kpi_id"] in catalogue.BY_ID else None
            st.session_state["action_title"] = item["title"]
            st.session_state["action_owner"] = item["owner"] or ""
            st.session_state["action_kpi"] = kpi_id

    return st.selectbox(
        tr("meeting.action.from_item"),
        [NO_ITEM, *by_id],
        format_func=lambda i: by_id[i]["title"] if i else tr("sprint.add.no_item"),
        key=ITEM,
        on_change=prefill,
    )


def add_action(store: Store, user: Actor, current: Meeting, items: list[dict]) -> None:
    tr = common.tr
    item_id = pick_item(items)
    with st.form("action_form", clear_on_submit=True):
        typed = action_fields("action", {"due_date": current.review_date})
        kpi_id = kpi_select(st, tr("sprint.add.kpi"), key="action_kpi")
        if not st.form_submit_button(tr("sprint.add.submit"), type="primary", key="action_add"):
            return

    def add() -> dict:
        action = backlog.add_sprint_action(
            store,
            user,
            meeting_id=current.id,
            backlog_item_id=item_id or None,
            kpi_id=kpi_id,
            **typed,
        )
        st.session_state[_RESET_ITEM] = True  # the next action starts typed anew
        return action

    attempt(add, tr("meeting.action.added"))


def edit_action(store: Store, user: Actor, action: dict) -> None:
    with st.form("action_edit_form"):
        typed = action_fields(f"action_edit_{action['id']}", action)
        saved = st.form_submit_button(common.tr("meeting.save"), type="primary")
    if saved:
        dialog_write(
            lambda: backlog.update_action(store, user, action["id"], **typed),
            common.tr("meeting.action.updated"),
        )
    cancel_button(st)


def delete_action(store: Store, user: Actor, action: dict) -> None:
    linked = action["backlog_item_id"] is not None
    confirm_delete(
        action["title"],
        common.tr("meeting.action.delete.reopens_item") if linked else None,
        lambda: backlog.delete_action(store, user, action["id"]),
        common.tr("meeting.action.deleted"),
    )
