"""The router through AppTest: login, refusal, lockout, role-based pages, every page renders."""

import pytest
from streamlit.testing.v1 import AppTest
from support import APP, logged_in

from kpi.access import auth
from kpi.store.database import open_store

EVERYONE = {"admin", "editor", "viewer"}
# The spec (DESIGN §8), stated independently of app.py: page file -> roles that may open it.
PAGE_ROLES = {
    "app_pages/home.py": EVERYONE,
    "app_pages/scorecard.py": EVERYONE,
    "app_pages/kpi_detail.py": EVERYONE,
    "app_pages/outcomes.py": EVERYONE,
    "app_pages/projector.py": EVERYONE,
    "app_pages/backlog.py": EVERYONE,
    "app_pages/history.py": EVERYONE,
    "app_pages/meeting.py": {"admin", "editor"},
    "app_pages/import_data.py": {"admin"},
    "app_pages/settings.py": {"admin"},
    "app_pages/audit.py": {"admin"},
}


def _submit_login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_pw").input(password)
    at.button[0].click()
    return at.run()


def _first_run_password(app_env) -> str:
    first = auth.ensure_auth_config(app_env.parent / "auth.yaml")
    return first.admin_password


def test_login_page_shows_only_the_form(demo_app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.text_input(key="login_username")
    assert not at.metric
    assert at.session_state["authentication_status"] is not True


def test_admin_logs_in_with_the_first_run_password(demo_app_env):
    password = _first_run_password(demo_app_env)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = _submit_login(at, "admin", password)
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    assert at.session_state["username"] == "admin"


def test_wrong_password_is_refused_and_counted(demo_app_env):
    _first_run_password(demo_app_env)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = _submit_login(at, "admin", "not-the-password")
    assert at.session_state["authentication_status"] is not True
    assert [e.value for e in at.error] == ["Usuario o contraseña incorrectos."]
    attempts = (
        open_store(demo_app_env)
        .state()
        .execute("SELECT username, success FROM login_attempts")
        .fetchall()
    )
    assert attempts == [("admin", False)]


def test_correct_password_refused_after_five_failures(demo_app_env):
    password = _first_run_password(demo_app_env)
    at = AppTest.from_file(APP, default_timeout=60).run()
    for _ in range(5):
        at = _submit_login(at, "admin", "wrong")
    at = _submit_login(at, "admin", password)
    assert at.session_state["authentication_status"] is not True
    assert "Demasiados intentos fallidos" in at.error[0].value


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_each_role_reaches_exactly_its_pages_and_each_renders(demo_app_env, role):
    for file, roles in PAGE_ROLES.items():
        at = logged_in(role).run()
        assert not at.exception
        if role in roles:
            at.switch_page(file).run()
            assert not at.exception, (file, at.exception)
        else:
            with pytest.raises(ValueError):
                at.switch_page(file)


def test_language_switch_to_english(demo_app_env):
    at = logged_in("viewer").run()
    at.sidebar.selectbox[0].select("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("🧭 Brújula")
    assert any("Hello" in sub.value for sub in at.subheader)
