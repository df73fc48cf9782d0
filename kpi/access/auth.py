"""Credentials file (bcrypt hashes, cookie key; mode 0600, git-ignored), users and login lockout."""

import contextlib
import fcntl
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt
import yaml

from kpi.access.roles import NO_ROLE, Actor, require, role_of
from kpi.access.users import (
    MAX_PASSWORD_BYTES,
    check_name,
    check_password,
    check_role,
    check_username,
    email_of,
    is_active,
    language_of,
    password_fits,
    refuse_leaving_no_admin,
    refuse_taken,
    team_of,
    username_key,
)
from kpi.store.database import Store

LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
COOKIE_NAME = "brujula_auth"
COOKIE_EXPIRY_DAYS = 7


def auth_path_for(db_path: Path | str) -> Path:
    override = os.environ.get("BRUJULA_AUTH")
    return Path(override) if override else Path(db_path).parent / "auth.yaml"


def hash_password(password: str) -> str:
    if not password_fits(password):
        raise ValueError(f"password empty or longer than {MAX_PASSWORD_BYTES} bytes")
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


@dataclass(frozen=True)
class Account:
    """One user as the credentials file states it right now."""

    username: str
    name: str
    role: str
    active: bool
    # Raised whenever the user's sessions must end; a session lives only while it matches.
    generation: int
    password_hash: str = field(repr=False)
    # The language the user last chose (None: never chose one); restored at every login.
    language: str | None = None
    team: str | None = None
    email: str | None = None


def _account(username: str, data: dict) -> Account:
    generation = data.get("session_generation", 0)
    return Account(
        username=username,
        name=str(data.get("name") or username),
        role=role_of(data.get("roles")),
        active=is_active(data),
        generation=generation if type(generation) is int else 0,
        password_hash=str(data.get("password") or ""),
        language=language_of(data),
        team=team_of(data),
        email=email_of(data),
    )


_ACCOUNTS: dict[str, tuple[bytes, dict[str, Account]]] = {}


def accounts(path: Path | str) -> dict[str, Account]:
    """Every user, read from the file on each call. The parse is reused only while the bytes
    are identical: inode, size and mtime can all repeat across two quick writes (timestamps
    tick in milliseconds; 'editor' and 'viewer' have the same length)."""
    key = os.fspath(path)
    content = Path(path).read_bytes()
    cached = _ACCOUNTS.get(key)
    if cached and cached[0] == content:
        return cached[1]
    users = (yaml.safe_load(content) or {}).get("credentials", {}).get("usernames") or {}
    found = {str(name): _account(str(name), data or {}) for name, data in users.items()}
    _ACCOUNTS[key] = (content, found)
    return found


def account(path: Path | str, username: str) -> Account | None:
    return accounts(path).get(username)


def list_users(path: Path | str) -> list[dict]:
    return [
        {
            "username": a.username,
            "name": a.name,
            "role": a.role,
            "team": a.team,
            "email": a.email,
            "active": a.active,
        }
        for _, a in sorted(accounts(path).items())
    ]


@contextlib.contextmanager
def credentials_lock(path: Path | str) -> Iterator[None]:
    """One writer of the credentials file at a time, across threads and processes (an OS lock
    on `<file>.lock`: each holder opens its own descriptor, so threads exclude each other too)."""
    lock_file = Path(path).with_name(Path(path).name + ".lock")
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read_config(path: Path) -> dict:
    """The file as stored (no environment override), to be changed and written back."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def end_sessions(path: Path | str, username: str) -> None:
    """End every session of `username` now (logout): raise the user's session generation."""
    path = Path(path)
    with credentials_lock(path):
        config = _read_config(path)
        entry = config["credentials"]["usernames"].get(username)
        if entry is None:
            return
        entry["session_generation"] = _account(username, entry).generation + 1
        _write_private(path, config)


def set_language(path: Path | str, username: str, language: str) -> None:
    """Remember `username`'s choice of language (their own preference: no role needed, and
    their sessions go on)."""
    if language_of({"language": language}) is None:
        raise ValueError(f"unknown language {language!r}")
    path = Path(path)
    with credentials_lock(path):
        config = _read_config(path)
        entry = config["credentials"]["usernames"].get(username)
        if entry is not None and entry.get("language") != language:
            entry["language"] = language
            _write_private(path, config)


def _ends_sessions(before: dict, after: dict) -> bool:
    """A password reset, a change of (strongest) role or of `active` ends the user's sessions;
    a rename or saving the same values again does not."""
    old, new = _account("", before), _account("", after)
    return (old.password_hash, old.role, old.active) != (new.password_hash, new.role, new.active)


def _audit_view(entry: dict) -> dict:
    return {
        "name": entry.get("name"),
        "roles": entry.get("roles"),
        "active": is_active(entry),
        "email": entry.get("email"),
        "team": entry.get("team"),
    }


