"""Acuerdos: the SLA document and the qualification guide, their compliance and versions."""

import streamlit as st

from app_pages.widgets import agreements_guide, agreements_sla, common, feedback
from app_pages.widgets.agreements_parts import FLASH

user = common.guard()
tr, store = common.tr, common.store()

st.title(f"🤝 {tr('nav.agreements')}")
st.caption(tr("agreements.caption"))
feedback.show_flash(FLASH)
labels = [tr("agreements.sla.title"), tr("agreements.guide.title")]
sla_tab, guide_tab = st.tabs(labels, key="agreements_tab")
with sla_tab:
    agreements_sla.document(store, user)
with guide_tab:
    agreements_guide.document(store, user)
