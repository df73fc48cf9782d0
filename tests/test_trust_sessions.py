"""Sessions that end with their rights: role read every run, revocation, lockout races, file locks."""

import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import bcrypt
import jwt
import pytest
import yaml
from streamlit.testing.v1 import AppTest
from support import APP, ROOT, add_user_on_page, password_of, write_credentials

from kpi.access import auth, sessions
from kpi.access.roles import SYSTEM, Actor, PermissionDenied
from kpi.store.database import open_store
from kpi.text import escape_markdown

COOKIE = {"name": "brujula_test", "key": "k" * 48, "expiry_days": 1}
NOW = datetime(2025, 3, 3, 9, 0, 0)


def write_users(path: Path, users: dict[str, list[str]]) -> Path:
    """A credentials file with `users` (name -> roles), cheap bcrypt hashes, a fixed cookie."""
    named = {name: (name.title(), roles) for name, roles in users.items()}
    return write_credentials(path, named, dict(COOKIE))


def edit_by_hand(path: Path, change) -> None:
    """Change the file the way someone with a text editor would (no session bookkeeping)."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config["credentials"]["usernames"])
    path.write_text(yaml.safe_dump(config), encoding="utf-8")


def stored(path: Path, username: str) -> dict | None:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["credentials"]["usernames"].get(
        username
    )


@pytest.fixture
def team(app_env):
    """The app's credentials: two admins (ada, root), an editor (eva); an empty database."""
    open_store(app_env)
    return write_users(
        auth.auth_path_for(app_env), {"ada": ["admin"], "root": ["admin"], "eva": ["editor"]}
    )


def submit_login(username: str) -> AppTest:
    """A new browser session that submits the real login form with the user's password."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_pw").input(password_of(username))
    at.button[0].click().run()
    assert not at.exception
    return at


def log_in(username: str) -> AppTest:
    """A browser session logged in through the real login form."""
    at = submit_login(username)
    assert at.session_state["authentication_status"] is True
    return at


def shows_login_form(at: AppTest) -> bool:
    return at.session_state["authentication_status"] is not True and bool(
        at.text_input(key="login_username")
    )


def reaches(at: AppTest, page: str) -> bool:
    """Whether the session's navigation offers `page` (a page hidden from the role raises)."""
    try:
        at.switch_page(page)
    except ValueError:
        return False
    return True


# Item 6: role and existence come from the credentials on every run.


def test_role_is_read_from_the_credentials_on_every_run(team):
    at = log_in("ada")
    assert reaches(at, "app_pages/users.py")
    at.run()
    assert at.text_input(key="users_new_username")
    edit_by_hand(team, lambda users: users["ada"].update(roles=["viewer"]))
    # The Users page stays open on ada's screen; she submits it after the demotion.
    add_user_on_page(at, "intruso", "Intruso", "admin", "clave-del-intruso")
    assert not at.exception
    assert stored(team, "intruso") is None, "a demoted admin created an admin"
    assert not reaches(at, "app_pages/users.py")
    assert not reaches(at, "app_pages/settings.py")
    assert reaches(at, "app_pages/backlog.py")


def test_strongest_of_several_roles_counts_everywhere(team):
    edit_by_hand(team, lambda users: users["eva"].update(roles=["viewer", "editor", "admin"]))
    assert {u["username"]: u["role"] for u in auth.list_users(team)}["eva"] == "admin"
    at = log_in("eva")
    assert reaches(at, "app_pages/users.py")
    at.run()
    table = at.dataframe[0].value
    assert table.loc[table["Usuario"] == "eva", "Rol"].tolist() == ["administrador"]


def test_a_stale_admin_actor_is_refused_by_the_core(store, tmp_path):
    """The page's actor may be a moment old: under the file lock the file's role decides."""
    path = write_users(tmp_path / "auth.yaml", {"ada": ["viewer"], "root": ["admin"]})
    with pytest.raises(PermissionDenied):
        auth.save_user(store, Actor("ada", "admin"), path, "intruso", "I", "admin", "clave-1234")
    edit_by_hand(path, lambda users: users["ada"].update(roles=["admin"], active=False))
    with pytest.raises(PermissionDenied):
        auth.save_user(store, Actor("ada", "admin"), path, "intruso", "I", "admin", "clave-1234")
    assert stored(path, "intruso") is None


# Item 7: logout, password reset, role change and deactivation end the user's sessions.


def test_logout_in_one_session_ends_the_users_other_sessions(team):
    laptop, phone = log_in("ada"), log_in("ada")
    phone.button(key="auth_logout").click().run()
    assert shows_login_form(phone)
    laptop.run()
    assert not laptop.exception and not laptop.error
    assert shows_login_form(laptop)


