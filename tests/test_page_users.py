"""Users (admin): list, add, change role, reset password — validated in the core, audited."""

import bcrypt
import pytest
import yaml
from support import add_user_on_page, logged_in, open_page

from kpi.access import auth
from kpi.access.roles import SYSTEM, Actor, PermissionDenied
from kpi.access.users import UserError
from kpi.store.database import open_store
from kpi.text import escape_markdown

ADA = Actor("ada", "admin")
PAGE = "app_pages/users.py"


def stored(path, username):
    return yaml.safe_load(path.read_text())["credentials"]["usernames"].get(username)


def test_add_change_role_and_reset_password(store, users_file):
    auth.save_user(store, ADA, users_file, " Nuria.P ", "Nuria  Pérez", "editor", "primera-clave")
    entry = stored(users_file, "nuria.p")
    assert entry["name"] == "Nuria Pérez" and entry["roles"] == ["editor"]
    assert bcrypt.checkpw(b"primera-clave", entry["password"].encode())
    auth.save_user(store, ADA, users_file, "nuria.p", "Nuria Pérez", "viewer")
    entry = stored(users_file, "nuria.p")
    assert entry["roles"] == ["viewer"], "role changed"
    assert bcrypt.checkpw(b"primera-clave", entry["password"].encode()), "password kept"
    auth.save_user(store, ADA, users_file, "nuria.p", "Nuria Pérez", "viewer", "segunda-clave")
    assert bcrypt.checkpw(b"segunda-clave", stored(users_file, "nuria.p")["password"].encode())
    audit = (
        store.state()
        .execute(
            "SELECT actor, action, row_id, before, after FROM audit_log WHERE table_name = 'users' ORDER BY id"
        )
        .fetchall()
    )
    assert [(a, b, c) for a, b, c, _, _ in audit] == [
        ("ada", "insert", "nuria.p"),
        ("ada", "update", "nuria.p"),
        ("ada", "update", "nuria.p"),
    ]
    assert not any("clave" in (before or "") + after for *_, before, after in audit)


HOSTILE_USERS = [
    ("", "x", "viewer", "password-1", "users.error.username_empty"),
    ("   ", "x", "viewer", "password-1", "users.error.username_empty"),
    ("<script>", "x", "viewer", "password-1", "users.error.username"),
    ("ana'; DROP TABLE x;--", "x", "viewer", "password-1", "users.error.username"),
    ("josé", "x", "viewer", "password-1", "users.error.username"),
    ("a" * 65, "x", "viewer", "password-1", "users.error.username"),
    ("ok", "n" * 121, "viewer", "password-1", "users.error.name_long"),
    ("ok", "x", "root", "password-1", "users.error.role"),
    ("ok", "x", "viewer", "", "users.error.password_needed"),
    ("ok", "x", "viewer", "corta", "users.error.password_short"),
    ("ok", "x", "viewer", "ñ" * 40, "users.error.password_long"),
    ("admin", "Admin", "editor", None, "users.error.last_admin"),
]


@pytest.mark.parametrize(("username", "name", "role", "password", "key"), HOSTILE_USERS)
def test_bad_user_input_is_refused_with_a_clear_message(
    store, users_file, username, name, role, password, key
):
    before = users_file.read_bytes()
    with pytest.raises(UserError) as error:
        auth.save_user(store, ADA, users_file, username, name, role, password)
    assert error.value.key == key
    assert error.value.message("en") and error.value.message("es") != error.value.message("en")
    assert users_file.read_bytes() == before
    assert store.state().execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_html_in_display_name_is_stored_verbatim(store, users_file):
    auth.save_user(store, ADA, users_file, "eve", "<b>Eve</b> 🧭 مرحبا", "viewer", "password-1")
    assert stored(users_file, "eve")["name"] == "<b>Eve</b> 🧭 مرحبا"


