"""The login gate: first-run credentials, the login form with lockout, session cookies, logout."""

import time

import streamlit as st
import streamlit_authenticator as stauth

from app_pages.widgets import common
from kpi import clock
from kpi.access import auth, bootstrap, sessions
from kpi.store.database import StoreError
from kpi.text import escape_markdown


def load_store():
    try:
        return common.store()
    except StoreError as error:
        common.show_store_error(error)
        st.stop()


def build_authenticator() -> tuple[stauth.Authenticate, dict]:
    """The library's logout button and cookie component, and the cookie settings (name, key,
    expiry). Logins and cookies are checked by our code against the credentials file."""
    first = bootstrap.ensure_credentials(common.db_path())
    if first.admin_password:
        print(bootstrap.first_run_message(first), flush=True)
    config = auth.load_auth_config(first.path)
    authenticator = stauth.Authenticate(
        config["credentials"],
        config["cookie"]["name"],
        config["cookie"]["key"],
        config["cookie"]["expiry_days"],
        auto_hash=False,
    )
    return authenticator, config["cookie"]


def set_cookie(authenticator: stauth.Authenticate, cookie: dict, account: auth.Account) -> None:
    """Give the browser a cookie bound to the user's current session generation."""
    if float(cookie["expiry_days"]) <= 0:
        return
    token, expires = sessions.issue_token(cookie, account, time.time())
    manager = authenticator.cookie_controller.cookie_model.cookie_manager
    manager.set(cookie["name"], token, expires_at=expires)


def forget_cookie(authenticator: stauth.Authenticate) -> None:
    """Delete the browser's cookie; this browser session never reads its stale copy again."""
    authenticator.cookie_controller.delete_cookie()
    st.session_state["logout"] = True


def restore_from_cookie(authenticator: stauth.Authenticate, cookie: dict) -> None:
    """A new browser session logs in from its cookie only while the cookie's user exists, is
    active and has not had their sessions ended; any other cookie just shows the login form."""
    if st.session_state.get("logout"):
        return  # logged out (or ended) in this browser session: its old cookie stays unread
    token = st.context.cookies.get(cookie["name"])
    found = sessions.account_for_token(common.credentials_path(), cookie, token, time.time())
    if found is not None:
        common.start_session(found)
    elif token:
        forget_cookie(authenticator)


def attempt_login(authenticator: stauth.Authenticate, cookie: dict, store) -> None:
    """Check a submitted login form before any page runs, so a success renders the app (and
    its cookie component) in this same run; a failure leaves a message for the login page."""
    if not st.session_state.get("login_submit"):
        return
    result = auth.check_login(
        store,
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
        set_cookie(authenticator, cookie, result.account)
        st.session_state.pop("login_error", None)


def end_all_sessions(details: dict) -> None:
    """Logout ends every session of the user, so a copied cookie stops working too."""
    if details.get("username"):
        auth.end_sessions(common.credentials_path(), details["username"])
    common.end_session()


def user_sidebar(authenticator: stauth.Authenticate) -> None:
    user = common.actor()
    name = escape_markdown(st.session_state.get("name") or "")
    st.sidebar.caption(common.tr("sidebar.user", name=name, role=common.tr(f"role.{user.role}")))
    authenticator.logout(
        common.tr("sidebar.logout"), "sidebar", key="auth_logout", callback=end_all_sessions
    )


def login_page() -> None:
    st.title(f"🧭 {common.tr('app.title')}")
    st.caption(common.tr("app.tagline"))
    with st.form("login_form"):
        st.subheader(common.tr("login.title"))
        st.text_input(common.tr("login.username"), key="login_username")
        st.text_input(common.tr("login.password"), type="password", key="login_pw")
        st.form_submit_button(common.tr("login.submit"), type="primary", key="login_submit")
    error = st.session_state.pop("login_error", None)
    if error:
        st.error(error)
    else:
        st.info(common.tr("login.prompt"))
