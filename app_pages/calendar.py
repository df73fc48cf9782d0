"""Calendario: the governance meetings of the coming months, each with its agenda, and the .ics."""

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.widgets import common
from kpi.cockpit.governance_calendar import MAX_MONTHS, agenda_text, events, ics_bytes
from kpi.i18n import fmt_date
from kpi.store.settings import get_settings

common.guard()
store = common.store()
tr, lang = common.tr, common.lang()

st.title(f"🗓️ {tr('nav.calendar')}")
st.caption(tr("calendar.caption"))
left, right = st.columns(2)
start = left.date_input(
    tr("calendar.from"), store.now().date(), format="DD/MM/YYYY", key="calendar_from"
)
months = right.number_input(tr("calendar.months"), 1, MAX_MONTHS, 6, key="calendar_months")
found = events(get_settings(store), start, int(months))
if not found:
    st.info(tr("calendar.none"))
    common.end_page()

st.download_button(
    tr("calendar.download"),
    data=lambda: ics_bytes(found, lang),
    file_name=f"brujula-{start.isoformat()}.ics",
    mime="text/calendar",
    key="calendar_ics",
)
columns = {key: tr(f"calendar.col.{key}") for key in ("date", "meeting", "minutes", "agenda")}
rows = pd.DataFrame(
    [
        {
            "day": pd.Timestamp(e.day),
            columns["date"]: fmt_date(e.day, lang),
            columns["meeting"]: e.template.name(lang),
            columns["minutes"]: e.template.minutes,
            columns["agenda"]: agenda_text(e.template, lang),
        }
        for e in found
    ]
)
timeline = (
    alt.Chart(rows)
    .mark_point(filled=True, size=160)
    .encode(
        x=alt.X("day:T", title=columns["date"], axis=alt.Axis(format="%d/%m")),
        y=alt.Y(f"{columns['meeting']}:N", title=None),
        color=alt.Color(f"{columns['meeting']}:N", legend=None),
        tooltip=[columns["date"], columns["meeting"], columns["minutes"]],
    )
    .properties(height=160)
)
st.altair_chart(timeline, width="stretch")
st.dataframe(
    rows.drop(columns="day"),
    hide_index=True,
    width="stretch",
    column_config={columns["agenda"]: st.column_config.TextColumn(width="large")},
)
