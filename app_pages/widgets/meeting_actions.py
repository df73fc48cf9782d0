"""Block 5's sprint actions on the facilitator page: the three actions and the form to add one."""

import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.fields import kpi_select
from app_pages.widgets.meeting_blocks import attempt
from kpi.access.roles import Actor
from kpi.cockpit import backlog
from kpi.cockpit.backlog import ACTION_TEXT
from kpi.cockpit.meeting import Meeting
from kpi.i18n import fmt_date
from kpi.store.database import Store
from kpi.text import escape_markdown


def actions_area(store: Store, user: Actor, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    actions = backlog.sprint_actions(store, current.id)
    st.subheader(tr("meeting.actions", count=len(actions), cap=backlog.MAX_ACTIONS))
    for number, action in enumerate(actions, start=1):
        title, owner = escape_markdown(action["title"]), escape_markdown(action["owner"])
        st.markdown(f"**{number}. {title}** · {owner}")
        st.caption(
            f"{tr('sprint.col.done')}: {escape_markdown(action['definition_of_done'])} · "
            f"{tr('sprint.col.due')}: {fmt_date(action['due_date'], lang)}"
        )
    if len(actions) >= backlog.MAX_ACTIONS:
        return
    with st.form("action_form", clear_on_submit=True):
        title = st.text_input(
            tr("sprint.col.title"), max_chars=ACTION_TEXT["title"].limit, key="action_title"
        )
        left, right = st.columns(2)
        owner = left.text_input(
            tr("sprint.add.owner"), max_chars=ACTION_TEXT["owner"].limit, key="action_owner"
        )
        due = right.date_input(
            tr("sprint.add.due"), value=current.review_date, format="DD/MM/YYYY", key="action_due"
        )
        done = st.text_input(
            tr("sprint.add.done"),
            max_chars=ACTION_TEXT["definition_of_done"].limit,
            key="action_done",
        )
        kpi_id = kpi_select(st, tr("sprint.add.kpi"), key="action_kpi")
        if st.form_submit_button(tr("sprint.add.submit"), type="primary", key="action_add"):
            attempt(
                lambda: backlog.add_sprint_action(
                    store,
                    user,
                    meeting_id=current.id,
                    title=title,
                    owner=owner,
                    definition_of_done=done,
                    due_date=due,
                    kpi_id=kpi_id,
                ),
                tr("meeting.action.added"),
            )
