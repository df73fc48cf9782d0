"""scorecard page: a placeholder that says plainly what will come (issue #3)."""

import streamlit as st

from app_pages import common

common.guard()

st.title(common.tr("nav.scorecard"))
common.coming_soon(3, common.tr("scorecard.what"))
