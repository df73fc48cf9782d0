"""The alignment checklist of one meeting as a form: the meeting's block 5 and the Outcomes page."""

import streamlit as st

from app_pages.widgets import common, feedback
from kpi.access.roles import Actor
from kpi.cockpit import checklist
from kpi.store.database import Store


def checklist_form(store: Store, user: Actor, meeting_id: int, key: str, flash: str) -> None:
    """One checkbox per item, ticked as last answered; `key` keeps two forms' widgets apart,
    `flash` is the page's confirmation slot."""
    tr, lang = common.tr, common.lang()
    stored = checklist.meeting_answers(store, meeting_id)
    with st.form(f"{key}_form", enter_to_submit=False):
        answers = {
            item: st.checkbox(
                checklist.item_text(item, lang),
                value=stored.get(item, False),
                key=f"{key}_{meeting_id}_{item}",
            )
            for item in checklist.CHECKLIST_ITEMS
        }
        saved = st.form_submit_button(tr("checklist.submit"), key=f"{key}_save")
    if saved:
        feedback.attempt(
            lambda: checklist.answer_checklist(store, user, meeting_id, answers),
            tr("checklist.saved"),
            key=flash,
        )
