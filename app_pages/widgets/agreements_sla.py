"""The SLA tab: the commitments with their owner team and compliance per period, the versions,
and the admins' form that approves a new version."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets.agreements_parts import FLASH, approval_fields, header, history, periods
from app_pages.widgets.fields import decimal_input
from kpi.access.roles import Actor
from kpi.agreements import compliance, outlines, sla
from kpi.engine.catalogue import format_value
from kpi.engine.periods import period_label
from kpi.i18n import fmt_number, parse_number
from kpi.store.database import Store
from kpi.store.settings import get_settings


def compliance_table(store: Store, current: sla.Sla) -> None:
    tr, lang = common.tr, common.lang()
    st.subheader(tr("agreements.sla.compliance"), help=tr("agreements.sla.compliance.help"))
    shown, as_of = periods(store, "sla")
    figures = [compliance.sla_compliance(store, current, period, as_of) for period in shown]
    rows = []
    for index, item in enumerate(sla.ITEMS):
        row = {
            tr("agreements.col.item"): tr(f"agreements.item.{item}"),
            tr("agreements.col.owner"): outlines.owner_label(item, lang),
            tr("agreements.col.term"): outlines.term_text(current, item, lang),
            tr("agreements.col.target"): outlines.target_text(current, item, lang),
        }
        for period, found in zip(shown, figures, strict=True):
            row[period_label(period, lang)] = outlines.figure_text(found[index], lang)
        row[tr("agreements.col.status")] = tr(f"agreements.status.{figures[-1][index].status}")
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    unknown = figures[-1][1].details["unknown_tier"]
    if unknown:
        st.caption(tr("agreements.sla.unknown_tier", count=fmt_number(unknown, lang, 0)))
    setting = get_settings(store)["sla_hours"]
    if current.version and setting != current.response_hours:
        hours = {"setting": format_value("hours", setting, lang)}
        hours["agreed"] = format_value("hours", current.response_hours, lang)
        st.warning(tr("agreements.sla.setting_differs", **hours))


def _tier_hours(current: sla.Sla) -> dict[str, object]:
    """Each tier's hours as typed: a number of the reader's language, else the text as typed
    (the core refuses it with its reason); empty for the general deadline."""
    tr, lang = common.tr, common.lang()
    typed = {}
    for tier, column in zip(sla.TIERS, st.columns(len(sla.TIERS)), strict=True):
        hours = current.tier_hours.get(tier)
        text = column.text_input(
            tr("agreements.field.tier", tier=tier),
            value=fmt_number(hours, lang) if hours else "",
            key=f"agreements_sla_tier_{tier}",
        )
        typed[tier] = parse_number(text, lang) if text.strip() else None
        if text.strip() and typed[tier] is None:
            typed[tier] = text
    return typed


def approve_form(store: Store, user: Actor, current: sla.Sla) -> None:
    tr = common.tr
    with st.expander(tr("agreements.new_version")):
        left, right = st.columns(2)
        hours = decimal_input(
            left,
            tr("agreements.field.response_hours"),
            current.response_hours,
            "agreements_sla_hours",
            0.25,
            720.0,
        )
        share = decimal_input(
            right,
            tr("agreements.field.min_icp_a_share"),
            current.min_icp_a_share * 100,
            "agreements_sla_share",
            0.0,
            100.0,
        )
        tiers = _tier_hours(current)
        left, middle, right = st.columns(3)
        days = {"min_value": sla.DAY_RANGE[0], "max_value": sla.DAY_RANGE[1], "step": 1}
        feedback_days = left.number_input(
            tr("agreements.field.feedback_business_days"),
            value=current.feedback_business_days,
            key="agreements_sla_feedback",
            **days,
        )
        review_days = middle.number_input(
            tr("agreements.field.review_days"),
            value=current.review_days,
            key="agreements_sla_review",
            **days,
        )
        target = decimal_input(
            right,
            tr("agreements.field.compliance_target"),
            current.compliance_target * 100,
            "agreements_sla_target",
            0.0,
            100.0,
        )
        approval = approval_fields("sla", store)
        if st.button(tr("agreements.save"), key="agreements_sla_save", type="primary"):
            if None in (hours, share, target):
                return
            terms = {
                "response_hours": hours,
                "tier_hours": tiers,
                "min_icp_a_share": share / 100,
                "feedback_business_days": feedback_days,
                "review_days": review_days,
                "compliance_target": target / 100,
            }
            feedback.attempt(
                lambda: sla.save_sla(store, user, **terms, **approval),
                success=lambda saved: tr("agreements.saved", version=saved.version),
                key=FLASH,
            )


def document(store: Store, user: Actor) -> None:
    """The SLA tab."""
    current = sla.current_sla(store)
    header(store, "sla", current.approval)
    compliance_table(store, current)
    history(store, sla.DOCUMENT)
    if user.can("settings"):
        approve_form(store, user, current)
    else:
        st.caption(common.tr("agreements.readonly"))
