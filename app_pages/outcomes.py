"""outcomes page: a placeholder that says plainly what will come (issue #6)."""

import streamlit as st

from app_pages import common

common.guard()

st.title(common.tr("nav.outcomes"))
common.coming_soon(6, common.tr("outcomes.what"))
