"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, or refuses it."""

import email
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """The server's handler: every accepted message, or the refusal it answers with."""

    received: list[Received] = field(default_factory=list)
    refuse: str | None = None
    # (login, password) of each successful AUTH.
    logins: list[tuple[str, str]] = field(default_factory=list)
    password: str | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword) or self.password is None:
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        if password != self.password:
            return AuthResult(success=False, handled=False)
        self.logins.append((login, password))
        return AuthResult(success=True)

    def by_address(self) -> dict[str, EmailMessage]:
        return {r.recipients[0]: r.message for r in self.received}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The server on 127.0.0.1 at a fixed free port, which a test can stop and start again."""

    def __init__(self, inbox: Inbox, **options):
        self.inbox = inbox
        self.port = free_port()
        self.controller: Controller | None = None
        # aiosmtpd's own: `ssl_context` (TLS from the first byte) or `tls_context` with
        # `require_starttls`.
        self.options = options

    def start(self) -> "Server":
        self.controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self.inbox.authenticate,
            auth_require_tls=False,
            **self.options,
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def self_signed(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 made by openssl, and a server context that presents it; a
    client trusts it only when SSL_CERT_FILE names the certificate."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context
