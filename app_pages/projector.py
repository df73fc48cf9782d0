"""projector page: a placeholder that says plainly what will come (issue #5)."""

import streamlit as st

from app_pages import common

common.guard()

st.title(common.tr("nav.projector"))
common.coming_soon(5, common.tr("projector.what"))
