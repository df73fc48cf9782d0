"""The rejected-lead review: the period's figures, the list of rejections and Marketing's mark."""

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback
from kpi.access.roles import Actor
from kpi.agreements import sla
from kpi.cockpit import rejection_review
from kpi.engine.dimension_labels import channel_namer
from kpi.engine.display import format_value
from kpi.i18n import fmt_date, fmt_number
from kpi.store.database import Store
from kpi.text import escape_markdown

FLASH = "rejections_flash"
COLUMNS = ("lead_id", "rejected_at", "reason", "channel", "campaign", "owner", "status", "comment")


def summary(store: Store, start: date, end: date) -> None:
    """Rejections, those without a reason, the review-within-SLA rate and the disputes."""
    tr, lang = common.tr, common.lang()
    counts = rejection_review.review_counts(store, start, end)
    days = sla.review_days(store)
    compliance = rejection_review.review_compliance(store, start, end, days)
    columns = st.columns(4)
    columns[0].metric(tr("loops.metric.rejections"), fmt_number(counts["rejections"], lang, 0))
    columns[1].metric(tr("loops.metric.no_reason"), fmt_number(counts["no_reason"], lang, 0))
    columns[2].metric(
        tr("loops.metric.in_time", days=days),
        format_value("rate", compliance.rate, lang),
        help=tr(
            "loops.metric.in_time.help",
            in_time=compliance.in_time,
            due=compliance.due,
            pending=compliance.pending,
        ),
    )
    columns[3].metric(tr("loops.metric.disputed"), fmt_number(counts["disputed"], lang, 0))
    if compliance.rate is None:
        st.caption(tr("loops.metric.no_data"))


def status_label(status: str | None) -> str:
    return common.tr(f"loops.status.{status or 'pending'}")


def review_table(store: Store, start: date, end: date) -> list[dict]:
    """The period's rejections (unreviewed only, unless asked for all); returns those listed."""
    tr, lang = common.tr, common.lang()
    rows = rejection_review.rejected_leads(store, start, end)
    if st.toggle(tr("loops.show_all"), key="rejections_all"):
        shown = rows
    else:
        shown = [r for r in rows if r["status"] is None]
    if not shown:
        st.info(tr("loops.none" if not rows else "loops.none_pending"))
        return []
    channel = channel_namer(store, lang)
    frame = pd.DataFrame(
        [
            r
            | {
                "rejected_at": fmt_date(r["rejected_at"].date(), lang),
                "reason": r["reason"] or tr("loops.reason.none"),
                "channel": channel(r["channel"]),
                "status": status_label(r["status"]),
                "campaign": r["campaign"] or "",
                "owner": r["owner"] or "",
                "comment": r["comment"] or "",
            }
            for r in shown
        ],
        columns=COLUMNS,
    )
    titles = {c: tr(f"loops.col.{c}") for c in COLUMNS}
    st.dataframe(frame.rename(columns=titles), hide_index=True, width="stretch")
    return shown


def mark_form(store: Store, user: Actor, rows: list[dict]) -> None:
    """Editors pick a listed lead and mark it with one click: agreed, disputed or recycled."""
    tr = common.tr
    if not rows or not user.can(rejection_review.CAPABILITY):
        return
    st.subheader(tr("loops.mark"))
    by_id = {r["lead_id"]: r for r in rows}

    def describe(lead_id: str) -> str:
        row = by_id[lead_id]
        reason = row["reason"] or tr("loops.reason.none")
        return f"{lead_id} · {reason} · {status_label(row['status'])}"

    lead_id = st.selectbox(
        tr("loops.mark.lead"), list(by_id), format_func=describe, key="mark_lead"
    )
    comment = st.text_area(
        tr("loops.review.comment"),
        max_chars=rejection_review.COMMENT.limit,
        height=80,
        key="mark_comment",
    )
    for status, column in zip(rejection_review.STATUSES, st.columns(3), strict=True):
        if column.button(tr(f"loops.mark.{status}"), key=f"mark_{status}", width="stretch"):
            feedback.attempt(
                lambda s=status: rejection_review.mark_rejection(store, user, lead_id, s, comment),
                tr("loops.marked", lead=escape_markdown(lead_id), status=status_label(status)),
                FLASH,
            )
