"""Helpers shared by AppTest-based tests (importable by name, unlike conftest)."""

import os
from pathlib import Path

import bcrypt
import yaml
from streamlit.testing.v1 import AppTest

from kpi.access import auth

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
# A cheap hash (4 rounds) of a password no seeded-session test types.
_SEEDED_HASH = bcrypt.hashpw(b"seeded-user-password", bcrypt.gensalt(4)).decode()


def seed_user(username: str, role: str) -> Path:
    """Put `username` with `role` into the app's credentials file (BRUJULA_AUTH), creating the
    file like a first run would. Rights come from this file on every run, never from session
    state, so a seeded session needs its user here. Written directly: no audit row."""
    path = auth.auth_path_for(os.environ["BRUJULA_DB"])
    auth.ensure_auth_config(path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    users = config["credentials"]["usernames"]
    entry = users.setdefault(username, {"name": username.title(), "password": _SEEDED_HASH})
    entry["roles"] = [role]
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def logged_in(role: str = "admin", username: str | None = None) -> AppTest:
    """An AppTest of the router with an authenticated session of `username` (default: the role's
    name), who holds `role` in the credentials file (cookies are mocked under AppTest)."""
    username = username or role
    seed_user(username, role)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username.title()
    return at
