"""history page: a placeholder that says plainly what will come (issue #5)."""

import streamlit as st

from app_pages import common

common.guard()

st.title(common.tr("nav.history"))
common.coming_soon(5, common.tr("history.what"))