CHANGES = {
    "password reset": lambda s, p: auth.save_user(
        s, SYSTEM, p, "eva", "Eva", "editor", "nueva-1234"
    ),
    "role change": lambda s, p: auth.save_user(s, SYSTEM, p, "eva", "Eva", "viewer"),
    "deactivation": lambda s, p: auth.save_user(s, SYSTEM, p, "eva", "Eva", "editor", active=False),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_rights_changes_end_open_sessions(team, app_env, change):
    at = log_in("eva")
    CHANGES[change](open_store(app_env), team)
    at.run()
    assert not at.exception and not at.error
    assert shows_login_form(at)


def test_a_rename_or_saving_the_same_values_keeps_the_session(team, app_env):
    at = log_in("eva")
    store = open_store(app_env)
    auth.save_user(store, SYSTEM, team, "eva", "Eva María", "editor")
    auth.save_user(store, SYSTEM, team, "eva", "Eva María", "editor", active=True)
    at.run()
    assert at.session_state["authentication_status"] is True
    assert reaches(at, "app_pages/meeting.py")


def test_a_deleted_users_session_shows_the_login_form_not_an_error(team):
    at = log_in("eva")
    edit_by_hand(team, lambda users: users.pop("eva"))
    at.run()
    assert not at.exception and not at.error
    assert shows_login_form(at)


def token_for(path: Path, username: str) -> str:
    return sessions.issue_token(COOKIE, auth.account(path, username), time.time())[0]


@pytest.mark.parametrize(
    "revoke",
    [
        lambda s, p: auth.end_sessions(p, "eva"),
        *CHANGES.values(),
        lambda s, p: edit_by_hand(p, lambda users: users.pop("eva")),
    ],
    ids=["logout", *CHANGES, "deletion"],
)
def test_a_copied_cookie_stops_opening_a_session(store, tmp_path, revoke):
    path = write_users(tmp_path / "auth.yaml", {"root": ["admin"], "eva": ["editor"]})
    token = token_for(path, "eva")
    assert sessions.account_for_token(path, COOKIE, token, time.time()).username == "eva"
    revoke(store, path)
    assert sessions.account_for_token(path, COOKIE, token, time.time()) is None
    # A fresh login after the change gets a cookie that works again (unless deleted/deactivated).
    if auth.account(path, "eva") and auth.account(path, "eva").active:
        fresh = token_for(path, "eva")
        assert sessions.account_for_token(path, COOKIE, fresh, time.time()).username == "eva"


def test_forged_expired_or_old_style_cookies_open_nothing(tmp_path):
    path = write_users(tmp_path / "auth.yaml", {"eva": ["editor"]})
    later = time.time() + 3 * 86_400
    claims = {"username": "eva", "exp_date": later}
    forged = jwt.encode({**claims, "generation": 0}, "x" * 48, algorithm="HS256")
    old_style = jwt.encode(claims, COOKIE["key"], algorithm="HS256")
    for token in (forged, old_style, token_for(path, "eva") + "x", "", None):
        assert sessions.account_for_token(path, COOKIE, token, time.time()) is None
    assert sessions.account_for_token(path, COOKIE, token_for(path, "eva"), later) is None


# Item 8: the attempt is reserved before the password is checked, whatever the concurrency.


@pytest.fixture
def bcrypt_checks(monkeypatch):
    """Count every bcrypt check made, by any thread (the real check still runs)."""
    calls, lock, real = [], threading.Lock(), bcrypt.checkpw

    def counted(password, hashed):
        with lock:
            calls.append(password)
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counted)
    return calls


def test_parallel_wrong_passwords_get_at_most_five_checks(store, tmp_path, bcrypt_checks):
    path = write_users(tmp_path / "auth.yaml", {"ana": ["editor"]})
    start, results = threading.Barrier(24), []

    def submit(i: int) -> None:
        start.wait()
        results.append(auth.check_login(store, path, "ana", f"wrong-{i}", NOW))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(bcrypt_checks) == 5
    assert sum(r.locked_for is not None for r in results) == 19
    assert not any(r.account for r in results)
    rows = store.state().execute("SELECT count(*) FROM login_attempts").fetchone()[0]
    assert rows == 5
    # The right password is now refused too, without a check.
    assert auth.check_login(store, path, "ana", password_of("ana"), NOW).locked_for
    assert len(bcrypt_checks) == 5


