"""Login sessions that end when the user's rights change: the cookie and the session carry the
user's session generation, which logout, password reset, role change and deactivation raise."""

from datetime import datetime
from pathlib import Path

import jwt

from kpi.access.auth import Account, account

ALGORITHM = "HS256"


def live_account(path: Path | str, username: object, generation: object) -> Account | None:
    """The account a session may act as now: it still exists, is active, and its sessions were
    not ended since this one began. Read from the credentials file on every call."""
    if not isinstance(username, str):
        return None
    found = account(path, username)
    if found is None or not found.active or found.generation != generation:
        return None
    return found


def issue_token(cookie: dict, found: Account, now: float) -> tuple[str, datetime]:
    """The signed cookie value for a new session of `found`, and when it expires."""
    expires = now + float(cookie["expiry_days"]) * 86_400
    # `username` and `exp_date` are the claims streamlit-authenticator itself writes and reads.
    claims = {"username": found.username, "exp_date": expires, "generation": found.generation}
    return jwt.encode(claims, cookie["key"], algorithm=ALGORITHM), datetime.fromtimestamp(expires)


def account_for_token(
    path: Path | str, cookie: dict, token: str | None, now: float
) -> Account | None:
    """The account a cookie still opens: signed with our key, not expired, and issued within the
    user's current session generation (a cookie from before an older build's upgrade has none)."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, cookie["key"], algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        return None
    expires = claims.get("exp_date")
    if not isinstance(expires, int | float) or expires <= now:
        return None
    generation = claims.get("generation")
    if type(generation) is not int:
        return None
    return live_account(path, claims.get("username"), generation)
