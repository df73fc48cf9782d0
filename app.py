"""Brújula router: page config, the login gate (widgets/login.py), role-based navigation."""

from functools import partial
from urllib.parse import urlparse

import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.login import (
    cookie_settings,
    cookie_written,
    forget_cookie,
    load_store,
    login_page,
    restore_from_cookie,
    user_sidebar,
    write_cookie,
)

# The room's screen opens on the projector with the sidebar folded away (set at the first page
# config of a load: the browser does not fold a sidebar it has already drawn).
ON_PROJECTOR = urlparse(st.context.url or "").path.rstrip("/").endswith("/proyector")
st.set_page_config(
    page_title="Brújula",
    page_icon="🧭",
    layout="wide",
    initial_sidebar_state="collapsed" if ON_PROJECTOR else "auto",
)

ALL = ("admin", "editor", "viewer")
EDITORS = ("admin", "editor")
ADMINS = ("admin",)

# Per section: (file, title key, icon, url path, roles that see it)
PAGES = {
    "nav.section.board": [
        ("app_pages/home.py", "nav.home", "🧭", "inicio", ALL),
        ("app_pages/scorecard.py", "nav.scorecard", "📊", "scorecard", ALL),
        ("app_pages/kpi_detail.py", "nav.kpi_detail", "🔎", "kpi", ALL),
        ("app_pages/outcomes.py", "nav.outcomes", "🎯", "outcomes", ALL),
        ("app_pages/programme.py", "nav.programme", "🧪", "programa", ALL),
        ("app_pages/agreements.py", "nav.agreements", "🤝", "acuerdos", ALL),
        ("app_pages/rejections.py", "nav.rejections", "🚫", "rechazados", ALL),
    ],
    "nav.section.meeting": [
        ("app_pages/meeting.py", "nav.meeting", "⏱️", "reunion", EDITORS),
        ("app_pages/projector.py", "nav.projector", "📽️", "proyector", ALL),
        ("app_pages/backlog.py", "nav.backlog", "🗂️", "backlog", ALL),
        ("app_pages/history.py", "nav.history", "📚", "historial", ALL),
        ("app_pages/calendar.py", "nav.calendar", "🗓️", "calendario", ALL),
    ],
    "nav.section.admin": [
        ("app_pages/import_data.py", "nav.import", "📥", "importar", ADMINS),
        ("app_pages/settings.py", "nav.settings", "⚙️", "ajustes", ADMINS),
        ("app_pages/audit.py", "nav.audit", "🧾", "auditoria", ADMINS),
        ("app_pages/users.py", "nav.users", "👥", "usuarios", ADMINS),
    ],
}


def route() -> None:
    """One run: the login gate, then the page the visitor asked for, as their role allows."""
    if load_store() is None:
        return  # the database cannot be opened: the error shows, nothing else runs
    common.init_session()
    # The language picker tops the sidebar, drawn after the login gate (see language_picker).
    language_slot = st.sidebar.container()
    cookie = cookie_settings()
    was_authenticated = common.authenticated()
    if was_authenticated and common.session_account() is None:
        # Deleted, deactivated, or their sessions were ended (logout elsewhere, password reset,
        # role change): the login form shows and the browser forgets the cookie.
        forget_cookie()
        was_authenticated = False
    if not common.authenticated():
        restore_from_cookie(cookie)
    # A login form's submit logs in by its callback, before this run (widgets/login.py).
    if common.authenticated():
        user_sidebar()
    common.language_picker(language_slot)
    write_cookie(cookie)

    if not common.authenticated():
        # Every page URL renders the login form until the visitor logs in, then that same URL
        # shows the page it names (a deep link survives the login).
        url_paths = [page[3] for pages in PAGES.values() for page in pages]
        login_pages = [
            st.Page(
                partial(login_page, cookie),
                title=common.tr("login.title"),
                url_path=path,
                default=path == "login",
            )
            for path in ["login", *url_paths]
        ]
        common.run_page(st.navigation(login_pages, position="hidden"))
        cookie_written()
        return

    role = common.actor().role
    if not common.authenticated():
        st.rerun()  # the session ended during this run: show the login form
    sections = {
        common.tr(section_key): [
            st.Page(file, title=common.tr(title_key), icon=icon, url_path=url_path)
            for file, title_key, icon, url_path, roles in pages
            if role in roles
        ]
        for section_key, pages in PAGES.items()
        if any(role in roles for *_, roles in pages)
    }
    st.sidebar.caption(common.tr("sidebar.data", path=common.db_path().name))
    # Every page listed: a folded list ends in Streamlit's own «View N more», in English.
    common.run_page(st.navigation(sections, expanded=True))
    cookie_written()


route()
