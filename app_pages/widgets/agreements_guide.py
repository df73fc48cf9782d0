"""The qualification guide tab: criteria, the catalogue of rejection reasons with how the
imported reasons of a period map onto it, the versions, and the admins' form."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets.agreements_parts import FLASH, approval_fields, header, history, periods
from kpi.access.roles import Actor
from kpi.agreements import guide
from kpi.agreements.reasons import reason_counts
from kpi.engine.periods import period_label
from kpi.i18n import fmt_number
from kpi.store.database import Store

CRITERIA = ("mql_criteria", "sql_criteria", "disqualification")


def reasons_area(store: Store, current: guide.Guide) -> None:
    tr, lang = common.tr, common.lang()
    st.subheader(tr("agreements.guide.reasons"))
    shown, as_of = periods(store, "guide")
    period = shown[-1]
    counts = reason_counts(store, current, period, as_of)
    st.caption(f"{tr('agreements.reasons.title')}: {period_label(period, lang)}")
    aliases = {reason.name: ", ".join(reason.aliases) for reason in current.reasons}
    columns = [tr(f"agreements.col.{c}") for c in ("reason", "aliases", "count")]
    rows = [(name, aliases[name], count) for name, count in counts.by_reason]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")
    st.caption(tr("agreements.reasons.without", count=fmt_number(counts.without_reason, lang, 0)))
    if counts.unknown:
        st.markdown(f"**{tr('agreements.reasons.unknown')}**")
        unknown = pd.DataFrame(counts.unknown, columns=[columns[0], columns[2]])
        st.dataframe(unknown, hide_index=True, width="stretch")
    else:
        st.caption(tr("agreements.reasons.all_known"))


def approve_form(store: Store, user: Actor, current: guide.Guide) -> None:
    tr = common.tr
    with st.expander(tr("agreements.new_version")):
        texts = {
            key: st.text_area(
                tr(f"agreements.guide.{key}"),
                value=getattr(current, key),
                max_chars=guide.CRITERIA[key].limit,
                key=f"agreements_guide_{key}",
            )
            for key in CRITERIA
        }
        reasons = st.text_area(
            tr("agreements.guide.reasons"),
            value=guide.reason_lines(current),
            help=tr("agreements.guide.reasons_help"),
            height=180,
            key="agreements_guide_reasons",
        )
        approval = approval_fields("guide", store)
        if st.button(tr("agreements.save"), key="agreements_guide_save", type="primary"):
            feedback.attempt(
                lambda: guide.save_guide(
                    store, user, **texts, reasons=guide.parse_reason_lines(reasons), **approval
                ),
                success=lambda saved: tr("agreements.saved", version=saved.version),
                key=FLASH,
            )


def document(store: Store, user: Actor) -> None:
    """The qualification guide tab."""
    tr = common.tr
    current = guide.current_guide(store)
    header(store, "guide", current.approval)
    for key in CRITERIA:
        st.markdown(f"**{tr(f'agreements.guide.{key}')}**")
        st.text(getattr(current, key))
    reasons_area(store, current)
    history(store, guide.DOCUMENT)
    if user.can("settings"):
        approve_form(store, user, current)
    else:
        st.caption(tr("agreements.readonly"))
