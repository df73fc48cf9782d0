"""Helpers shared by AppTest-based tests (importable by name, unlike conftest)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def logged_in(role: str = "admin", username: str | None = None) -> AppTest:
    """An AppTest of the router with an authenticated session of `role` (cookies are mocked)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username or role
    at.session_state["name"] = (username or role).title()
    at.session_state["roles"] = [role]
    return at
