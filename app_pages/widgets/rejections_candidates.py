"""Block 3's candidates from the rejected-lead review: disputed rejections, each one click away from
becoming a blocker note of the meeting."""

import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets.meeting_blocks import FLASH
from kpi.access.roles import Actor
from kpi.cockpit import rejection_review
from kpi.cockpit.meeting import Meeting
from kpi.engine.dimension_labels import channel_namer
from kpi.i18n import fmt_date
from kpi.store.database import Store


def disputed_candidates(store: Store, user: Actor, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    candidates = rejection_review.disputed_candidates(store)
    st.subheader(tr("loops.candidates", count=len(candidates)))
    if not candidates:
        st.caption(tr("loops.candidates.none"))
        return
    channel = channel_namer(store, lang)
    can_take = user.can(rejection_review.CAPABILITY) and current.status != "closed"
    for lead in candidates:
        left, right = st.columns([4, 1])
        with left:
            # Lead ids, reasons, campaigns and comments are imported or typed text: never Markdown.
            st.text(
                tr(
                    "loops.candidate",
                    lead=lead["lead_id"],
                    reason=lead["reason"] or tr("loops.reason.none"),
                    channel=channel(lead["channel"]),
                    campaign=lead["campaign"] or "—",
                    day=fmt_date(lead["rejected_at"].date(), lang),
                )
            )
            if lead["comment"]:
                st.text(lead["comment"])
        if can_take and right.button(tr("loops.candidate.take"), key=f"take_{lead['lead_id']}"):
            feedback.attempt(
                lambda lead_id=lead["lead_id"]: rejection_review.take_to_meeting(
                    store, user, current.id, lead_id, lang
                ),
                tr("loops.candidate.taken"),
                FLASH,
            )
