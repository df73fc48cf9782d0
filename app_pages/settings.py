"""settings page: a placeholder that says plainly what will come (issue #3)."""

import streamlit as st

from app_pages import common

common.guard("settings")

st.title(common.tr("nav.settings"))
common.coming_soon(3, common.tr("settings.what"))
