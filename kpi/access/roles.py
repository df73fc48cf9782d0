"""Who may do what: roles, capabilities and the check every core write performs."""

from dataclasses import dataclass

from kpi.i18n import t

ROLES = ("admin", "editor", "viewer")
# The role of a session that has ended (logged out elsewhere, demoted, deactivated, deleted):
# it holds no capability, so any write still attempted from that screen is refused.
NO_ROLE = "none"

# Capabilities are checked in the core on every write; pages only hide what a role cannot use.
CAPABILITIES: dict[str, frozenset[str]] = {
    # Every user answers the internal team survey (kpi/cockpit/team_survey.py), viewers too.
    "viewer": frozenset({"survey"}),
    "editor": frozenset(
        {"meeting", "notes", "backlog", "sprint", "outcomes", "checklist", "survey"}
    ),
    "admin": frozenset(
        {
            "meeting",
            "notes",
            "backlog",
            "sprint",
            "outcomes",
            "checklist",
            "import",
            "settings",
            "targets",
            "users",
            "backup",
            "survey",
        }
    ),
}


class PermissionDenied(PermissionError):
    """Raised when an actor's role lacks the capability a write needs."""

    def __init__(self, actor: "Actor", capability: str):
        role, username = getattr(actor, "role", "?"), getattr(actor, "username", "?")
        super().__init__(f"role '{role}' of '{username}' may not '{capability}'")
        self.actor = actor
        self.capability = capability


@dataclass(frozen=True)
class Actor:
    """The authenticated user on whose behalf the core writes."""

    username: str
    role: str

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.role, frozenset())


SYSTEM = Actor("system", "admin")


def actor_name(username: str, lang: str) -> str:
    """Who did something, as a page or document says it: Brújula itself for SYSTEM's work."""
    return t("actor.system", lang) if username == SYSTEM.username else username


def require(actor: Actor, capability: str) -> None:
    if not isinstance(actor, Actor) or not actor.can(capability):
        raise PermissionDenied(actor, capability)


def role_of(roles: list[str] | None) -> str:
    """The one rule for a user listed with several roles: the strongest counts; viewer when none."""
    # A hand-edited file may say `roles: admin`: one name, not the letters of one.
    listed = [roles] if isinstance(roles, str) else list(roles or [])
    for role in ROLES:
        if role in listed:
            return role
    return "viewer"
