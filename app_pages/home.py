"""Home: who is logged in and what data the cockpit is reading."""

import streamlit as st

from app_pages.widgets import common
from kpi.engine.summary import data_summary
from kpi.i18n import fmt_date, fmt_number
from kpi.text import escape_markdown

common.guard()
lang = common.lang()

st.title(f"🧭 {common.tr('app.title')}")
st.caption(common.tr("app.tagline"))
name = escape_markdown(st.session_state.get("name") or "")
st.subheader(common.tr("home.welcome", name=name))

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
