"""Browser-test helpers (importable by name): server start, login, waiting for a script run.

Users (password = name + "-pass-123"): admin, editor, viewer. Screenshots go to test-output/.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from playwright.sync_api import expect
from support import password_of, write_credentials

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
CHROMIUM = os.environ.get("BRUJULA_CHROMIUM", "/usr/bin/chromium")
USERS = {
    "admin": ("Ada Admin", "admin"),
    "editor": ("Eva Editora", "editor"),
    "viewer": ("Víctor Lector", "viewer"),
}
# Every page URL of every role (DESIGN §8), stated independently of app.py.
PAGE_URLS = [
    "inicio",
    "scorecard",
    "kpi",
    "outcomes",
    "programa",
    "acuerdos",
    "rechazados",
    "reunion",
    "proyector",
    "backlog",
    "historial",
    "calendario",
    "importar",
    "ajustes",
    "auditoria",
    "usuarios",
]
COOKIE = {"name": "brujula_test", "key": "k" * 48, "expiry_days": 1}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_auth(
    path: Path, users: dict[str, tuple[str, str]] = USERS, cookie: dict = COOKIE
) -> None:
    """The server's credentials: `users` (username -> display name, role), full bcrypt cost."""
    named = {name: (display, [role]) for name, (display, role) in users.items()}
    write_credentials(path, named, cookie, rounds=12)


def demo_database(workdir: Path, name: str, seed: int, leads: int) -> Path:
    """`<workdir>/<name>.duckdb` filled by `python -m kpi demo`, as a person would make it."""
    db = workdir / f"{name}.duckdb"
    subprocess.run(
        [sys.executable, "-m", "kpi", "demo", "--db", str(db), "--seed", str(seed)]
        + ["--leads", str(leads)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return db


@contextlib.contextmanager
def serve(db: Path, auth: Path, workdir: Path):
    """Run `streamlit run app.py` on a free port against `db`/`auth`; yields its base URL."""
    port = free_port()
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
                # A reload of some modules but not others mixes two copies of kpi.access.roles.
                "--server.fileWatcherType",
                "none",
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


def login(page, url: str, username: str, password: str | None = None) -> None:
    """Log in through the real form, one click on «Entrar» once the first run is over, and wait
    for the sidebar navigation and the end of the login's run."""
    page.goto(url)
    page.get_by_role("button", name="Entrar").wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("textbox", name="Usuario").fill(username)
    page.get_by_role("textbox", name="Contraseña").fill(password or password_of(username))
    page.get_by_role("button", name="Entrar").click()
    page.get_by_test_id("stSidebarNav").wait_for(timeout=45_000)
    wait_for_app(page)


def nav_link(page, title: str):
    """The sidebar's link to `title`; on the projector the sidebar starts folded (the room's
    screen), so it is unfolded first with one click on its control, as a person would."""
    if page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
    return page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True)


def choose(page, label: str, option) -> None:
    """Pick a selectbox option: one click opens it, one click picks. The box is centred first:
    at the window's bottom edge its menu opens below the fold, the page scrolls to show it and
    the menu closes on that scroll (seen with no script run in between). `option`: its name, or
    a pattern for an option whose name carries more (a date)."""
    wait_for_app(page)
    box = page.get_by_role("combobox", name=label)
    box.evaluate("element => element.scrollIntoView({block: 'center'})")
    box.click()
    page.get_by_role("option", name=option).click()


def create_meeting(page, title: str, pause_ms: int = 1000) -> None:
    """Meeting page: create a meeting called `title` plus a random suffix (one per run), waiting
    `settle(page, pause_ms)` after each click."""
    page.get_by_test_id("stSidebarNav").get_by_text("Reunión", exact=True).click()
    page.locator(".st-key-new_create").first.wait_for(state="attached", timeout=60_000)
    settle(page, pause_ms)
    if not page.locator(".st-key-new_title input").is_visible():
        page.get_by_text("Nueva reunión", exact=True).click()
    page.locator(".st-key-new_title input").fill(f"{title} {uuid.uuid4().hex[:6]}")
    page.locator(".st-key-new_create button").click()
    expect(page.get_by_text("Reunión creada")).to_be_visible(timeout=30_000)
    settle(page, pause_ms)


def settle(page, pause_ms: int = 1000) -> None:
    """Wait for the run a click starts, then `pause_ms` more for a follow-up run it may trigger
    (a redrawn widget's), and for that run too."""
    wait_for_app(page)
    page.wait_for_timeout(pause_ms)
    wait_for_app(page)


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_timeout(300)
