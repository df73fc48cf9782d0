"""Shared fixtures: a real DuckDB store on a temp path, clean caches, logged-in AppTest runs."""

import os

import pytest
import streamlit as st
from support import copy_facts, demo_file

from kpi.access import auth
from kpi.store.database import close_all, open_store

os.environ["BRUJULA_LOGIN_SLEEP"] = "0"


@pytest.fixture(autouse=True)
def _clean_caches():
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
    close_all()


@pytest.fixture
def store(tmp_path):
    """An empty, migrated Brújula database in a temp folder."""
    return open_store(tmp_path / "test.duckdb")


@pytest.fixture
def users_file(tmp_path, store):
    """A credentials file beside the `store` fixture's database, as a first run creates it."""
    path = tmp_path / "auth.yaml"
    auth.ensure_auth_config(path)
    return path


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """Point the app at a temp database and credentials file; returns the database path."""
    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("BRUJULA_DB", str(db))
    monkeypatch.setenv("BRUJULA_AUTH", str(tmp_path / "auth.yaml"))
    return db


@pytest.fixture(scope="session")
def demo_facts(tmp_path_factory):
    """A small demo facts file generated once per test session (copy it before use)."""
    return demo_file(tmp_path_factory, leads=2_000)


@pytest.fixture
def demo_app_env(app_env, demo_facts):
    """Like `app_env`, with the app's database pre-filled with the small demo data."""
    return copy_facts(demo_facts, app_env)
