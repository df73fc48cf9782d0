"""Credentials file (bcrypt hashes, cookie key; mode 0600, git-ignored), users and login lockout."""

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt
import yaml

from kpi.roles import ROLES, Actor, require
from kpi.store import Store

LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
COOKIE_NAME = "brujula_auth"
COOKIE_EXPIRY_DAYS = 7


def auth_path_for(db_path: Path | str) -> Path:
    override = os.environ.get("BRUJULA_AUTH")
    return Path(override) if override else Path(db_path).parent / "auth.yaml"


def hash_password(password: str) -> str:
    if len(password.encode()) > 72:
        raise ValueError("password longer than 72 bytes")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def _write_private(path: Path, config: dict) -> None:
    """Write atomically with mode 0600 from the first byte (never world-readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        yaml.safe_dump(config, handle, allow_unicode=True, sort_keys=True)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


@dataclass
class FirstRun:
    """What `ensure_auth_config` created, so the caller can print the password exactly once."""

    path: Path
    admin_password: str | None


def ensure_auth_config(path: Path | str) -> FirstRun:
    """Create the credentials file with an `admin` user and a random password if it is missing."""
    path = Path(path)
    if path.exists():
        return FirstRun(path, None)
    password = secrets.token_urlsafe(12)
    config = {
        "credentials": {
            "usernames": {
                "admin": {
                    "name": "Admin",
                    "email": "admin@localhost",
                    "password": hash_password(password),
                    "roles": ["admin"],
                }
            }
        },
        "cookie": {
            "name": COOKIE_NAME,
            "key": secrets.token_urlsafe(48),
            "expiry_days": COOKIE_EXPIRY_DAYS,
        },
    }
    _write_private(path, config)
    return FirstRun(path, password)


def load_auth_config(path: Path | str) -> dict:
    with open(path, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    key = os.environ.get("BRUJULA_COOKIE_KEY")
    if key:
        config["cookie"]["key"] = key
    if len(config["cookie"]["key"].encode()) < 32:
        raise ValueError("cookie key must be at least 32 bytes")
    return config


def list_users(path: Path | str) -> list[dict]:
    users = load_auth_config(path)["credentials"]["usernames"]
    return [
        {
            "username": name,
            "name": data.get("name", name),
            "role": (data.get("roles") or ["viewer"])[0],
        }
        for name, data in sorted(users.items())
    ]


def save_user(
    store: Store,
    actor: Actor,
    path: Path | str,
    username: str,
    name: str,
    role: str,
    password: str | None = None,
) -> None:
    """Create or change a user (admin only); a new user needs a password of 8+ characters."""
    require(actor, "users")
    username = username.strip().lower()
    if not username or not username.replace("_", "").replace(".", "").isalnum():
        raise ValueError("username must be letters, digits, '.' or '_'")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    config = load_auth_config(path)
    users = config["credentials"]["usernames"]
    before = users.get(username)
    if before is None and not password:
        raise ValueError("a new user needs a password")
    if password is not None and len(password) < 8:
        raise ValueError("password shorter than 8 characters")
    entry = dict(before or {})
    entry.update({"name": name.strip() or username, "roles": [role]})
    entry.setdefault("email", f"{username}@localhost")
    if password:
        entry["password"] = hash_password(password)
    users[username] = entry
    with store.write(actor, "users") as writer:
        writer.audit(
            "update" if before else "insert",
            "users",
            username,
            None if before is None else {"name": before.get("name"), "roles": before.get("roles")},
            {"name": entry["name"], "roles": entry["roles"], "password_changed": bool(password)},
        )
        _write_private(Path(path), config)


_DUMMY_HASH: list[bytes] = []


def password_fits(password: str) -> bool:
    """bcrypt only reads 72 bytes (and bcrypt 5 refuses more): longer ones never match."""
    return 0 < len(password.encode()) <= 72


def spend_password_check(password: str) -> None:
    """Spend one bcrypt check on a throw-away hash, as a real check of a known user would."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt()))
    bcrypt.checkpw(password.encode()[:72], _DUMMY_HASH[0])


def lockout_remaining(store: Store, username: str, now: datetime) -> timedelta | None:
    """Time left on a lockout: 5 failures within 15 minutes lock the name for 15 minutes."""
    username = username.strip().lower()
    rows = (
        store.state()
        .execute(
            "SELECT attempted_at FROM login_attempts "
            "WHERE username = ? AND NOT success AND attempted_at > ? AND attempted_at > coalesce("
            "(SELECT max(attempted_at) FROM login_attempts WHERE username = ? AND success), "
            "TIMESTAMP '0001-01-01') ORDER BY attempted_at DESC LIMIT ?",
            [username, now - LOCKOUT_WINDOW * 2, username, LOCKOUT_ATTEMPTS],
        )
        .fetchall()
    )
    if len(rows) < LOCKOUT_ATTEMPTS:
        return None
    newest, oldest = rows[0][0], rows[-1][0]
    if newest - oldest > LOCKOUT_WINDOW:
        return None
    remaining = newest + LOCKOUT_WINDOW - now
    return remaining if remaining > timedelta(0) else None


def record_login_attempt(store: Store, username: str, success: bool, now: datetime) -> None:
    store.record_unaudited(
        "INSERT INTO login_attempts VALUES (?, ?, ?)",
        [username.strip().lower()[:200], now, success],
    )
