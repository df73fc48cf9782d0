"""Inicio's internal NPS: answer the current survey once, and read the anonymous results."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback
from kpi.access.teams import teams
from kpi.cockpit import team_survey
from kpi.cockpit.loop_charts import enps_trend_chart
from kpi.engine.display import format_value
from kpi.i18n import fmt_date, fmt_number
from kpi.store.database import Store

FLASH = "survey_flash"


def survey_area(store: Store) -> None:
    tr, lang = common.tr, common.lang()
    user = common.actor()
    survey = team_survey.current_survey(store)
    period = {"start": fmt_date(survey.start, lang), "end": fmt_date(survey.end, lang)}
    with st.expander(tr("loops.survey.title", **period)):
        feedback.show_flash(FLASH)
        if team_survey.has_answered(store, user.username, survey):
            st.caption(tr("loops.survey.answered"))
        elif user.can(team_survey.CAPABILITY):
            answer_form(store, user)
        results(store, survey)


def answer_form(store: Store, user) -> None:
    tr = common.tr
    team = teams(common.credentials_path()).get(user.username)
    with st.form("survey_form", enter_to_submit=False):
        score = st.slider(tr("loops.survey.question"), 0, 10, 7, key="survey_score")
        comment = st.text_area(
            tr("loops.survey.comment"), max_chars=team_survey.COMMENT.limit, key="survey_comment"
        )
        st.caption(tr("loops.survey.anonymous", minimum=team_survey.MIN_ANSWERS))
        if st.form_submit_button(tr("loops.survey.send"), type="primary", key="survey_send"):
            feedback.attempt(
                lambda: team_survey.answer_survey(store, user, score, comment, team),
                tr("loops.survey.thanks"),
                FLASH,
            )


def results(store: Store, survey: team_survey.Survey) -> None:
    """eNPS for everyone and per team (hidden below the minimum), the trend and the comments."""
    tr, lang = common.tr, common.lang()
    overall, groups = team_survey.survey_results(store, survey)
    st.subheader(tr("loops.survey.results"))
    hidden = tr("loops.survey.hidden")
    frame = pd.DataFrame(
        [
            {
                tr("loops.col.team"): tr(f"team.{g.group}"),
                tr("loops.col.answers"): fmt_number(g.answers, lang, 0) if g.answers else hidden,
                "eNPS": format_value("score", g.enps, lang) if g.answers else hidden,
            }
            for g in (overall, *groups)
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    series = {tr("team.all"): team_survey.team_nps_series(store)}
    series |= {tr(f"team.{t}"): team_survey.team_nps_series(store, t) for t in team_survey.TEAMS}
    if any(p.enps is not None for points in series.values() for p in points):
        st.altair_chart(enps_trend_chart(series, lang), width="stretch")
    comments = team_survey.survey_comments(store, survey)
    if comments:
        st.caption(tr("loops.survey.comments"))
        for comment in comments:
            # Typed text: shown as text, never Markdown.
            st.text(comment)
