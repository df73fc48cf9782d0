"""Session helpers shared by the router and the pages: store, user, language, guards, caches."""

import contextlib
import os
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import streamlit as st

from kpi.access import auth, bootstrap, sessions
from kpi.access.roles import NO_ROLE, SYSTEM, Actor, PermissionDenied
from kpi.errors import InvalidInput
from kpi.i18n import DEFAULT_LANGUAGE, LANGUAGES, fmt_date, t
from kpi.mail import notify
from kpi.store.database import DEFAULT_DB_PATH, Store, StoreError, open_store
from kpi.text import escape_markdown


class PageEnd(Exception):  # noqa: N818 (a control signal, not an error)
    """Raised by `end_page`; the router (app.py) catches it."""


def end_page() -> NoReturn:
    """End the page here; use it instead of `st.stop`. The router catches it (`run_page`), so
    the run ends normally: Streamlit 1.67 forgets the fragments of earlier runs only at the
    normal end of a run, and after a stop the meeting's one-second timer, no longer on the
    page, went on redrawing itself over what the page showed in its place (the reopen area)."""
    raise PageEnd


def run_page(page: st.Page) -> None:
    """Run the page st.navigation chose; `end_page` ends the page, not the run."""
    with contextlib.suppress(PageEnd):
        page.run()


def db_path() -> Path:
    return Path(os.environ.get("BRUJULA_DB", str(DEFAULT_DB_PATH)))


@st.cache_resource(show_spinner=False)
def _store_for(path: str) -> Store:
    if not Path(path).exists():
        if not bootstrap.is_first_run(path):
            # Not cached: once a backup is restored at the path, a reload opens it.
            raise StoreError("missing", Path(path), "the configured database file does not exist")
        bar = st.progress(0.0, text="Creando datos demo / creating demo data…")
        bootstrap.ensure_database(path, progress=lambda f: bar.progress(min(f, 1.0)))
        bar.empty()
    store = open_store(path)
    notify.keep_sending(store, SYSTEM)  # the reminders and briefs while the app holds the file
    return store


def store() -> Store:
    return _store_for(str(db_path().resolve()))


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return t(key, lang(), **values)


def tr_dates(key: str, **values) -> str:
    """`tr`, with every date among `values` written the viewer's way (fmt_date)."""
    shown = lang()
    return tr(
        key, **{k: fmt_date(v, shown) if isinstance(v, date) else v for k, v in values.items()}
    )


def language_picker(where) -> None:
    """Drawn (in `where`) after the login gate: a login or cookie restore sets the user's own
    language first."""
    where.selectbox(
        tr("sidebar.language"),
        LANGUAGES,
        format_func=lambda code: {"es": "Español", "en": "English"}[code],
        key="lang",
        on_change=_remember_language,
    )


def _remember_language() -> None:
    """A logged-in user's choice is kept with their account: it survives reloads and logins."""
    if authenticated() and st.session_state.get("username"):
        auth.set_language(credentials_path(), st.session_state["username"], lang())


# The session generation this browser session was issued with (see kpi/access/sessions.py).
SESSION_GENERATION = "auth_generation"
# Who this browser session is logged in as; None in each while logged out.
_SESSION_KEYS = ("authentication_status", "username", "name", "email", "roles", SESSION_GENERATION)


def credentials_path() -> Path:
    return auth.auth_path_for(db_path())


def authenticated() -> bool:
    return st.session_state.get("authentication_status") is True


def start_session(account: auth.Account) -> None:
    """Log this browser session in as `account`, bound to the user's current generation."""
    st.session_state["authentication_status"] = True
    st.session_state["username"] = account.username
    st.session_state["name"] = account.name
    st.session_state[SESSION_GENERATION] = account.generation
    if account.language:
        st.session_state["lang"] = account.language


def init_session() -> None:
    """A new browser session starts logged out."""
    for key in _SESSION_KEYS:
        st.session_state.setdefault(key, None)


def end_session() -> None:
    """Forget this browser session's login; its (now stale) cookie is not read again in it."""
    for key in _SESSION_KEYS:
        st.session_state[key] = None
    # This browser session has logged out: its cookie is not read again (widgets/login.py).
    st.session_state["logout"] = True


def session_account() -> auth.Account | None:
    """The account this session acts as, read from the credentials file now. A session whose
    user was deleted or deactivated, or whose sessions were ended since it began, ends here."""
    if not authenticated():
        return None
    found = sessions.live_account(
        credentials_path(),
        st.session_state.get("username"),
        st.session_state.get(SESSION_GENERATION) or 0,
    )
    if found is None:
        end_session()
    return found


def actor() -> Actor:
    """Who acts, with the role the credentials give right now (never a role cached in the
    session); an ended session acts with no role, so every write is refused."""
    found = session_account()
    return Actor(found.username, found.role) if found else Actor("", NO_ROLE)


def guard(capability: str | None = None) -> Actor:
    """Stop the page unless the visitor is logged in (and, if given, holds the capability)."""
    if not authenticated():
        end_page()
    user = actor()
    if user.role == NO_ROLE:
        st.rerun()  # the session ended during this run: the router shows the login form
    if capability and not user.can(capability):
        st.error(tr("error.permission", role=tr(f"role.{user.role}")))
        end_page()
    return user


def show_store_error(error: StoreError) -> None:
    """One translated line naming only the file's base name. The detail (absolute paths, the PID
    of a process holding the file) goes to the server's log, never to a visitor's page."""
    print(f"brujula: database error: {error}", file=sys.stderr, flush=True)
    st.error(tr(f"restore.page.{error.kind}", name=error.path.name))


def run_write(write):
    """Run a core write; a refusal is shown in the viewer's language. Returns (done, result)."""
    try:
        return True, write()
    except InvalidInput as error:
        st.error(escape_markdown(error.message(lang())))
    except PermissionDenied:
        st.error(tr("error.permission", role=tr(f"role.{actor().role}")))
    return False, None
