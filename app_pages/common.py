"""Session helpers shared by the router and the pages: store, user, language, guards, caches."""

import os
from pathlib import Path

import streamlit as st

from kpi import bootstrap
from kpi.errors import InvalidInput
from kpi.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from kpi.roles import Actor, PermissionDenied, role_of
from kpi.store import DEFAULT_DB_PATH, Store, StoreError, open_store


def db_path() -> Path:
    return Path(os.environ.get("BRUJULA_DB", str(DEFAULT_DB_PATH)))


@st.cache_resource(show_spinner=False)
def _store_for(path: str) -> Store:
    if not Path(path).exists():
        bar = st.progress(0.0, text="Creando datos demo / creating demo data…")
        bootstrap.ensure_database(path, progress=lambda f: bar.progress(min(f, 1.0)))
        bar.empty()
    return open_store(path)


def store() -> Store:
    return _store_for(str(db_path().resolve()))


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return t(key, lang(), **values)


def language_picker() -> None:
    st.sidebar.selectbox(
        tr("sidebar.language"),
        LANGUAGES,
        format_func=lambda code: {"es": "Español", "en": "English"}[code],
        key="lang",
    )


def authenticated() -> bool:
    return st.session_state.get("authentication_status") is True


def actor() -> Actor:
    return Actor(st.session_state.get("username") or "", role_of(st.session_state.get("roles")))


def guard(capability: str | None = None) -> Actor:
    """Stop the page unless the visitor is logged in (and, if given, holds the capability)."""
    if not authenticated():
        st.stop()
    user = actor()
    if capability and not user.can(capability):
        st.error(tr("error.permission", role=tr(f"role.{user.role}")))
        st.stop()
    return user


def show_store_error(error: StoreError) -> None:
    st.error(tr(f"error.db.{error.kind}", path=str(error.path)))
    st.caption(tr("error.detail", detail=error.detail[:300]))


def run_write(write):
    """Run a core write; a refusal is shown in the viewer's language. Returns (done, result)."""
    try:
        return True, write()
    except InvalidInput as error:
        st.error(error.message(lang()))
    except PermissionDenied:
        st.error(tr("error.permission", role=tr(f"role.{actor().role}")))
    return False, None


def error_text(error: Exception) -> str:
    """A refusal in the viewer's language when the core gave a translatable one."""
    message = getattr(error, "message", None)
    return message(lang()) if callable(message) else str(error)


def coming_soon(issue: int, what: str) -> None:
    st.info(tr("common.coming", issue=issue, what=what))
