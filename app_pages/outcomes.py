"""Outcomes: the quarter's 3 outcomes with progress and trajectory from the data; the checklist."""

from datetime import timedelta

import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets.checklist_form import checklist_form
from app_pages.widgets.outcome_cards import FLASH, create_form, outcome_card
from kpi.cockpit import checklist, outcomes
from kpi.cockpit.meeting import list_meetings
from kpi.cockpit.outcome_charts import alignment_chart
from kpi.i18n import fmt_date

user = common.guard()
tr, lang, store = common.tr, common.lang(), common.store()
today = store.now().date()

current_quarter = outcomes.quarter_label(today)
next_quarter = outcomes.quarter_label(outcomes.quarter_period(current_quarter).end + timedelta(1))
quarters = sorted({current_quarter, next_quarter, *outcomes.quarters_with_outcomes(store)})
quarter = st.selectbox(
    tr("outcomes.quarter"),
    quarters,
    index=quarters.index(current_quarter),
    format_func=lambda q: outcomes.quarter_name(q, lang),
    key="outcomes_q",
)
st.title(tr("outcomes.title", quarter=outcomes.quarter_name(quarter, lang)))
feedback.show_flash(FLASH)
st.caption(tr("outcomes.rule"))
if not user.can("outcomes"):
    st.info(tr("outcomes.readonly"))

rows = outcomes.list_outcomes(store, quarter)
for outcome in rows:
    outcome_card(store, user, outcome, today)
if not rows:
    st.caption(tr("outcomes.empty"))
if user.can("outcomes"):
    create_form(store, user, quarter, expanded=not rows)

st.header(tr("checklist.trend"))
scores = checklist.alignment_scores(store)
if scores:
    st.altair_chart(alignment_chart(scores, lang), width="stretch")
else:
    st.caption(tr("checklist.trend.empty"))
meetings = list_meetings(store)
if user.can("checklist") and meetings:
    with st.expander(tr("checklist.title")):
        names = {m["id"]: f"{m['title']} · {fmt_date(m['meeting_date'], lang)}" for m in meetings}
        meeting_id = st.selectbox(
            tr("checklist.meeting"), list(names), format_func=names.get, key="cl_meeting"
        )
        checklist_form(store, user, meeting_id, key="cl", flash=FLASH)
elif not meetings:
    st.caption(tr("checklist.no_meetings"))
