"""Internal NPS on a real state file: survey periods, one answer per user and survey, eNPS per
team with the ≥ 3 anonymity rule, the trend, and no audit row tying a score to a person.
Every expected figure is counted by hand in the comments."""

from datetime import date

import pytest

from kpi.access import teams
from kpi.access.roles import Actor, PermissionDenied
from kpi.access.users import UserError
from kpi.cockpit import team_survey
from kpi.cockpit.team_survey import GroupResult, NpsPoint, Survey, SurveyError
from kpi.store.settings import set_setting

ADMIN = Actor("ada", "admin")
Q1, Q2 = date(2025, 2, 10), date(2025, 5, 15)
Q1_SURVEY = Survey(date(2025, 1, 1), date(2025, 3, 31))
Q2_SURVEY = Survey(date(2025, 4, 1), date(2025, 6, 30))
# username, team, score (Q2): marketing 10 9 6, ventas 10 8 3 2, operaciones 9, no team 5.
Q2_ANSWERS = [
    ("m1", "marketing", 10),
    ("m2", "marketing", 9),
    ("m3", "marketing", 6),
    ("v1", "ventas", 10),
    ("v2", "ventas", 8),
    ("v3", "ventas", 3),
    ("v4", "ventas", 2),
    ("o1", "operaciones", 9),
    ("x1", None, 5),
]


def answer(store, username, team, score, day, comment=None, role="viewer"):
    return team_survey.answer_survey(store, Actor(username, role), score, comment, team, day)


def test_enps_is_promoters_minus_detractors_in_points():
    assert team_survey.enps([]) is None
    assert team_survey.enps([10, 9, 8, 7, 6, 0]) == 0  # 2 promoters, 2 detractors of 6
    assert team_survey.enps([10, 10, 9, 5]) == 50  # 3 − 1 of 4
    assert team_survey.enps([9, 8, 7]) == pytest.approx(100 / 3)
    assert team_survey.enps([0, 6]) == -100


def test_survey_periods_follow_the_cadence_from_january():
    assert team_survey.survey_for(Q2, 3) == Q2_SURVEY
    assert team_survey.survey_for(date(2025, 12, 10), 5) == Survey(
        date(2025, 11, 1), date(2025, 12, 31)
    )
    assert team_survey.survey_for(date(2025, 2, 1), 12) == Survey(
        date(2025, 1, 1), date(2025, 12, 31)
    )
    assert team_survey.survey_for(date(2024, 2, 10), 1) == Survey(
        date(2024, 2, 1), date(2024, 2, 29)
    )


def test_the_cadence_is_a_setting(store):
    assert team_survey.current_survey(store, Q2) == Q2_SURVEY
    set_setting(store, ADMIN, "survey_cadence_months", 6)
    assert team_survey.current_survey(store, Q2) == Survey(date(2025, 1, 1), date(2025, 6, 30))


def test_each_user_answers_once_per_survey_viewers_included(store):
    assert answer(store, "vera", "ventas", 8, Q1) == Q1_SURVEY
    assert team_survey.has_answered(store, "vera", Q1_SURVEY)
    with pytest.raises(SurveyError):
        answer(store, "vera", "ventas", 9, Q1)
    assert answer(store, "vera", "ventas", 9, Q2) == Q2_SURVEY
    assert not team_survey.has_answered(store, "eva", Q1_SURVEY)


def test_bad_scores_teams_and_impostors_are_refused(store):
    for score in (11, -1, True, "7", 7.5, None):
        with pytest.raises(SurveyError):
            answer(store, "vera", None, score, Q1)
    with pytest.raises(ValueError):
        answer(store, "vera", "finanzas", 7, Q1)
    for impostor in (Actor("root", "superuser"), {"username": "x", "role": "admin"}):
        with pytest.raises(PermissionDenied):
            team_survey.answer_survey(store, impostor, 7, None, None, Q1)
    assert store.rows("SELECT * FROM survey_answers") == []


def test_team_figures_need_three_answers_and_the_total_hides_what_subtraction_shows(store):
    for username, team, score in Q2_ANSWERS:
        answer(store, username, team, score, Q2)
    overall, teams = team_survey.survey_results(store, Q2_SURVEY)
    # marketing: 2 promoters, 1 detractor of 3 → 33.3; ventas: 1 − 2 of 4 → −25.
    assert teams == [
        GroupResult("marketing", 3, pytest.approx(100 / 3)),
        GroupResult("ventas", 4, -25),
        GroupResult("operaciones", None, None),
        GroupResult("direccion", None, None),
        GroupResult("none", None, None),
    ]
    # Hidden: operaciones 1 + no team 1 = 2 answers, which total − shown teams would expose.
    assert overall == GroupResult("all", None, None)
    answer(store, "o2", "operaciones", 7, Q2)
    overall, teams = team_survey.survey_results(store, Q2_SURVEY)
    # Hidden now hold 3 answers. All 10: promoters 10 9 10 9, detractors 6 3 2 5 → 0.
    assert overall == GroupResult("all", 10, 0)
    assert teams[2] == GroupResult("operaciones", None, None)


