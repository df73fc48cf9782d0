"""Send what is due: queue each new message once, then deliver the outbox; failures stay queued
with their error and are retried later (the CLI for cron and the app both call send_due)."""

import sys
import threading
from dataclasses import dataclass, field
from datetime import date, datetime

from kpi.access.auth import auth_path_for
from kpi.access.roles import Actor
from kpi.access.users import check_email
from kpi.errors import TranslatedError
from kpi.i18n import t
from kpi.mail import outbox
from kpi.mail.compose import Content, compose
from kpi.mail.due import due_on
from kpi.mail.recipients import named, opted_out, recipients
from kpi.mail.secret import secret_path_for
from kpi.mail.smtp import SEND_ERRORS, SmtpConfig, build, connect, error_text, smtp_config
from kpi.store.database import Store
from kpi.store.settings import get_settings


class MailError(TranslatedError):
    """Mail could not go: not configured, or the server's answer (in the message)."""


@dataclass(frozen=True)
class Delivery:
    """One attempt to send one outbox message; `error` is None when it went."""

    id: int
    kind: str
    recipient: str
    address: str
    subject: str
    attempts: int
    error: str | None


@dataclass(frozen=True)
class Report:
    """What a run did: whether mail is configured, how many messages it queued, what it sent."""

    configured: bool
    queued: int = 0
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.error is not None]


def queue_due(store: Store, actor: Actor, today: date) -> int:
    """Put every message due on `today` that is not in the outbox yet into it (once per key,
    in the recipient's language, unless they opted out of its kind)."""
    people = recipients(auth_path_for(store.path), get_settings(store)["language"])
    skipped, known = opted_out(store), outbox.known_keys(store)
    written: dict[tuple, Content] = {}
    messages = []
    for due in due_on(store, today):
        for person in named(people, list(due.names)):
            key = due.key(person.username)
            if key in known or (person.username, due.kind) in skipped:
                continue
            text_key = (due.kind, due.object_id, person.lang)
            if text_key not in written:
                written[text_key] = compose(store, due, person.lang)
            content = written[text_key]
            messages.append(
                {
                    "message_key": key,
                    "kind": due.kind,
                    "object_id": due.object_id,
                    "recipient": person.username,
                    "address": person.address,
                    "lang": person.lang,
                    "due_on": due.due_on,
                    "subject": content.subject,
                    "body": content.body,
                    "attachment_name": content.attachment_name,
                    "attachment": content.attachment,
                }
            )
    return outbox.enqueue(store, actor, messages) if messages else 0


def _attempt(store: Store, actor: Actor, message: dict, error: str | None) -> Delivery:
    after = outbox.record_attempt(store, actor, message["id"], error)
    return Delivery(
        message["id"],
        message["kind"],
        message["recipient"],
        message["address"],
        message["subject"],
        after["attempts"],
        error,
    )


def deliver(store: Store, actor: Actor, config: SmtpConfig, now: datetime) -> list[Delivery]:
    """Send the queued messages whose time has come over one connection; a connection that
    fails marks every message it did not send as failed."""
    pending = outbox.ready(store, now)
    done: list[Delivery] = []
    if not pending:
        return done
    try:
        with connect(config) as server:
            for message in pending:
                content = Content(
                    message["subject"],
                    message["body"],
                    message["attachment_name"],
                    message["attachment"],
                )
                try:
                    server.send_message(
                        build(config, message["address"], content, message["message_key"])
                    )
                except SEND_ERRORS as error:
                    done.append(_attempt(store, actor, message, error_text(error)))
                else:
                    done.append(_attempt(store, actor, message, None))
    except SEND_ERRORS as error:
        tried = {d.id for d in done}
        for message in pending:
            if message["id"] not in tried:
                done.append(_attempt(store, actor, message, error_text(error)))
    return done


def send_due(
    store: Store, actor: Actor, *, today: date | None = None, now: datetime | None = None
) -> Report:
    """Queue what is due and send the outbox (nothing at all while mail is not configured)."""
    config = smtp_config(store, secret_path_for(store.path))
    if config is None:
        return Report(configured=False)
    queued = queue_due(store, actor, today or (now or store.now()).date())
    # The clock read after queueing: what was just queued is due now.
    return Report(True, queued, deliver(store, actor, config, now or store.now()))


def send_due_in_background(store: Store, actor: Actor) -> threading.Thread:
    """send_due on a daemon thread: a slow or absent server never holds up a page."""
    worker = threading.Thread(target=send_due, args=(store, actor), daemon=True, name="mail")
    worker.start()
    return worker


def keep_sending(
    store: Store, actor: Actor, every_seconds: float = 900, stop: threading.Event | None = None
) -> threading.Thread:
    """While the app serves it holds the state file, so a cron `kpi notify` cannot open it: the
    app sends what is due itself, every `every_seconds` on a daemon thread, until `stop` is set.
    A failure is logged and tried again at the next turn (the outbox keeps every message)."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.wait(every_seconds):
            try:
                send_due(store, actor)
            except Exception as error:  # noqa: BLE001 (the loop must outlive any one failure)
                print(f"brujula: mail: {error}", file=sys.stderr, flush=True)

    worker = threading.Thread(target=loop, daemon=True, name="mail-schedule")
    worker.start()
    return worker


def send_test(store: Store, address: str, lang: str) -> None:
    """Send one test message to `address` now (not through the outbox); MailError says why not."""
    config = smtp_config(store, secret_path_for(store.path))
    if config is None:
        raise MailError("mail.error.off")
    address = check_email(address)
    if address is None:
        raise MailError("mail.error.no_address")
    content = Content(t("mail.test.subject", lang), t("mail.test.body", lang, host=config.host))
    try:
        with connect(config) as server:
            server.send_message(build(config, address, content, f"test:{store.now()}"))
    except SEND_ERRORS as error:
        raise MailError("mail.error.failed", error=error_text(error)) from None
