"""Backlog: the prioritised items, the effort-impact matrix, the 3-action sprint and its review."""

from functools import partial

import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets import sprint as widgets
from kpi.cockpit import backlog
from kpi.cockpit.backlog import AREAS, ITEM_TEXT
from kpi.engine import catalogue
from kpi.text import escape_markdown

user = common.guard()
tr, store = common.tr, common.store()
can_edit = user.can("backlog")

st.title(tr("nav.backlog"))
feedback.show_flash()
if not can_edit:
    st.info(tr("backlog.readonly"))

st.header(tr("sprint.title"))
widgets.sprint_panel(store, user)
if user.can("sprint"):
    with st.expander(tr("sprint.review")):
        widgets.review_panel(store, user)

st.header(tr("backlog.matrix.title"))
widgets.matrix_panel(store, user)

st.header(tr("backlog.items"))
items = backlog.list_items(store)
if items:
    widgets.items_table(store, user, items)
else:
    st.caption(tr("backlog.empty"))

if can_edit:
    with (
        st.expander(tr("backlog.create"), expanded=not items),
        st.form("backlog_create", clear_on_submit=True, enter_to_submit=False),
    ):
        title = st.text_input(
            tr("backlog.col.title"), max_chars=ITEM_TEXT["title"].limit, key="new_title"
        )
        description = st.text_area(
            tr("backlog.col.description"),
            max_chars=ITEM_TEXT["description"].limit,
            key="new_description",
        )
        left, right = st.columns(2)
        owner = left.text_input(
            tr("backlog.col.owner"), max_chars=ITEM_TEXT["owner"].limit, key="new_owner"
        )
        area = right.selectbox(
            tr("backlog.col.area"),
            ["", *AREAS],
            format_func=lambda a: tr(f"backlog.area.{a}") if a else "—",
            key="new_area",
        )
        # No score yet is a choice of its own: the item stays off the matrix until scored.
        effort = left.selectbox(
            tr("backlog.col.effort"),
            widgets.SCORES,
            format_func=widgets.score_label,
            key="new_effort",
        )
        impact = right.selectbox(
            tr("backlog.col.impact"),
            widgets.SCORES,
            format_func=widgets.score_label,
            key="new_impact",
        )
        kpi_id = left.selectbox(
            tr("backlog.col.kpi"),
            ["", *catalogue.BY_ID],
            format_func=partial(catalogue.label_of, lang=common.lang()),
            key="new_kpi",
        )
        effect = right.text_input(
            tr("backlog.col.expected_effect"),
            max_chars=ITEM_TEXT["expected_effect"].limit,
            key="new_effect",
        )
        submitted = st.form_submit_button(tr("backlog.create.submit"), type="primary")
    if submitted:
        feedback.attempt(
            lambda: backlog.create_item(
                store,
                user,
                title=title,
                description=description,
                area=area,
                owner=owner,
                effort=effort or None,
                impact=impact or None,
                kpi_id=kpi_id,
                expected_effect=effect,
            ),
            tr("backlog.created", title=escape_markdown(title.strip())),
        )

st.header(tr("sprint.trend"))
widgets.completion_trend(store)
st.header(tr("backlog.loop.title"))
widgets.closed_loop_table(store)
