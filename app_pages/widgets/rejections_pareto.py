"""The Pareto of rejection reasons: a chart for all leads and the table by channel or campaign."""

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from kpi.cockpit import rejection_review
from kpi.cockpit.loop_charts import pareto_chart
from kpi.engine.dimension_labels import channel_namer
from kpi.engine.display import format_value
from kpi.store.database import Store

GROUPINGS = (None, "channel", "campaign")


def pareto_area(store: Store, start: date, end: date) -> None:
    tr, lang = common.tr, common.lang()
    overall = rejection_review.reason_pareto(store, start, end)
    if not overall:
        st.info(tr("loops.none"))
        return
    st.altair_chart(pareto_chart(overall, lang), width="stretch")
    by = st.radio(
        tr("loops.pareto.by"),
        GROUPINGS,
        format_func=lambda g: tr(f"loops.pareto.by.{g or 'all'}"),
        horizontal=True,
        key="pareto_by",
    )
    rows = overall if by is None else rejection_review.reason_pareto(store, start, end, by)
    channel = channel_namer(store, lang)
    frame = pd.DataFrame(
        [
            {
                "group": channel(r.group) if by == "channel" else (r.group or "—"),
                "reason": r.reason or tr("loops.reason.none"),
                "count": r.count,
                "share": format_value("rate", r.share, lang),
                "cumulative": format_value("rate", r.cumulative, lang),
            }
            for r in rows
        ]
    )
    if by is None:
        frame = frame.drop(columns="group")
    st.dataframe(
        frame.rename(columns=lambda c: tr(f"loops.col.{c}")), hide_index=True, width="stretch"
    )
