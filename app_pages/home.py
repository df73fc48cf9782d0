"""Home (Inicio): what a manager needs on Monday, then what data the cockpit is reading."""

import streamlit as st

from app_pages.widgets import common, home_monday, mail_preferences, survey_home
from app_pages.widgets.programme_header import current_phase_line
from kpi.engine.summary import data_summary
from kpi.i18n import fmt_date, fmt_number
from kpi.text import escape_markdown

common.guard()
lang = common.lang()

st.title(f"🧭 {common.tr('app.title')}")
st.caption(common.tr("app.tagline"))
name = escape_markdown(st.session_state.get("name") or "")
st.subheader(common.tr("home.welcome", name=name))
current_phase_line(common.store())

view = home_monday.load()
left, right = st.columns(2)
with left:
    home_monday.next_meeting(view)
    home_monday.actions(view)
    home_monday.last_import(view)
with right:
    home_monday.red_kpis(view)
    home_monday.outcomes(view)
survey_home.survey_area(common.store())

st.divider()
summary = data_summary(common.store())
if summary.leads == 0:
    st.warning(common.tr("home.empty"))
else:
    st.write(
        common.tr(
            "home.data",
            leads=fmt_number(summary.leads, lang, 0),
            deals=fmt_number(summary.deals, lang, 0),
            months=fmt_number(summary.spend_months, lang, 0),
        )
    )
    st.caption(
        common.tr(
            "home.range",
            first=fmt_date(summary.first_lead.date(), lang),
            last=fmt_date(summary.last_lead.date(), lang),
        )
    )

mail_preferences.my_notices()
