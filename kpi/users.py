"""User management for the admin page: clear, translated refusals around `kpi.auth.save_user`."""

from pathlib import Path

from kpi import auth
from kpi.errors import InvalidInput
from kpi.roles import ROLES, Actor, require
from kpi.store import Store

MAX_USERNAME = 64
MAX_NAME = 120
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5: refuses) anything longer


class UserError(InvalidInput):
    """A refused user change, with its explanation in both languages."""


def _check_username(username: str) -> str:
    clean = username.strip().lower()
    if not clean:
        raise UserError("users.error.username_empty")
    if len(clean) > MAX_USERNAME or not clean.replace("_", "").replace(".", "").isascii():
        raise UserError("users.error.username", limit=MAX_USERNAME)
    if not clean.replace("_", "").replace(".", "").isalnum():
        raise UserError("users.error.username", limit=MAX_USERNAME)
    return clean


def _check_password(password: str | None, required: bool) -> str | None:
    if not password:
        if required:
            raise UserError("users.error.password_needed")
        return None
    if len(password) < MIN_PASSWORD:
        raise UserError("users.error.password_short", minimum=MIN_PASSWORD)
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise UserError("users.error.password_long", maximum=MAX_PASSWORD_BYTES)
    return password


def save(
    store: Store,
    actor: Actor,
    path: Path | str,
    username: str,
    name: str,
    role: str,
    password: str | None = None,
) -> str:
    """Create a user or change name/role/password; refuses demoting the last admin."""
    require(actor, "users")
    clean = _check_username(username)
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME:
        raise UserError("users.error.name_long", limit=MAX_NAME)
    if role not in ROLES:
        raise UserError("users.error.role", role=role)
    existing = {user["username"]: user for user in auth.list_users(path)}
    password = _check_password(password, required=clean not in existing)
    admins = [u for u, data in existing.items() if data["role"] == "admin"]
    if role != "admin" and admins == [clean]:
        raise UserError("users.error.last_admin")
    auth.save_user(store, actor, path, clean, name or clean, role, password)
    return clean
