"""Block 5 of the facilitator page: the sprint's actions (meeting_actions), next review, checklist,
ratings, minutes and close."""

from functools import partial

import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.checklist_form import checklist_form
from app_pages.widgets.meeting_actions import actions_area
from app_pages.widgets.meeting_blocks import FLASH, attempt
from kpi.access.roles import Actor
from kpi.cockpit import meeting, minutes
from kpi.cockpit.meeting import Meeting
from kpi.i18n import fmt_number
from kpi.store.database import Store
from kpi.text import escape_markdown


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
