"""Block 5 of the facilitator page: the sprint's actions (meeting_actions), next review, checklist,
ratings, minutes and close; the confirmation of «Terminar» and «Cerrar»; reopening a meeting."""

from functools import partial

import streamlit as st

from app_pages.widgets import common, timer_panel
from app_pages.widgets.checklist_form import checklist_form
from app_pages.widgets.downloads import document_downloads
from app_pages.widgets.meeting_actions import actions_area
from app_pages.widgets.meeting_blocks import FLASH, attempt
from kpi.access.roles import Actor
from kpi.cockpit import meeting, minutes
from kpi.cockpit.meeting import Meeting
from kpi.i18n import fmt_date, fmt_number
from kpi.mail.notify import send_due_in_background
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
            min_value=1,
            max_value=10,
            value=given.get(name),
            step=1,
            help=tr("meeting.error.rating"),
            key=f"rating_{current.id}_{i}",
        )
        for i, name in enumerate(current.attendees)
    }
    if st.button(tr("meeting.ratings.save"), key="save_ratings"):
        # Only the ratings changed since the last save, and the message names exactly those (a
        # value out of bounds never reaches here: the field refuses it where it is typed).
        typed = {n: v for n, v in values.items() if v is not None and v != given.get(n)}
        if typed:
            names = ", ".join(escape_markdown(name) for name in typed)
            attempt(
                lambda: meeting.rate_attendees(store, user, current.id, typed),
                tr("meeting.ratings.saved", names=names),
            )
        else:
            st.info(tr("meeting.ratings.unchanged"))
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
    document_downloads(
        stem,
        [
            (kind, tr(f"meeting.minutes.{kind}"), partial(render, store, current.id, lang))
            for kind, render in (("md", minutes.minutes_markdown), ("pdf", minutes.minutes_pdf))
        ],
        key="minutes",
    )
    st.divider()
    st.caption(tr("meeting.close.help"))
    st.button(
        tr("meeting.close"),
        type="primary",
        key="close_meeting",
        on_click=timer_panel.ask_to_confirm,
        args=("close",),
    )


def confirm_pending(store: Store, user: Actor, current: Meeting) -> None:
    """The dialog of «Terminar» or «Cerrar la reunión» while one awaits confirmation."""
    action = st.session_state.get(timer_panel.CONFIRM)
    if action in ("end", "close"):
        title = common.tr(f"meeting.confirm.{action}.title")
        st.dialog(title, on_dismiss=_forget)(_confirm)(store, user, current, action)


def _forget() -> None:
    st.session_state.pop(timer_panel.CONFIRM, None)


def _confirm(store: Store, user: Actor, current: Meeting, action: str) -> None:
    tr = common.tr
    st.markdown(tr(f"meeting.confirm.{action}.body"))
    yes, no = st.columns(2)
    if no.button(tr("meeting.confirm.cancel"), key="confirm_no", width="stretch"):
        _forget()
        st.rerun()
    if not yes.button(
        tr(f"meeting.confirm.{action}.yes"), type="primary", key="confirm_yes", width="stretch"
    ):
        return
    _forget()
    if action == "end":
        timer_panel.press(store, user, current.id, "end")
        st.rerun()

    def close_and_mail() -> None:
        meeting.close_meeting(store, user, current.id)
        send_due_in_background(store, user)  # the minutes to the attendees; never holds the page

    with st.spinner(tr("meeting.close.working")):
        attempt(close_and_mail, tr("meeting.closed"))
    # Refused (the reason shows above): the dialog stays open on it.
    st.session_state[timer_panel.CONFIRM] = action


def reopen_area(store: Store, user: Actor, closed: list[dict]) -> None:
    """Closed meetings, offered to editors only to be reopened for corrections."""
    if not closed:
        return
    tr, lang = common.tr, common.lang()
    titles = {m["id"]: f"{m['title']} · {fmt_date(m['meeting_date'], lang)}" for m in closed}
    with st.expander(tr("meeting.reopen")):
        pick = st.selectbox(
            tr("meeting.reopen.pick"), titles, format_func=titles.get, key="reopen_pick"
        )
        st.caption(tr("meeting.reopen.help"))
        if st.button(tr("meeting.reopen.button"), key="reopen_meeting"):

            def reopen() -> None:
                meeting.reopen_meeting(store, user, pick)
                st.session_state["meeting_id"] = pick

            attempt(reopen, tr("meeting.reopened"))
