"""The SMTP connection (plain, STARTTLS or TLS) from the settings and the password file, and the
messages it carries."""

import contextlib
import hashlib
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from kpi.mail.compose import Content
from kpi.mail.secret import read_password
from kpi.store.database import Store
from kpi.store.settings import get_settings

TIMEOUT_SECONDS = 20
# Errors that mean "not sent this time": network, TLS, refusals, and a hand-written password
# smtplib cannot send (it encodes credentials as ASCII). Anything else is a bug.
SEND_ERRORS = (smtplib.SMTPException, OSError, UnicodeEncodeError)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    user: str
    password: str | None = field(default=None, repr=False)


def smtp_config(store: Store, secret_path: Path | str) -> SmtpConfig | None:
    """The configured server, or None while no host or sender is set (mail is off)."""
    settings = get_settings(store)
    if not settings["smtp_host"] or not settings["smtp_sender"]:
        return None
    return SmtpConfig(
        settings["smtp_host"],
        settings["smtp_port"],
        settings["smtp_security"],
        settings["smtp_sender"],
        settings["smtp_user"],
        read_password(secret_path),
    )


@contextlib.contextmanager
def connect(config: SmtpConfig) -> Iterator[smtplib.SMTP]:
    """An open, secured and logged-in session (login only when a password is stored)."""
    context = ssl.create_default_context()
    if config.security == "tls":
        server = smtplib.SMTP_SSL(
            config.host, config.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        server = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
    with server:
        if config.security == "starttls":
            server.starttls(context=context)
        if config.password:
            server.login(config.user or config.sender, config.password)
        yield server


def error_text(error: BaseException) -> str:
    """A failure as one line for the outbox and the reports."""
    return " ".join(f"{type(error).__name__}: {error}".split())


def build(config: SmtpConfig, address: str, content: Content, key: str) -> EmailMessage:
    """The message; its Message-ID comes from the outbox key, so a resend is recognisable."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = address
    message["Subject"] = content.subject
    message["Date"] = formatdate(localtime=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@{config.sender.rsplit('@', 1)[1]}>"
    message.set_content(content.body)
    if content.attachment is not None:
        message.add_attachment(
            content.attachment,
            maintype="application",
            subtype="pdf",
            filename=content.attachment_name,
        )
    return message
