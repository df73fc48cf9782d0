"""Ajustes: the programme's settings (qualified stage, fallback gross margin) and the team
survey's cadence."""

import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets.fields import decimal_input
from kpi.access.roles import Actor
from kpi.store.database import Store
from kpi.store.settings import CHOICES, NUMBER_RANGES, get_settings, set_setting


def programme_form(store: Store, user: Actor, flash: str) -> None:
    """One form; each changed value is saved as a new setting version."""
    tr = common.tr
    settings = get_settings(store)
    st.subheader(tr("settings.programme"))
    with st.form("programme_settings_form", enter_to_submit=False):
        cols = st.columns(3)
        stages = CHOICES["qualified_stage"]
        values = {
            "qualified_stage": cols[0].selectbox(
                tr("settings.qualified_stage"),
                stages,
                index=stages.index(settings["qualified_stage"]),
                format_func=lambda stage: tr(f"settings.qualified_stage.{stage}"),
                help=tr("settings.qualified_stage.help"),
                key="set_qualified_stage",
            )
        }
        low, high = NUMBER_RANGES["programme_gross_margin"]
        margin = decimal_input(
            cols[1],
            tr("settings.gross_margin"),
            settings["programme_gross_margin"] * 100,
            "set_gross_margin",
            low * 100,
            high * 100,
        )
        values["programme_gross_margin"] = None if margin is None else round(margin / 100, 4)
        low, high = NUMBER_RANGES["survey_cadence_months"]
        values["survey_cadence_months"] = cols[2].number_input(
            tr("settings.survey_cadence"),
            int(low),
            int(high),
            int(settings["survey_cadence_months"]),
            key="set_survey_cadence",
        )
        submitted = st.form_submit_button(tr("settings.programme.save"), key="set_programme_save")
    if submitted and None not in values.values():
        changed = {k: v for k, v in values.items() if v != settings[k]}
        feedback.attempt(
            lambda: [set_setting(store, user, k, v) for k, v in changed.items()],
            tr("settings.saved" if changed else "settings.unchanged"),
            flash,
        )