def test_a_success_counts_as_success_and_clears_earlier_failures(store, tmp_path, bcrypt_checks):
    path = write_users(tmp_path / "auth.yaml", {"ana": ["editor"]})
    for i in range(4):
        assert auth.check_login(store, path, "ana", f"wrong-{i}", NOW).account is None
    assert auth.check_login(store, path, " ANA ", password_of("ana"), NOW).account.username == "ana"
    rows = store.state().execute("SELECT success, count(*) FROM login_attempts GROUP BY 1")
    assert dict(rows.fetchall()) == {False: 4, True: 1}
    assert auth.lockout_remaining(store, "ana", NOW) is None


def test_a_deactivated_user_cannot_log_in(store, tmp_path):
    path = write_users(tmp_path / "auth.yaml", {"root": ["admin"], "ana": ["editor"]})
    auth.save_user(store, SYSTEM, path, "ana", "Ana", "editor", active=False)
    assert auth.check_login(store, path, "ana", password_of("ana"), NOW).account is None


# Item 9: read-modify-write of the credentials under one lock, across processes.


# One app instance adding a user: its own database, the shared credentials file; it starts
# saving only once the go-file exists, so the six saves overlap.
ADD_USER = """
import os, sys, time
from kpi.access import auth, sessions
from kpi.access.roles import Actor
from kpi.store.database import open_store
path, db, username, go = sys.argv[1:]
store = open_store(db)
while not os.path.exists(go):
    time.sleep(0.001)
auth.save_user(store, Actor("ada", "admin"), path, username, username.title(), "editor", "x" * 8)
"""


def test_six_admins_saving_at_once_keep_all_six_users(tmp_path):
    path = write_users(tmp_path / "auth.yaml", {"ada": ["admin"]})
    go, names = tmp_path / "go", [f"nuevo{i}" for i in range(6)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", ADD_USER, str(path), str(tmp_path / f"db{i}.duckdb"), name, go],
            cwd=ROOT,
        )
        for i, name in enumerate(names)
    ]
    time.sleep(3)  # every process has imported and opened its database
    go.touch()
    assert [w.wait(timeout=120) for w in workers] == [0] * 6
    users = yaml.safe_load(path.read_text(encoding="utf-8"))["credentials"]["usernames"]
    assert sorted(users) == sorted(["ada", *names])
    for name in names:
        assert bcrypt.checkpw(b"x" * 8, users[name]["password"].encode())
    inserts = 0
    for i in range(6):
        audit = open_store(tmp_path / f"db{i}.duckdb").state()
        inserts += audit.execute(
            "SELECT count(*) FROM audit_log WHERE table_name = 'users' AND action = 'insert'"
        ).fetchone()[0]
    assert inserts == 6 == len(users) - 1
    assert path.stat().st_mode & 0o777 == 0o600


# Deactivation on the Usuarios page (admin only, audited).


def users_page_as(username: str) -> AppTest:
    at = log_in(username)
    at.switch_page("app_pages/users.py").run()
    assert not at.exception
    return at


def test_admin_deactivates_a_user_on_the_users_page(team, app_env):
    eva = log_in("eva")
    at = users_page_as("ada")
    at.selectbox(key="users_edit_pick").select("eva").run()
    at.checkbox(key="users_edit_active_eva").uncheck()
    at.button[1].click().run()
    assert not at.exception and not at.error
    assert stored(team, "eva")["active"] is False
    table = at.dataframe[0].value
    assert table.loc[table["Usuario"] == "eva", "Activo"].tolist() == ["no"]
    audit = (
        open_store(app_env)
        .state()
        .execute("SELECT actor, action, row_id, after FROM audit_log WHERE table_name = 'users'")
        .fetchall()
    )
    assert len(audit) == 1 and audit[0][:3] == ("ada", "update", "eva")
    after = yaml.safe_load(audit[0][3])
    assert after["active"] is False and after["sessions_ended"] is True
    eva.run()
    assert shows_login_form(eva)
    assert shows_login_form(submit_login("eva")), "a deactivated user cannot log in again"


def test_the_last_active_admin_cannot_be_deactivated(app_env):
    open_store(app_env)
    path = write_users(auth.auth_path_for(app_env), {"ada": ["admin"], "eva": ["editor"]})
    before = path.read_bytes()
    at = users_page_as("ada")
    at.selectbox(key="users_edit_pick").select("ada").run()
    at.checkbox(key="users_edit_active_ada").uncheck()
    at.button[1].click().run()
    last_admin = "Es el último administrador activo: nombra antes a otro administrador."
    assert [e.value for e in at.error] == [escape_markdown(last_admin)]
    assert path.read_bytes() == before
