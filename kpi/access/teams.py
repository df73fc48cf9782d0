"""Which team each user belongs to (Marketing, Ventas, Operaciones, Dirección), in the credentials."""

from pathlib import Path

from kpi.access.auth import change_user, load_auth_config
from kpi.access.roles import Actor
from kpi.access.users import UserError, check_team, check_username, team_of
from kpi.store.database import Store


def teams(auth_path: Path | str) -> dict[str, str | None]:
    """Every user's team (None: none set or not a known one), by username."""
    users = load_auth_config(auth_path)["credentials"].get("usernames") or {}
    return {str(username): team_of(entry or {}) for username, entry in users.items()}


def set_team(
    store: Store, actor: Actor, auth_path: Path | str, username: str, team: str | None
) -> str | None:
    """Set or clear (empty) a user's team (admin, audited); an unknown user is refused."""
    clean_name, clean_team = check_username(username), check_team(team)

    def change(users: dict) -> dict:
        if clean_name not in users:
            raise UserError("users.error.team_unknown", username=clean_name)
        entry = dict(users[clean_name] or {})
        if clean_team:
            entry["team"] = clean_team
        else:
            entry.pop("team", None)
        return entry

    change_user(store, actor, auth_path, clean_name, change)
    return clean_team
