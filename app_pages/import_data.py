"""import_data page: a placeholder that says plainly what will come (issue #4)."""

import streamlit as st

from app_pages import common

common.guard("import")

st.title(common.tr("nav.import"))
common.coming_soon(4, common.tr("import.what"))
