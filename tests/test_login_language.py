"""The language is the user's: chosen once, it is kept in their credentials entry and comes back
with every new session (a reload, a cookie restore, a login)."""

import pytest
import yaml
from streamlit.testing.v1 import AppTest
from support import APP, logged_in

from kpi.access import auth
from kpi.access.roles import SYSTEM
from kpi.store.database import open_store


@pytest.fixture
def ana(app_env):
    """An editor `ana` whose password is known, in a fresh credentials file."""
    path = auth.auth_path_for(app_env)
    auth.ensure_auth_config(path)
    auth.save_user(open_store(app_env), SYSTEM, path, "ana", "Ana", "editor", "correcta-1")
    return path


def stored_language(path, username: str):
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))["credentials"]["usernames"][username]
    return entry.get("language")


def test_set_language_is_kept_per_user_and_refuses_unknown_ones(ana):
    assert auth.account(ana, "ana").language is None
    auth.set_language(ana, "ana", "en")
    assert stored_language(ana, "ana") == "en"
    assert auth.account(ana, "ana").language == "en"
    generation = auth.account(ana, "ana").generation
    with pytest.raises(ValueError):
        auth.set_language(ana, "ana", "fr")
    assert auth.account(ana, "ana").language == "en"
    assert auth.account(ana, "ana").generation == generation  # sessions go on


def test_choosing_english_is_stored_and_a_new_login_speaks_english(ana):
    at = logged_in("editor", "ana").run()
    at.selectbox(key="lang").select("en").run()
    assert not at.exception
    assert stored_language(ana, "ana") == "en"
    # A new browser session (a reload, or another day): Spanish until Ana logs in.
    fresh = AppTest.from_file(APP, default_timeout=60).run()
    assert fresh.session_state["lang"] == "es"
    fresh.text_input(key="login_username").input("ana")
    fresh.text_input(key="login_pw").input("correcta-1")
    fresh.button[0].click().run()
    assert not fresh.exception
    assert fresh.session_state["authentication_status"] is True
    assert fresh.session_state["lang"] == "en"
    assert fresh.selectbox(key="lang").value == "en"
    assert "Log out" in [b.label for b in fresh.button]
