"""The internal NPS on Inicio and the team on Usuarios, through AppTest (es and en)."""

import yaml

from kpi.access import auth
from kpi.access.roles import Actor
from kpi.access.teams import set_team
from kpi.cockpit import team_survey
from kpi.mail.recipients import set_email
from kpi.store.database import open_store
from tests import support

HOME = "app_pages/home.py"


def test_a_viewer_answers_once_and_sees_only_anonymous_results(app_env):
    store = open_store(app_env)
    at = support.open_page(HOME, "viewer")
    at.slider(key="survey_score").set_value(9)
    at.text_area(key="survey_comment").input("Buen ambiente")
    at.button(key="survey_send").click().run()
    assert not at.exception
    assert "Gracias: respuesta registrada." in [s.value for s in at.success]
    [answer] = store.rows("SELECT team, score, comment FROM survey_answers")
    assert answer == {"team": None, "score": 9, "comment": "Buen ambiente"}
    # Answered: no form any more; one answer hides every figure and the comment.
    assert not [b for b in at.button if b.key == "survey_send"]
    table = at.dataframe[-1].value
    assert set(table["eNPS"]) == {"oculto (anonimato)"}
    assert "Buen ambiente" not in [t.value for t in at.text]


def test_results_in_english_with_three_answers_of_a_team(app_env):
    support.seed_user("admin", "admin")
    store = open_store(app_env)
    # ventas 10, 9, 2: 2 promoters − 1 detractor of 3 → 33; everyone the same (no hidden team).
    for username, score in (("v1", 10), ("v2", 9), ("v3", 2)):
        team_survey.answer_survey(
            store, Actor(username, "viewer"), score, "ok " + username, "ventas"
        )
    at = support.open_page(HOME, "admin", lang="en")
    table = at.dataframe[-1].value
    rows = dict(zip(table["Team"], table["eNPS"], strict=True))
    assert rows["Everyone"] == "33" and rows["Sales"] == "33"
    assert rows["Marketing"] == "hidden (anonymity)"
    assert sorted(t.value for t in at.text if t.value.startswith("ok ")) == [
        "ok v1",
        "ok v2",
        "ok v3",
    ]
    assert at.get("vega_lite_chart")


def test_an_admin_sets_a_users_team_on_the_users_page(app_env):
    store = open_store(app_env)
    at = support.open_page("app_pages/users.py", "admin")
    at.selectbox(key="users_team_admin").select("marketing").run()
    at.button(key="users_team_save_admin").click().run()
    assert not at.exception
    path = auth.auth_path_for(app_env)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert config["credentials"]["usernames"]["admin"]["team"] == "marketing"
    assert store.rows("SELECT actor, table_name FROM audit_log WHERE table_name = 'users'") == [
        {"actor": "admin", "table_name": "users"}
    ]


def test_the_users_table_shows_each_users_team_and_address(app_env):
    store = open_store(app_env)
    support.seed_user("eva", "editor")
    path = auth.auth_path_for(app_env)
    set_team(store, Actor("admin", "admin"), path, "eva", "ventas")
    set_email(store, Actor("admin", "admin"), path, "eva", "eva@example.com")
    table = support.open_page("app_pages/users.py", "admin").dataframe[0].value
    rows = {row["Usuario"]: row for row in table.to_dict("records")}
    assert (rows["eva"]["Equipo"], rows["eva"]["Correo"]) == ("Ventas", "eva@example.com")
    assert (rows["admin"]["Equipo"], rows["admin"]["Correo"]) == ("Sin equipo", "—")
