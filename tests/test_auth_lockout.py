"""Login lockout: 5 failures within 15 minutes refuse a name for 15 minutes, persisted in DuckDB."""

from datetime import datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest
from support import APP

from kpi.access import auth
from kpi.access.roles import SYSTEM
from kpi.store.database import Store, close_all, open_store

T0 = datetime(2025, 3, 3, 9, 0, 0)


def fail(store, username, at, times=1):
    for _ in range(times):
        auth.record_login_attempt(store, username, False, at)


def test_four_failures_do_not_lock_the_fifth_does(store):
    fail(store, "ana", T0, 4)
    assert auth.lockout_remaining(store, "ana", T0) is None
    fail(store, "ana", T0 + timedelta(minutes=1))
    assert auth.lockout_remaining(store, "ana", T0 + timedelta(minutes=1)) == timedelta(minutes=15)
    assert auth.lockout_remaining(store, "ana", T0 + timedelta(minutes=11)) == timedelta(minutes=5)


def test_failures_spread_over_more_than_15_minutes_do_not_lock(store):
    for minute in (0, 4, 8, 12, 16):
        fail(store, "ana", T0 + timedelta(minutes=minute))
    assert auth.lockout_remaining(store, "ana", T0 + timedelta(minutes=16)) is None


def test_lock_ends_after_15_minutes(store):
    fail(store, "ana", T0, 5)
    assert auth.lockout_remaining(store, "ana", T0 + timedelta(minutes=14, seconds=59))
    assert auth.lockout_remaining(store, "ana", T0 + timedelta(minutes=15)) is None
    assert auth.lockout_remaining(store, "ana", T0 + timedelta(hours=3)) is None


def test_lock_is_per_name_and_ignores_case_and_spaces(store):
    fail(store, " Ana ", T0, 5)
    assert auth.lockout_remaining(store, "ANA", T0)
    assert auth.lockout_remaining(store, "bea", T0) is None


def test_success_before_failures_does_not_count_but_failures_after_do(store):
    fail(store, "ana", T0, 3)
    auth.record_login_attempt(store, "ana", True, T0 + timedelta(minutes=1))
    fail(store, "ana", T0 + timedelta(minutes=2), 4)
    assert auth.lockout_remaining(store, "ana", T0 + timedelta(minutes=2)) is None
    fail(store, "ana", T0 + timedelta(minutes=3))
    assert auth.lockout_remaining(store, "ana", T0 + timedelta(minutes=3))


def test_lock_survives_a_restart(tmp_path):
    path = tmp_path / "persist.duckdb"
    first = open_store(path)
    fail(first, "ana", T0, 5)
    close_all()
    again = Store(path)
    try:
        assert auth.lockout_remaining(again, "ana", T0 + timedelta(minutes=5)) == timedelta(
            minutes=10
        )
    finally:
        again.close()


def test_a_huge_username_is_stored_cut_to_200_characters(store):
    fail(store, "x" * 100_000, T0)
    stored = store.state().execute("SELECT length(username) FROM login_attempts").fetchone()[0]
    assert stored == 200


# --- the login form, driven through AppTest -------------------------------------------------


@pytest.fixture
def login_app(app_env):
    """A database and credentials file with one known user `ana` (password known)."""
    store = open_store(app_env)
    auth.ensure_auth_config(auth.auth_path_for(app_env))
    auth.save_user(store, SYSTEM, auth.auth_path_for(app_env), "ana", "Ana", "editor", "correcta-1")
    return store


def submit(username: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_pw").input(password)
    at.button[0].click().run()
    assert not at.exception
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_unknown_user_and_wrong_password_get_the_same_message(login_app):
    unknown = submit("nadie", "lo-que-sea-1")
    wrong = submit("ana", "incorrecta-1")
    assert errors(unknown) == errors(wrong) == ["Usuario o contraseña incorrectos."]
    assert unknown.session_state["authentication_status"] is not True
    assert wrong.session_state["authentication_status"] is not True


def test_correct_password_logs_in(login_app):
    at = submit("ana", "correcta-1")
    assert at.session_state["authentication_status"] is True
    assert not errors(at)


def test_correct_password_is_refused_while_locked(login_app):
    for _ in range(5):
        submit("ana", "incorrecta-1")
    at = submit("ana", "correcta-1")
    assert errors(at) == ["Demasiados intentos fallidos. Espera 15 minutos e inténtalo de nuevo."]
    assert at.session_state["authentication_status"] is not True


def test_unknown_user_is_locked_the_same_way(login_app):
    known = [errors(submit("ana", "incorrecta-1")) for _ in range(6)]
    unknown = [errors(submit("nadie", "incorrecta-1")) for _ in range(6)]
    assert known == unknown
    assert known[-1][0].startswith("Demasiados intentos fallidos")


@pytest.mark.parametrize(
    "username",
    [
        "<img src=x onerror=window.__xss=1>",
        "admin' OR '1'='1' --",
        "ü" * 20_000,
        "   ",
        "🧭\u202eadmin",
    ],
    ids=["markup", "sql", "huge", "blank", "rtl-override"],
)
def test_hostile_usernames_get_the_plain_refusal(login_app, username):
    at = submit(username, "lo-que-sea-1")
    assert errors(at) == ["Usuario o contraseña incorrectos."]
    assert at.session_state["authentication_status"] is not True
