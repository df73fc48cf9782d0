"""Meeting block 1: the SLA and the qualification guide in force, with the SLA's compliance in
the last complete fortnight."""

import streamlit as st

from app_pages.widgets import common
from kpi.agreements import compliance, guide, outlines, sla
from kpi.store.database import Store
from kpi.text import escape_markdown


def agreements_in_force(store: Store) -> None:
    tr, lang = common.tr, common.lang()
    st.subheader(tr("agreements.meeting.title"))
    current = sla.current_sla(store)
    (period,), as_of = compliance.recent_periods(store, "quincena", 1)
    figures = compliance.sla_compliance(store, current, period, as_of)
    st.markdown(f"**{tr('agreements.sla.title')}**")
    st.caption(outlines.approval_text(current.approval, lang, user=escape_markdown))
    for item, found in zip(sla.ITEMS, figures, strict=True):
        status = tr(f"agreements.status.{found.status}")
        st.markdown(
            f"- **{tr(f'agreements.item.{item}')}** ({outlines.owner_label(item, lang)}): "
            f"{outlines.term_text(current, item, lang)} · {outlines.figure_text(found, lang)} · "
            f"{status}"
        )
    rules = guide.current_guide(store)
    st.markdown(f"**{tr('agreements.guide.title')}**")
    st.caption(outlines.approval_text(rules.approval, lang, user=escape_markdown))
    st.markdown(f"*{tr('agreements.guide.disqualification')}*")
    st.text(rules.disqualification)
    names = ", ".join(reason.name for reason in rules.reasons)
    st.text(tr("agreements.meeting.reasons", reasons=names))
    st.page_link("app_pages/agreements.py", label=tr("agreements.meeting.link"), icon="🤝")