def _require_listed_rights(actor: Actor, users: dict) -> None:
    """An actor listed in the file acts with the rights the file gives now, under the lock: an
    admin demoted or deactivated while their page was open cannot manage users any more."""
    listed = users.get(actor.username)
    if listed is not None:
        role = role_of(listed.get("roles")) if is_active(listed) else NO_ROLE
        require(Actor(actor.username, role), "users")


def change_user(
    store: Store, actor: Actor, path: Path | str, username: str, change: Callable[[dict], dict]
) -> dict:
    """Read the credentials under the lock, let `change(users)` return the user's new entry (or
    refuse), then audit and write it before any other writer reads: no update is lost."""
    require(actor, "users")
    path = Path(path)
    with credentials_lock(path):
        config = _read_config(path)
        users = config["credentials"]["usernames"]
        _require_listed_rights(actor, users)
        before = users.get(username)
        entry = change(users)
        ended = before is not None and _ends_sessions(before, entry)
        if ended:
            entry["session_generation"] = _account(username, before).generation + 1
        users[username] = entry
        refuse_leaving_no_admin(users)
        changed = before is None or entry.get("password") != before.get("password")
        with store.write(actor, "users") as writer:
            writer.audit(
                "update" if before else "insert",
                "users",
                username,
                None if before is None else _audit_view(before),
                {**_audit_view(entry), "password_changed": changed, "sessions_ended": ended},
            )
            _write_private(path, config)
    return entry


def save_user(
    store: Store,
    actor: Actor,
    path: Path | str,
    username: str,
    name: str,
    role: str,
    password: str | None = None,
    active: bool | None = None,
    new: bool = False,
) -> str:
    """Create a user or change name, role, password or `active` (admin only); a new user needs a
    password; `new` refuses a taken username; no change may leave the team without an active
    admin. Returns the clean username."""
    require(actor, "users")
    clean = check_username(username)
    name, role = check_name(name), check_role(role)

    def change(users: dict) -> dict:
        if new:
            refuse_taken(users, clean)
        before = users.get(clean)
        checked = check_password(password, required=before is None)
        entry = dict(before or {})
        entry.update({"name": name or clean, "roles": [role]})
        entry.setdefault("email", f"{clean}@localhost")
        if checked:
            entry["password"] = hash_password(checked)
        if active is not None:
            entry["active"] = active
        return entry

    change_user(store, actor, path, clean, change)
    return clean


_DUMMY_HASH: list[bytes] = []


def spend_password_check(password: str) -> None:
    """Spend one bcrypt check on a throw-away hash, as a real check of a known user would."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt()))
    bcrypt.checkpw(password.encode()[:MAX_PASSWORD_BYTES], _DUMMY_HASH[0])


def _attempt_name(username: str) -> str:
    """How a login name is counted: trimmed, lower case, at most 200 characters."""
    return username_key(username)[:200]


def lockout_remaining(store: Store, username: str, now: datetime) -> timedelta | None:
    """Time left on a lockout: 5 failures within 15 minutes lock the name for 15 minutes."""
    username = _attempt_name(username)
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
        "INSERT INTO login_attempts VALUES (?, ?, ?)", [_attempt_name(username), now, success]
    )


# The state file belongs to one process (DuckDB's file lock), so a process-wide lock makes the
# count-then-insert of a reservation atomic for every session thread that can reach it.
_RESERVING = threading.Lock()


def reserve_login_attempt(store: Store, username: str, now: datetime) -> timedelta | None:
    """Record this attempt as failed *before* its password is checked, unless the name is
    locked (then return the time left): parallel submits cannot get past the limit."""
    with _RESERVING:
        remaining = lockout_remaining(store, username, now)
        if remaining is None:
            record_login_attempt(store, username, False, now)
    return remaining


def _mark_success(store: Store, username: str, now: datetime) -> None:
    store.record_unaudited(
        "UPDATE login_attempts SET success = true WHERE rowid = (SELECT rowid FROM login_attempts "
        "WHERE username = ? AND attempted_at = ? AND NOT success LIMIT 1)",
        [_attempt_name(username), now],
    )


@dataclass(frozen=True)
class LoginResult:
    """The account that logged in, or why not: `locked_for` is set while the name is locked."""

    account: Account | None = None
    locked_for: timedelta | None = None


def _password_matches(found: Account | None, password: str) -> bool:
    if found is None or not found.active or not found.password_hash or not password_fits(password):
        # Same bcrypt cost for unknown or deactivated names: timing does not reveal accounts.
        spend_password_check(password)
        return False
    try:
        return bcrypt.checkpw(password.encode(), found.password_hash.encode())
    except ValueError:  # a hash damaged by hand matches nothing
        return False


def check_login(
    store: Store, path: Path | str, username: str, password: str, now: datetime
) -> LoginResult:
    """One login attempt: reserve it, check the password against the credentials as they are
    now (an active account only), and turn the reservation into a success when it matches."""
    username = username_key(username)
    locked_for = reserve_login_attempt(store, username, now)
    if locked_for is not None:
        return LoginResult(locked_for=locked_for)
    found = account(path, username)
    if not _password_matches(found, password):
        return LoginResult()
    _mark_success(store, username, now)
    return LoginResult(account=found)
