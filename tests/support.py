"""Helpers shared by AppTest-based tests (importable by name, unlike conftest)."""

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import bcrypt
import yaml
from streamlit.testing.v1 import AppTest

from kpi.access import auth
from kpi.access.roles import Actor

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
# The editor and viewer of the core tests (their names show in audit rows and ownership).
EDITOR = Actor("eva", "editor")
VIEWER = Actor("victor", "viewer")
# Each meeting template's Spanish agenda, (block, planned minutes), written from the method.
TEMPLATE_BLOCKS = {
    "traccion": [
        ("Aterrizar outcomes y definiciones", 5),
        ("Revisar panel", 10),
        ("Aprendizajes y bloqueos", 15),
        ("Priorizar y asignar dueños", 10),
        ("Cerrar", 5),
    ],
    "monthly": [
        ("Cumplimiento del SLA", 20),
        ("Leads rechazados", 20),
        ("Guía de calificación", 15),
        ("Decisiones", 5),
    ],
    "committee": [
        ("Outcomes del trimestre", 30),
        ("Revisión del SLA", 25),
        ("Informe del programa", 25),
        ("Outcomes del próximo trimestre", 10),
    ],
}
# A cheap hash (4 rounds) of a password no seeded-session test types.
_SEEDED_HASH = bcrypt.hashpw(b"seeded-user-password", bcrypt.gensalt(4)).decode()


def seed_user(username: str, role: str) -> Path:
    """Put `username` with `role` into the app's credentials file (BRUJULA_AUTH), creating the
    file like a first run would. Rights come from this file on every run, never from session
    state, so a seeded session needs its user here. Written directly: no audit row."""
    path = auth.auth_path_for(os.environ["BRUJULA_DB"])
    auth.ensure_auth_config(path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    users = config["credentials"]["usernames"]
    entry = users.setdefault(username, {"name": username.title(), "password": _SEEDED_HASH})
    entry["roles"] = [role]
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def logged_in(role: str = "admin", username: str | None = None) -> AppTest:
    """An AppTest of the router with an authenticated session of `username` (default: the role's
    name), who holds `role` in the credentials file (cookies are mocked under AppTest)."""
    username = username or role
    seed_user(username, role)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username.title()
    return at


def open_page(page: str, role: str = "admin", username: str | None = None, **state) -> AppTest:
    """A logged-in session switched to `page` (with `state` set first), run without error."""
    at = logged_in(role, username)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def state_value(store, sql: str, params: list | None = None):
    """The one value `sql` returns from the state tables of `store`."""
    return store.state().execute(sql, params or []).fetchone()[0]


def password_of(username: str) -> str:
    """The password every user of a written credentials file has."""
    return f"{username}-pass-123"


def write_credentials(
    path: Path, users: dict[str, tuple[str, list[str]]], cookie: dict, rounds: int = 4
) -> Path:
    """A credentials file (mode 0600) with `users` (username -> display name, roles), each with
    the password `password_of(username)` hashed in `rounds` bcrypt rounds, and `cookie`."""
    config = {
        "credentials": {
            "usernames": {
                name: {
                    "name": display,
                    "email": f"{name}@example.test",
                    "password": bcrypt.hashpw(
                        password_of(name).encode(), bcrypt.gensalt(rounds)
                    ).decode(),
                    "roles": roles,
                }
                for name, (display, roles) in users.items()
            }
        },
        "cookie": cookie,
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        yaml.safe_dump(config, handle, allow_unicode=True)
    return path


def demo_file(tmp_path_factory, leads: int, seed: int = 3, today: date | None = None) -> Path:
    """Demo facts generated into a fresh temp folder (copy them before use); `today` defaults to
    the real date, as in the demo."""
    from kpi.ingest.demo import generate

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate(path, seed=seed, leads=leads, today=today)
    return path


def copy_facts(facts: Path, db: Path) -> Path:
    """The app's database `db` made a copy of the facts file `facts`."""
    shutil.copyfile(facts, db)
    return db


def add_user_on_page(at: AppTest, username: str, name: str, role: str, password: str) -> AppTest:
    """Fill the Users page's "add user" form and press its button once."""
    at.text_input(key="users_new_username").input(username)
    at.text_input(key="users_new_name").input(name)
    at.selectbox(key="users_new_role").select(role)
    at.text_input(key="users_new_password").input(password)
    return at.button[0].click().run()


def meeting_with_action(
    store, actor, meeting_date: date, title: str = "Acción de prueba", **fields
) -> tuple[int, dict]:
    """A meeting on `meeting_date` with one sprint action called `title`; `fields` (any of
    add_sprint_action's) replace the defaults: owner Ana, a definition of done, and a due date
    two weeks after the meeting."""
    from kpi.cockpit import backlog, meeting

    action = {
        "owner": "Ana",
        "definition_of_done": "Hecho",
        "due_date": meeting_date + timedelta(days=14),
        **fields,
    }
    meeting_id = meeting.create_meeting(store, actor, meeting_date=meeting_date)
    return meeting_id, backlog.add_sprint_action(
        store, actor, meeting_id=meeting_id, title=title, **action
    )
