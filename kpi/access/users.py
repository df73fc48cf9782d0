"""Rules for user accounts: limits, translated refusals and the last-active-admin rule."""

import re
from collections.abc import Callable

from kpi.access.roles import ROLES, role_of
from kpi.errors import SHORT_TEXT_MAX, InvalidInput, user_text
from kpi.i18n import LANGUAGES

MAX_USERNAME = 64
MAX_NAME = SHORT_TEXT_MAX  # a person's name, like owners and attendees
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5: refuses) anything longer
MAX_EMAIL = 254  # the longest address SMTP carries (RFC 5321 path limit)
# One address, nothing that could open a second header or recipient: no spaces, commas, angle
# brackets or quotes; the domain has a dot (`admin@localhost`, the first run's placeholder,
# receives nothing).
_ADDRESS_PART = r"[^@\s<>,;:\"()\[\]\\]+"
_EMAIL = re.compile(rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}")


class UserError(InvalidInput):
    """A refused user change, with its explanation in both languages."""


def username_key(typed: str) -> str:
    """How a typed username names an account, at login and when saving: trimmed, lower case."""
    return typed.strip().lower()


def check_username(username: str) -> str:
    clean = username_key(username)
    if not clean:
        raise UserError("users.error.username_empty")
    bare = clean.replace("_", "").replace(".", "")
    if len(clean) > MAX_USERNAME or not (bare.isascii() and bare.isalnum()):
        raise UserError("users.error.username", limit=MAX_USERNAME)
    return clean


def refuse_taken(users: dict[str, dict], username: str) -> None:
    """Adding a user never changes an existing one: a taken username is refused."""
    if username in users:
        raise UserError("users.exists", username=username)


def check_name(name: str | None) -> str:
    """The display name with runs of spaces collapsed (empty when none was given); longer than
    MAX_NAME or with a control character is refused."""
    collapsed = " ".join(str(name or "").split())
    if len(collapsed) > MAX_NAME:
        raise UserError("users.error.name_long", limit=MAX_NAME)
    # On the text as typed: the collapse would silently drop line breaks and U+001C–U+001F.
    user_text(name, "users.name", len(str(name or "")))
    return collapsed


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError("users.error.role", role=role)
    return role


def check_password(password: str | None, required: bool) -> str | None:
    if not password:
        if required:
            raise UserError("users.error.password_needed")
        return None
    if len(password) < MIN_PASSWORD:
        raise UserError("users.error.password_short", minimum=MIN_PASSWORD)
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise UserError("users.error.password_long", maximum=MAX_PASSWORD_BYTES)
    return password


def password_fits(password: str) -> bool:
    """bcrypt only reads MAX_PASSWORD_BYTES (bcrypt 5 refuses more): longer ones never match."""
    return 0 < len(password.encode()) <= MAX_PASSWORD_BYTES


def is_active(entry: dict) -> bool:
    """A user is active unless the credentials say `active: false`."""
    return entry.get("active", True) is not False


def refuse_leaving_no_admin(users: dict[str, dict]) -> None:
    """Someone must always be able to manage users: keep at least one active admin."""
    if not any(
        is_active(entry) and role_of(entry.get("roles")) == "admin" for entry in users.values()
    ):
        raise UserError("users.error.last_admin")


def language_of(entry: dict) -> str | None:
    """The language the user last chose, when the credentials name one the app speaks."""
    chosen = entry.get("language")
    return chosen if chosen in LANGUAGES else None


def check_email(email: str | None) -> str | None:
    """An optional e-mail address, trimmed (None when empty); anything but one plain address is
    refused."""
    clean = str(email or "").strip()
    if not clean:
        return None
    if len(clean) > MAX_EMAIL or not clean.isascii() or not _EMAIL.fullmatch(clean):
        raise UserError("users.error.email", email=clean[:60])
    return clean


def _stored(check: Callable[[str | None], str | None], entry: dict, field: str) -> str | None:
    """The entry's `field` when `check` accepts it, else None (a hand-edited file may hold
    anything)."""
    try:
        return check(entry.get(field))
    except UserError:
        return None


def email_of(entry: dict) -> str | None:
    """Where mail for the user goes: their stored address when it is a real one, else None."""
    return _stored(check_email, entry, "email")


# The teams the method aligns (the internal NPS reports per team); stored by code.
TEAMS = ("marketing", "ventas", "operaciones", "direccion")


def check_team(team: str | None) -> str | None:
    """An optional team code (None when empty); anything but one of TEAMS is refused."""
    clean = str(team or "").strip().lower()
    if not clean:
        return None
    if clean not in TEAMS:
        raise UserError("users.error.team", team=clean[:40])
    return clean


def team_of(entry: dict) -> str | None:
    """The user's team when the credentials name a known one, else None."""
    return _stored(check_team, entry, "team")
