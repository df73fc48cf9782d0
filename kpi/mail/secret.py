"""The SMTP password: a 0600 file beside the credentials file, never in a database or in git."""

import os
from pathlib import Path

from kpi.access.auth import auth_path_for
from kpi.access.roles import Actor, require
from kpi.errors import InvalidInput
from kpi.store.database import Store


def secret_path_for(db_path: Path | str) -> Path:
    """`<credentials name>.smtp-password` beside the credentials file of `db_path`."""
    credentials = auth_path_for(db_path)
    return credentials.with_name(f"{credentials.stem}.smtp-password")


def read_password(path: Path | str) -> str | None:
    """The stored password, or None when none was saved."""
    try:
        return Path(path).read_text(encoding="utf-8") or None
    except FileNotFoundError:
        return None


def _write_atomically(path: Path, text: str) -> None:
    """Readable by the owner only from the first byte, and never half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def save_password(store: Store, actor: Actor, path: Path | str, password: str | None) -> None:
    """Store (or, when empty, remove) the SMTP password (admin). The audit row says that it
    changed, never what it is."""
    require(actor, "settings")
    if password and not password.isascii():
        # smtplib sends AUTH credentials as ASCII: any other character could never log in.
        raise InvalidInput("mail.error.password_ascii")
    path = Path(path)
    with store.write(actor, "settings") as writer:
        writer.audit(
            "update",
            "settings",
            "smtp_password",
            {"smtp_password_set": read_password(path) is not None},
            {"smtp_password_set": bool(password)},
        )
        if password:
            _write_atomically(path, password)
        else:
            path.unlink(missing_ok=True)
