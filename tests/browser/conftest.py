"""Browser fixtures: a real Streamlit server on a free port, Debian's Chromium, screenshots."""

from pathlib import Path

import pytest
from browser_support import CHROMIUM, OUTPUT, demo_database, login, serve, write_auth


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1000}, "locale": "es-ES"}


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """A server with a small demo database and the admin/editor/viewer test users."""
    workdir = tmp_path_factory.mktemp("server")
    db = demo_database(workdir, "browser", seed=5, leads=3000)
    auth = workdir / "auth.yaml"
    write_auth(auth)
    with serve(db, auth, workdir) as url:
        yield {"url": url, "db": db, "auth": auth}


@pytest.fixture
def shot():
    """`shot(page, name)` saves a full-page screenshot under test-output/ and returns its path."""
    OUTPUT.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = OUTPUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(app_server):
    """`log_in(page, username)` logs `username` (admin/editor/viewer) in on the test server."""

    def do(page, username: str) -> None:
        login(page, app_server["url"], username)

    return do
