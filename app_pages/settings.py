"""Ajustes (admins): versioned KPI targets, shared definitions, SLA and cohort settings."""

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.widgets import calendar_settings, common, feedback, mail_settings, programme_settings
from app_pages.widgets.fields import channel_label_form, decimal_input, kpi_select
from kpi.engine import catalogue as cat
from kpi.engine import targets
from kpi.i18n import fmt_date, fmt_number
from kpi.store import settings as cfg

user = common.guard("settings")
tr, lang, store = common.tr, common.lang(), common.store()
currency = cfg.get_settings(store)["currency"]

st.title(f"⚙️ {tr('nav.settings')}")
FLASH = "settings_flash"
# Streamlit's own default shows «2025/01/06»; day first reads as ours.
DAY_FIRST = "DD/MM/YYYY"
# Method numbers in the form, as (label, scale): the ICP share is typed as a percentage.
METHOD_NUMBERS = {
    "sla_hours": ("settings.sla_hours", 1),
    "cohort_window_days": ("settings.window", 1),
    "committed_icp_share": ("settings.icp_share", 100),
}
feedback.show_flash(FLASH)


def save_settings(changed: dict) -> None:
    """Write each changed setting as a new version; flash "saved", or "unchanged" when none."""
    feedback.attempt(
        lambda: [cfg.set_setting(store, user, key, value) for key, value in changed.items()],
        tr("settings.saved" if changed else "settings.unchanged"),
        FLASH,
    )


def targets_section() -> None:
    st.subheader(tr("settings.targets"))
    st.caption(tr("settings.targets_caption"))
    kpi_id = kpi_select(st, tr("settings.kpi"), key="target_kpi", optional=False)
    kpi = cat.get(kpi_id)
    target, tolerance = targets.current_targets(store)[kpi_id]
    is_rate = kpi.unit == "rate"
    # Keys carry the KPI so switching KPI shows that KPI's current values.
    left, right = st.columns(2)
    new_target = decimal_input(
        left,
        tr("settings.target_rate" if is_rate else "settings.target"),
        target * 100 if is_rate else target,
        f"target_value_{kpi_id}",
        *(bound * (100 if is_rate else 1) for bound in targets.TARGET_RANGES[kpi.unit]),
    )
    new_tolerance = decimal_input(
        right,
        tr("settings.tolerance_rate" if is_rate else "settings.tolerance"),
        tolerance,
        f"target_tolerance_{kpi_id}",
        *targets.TOLERANCE_RANGES[kpi.unit],
    )
    st.caption(kpi.definition(lang))
    if new_target is None or new_tolerance is None:
        return  # the field says what is wrong; nothing is saved
    if st.button(tr("settings.save_target"), type="primary", key="target_save"):
        value = new_target / 100 if is_rate else new_target
        if abs(value - target) < 1e-12 and abs(new_tolerance - tolerance) < 1e-12:
            st.info(tr("settings.unchanged"))
        else:
            feedback.attempt(
                lambda: targets.set_target(store, user, kpi_id, value, new_tolerance),
                tr("settings.saved"),
                FLASH,
            )
    history_table(kpi)


def history_table(kpi: cat.Kpi) -> None:
    """The KPI's target versions, newest first, in the reader's formats."""
    rows = [
        [
            cat.format_value(kpi, h["target"], lang, currency),
            fmt_number(h["tolerance"], lang),
            fmt_date(h["valid_from"], lang),
            h["changed_by"],
        ]
        for h in targets.target_history(store, kpi.id)
    ]
    if rows:
        with st.expander(tr("settings.history")):
            headers = ("target", "tolerance", "col.valid_from", "col.changed_by")
            table = pd.DataFrame(rows, columns=[tr(f"settings.{h}") for h in headers])
            st.dataframe(table, hide_index=True, width="stretch")


def definitions_section(settings: dict) -> None:
    st.subheader(tr("settings.definitions"))
    with st.form("definitions_form", enter_to_submit=False):
        # Streamlit cuts a value longer than max_chars, which would save the cut text as an
        # edit: a definition stored before the limit existed keeps its own length until edited.
        texts = {
            key: st.text_area(
                tr(f"scorecard.{key}"),
                value=settings[key],
                max_chars=max(cfg.TEXT_FIELDS[key].limit, len(settings[key])),
                key=f"def_{key}",
            )
            for key in cfg.DEFINITION_KEYS
        }
        if st.form_submit_button(tr("settings.save_definitions")):
            save_settings({k: text for k, text in texts.items() if text.strip() != settings[k]})


def method_number(where, key: str, settings: dict) -> float | int:
    """One method number, typed in its shown scale within the core's accepted range."""
    label, scale = METHOD_NUMBERS[key]
    low, high = cfg.NUMBER_RANGES[key]
    if isinstance(cfg.DEFAULTS[key], int):
        return where.number_input(tr(label), low, high, int(settings[key]), format="%d")
    shown = float(settings[key]) * scale
    typed = decimal_input(where, tr(label), shown, f"method_{key}", low * scale, high * scale)
    return None if typed is None else round(typed / scale, 6)


def method_section(settings: dict) -> None:
    st.subheader(tr("settings.method"))
    with st.form("method_form", enter_to_submit=False):
        cols = iter(st.columns(4))
        values = {key: method_number(next(cols), key, settings) for key in METHOD_NUMBERS}
        anchor = date.fromisoformat(settings["sprint_anchor"])
        anchor = next(cols).date_input(tr("settings.anchor"), anchor, format=DAY_FIRST)
        values["sprint_anchor"] = anchor.isoformat()
        if st.form_submit_button(tr("settings.save_method")) and None not in values.values():
            save_settings({k: v for k, v in values.items() if v != settings[k]})


targets_section()
st.divider()
current = cfg.get_settings(store)
definitions_section(current)
st.divider()
method_section(current)
st.divider()
channel_label_form(store, user, FLASH)
calendar_settings.cadence_form(store, user, FLASH)
programme_settings.programme_form(store, user, FLASH)
mail_settings.mail_form(store, user, FLASH)
