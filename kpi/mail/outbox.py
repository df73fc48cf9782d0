"""The outbox: each message stored once under its key, kept until sent, retried with backoff."""

from datetime import datetime, timedelta

from kpi.access.roles import Actor
from kpi.store.database import Store

# Minutes to wait after the 1st, 2nd... failure; the last one repeats: a message is never dropped.
BACKOFF_MINUTES = (5, 15, 60, 240, 720, 1440)
ERROR_MAX = 500
MESSAGE_COLUMNS = (
    "message_key",
    "kind",
    "object_id",
    "recipient",
    "address",
    "lang",
    "due_on",
    "subject",
    "body",
    "attachment_name",
    "attachment",
)
# What the audit log keeps of a message: who and what, not its body or attachment.
_AUDITED = ("message_key", "kind", "object_id", "recipient", "address", "due_on")


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure."""
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def known_keys(store: Store) -> set[str]:
    return {
        key for (key,) in store.state().execute("SELECT message_key FROM mail_outbox").fetchall()
    }


def enqueue(store: Store, actor: Actor, messages: list[dict]) -> int:
    """Add the messages whose key is new (each is sendable at once); returns how many were new."""
    added = 0
    columns = ", ".join(MESSAGE_COLUMNS)
    marks = ", ".join("?" for _ in MESSAGE_COLUMNS)
    with store.write(actor, "meeting") as writer:
        for message in messages:
            rows = writer.rows(
                f"INSERT INTO mail_outbox ({columns}, next_try_at, created_at) "  # noqa: S608
                f"VALUES ({marks}, ?, ?) ON CONFLICT (message_key) DO NOTHING RETURNING id",
                [message[c] for c in MESSAGE_COLUMNS] + [writer.now, writer.now],
            )
            if rows:
                audited = {c: message[c] for c in _AUDITED}
                writer.audit("insert", "mail_outbox", rows[0]["id"], None, audited)
                added += 1
    return added


def ready(store: Store, now: datetime) -> list[dict]:
    """Queued messages whose next try is due, oldest first."""
    return store.rows(
        "SELECT * FROM mail_outbox WHERE status = 'queued' AND next_try_at <= ? ORDER BY id",
        [now],
    )


def unsent(store: Store) -> list[dict]:
    """Every message not sent yet, with its attempts and last error (for reports)."""
    return store.rows(
        "SELECT id, kind, recipient, address, subject, attempts, next_try_at, last_error "
        "FROM mail_outbox WHERE status = 'queued' ORDER BY id"
    )


def record_attempt(store: Store, actor: Actor, message_id: int, error: str | None) -> dict:
    """Mark a message sent (`error` None) or failed: counted, its error kept, retried later."""
    with store.write(actor, "meeting") as writer:
        [before] = writer.rows(
            "SELECT id, status, attempts, next_try_at, last_error, sent_at FROM mail_outbox "
            "WHERE id = ?",
            [message_id],
        )
        attempts, sent = before["attempts"] + 1, error is None
        after = {
            **before,
            "status": "sent" if sent else "queued",
            "attempts": attempts,
            "next_try_at": before["next_try_at"] if sent else writer.now + backoff(attempts),
            "last_error": None if sent else error[:ERROR_MAX],
            "sent_at": writer.now if sent else None,
        }
        writer.cur.execute(
            "UPDATE mail_outbox SET status = ?, attempts = ?, next_try_at = ?, last_error = ?, "
            "sent_at = ? WHERE id = ?",
            [after[c] for c in ("status", "attempts", "next_try_at", "last_error", "sent_at")]
            + [message_id],
        )
        writer.audit("update", "mail_outbox", message_id, before, after)
    return after
