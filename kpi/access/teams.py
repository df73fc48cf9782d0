"""Which team each user belongs to (Marketing, Ventas, Operaciones, Dirección), in the credentials."""

from pathlib import Path

from kpi.access.auth import load_auth_config
from kpi.access.profile import set_user_field
from kpi.access.roles import Actor
from kpi.access.users import check_team, check_username, team_of
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
    set_user_field(
        store, actor, auth_path, clean_name, "team", clean_team, "users.error.team_unknown"
    )
    return clean_team
