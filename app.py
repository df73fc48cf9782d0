"""Brújula router: page config, first run, login gate with lockout, role-based navigation, sidebar."""

import os

import streamlit as st
import streamlit_authenticator as stauth

from app_pages import common
from kpi import auth, bootstrap, clock
from kpi.store import StoreError

st.set_page_config(page_title="Brújula", page_icon="🧭", layout="wide")

ALL = ("admin", "editor", "viewer")
EDITORS = ("admin", "editor")
ADMINS = ("admin",)

# (file, title key, icon, url path, section key, roles that see it)
PAGES = [
    ("app_pages/home.py", "nav.home", "🧭", "inicio", "nav.section.board", ALL),
    ("app_pages/scorecard.py", "nav.scorecard", "📊", "scorecard", "nav.section.board", ALL),
    ("app_pages/kpi_detail.py", "nav.kpi_detail", "🔎", "kpi", "nav.section.board", ALL),
    ("app_pages/outcomes.py", "nav.outcomes", "🎯", "outcomes", "nav.section.board", ALL),
    ("app_pages/meeting.py", "nav.meeting", "⏱️", "reunion", "nav.section.meeting", EDITORS),
    ("app_pages/projector.py", "nav.projector", "📽️", "proyector", "nav.section.meeting", ALL),
    ("app_pages/backlog.py", "nav.backlog", "🗂️", "backlog", "nav.section.meeting", ALL),
    ("app_pages/history.py", "nav.history", "📚", "historial", "nav.section.meeting", ALL),
    ("app_pages/import_data.py", "nav.import", "📥", "importar", "nav.section.admin", ADMINS),
    ("app_pages/settings.py", "nav.settings", "⚙️", "ajustes", "nav.section.admin", ADMINS),
    ("app_pages/audit.py", "nav.audit", "🧾", "auditoria", "nav.section.admin", ADMINS),
    ("app_pages/users.py", "nav.users", "👥", "usuarios", "nav.section.admin", ADMINS),
]


def load_store():
    try:
        return common.store()
    except StoreError as error:
        common.show_store_error(error)
        st.stop()


def build_authenticator() -> tuple[stauth.Authenticate, set[str]]:
    first = bootstrap.ensure_credentials(common.db_path())
    if first.admin_password:
        print(bootstrap.first_run_message(first), flush=True)
    config = auth.load_auth_config(first.path)
    usernames = set(config["credentials"]["usernames"])
    authenticator = stauth.Authenticate(
        config["credentials"],
        config["cookie"]["name"],
        config["cookie"]["key"],
        config["cookie"]["expiry_days"],
        auto_hash=False,
        login_sleep_time=float(os.environ.get("BRUJULA_LOGIN_SLEEP", "0.3")),
    )
    return authenticator, usernames


def attempt_login(authenticator: stauth.Authenticate, usernames: set[str], store) -> None:
    """Check a submitted login form before any page runs, so a success renders the app (and
    its cookie component) in this same run; a failure leaves a message for the login page."""
    if not st.session_state.get("login_submit"):
        return
    username = (st.session_state.get("login_username") or "").strip().lower()
    password = st.session_state.get("login_pw") or ""
    now = clock.now()
    remaining = auth.lockout_remaining(store, username, now)
    if remaining is not None:
        minutes = max(1, round(remaining.total_seconds() / 60))
        st.session_state["login_error"] = common.tr("login.locked", minutes=minutes)
        return
    ok = False
    if username in usernames and auth.password_fits(password):
        ok = bool(authenticator.authentication_controller.login(username, password))
    else:
        # Same bcrypt cost for unknown names, so timing does not reveal who has an account.
        auth.spend_password_check(password)
    auth.record_login_attempt(store, username, ok, now)
    if ok:
        authenticator.cookie_controller.set_cookie()
        st.session_state.pop("login_error", None)
    else:
        st.session_state["authentication_status"] = None
        st.session_state["login_error"] = common.tr("login.failed")


def user_sidebar(authenticator: stauth.Authenticate) -> None:
    user = common.actor()
    name = st.session_state.get("name")
    st.sidebar.caption(common.tr("sidebar.user", name=name, role=common.tr(f"role.{user.role}")))
    authenticator.logout(common.tr("sidebar.logout"), "sidebar", key="auth_logout")


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


store = load_store()
common.language_picker()
authenticator, usernames = build_authenticator()
# Logout renders before login (the library's order), and once per run.
was_authenticated = common.authenticated()
if was_authenticated:
    user_sidebar(authenticator)
authenticator.login(location="unrendered")
if not common.authenticated():
    attempt_login(authenticator, usernames, store)
if common.authenticated() and not was_authenticated:
    user_sidebar(authenticator)

if not common.authenticated():
    # Every page URL renders the login form until the visitor logs in, then that same URL
    # shows the page it names (a deep link survives the login).
    login_pages = [
        st.Page(
            login_page,
            title=common.tr("login.title"),
            url_path="login",
            default=True,
        )
    ] + [
        st.Page(
            login_page,
            title=common.tr("login.title"),
            url_path=url_path,
        )
        for *_, url_path, _section, _roles in PAGES
    ]
    st.navigation(login_pages, position="hidden").run()
    st.stop()

role = common.actor().role
sections: dict[str, list] = {}
for file, title_key, icon, url_path, section_key, roles in PAGES:
    if role in roles:
        sections.setdefault(common.tr(section_key), []).append(
            st.Page(file, title=common.tr(title_key), icon=icon, url_path=url_path)
        )
st.sidebar.caption(common.tr("sidebar.data", path=common.db_path().name))
st.navigation(sections).run()
