"""Block 5 of the facilitator page: the sprint's three actions, next review, checklist, ratings, close."""

from functools import partial

import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.checklist_form import checklist_form
from app_pages.widgets.fields import kpi_select
from app_pages.widgets.meeting_blocks import FLASH, attempt
from kpi.access.roles import Actor
from kpi.cockpit import backlog, meeting, minutes
from kpi.cockpit.backlog import ACTION_TEXT
from kpi.cockpit.meeting import Meeting
from kpi.i18n import fmt_date, fmt_number
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


def review_date_area(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    st.subheader(tr("meeting.next_review"))
    day = st.date_input(
        tr("meeting.next_review"),
        value=current.review_date,
        format="DD/MM/YYYY",
        key=f"next_review_{current.id}",
    )
    decisions = st.text_area(
        tr("meeting.decisions"),
        value=current.decisions,
        max_chars=meeting.DECISIONS.limit,
        key=f"decisions_{current.id}",
    )
    if st.button(tr("meeting.save"), key="save_review"):
        attempt(
            lambda: meeting.update_meeting(
                store, user, current.id, next_review=day, decisions=decisions
            ),
            tr("meeting.saved"),
        )


def checklist_area(store: Store, user: Actor, current: Meeting) -> None:
    st.subheader(common.tr("meeting.checklist"))
    checklist_form(store, user, current.id, key="check", flash=FLASH)


def ratings_area(store: Store, user: Actor, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    st.subheader(tr("meeting.ratings"))
    if not current.attendees:
        st.caption(tr("meeting.ratings.no_attendees"))
        return
    given = meeting.ratings(store, current.id)
    columns = st.columns(min(4, len(current.attendees)))
    values = {
        name: columns[i % len(columns)].number_input(
            escape_markdown(name),
            1,
            10,
            value=given.get(name),
            step=1,
            key=f"rating_{current.id}_{i}",
        )
        for i, name in enumerate(current.attendees)
    }
    if st.button(tr("meeting.ratings.save"), key="save_ratings"):
        attempt(
            lambda: [
                meeting.rate(store, user, current.id, name, int(value))
                for name, value in values.items()
                if value is not None
            ],
            tr("meeting.saved"),
        )
    average = meeting.average_rating(store, current.id)
    if average is not None:
        st.metric(tr("meeting.ratings.average"), fmt_number(average, lang), border=True)


def close_area(store: Store, user: Actor, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    actions_area(store, user, current)
    review_date_area(store, user, current)
    checklist_area(store, user, current)
    ratings_area(store, user, current)
    st.subheader(tr("meeting.minutes"))
    stem = f"acta-{current.meeting_date.isoformat()}-{current.id}"
    formats = (("md", "text/markdown", minutes.minutes_markdown),)
    formats += (("pdf", "application/pdf", minutes.minutes_pdf),)
    for column, (suffix, mime, render) in zip(st.columns(2), formats, strict=True):
        column.download_button(
            tr(f"meeting.minutes.{suffix}"),
            data=partial(render, store, current.id, lang),
            file_name=f"{stem}.{suffix}",
            mime=mime,
            key=f"minutes_{suffix}",
        )
    st.divider()
    st.caption(tr("meeting.close.help"))
    if st.button(tr("meeting.close"), type="primary", key="close_meeting"):
        with st.spinner(tr("meeting.close.working")):
            attempt(lambda: meeting.close_meeting(store, user, current.id), tr("meeting.closed"))