def test_comments_show_without_names_only_from_three_answers(store):
    answer(store, "m1", "marketing", 10, Q2, "Las reuniones por fin sirven")
    answer(store, "m2", "marketing", 4, Q2, "  ")
    assert team_survey.survey_comments(store, Q2_SURVEY) == []
    answer(store, "v1", "ventas", 6, Q2, "Falta feedback de Marketing")
    assert sorted(team_survey.survey_comments(store, Q2_SURVEY)) == [
        "Falta feedback de Marketing",
        "Las reuniones por fin sirven",
    ]
    assert (
        store.rows("SELECT * FROM survey_answers WHERE comment IS NOT NULL AND comment = ''") == []
    )


def test_the_audit_names_who_took_part_but_no_score(store):
    answer(store, "m1", "marketing", 3, Q2, "Muy mal")
    audited = store.rows("SELECT actor, table_name, after FROM audit_log")
    assert [(a["actor"], a["table_name"]) for a in audited] == [("m1", "survey_responses")]
    assert "score" not in audited[0]["after"] and "Muy mal" not in audited[0]["after"]
    [stored] = store.rows("SELECT * FROM survey_answers")
    assert "m1" not in str(stored.values()) and stored["team"] == "marketing"


def test_team_nps_series_is_the_trend_per_survey(store):
    assert team_survey.team_nps_series(store) == []
    for username in ("m1", "m2", "m3"):
        answer(store, username, "marketing", 10, Q1)  # Q1: marketing only, all promoters
    for username, team, score in [*Q2_ANSWERS, ("o2", "operaciones", 7)]:
        answer(store, username, team, score, Q2)
    assert team_survey.team_nps_series(store) == [
        NpsPoint(Q1_SURVEY, 3, 100),
        NpsPoint(Q2_SURVEY, 10, 0),
    ]
    assert team_survey.team_nps_series(store, "marketing") == [
        NpsPoint(Q1_SURVEY, 3, 100),
        NpsPoint(Q2_SURVEY, 3, pytest.approx(100 / 3)),
    ]
    assert team_survey.team_nps_series(store, "operaciones") == [
        NpsPoint(Q1_SURVEY, None, None),
        NpsPoint(Q2_SURVEY, None, None),
    ]
    assert team_survey.team_nps_series(store, start=date(2025, 4, 1)) == [
        NpsPoint(Q2_SURVEY, 10, 0)
    ]
    assert team_survey.team_nps_series(store, end=date(2025, 3, 31)) == [
        NpsPoint(Q1_SURVEY, 3, 100)
    ]


def test_a_users_team_is_validated_once_and_kept_in_the_credentials(store, users_file):
    assert teams.teams(users_file) == {"admin": None}
    assert teams.set_team(store, ADMIN, users_file, "Admin", " Ventas ") == "ventas"
    assert teams.teams(users_file) == {"admin": "ventas"}
    with pytest.raises(UserError):
        teams.set_team(store, ADMIN, users_file, "admin", "finanzas")
    with pytest.raises(UserError):
        teams.set_team(store, ADMIN, users_file, "nobody", "ventas")
    with pytest.raises(PermissionDenied):
        teams.set_team(store, Actor("eva", "editor"), users_file, "admin", "marketing")
    assert teams.set_team(store, ADMIN, users_file, "admin", "") is None
    assert teams.teams(users_file) == {"admin": None}


def test_enps_by_period_feeds_the_programme_metric(store):
    from kpi.engine.periods import Period

    quarters = [
        Period(date(2025, 1, 1), date(2025, 3, 31)),
        Period(date(2025, 4, 1), date(2025, 6, 30)),
        Period(date(2025, 7, 1), date(2025, 9, 30)),
    ]
    assert team_survey.enps_by_period(store, quarters) is None
    for username, score in (("m1", 10), ("m2", 9), ("m3", 0)):
        answer(store, username, "marketing", score, Q1)  # 2 promoters − 1 detractor of 3
    answer(store, "v1", "ventas", 10, Q2)  # one answer: hidden
    assert team_survey.enps_by_period(store, quarters) == [
        pytest.approx(100 / 3),
        None,
        None,
    ]