@pytest.mark.parametrize("actor", [Actor("e", "editor"), Actor("v", "viewer")])
def test_only_admins_manage_users(store, users_file, actor):
    before = users_file.read_bytes()
    with pytest.raises(PermissionDenied):
        auth.save_user(store, actor, users_file, "nuevo", "Nuevo", "admin", "password-1")
    assert users_file.read_bytes() == before


def test_credentials_file_stays_private_after_changes(store, users_file):
    auth.save_user(store, ADA, users_file, "eve", "Eve", "viewer", "password-1")
    assert users_file.stat().st_mode & 0o777 == 0o600


def test_page_adds_a_user_and_changes_a_role(app_env):
    open_store(app_env)
    path = auth.auth_path_for(app_env)
    auth.ensure_auth_config(path)
    auth.save_user(open_store(app_env), SYSTEM, path, "lola", "<i>Lola</i>", "viewer", "password-1")
    at = open_page(PAGE)
    assert at.dataframe[0].value["Usuario"].tolist() == ["admin", "lola"]
    assert at.dataframe[0].value["Nombre"].tolist() == ["Admin", "<i>Lola</i>"]
    assert not any("<i>" in m.value for m in at.markdown)

    add_user_on_page(at, "marta", "Marta", "editor", "clave-de-marta")
    assert not at.exception
    assert [s.value for s in at.success] == ["Usuario «marta» creado."]
    assert stored(path, "marta")["roles"] == ["editor"]
    at.run()  # a rerun without a write (the cookie component's after login) keeps it
    assert [s.value for s in at.success] == ["Usuario «marta» creado."]

    at.selectbox(key="users_edit_pick").select("lola").run()
    at.selectbox(key="users_edit_role_lola").select("editor")
    at.button[1].click().run()
    assert not at.exception
    assert stored(path, "lola")["roles"] == ["editor"]
    assert [s.value for s in at.success] == ["Cambios guardados para «lola»."]


def test_page_shows_a_clear_error_for_a_short_password(app_env):
    open_store(app_env)
    auth.ensure_auth_config(auth.auth_path_for(app_env))
    at = open_page(PAGE)
    add_user_on_page(at, "marta", "", "viewer", "corta")
    assert [e.value for e in at.error] == ["La contraseña debe tener al menos 8 caracteres."]
    assert stored(auth.auth_path_for(app_env), "marta") is None


# The add form and the core give the same refusal: the page checks nothing on its own.
REFUSED_ON_BOTH = [
    ("", "Nadie", "password-1"),
    ("josé", "José", "password-1"),
    ("marta", "Marta", ""),
    ("marta", "Marta", "corta"),
    (" Admin ", "Otra Admin", "password-1"),
]


@pytest.mark.parametrize(("username", "name", "password"), REFUSED_ON_BOTH)
def test_page_and_core_refuse_a_new_user_with_the_same_words(app_env, username, name, password):
    path = auth.auth_path_for(app_env)
    auth.ensure_auth_config(path)
    with pytest.raises(UserError) as refused:
        auth.save_user(open_store(app_env), ADA, path, username, name, "viewer", password, new=True)
    before = path.read_bytes()
    at = add_user_on_page(open_page(PAGE), username, name, "viewer", password)
    assert [e.value for e in at.error] == [escape_markdown(refused.value.message("es"))]
    assert not at.success and path.read_bytes() == before


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_reach_the_page(app_env, role):
    open_store(app_env)
    at = logged_in(role).run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_page_backs_up_the_database_the_app_holds(app_env, tmp_path):
    open_store(app_env)
    auth.ensure_auth_config(auth.auth_path_for(app_env))
    at = open_page(PAGE)
    at.text_input(key="backup_target").input(str(tmp_path / "copia"))
    at.button(key="backup_run").click().run()
    assert not at.exception
    # The path is shown as text (escaped Markdown), so `_` in it stays an underscore.
    shown = escape_markdown(tmp_path / "copia")
    assert at.success[0].value.startswith(f"Copia completa en {shown}")
    assert (tmp_path / "copia" / "manifest.json").is_file()
    at.button(key="backup_run").click().run()
    assert at.error[0].value.startswith("La carpeta de destino")
