"""One field of an existing user's credentials entry (team, e-mail), set by an admin, audited."""

from pathlib import Path

from kpi.access.auth import change_user
from kpi.access.roles import Actor
from kpi.access.users import UserError
from kpi.store.database import Store


def set_user_field(
    store: Store,
    actor: Actor,
    auth_path: Path | str,
    username: str,
    field: str,
    value: str | None,
    unknown: str,
) -> None:
    """Set `field` of the (clean) `username`'s entry, or remove it when `value` is None; an unknown
    user is refused with the catalogue key `unknown`."""

    def change(users: dict) -> dict:
        if username not in users:
            raise UserError(unknown, username=username)
        entry = dict(users[username] or {})
        if value is None:
            entry.pop(field, None)
        else:
            entry[field] = value
        return entry

    change_user(store, actor, auth_path, username, change)
