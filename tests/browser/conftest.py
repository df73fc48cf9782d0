"""Browser fixtures: a real Streamlit server on a free port, Debian's Chromium, login helper.

Users (password = name + "-pass-123"): admin, editor, viewer. Screenshots go to test-output/.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from kpi.auth import hash_password

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
CHROMIUM = os.environ.get("BRUJULA_CHROMIUM", "/usr/bin/chromium")
USERS = {
    "admin": ("Ada Admin", "admin"),
    "editor": ("Eva Editora", "editor"),
    "viewer": ("Víctor Lector", "viewer"),
}


def password_of(username: str) -> str:
    return f"{username}-pass-123"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_auth(path: Path) -> None:
    config = {
        "credentials": {
            "usernames": {
                name: {
                    "name": full,
                    "email": f"{name}@example.test",
                    "password": hash_password(password_of(name)),
                    "roles": [role],
                }
                for name, (full, role) in USERS.items()
            }
        },
        "cookie": {"name": "brujula_test", "key": "k" * 48, "expiry_days": 1},
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        yaml.safe_dump(config, handle)


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


@contextlib.contextmanager
def serve(db: Path, auth: Path, workdir: Path):
    """Run `streamlit run app.py` on a free port against `db`/`auth`; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "BRUJULA_DB": str(db), "BRUJULA_AUTH": str(auth)}
    env["BRUJULA_LOGIN_SLEEP"] = "0"
    log_path = workdir / f"server-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, log_path)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(log_path.read_text())
        time.sleep(0.3)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """A server with a small demo database and the admin/editor/viewer test users."""
    workdir = tmp_path_factory.mktemp("server")
    db = workdir / "browser.duckdb"
    auth = workdir / "auth.yaml"
    subprocess.run(
        [sys.executable, "-m", "kpi", "demo", "--db", str(db), "--seed", "5", "--leads", "3000"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    _write_auth(auth)
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


def login(page, url: str, username: str, password: str | None = None) -> None:
    """Log in through the real form and wait for the sidebar navigation."""
    page.goto(url)
    page.get_by_role("textbox", name="Usuario").fill(username)
    page.get_by_role("textbox", name="Contraseña").fill(password or password_of(username))
    page.get_by_role("button", name="Entrar").click()
    page.get_by_test_id("stSidebarNav").wait_for(timeout=30_000)


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_timeout(300)


@pytest.fixture
def log_in(app_server):
    """`log_in(page, username)` logs `username` (admin/editor/viewer) in on the test server."""

    def do(page, username: str) -> None:
        login(page, app_server["url"], username)

    return do
