"""What both agreement tabs show alike: the approval line, downloads, the period picker and the
list of versions."""

from functools import partial

import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.downloads import document_downloads
from kpi.access.roles import actor_name
from kpi.agreements import compliance, outlines, versions
from kpi.engine.periods import PERIOD_KINDS
from kpi.i18n import fmt_date
from kpi.text import escape_markdown

FLASH = "agreements_flash"
DAY_FIRST = "DD/MM/YYYY"
# Periods a tab compares side by side, oldest first.
PERIODS_SHOWN = 4
FILE_STEMS = {"sla": "documento-sla", "guide": "guia-calificacion"}


def header(store, document: str, approval: versions.Approval | None) -> None:
    """The version in force and the two downloads of `document` (sla or guide)."""
    tr, lang = common.tr, common.lang()
    st.caption(outlines.approval_text(approval, lang, user=escape_markdown))
    exports = (("md", outlines.document_markdown), ("pdf", outlines.document_pdf))
    document_downloads(
        FILE_STEMS[document],
        [
            (kind, tr(f"agreements.download.{kind}"), partial(render, store, document, lang))
            for kind, render in exports
        ],
        key=f"agreements_{document}",
    )


def periods(store, document: str):
    """The kind of period picked for `document`'s figures; its recent periods and the as-of."""
    kind = st.segmented_control(
        common.tr("scorecard.period"),
        PERIOD_KINDS,
        default="month",
        required=True,
        format_func=lambda k: common.tr(f"kpi.period.{k}"),
        key=f"agreements_{document}_period",
    )
    return compliance.recent_periods(store, kind, PERIODS_SHOWN)


def history(store, table_key: str) -> None:
    """Every approved version of one document, newest first."""
    tr, lang = common.tr, common.lang()
    found = versions.history(store, table_key)
    if not found:
        return
    with st.expander(f"{tr('agreements.history')} ({len(found)})"):
        for approval in found:
            line = tr(
                "agreements.history.line",
                approval=outlines.approval_text(approval, lang, user=escape_markdown),
                who=escape_markdown(actor_name(approval.changed_by, lang)),
                when=fmt_date(approval.valid_from, lang),
            )
            st.markdown(f"- {line}")
            if approval.note:
                st.text(approval.note)


def approval_fields(document: str, store) -> dict:
    """Who approved the new version, on which day, and why it changed."""
    tr = common.tr
    left, middle, right = st.columns([2, 1, 2])
    return {
        "approvers": left.text_input(tr("agreements.approvers"), key=f"agreements_{document}_by"),
        "approved_on": middle.date_input(
            tr("agreements.approved_on"),
            value=store.now().date(),
            format=DAY_FIRST,
            key=f"agreements_{document}_on",
        ),
        "note": right.text_input(tr("agreements.note"), key=f"agreements_{document}_note"),
    }
