"""History: past and open meetings with search, their minutes on screen and as Markdown or PDF."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common
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
exports = (
    ("md", minutes.minutes_markdown, "text/markdown"),
    ("pdf", minutes.minutes_pdf, "application/pdf"),
)
for column, (kind, render, mime) in zip(st.columns(2), exports, strict=True):
    column.download_button(
        tr(f"meeting.minutes.{kind}"),
        data=lambda render=render: render(store, meeting_id, lang),
        file_name=f"{stem}.{kind}",
        mime=mime,
        key=f"history_{kind}",
    )
# Markdown without unsafe HTML, and every user text in it escaped: it reads as typed.
with st.container(border=True):
    st.markdown(minutes.minutes_markdown(store, meeting_id, lang))
