"""audit page: a placeholder that says plainly what will come (issue #7)."""

import streamlit as st

from app_pages import common

common.guard("settings")

st.title(common.tr("nav.audit"))
common.coming_soon(7, common.tr("audit.what"))
