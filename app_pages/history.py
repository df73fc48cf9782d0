"""History: past and open meetings with search, their minutes on screen and as Markdown or PDF."""

from functools import partial

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.downloads import document_downloads
from kpi.cockpit import meeting, minutes
from kpi.errors import TITLE_MAX
from kpi.i18n import fmt_date, fmt_number

common.guard()
store = common.store()
tr, lang = common.tr, common.lang()

st.title(tr("nav.history"))
search = st.text_input(
    tr("history.search"),
    key="history_search",
    placeholder=tr("history.search.hint"),
    max_chars=TITLE_MAX,
)
rows = meeting.list_meetings(store, search)
if not rows:
    st.info(tr("history.empty") if not search else tr("history.no_match"))
    common.end_page()

st.dataframe(
    pd.DataFrame(
        [
            {
                tr("history.col.date"): fmt_date(m["meeting_date"], lang),
                tr("history.col.title"): m["title"],
                tr("history.col.status"): tr(f"minutes.status.{m['status']}"),
                tr("history.col.attendees"): len(m["attendees"]),
                tr("history.col.rating"): fmt_number(m["rating"], lang),
            }
            for m in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)

ids = [m["id"] for m in rows]
labels = {m["id"]: f"{fmt_date(m['meeting_date'], lang)} · {m['title']}" for m in rows}
meeting_id = st.selectbox(tr("history.pick"), ids, format_func=labels.get, key="history_meeting")
stem = f"acta-{rows[ids.index(meeting_id)]['meeting_date'].isoformat()}-{meeting_id}"
document_downloads(
    stem,
    [
        (kind, tr(f"meeting.minutes.{kind}"), partial(render, store, meeting_id, lang))
        for kind, render in (("md", minutes.minutes_markdown), ("pdf", minutes.minutes_pdf))
    ],
    key="history",
)
# Markdown without unsafe HTML, and every user text in it escaped: it reads as typed.
with st.container(border=True):
    st.markdown(minutes.minutes_markdown(store, meeting_id, lang))
