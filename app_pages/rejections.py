"""Leads rechazados: the leads Sales rejected in a period, Marketing's review of each, the Pareto."""

from datetime import timedelta

import streamlit as st

from app_pages.widgets import common, feedback, rejections_pareto, rejections_review

user = common.guard()
store = common.store()
tr = common.tr

st.title(f"🚫 {tr('nav.rejections')}")
st.caption(tr("loops.page.intro"))
feedback.show_flash(rejections_review.FLASH)

today = store.now().date()
left, right = st.columns(2)
start = left.date_input(
    tr("loops.period.from"), today - timedelta(days=29), format="DD/MM/YYYY", key="rejections_from"
)
end = right.date_input(tr("loops.period.to"), today, format="DD/MM/YYYY", key="rejections_to")
if end < start:
    st.error(tr("loops.error.period"))
    common.end_page()

rejections_review.summary(store, start, end)
review_tab, pareto_tab = st.tabs(
    [tr("loops.tab.review"), tr("loops.tab.pareto")], key="rejections_tab", on_change="rerun"
)
with review_tab:
    rows = rejections_review.review_table(store, start, end)
    rejections_review.mark_form(store, user, rows)
with pareto_tab:
    rejections_pareto.pareto_area(store, start, end)
