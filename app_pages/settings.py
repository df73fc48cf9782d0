"""Ajustes (admins): versioned KPI targets, shared definitions, SLA and cohort settings."""

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback
from kpi.engine import catalogue as cat
from kpi.engine.targets import current_targets, set_target, target_history
from kpi.i18n import fmt_date
from kpi.store.settings import DEFINITION_KEYS, TEXT_FIELDS, get_settings, set_setting

user = common.guard("settings")
tr, lang, store = common.tr, common.lang(), common.store()
currency = get_settings(store)["currency"]

st.title(f"⚙️ {tr('nav.settings')}")
FLASH = "settings_flash"
feedback.show_flash(FLASH)


def save_settings(changed: dict) -> None:
    """Write each changed setting as a new version; flash "saved", or "unchanged" when none."""
    feedback.attempt(
        lambda: [set_setting(store, user, key, value) for key, value in changed.items()],
        tr("settings.saved" if changed else "settings.unchanged"),
        FLASH,
    )


def targets_section() -> None:
    st.subheader(tr("settings.targets"))
    st.caption(tr("settings.targets_caption"))
    ids = [k.id for k in cat.CATALOGUE]
    kpi_id = st.selectbox(
        tr("settings.kpi"), ids, format_func=lambda k: cat.get(k).label(lang), key="target_kpi"
    )
    kpi = cat.get(kpi_id)
    target, tolerance = current_targets(store)[kpi_id]
    is_rate = kpi.unit == "rate"
    # Keys carry the KPI so switching KPI shows that KPI's current values.
    left, right = st.columns(2)
    new_target = left.number_input(
        tr("settings.target_rate" if is_rate else "settings.target"),
        value=float(round(target * 100, 4) if is_rate else target),
        step=1.0,
        key=f"target_value_{kpi_id}",
    )
    new_tolerance = right.number_input(
        tr("settings.tolerance_rate" if is_rate else "settings.tolerance"),
        value=float(tolerance),
        min_value=0.0,
        step=0.5,
        key=f"target_tolerance_{kpi_id}",
    )
    st.caption(kpi.definition(lang))
    if st.button(tr("settings.save_target"), type="primary", key="target_save"):
        value = new_target / 100 if is_rate else new_target
        if abs(value - target) < 1e-12 and abs(new_tolerance - tolerance) < 1e-12:
            st.info(tr("settings.unchanged"))
        else:
            feedback.attempt(
                lambda: set_target(store, user, kpi_id, value, new_tolerance),
                tr("settings.saved"),
                FLASH,
            )
    history = target_history(store, kpi_id)
    if history:
        with st.expander(tr("settings.history")):
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("settings.target"): [
                            cat.format_value(kpi, h["target"], lang, currency) for h in history
                        ],
                        tr("settings.tolerance"): [h["tolerance"] for h in history],
                        "valid_from": [fmt_date(h["valid_from"], lang) for h in history],
                        "changed_by": [h["changed_by"] for h in history],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def definitions_section(settings: dict) -> None:
    st.subheader(tr("settings.definitions"))
    with st.form("definitions_form"):
        # Streamlit cuts a value longer than max_chars, which would save the cut text as an
        # edit: a definition stored before the limit existed keeps its own length until edited.
        texts = {
            key: st.text_area(
                tr(f"scorecard.{key}"),
                value=settings[key],
                max_chars=max(TEXT_FIELDS[key].limit, len(settings[key])),
                key=f"def_{key}",
            )
            for key in DEFINITION_KEYS
        }
        if st.form_submit_button(tr("settings.save_definitions")):
            save_settings({k: text for k, text in texts.items() if text.strip() != settings[k]})


def method_section(settings: dict) -> None:
    st.subheader(tr("settings.method"))
    with st.form("method_form"):
        cols = st.columns(4)
        values = {
            "sla_hours": cols[0].number_input(
                tr("settings.sla_hours"),
                value=float(settings["sla_hours"]),
                min_value=0.5,
                max_value=720.0,
            ),
            "cohort_window_days": cols[1].number_input(
                tr("settings.window"),
                value=int(settings["cohort_window_days"]),
                min_value=0,
                max_value=3650,
            ),
            "sprint_anchor": cols[2]
            .date_input(tr("settings.anchor"), value=date.fromisoformat(settings["sprint_anchor"]))
            .isoformat(),
            "committed_icp_share": round(
                cols[3].number_input(
                    tr("settings.icp_share"),
                    value=round(float(settings["committed_icp_share"]) * 100, 4),
                    min_value=0.0,
                    max_value=100.0,
                )
                / 100,
                6,
            ),
        }
        if st.form_submit_button(tr("settings.save_method")):
            save_settings({k: v for k, v in values.items() if v != settings[k]})


targets_section()
st.divider()
current = get_settings(store)
definitions_section(current)
st.divider()
method_section(current)
