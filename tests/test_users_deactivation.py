"""Usuarios: one button deactivates a user (their live session ends on its next run, login is
refused, audited) and one reactivates them; the add form starts empty after a user is created."""

import yaml
from support import add_user_on_page, open_page
from test_trust_sessions import log_in, stored, submit_login, team  # noqa: F401

from kpi.access import auth
from kpi.store.database import open_store

PAGE = "app_pages/users.py"


def users_page_as(username: str):
    at = log_in(username)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def shows_login_form(at) -> bool:
    """The login form is what the session sees (whatever the login code keeps in its state)."""
    logged_in = "authentication_status" in at.session_state and (
        at.session_state["authentication_status"] is True
    )
    return not logged_in and any(box.key == "login_username" for box in at.text_input)


def user_audit(db) -> list[tuple]:
    return (
        open_store(db)
        .state()
        .execute(
            "SELECT actor, action, row_id, after FROM audit_log WHERE table_name = 'users' "
            "ORDER BY id"
        )
        .fetchall()
    )


def test_deactivate_ends_the_session_and_reactivate_lets_them_back(team, app_env):  # noqa: F811
    eva = log_in("eva")
    at = users_page_as("ada")
    at.selectbox(key="users_edit_pick").select("eva").run()
    at.button(key="users_deactivate_eva").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["«eva» desactivado: sus sesiones han terminado."]
    assert stored(team, "eva")["active"] is False
    # The box in the edit form follows: applying the form now would not reactivate eva.
    assert at.checkbox(key="users_edit_active_eva").value is False
    eva.run()
    assert shows_login_form(eva), "the live session ends on its next run"
    assert shows_login_form(submit_login("eva")), "login is refused"

    at.button(key="users_reactivate_eva").click().run()
    assert not at.exception and not at.error
    assert stored(team, "eva")["active"] is True
    assert log_in("eva").session_state["username"] == "eva", "reactivated: logs in again"
    audit = user_audit(app_env)
    assert [row[:3] for row in audit] == [("ada", "update", "eva")] * 2
    assert [yaml.safe_load(row[3])["active"] for row in audit] == [False, True]


def test_the_add_form_is_empty_after_a_user_is_created(app_env):
    open_store(app_env)
    auth.ensure_auth_config(auth.auth_path_for(app_env))
    at = add_user_on_page(open_page(PAGE), "marta", "Marta", "editor", "clave-de-marta")
    assert [s.value for s in at.success] == ["Usuario «marta» creado."]
    assert at.text_input(key="users_new_username").value == ""
    assert at.text_input(key="users_new_name").value == ""
    assert at.text_input(key="users_new_password").value == ""
    assert at.selectbox(key="users_new_role").value == "viewer"


def test_a_refused_user_keeps_what_was_typed(app_env):
    open_store(app_env)
    auth.ensure_auth_config(auth.auth_path_for(app_env))
    at = add_user_on_page(open_page(PAGE), "marta", "Marta", "editor", "corta")
    assert at.error
    assert at.text_input(key="users_new_username").value == "marta"
    assert at.selectbox(key="users_new_role").value == "editor"
