"""Who receives mail: users with an address, their language and opt-outs, found by the names
people type as attendees and owners; and setting a user's address."""

from dataclasses import dataclass
from pathlib import Path

from kpi.access.auth import load_auth_config
from kpi.access.profile import set_user_field
from kpi.access.roles import Actor
from kpi.access.users import (
    check_email,
    check_username,
    email_of,
    is_active,
    language_of,
    username_key,
)
from kpi.store.database import Store

# What a user can receive; each can be switched off by the user (mail_opt_outs).
KINDS = ("minutes", "brief", "action_due", "action_overdue")


@dataclass(frozen=True)
class Recipient:
    """An active user with an address, and the language their mail is written in."""

    username: str
    name: str
    address: str
    lang: str


def _entries(auth_path: Path | str) -> dict[str, dict]:
    users = load_auth_config(auth_path)["credentials"].get("usernames") or {}
    return {str(username): entry or {} for username, entry in users.items()}


def address_of(auth_path: Path | str, username: str) -> str | None:
    """The user's real address (None without one): what the pages show and offer to edit."""
    return email_of(_entries(auth_path).get(username) or {})


def recipients(auth_path: Path | str, default_lang: str) -> dict[str, Recipient]:
    """Every active user with a real address, by username."""
    found = {}
    for username, entry in _entries(auth_path).items():
        address = email_of(entry)
        if address and is_active(entry):
            name = str(entry.get("name") or username)
            lang = language_of(entry) or default_lang
            found[username] = Recipient(username, name, address, lang)
    return found


def named(people: dict[str, Recipient], names: list[str]) -> list[Recipient]:
    """The users typed names stand for (a username or a display name, any case), once each;
    a name nobody answers to receives nothing."""
    by_name = {r.name.casefold(): r for r in people.values()}
    chosen: dict[str, Recipient] = {}
    for typed in names:
        person = people.get(username_key(typed)) or by_name.get(typed.strip().casefold())
        if person:
            chosen.setdefault(person.username, person)
    return list(chosen.values())


def opted_out(store: Store) -> set[tuple[str, str]]:
    """(username, kind) pairs of the mail users chose not to receive."""
    return set(store.state().execute("SELECT username, kind FROM mail_opt_outs").fetchall())


def set_opt_outs(store: Store, username: str, kinds: set[str]) -> None:
    """Replace `username`'s own opt-outs (a personal preference like the language: no role needed,
    and the row itself is the record)."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown mail kinds {sorted(unknown)}")
    for kind in KINDS:
        if kind in kinds:
            store.record_unaudited(
                "INSERT INTO mail_opt_outs VALUES (?, ?) ON CONFLICT DO NOTHING", [username, kind]
            )
        else:
            store.record_unaudited(
                "DELETE FROM mail_opt_outs WHERE username = ? AND kind = ?", [username, kind]
            )


def set_email(
    store: Store, actor: Actor, auth_path: Path | str, username: str, email: str | None
) -> str | None:
    """Set or clear (empty) a user's address (admin); an unknown user is refused."""
    clean_name, address = check_username(username), check_email(email)
    set_user_field(
        store, actor, auth_path, clean_name, "email", address or "", "users.error.email_unknown"
    )
    return address
