"""The login gate: first-run credentials, the login form with lockout, session cookies, logout."""

import json
import time

import streamlit as st

from app_pages.widgets import common
from kpi import clock
from kpi.access import auth, bootstrap, sessions
from kpi.store.database import StoreError
from kpi.text import escape_markdown


def load_store():
    """The store, or None after showing why it cannot be opened."""
    try:
        return common.store()
    except StoreError as error:
        common.show_store_error(error)
        return None


def cookie_settings() -> dict:
    """The session cookie's name, signing key and expiry (first-run credentials made if none)."""
    first = bootstrap.ensure_credentials(common.db_path())
    if first.admin_password:
        print(bootstrap.first_run_message(first), flush=True)
    return auth.load_auth_config(first.path)["cookie"]


# A cookie write the browser has not surely received yet: ("set", token, max_age) or
# ("delete",). Written by a plain script in the page, never by a component: a component reports
# back and so starts a run of its own, and a run started that way replaces the run of a click
# made meanwhile (a page switch, a submit), which is then lost.
_PENDING_COOKIE = "cookie_pending"


def set_cookie(cookie: dict, account: auth.Account) -> None:
    """Give the browser a cookie bound to the user's current session generation."""
    if float(cookie["expiry_days"]) <= 0:
        return
    now = time.time()
    token, expires = sessions.issue_token(cookie, account, now)
    max_age = max(0, int(expires.timestamp() - now))
    st.session_state[_PENDING_COOKIE] = ("set", token, max_age)


def forget_cookie() -> None:
    """Delete the browser's cookie; this browser session never reads its stale copy again."""
    st.session_state[_PENDING_COOKIE] = ("delete",)
    st.session_state["logout"] = True


def write_cookie(cookie: dict) -> None:
    """Draw the pending cookie write (call in every run until `cookie_written`)."""
    pending = st.session_state.get(_PENDING_COOKIE)
    if not pending:
        return
    if pending[0] == "set":
        _, token, max_age = pending
        value = f"{cookie['name']}={token}; max-age={max_age}; path=/; SameSite=Strict"
    else:
        value = f"{cookie['name']}=; max-age=0; path=/; SameSite=Strict"
    # Our fixed script; the value is a JSON string literal with "<" escaped, so no text in it
    # (the name from the credentials file, the signed token) can end the script element.
    literal = json.dumps(value).replace("<", "\\u003c")
    st.sidebar.html(f"<script>document.cookie = {literal};</script>", unsafe_allow_javascript=True)


def cookie_written() -> None:
    """A run that drew the pending cookie write reached its end: the browser has it."""
    st.session_state.pop(_PENDING_COOKIE, None)


def restore_from_cookie(cookie: dict) -> None:
    """A new browser session logs in from its cookie only while the cookie's user exists, is
    active and has not had their sessions ended; any other cookie just shows the login form."""
    if st.session_state.get("logout"):
        return  # logged out (or ended) in this browser session: its old cookie stays unread
    token = st.context.cookies.get(cookie["name"])
    found = sessions.account_for_token(common.credentials_path(), cookie, token, time.time())
    if found is not None:
        common.start_session(found)
    elif token:
        forget_cookie()


def attempt_login(cookie: dict) -> None:
    """The login form's submit callback: it runs before the script, so a run that is replaced
    by another (a second click, a page switch) cannot lose the login. A success renders the app
    in this same run; a failure leaves a message for the login page."""
    result = auth.check_login(
        common.store(),
        common.credentials_path(),
        st.session_state.get("login_username") or "",
        st.session_state.get("login_pw") or "",
        clock.now(),
    )
    if result.locked_for is not None:
        minutes = max(1, round(result.locked_for.total_seconds() / 60))
        st.session_state["login_error"] = common.tr("login.locked", minutes=minutes)
    elif result.account is None:
        st.session_state["login_error"] = common.tr("login.failed")
    else:
        common.start_session(result.account)
        set_cookie(cookie, result.account)
        st.session_state.pop("login_error", None)


def log_out() -> None:
    """The logout button's callback: every session of the user ends (a copied cookie stops
    working too) and this browser forgets its cookie."""
    if username := st.session_state.get("username"):
        auth.end_sessions(common.credentials_path(), username)
    common.end_session()
    forget_cookie()


def user_sidebar() -> None:
    user = common.actor()
    name = escape_markdown(st.session_state.get("name") or "")
    st.sidebar.caption(common.tr("sidebar.user", name=name, role=common.tr(f"role.{user.role}")))
    st.sidebar.button(common.tr("sidebar.logout"), key="auth_logout", on_click=log_out)


def login_page(cookie: dict) -> None:
    st.title(f"🧭 {common.tr('app.title')}")
    st.caption(common.tr("app.tagline"))
    with st.form("login_form"):
        st.subheader(common.tr("login.title"))
        st.text_input(common.tr("login.username"), key="login_username")
        st.text_input(common.tr("login.password"), type="password", key="login_pw")
        st.form_submit_button(
            common.tr("login.submit"),
            type="primary",
            key="login_submit",
            on_click=attempt_login,
            args=(cookie,),
        )
    error = st.session_state.pop("login_error", None)
    if error:
        st.error(error)
    else:
        st.info(common.tr("login.prompt"))
