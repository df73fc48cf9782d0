"""`python -m kpi notify` (for cron): send the mail that is due, one line per message; the exit
code is 1 when a message failed (it stays queued and a later run retries it)."""

import argparse
from pathlib import Path

from kpi.cli.arguments import Command
from kpi.i18n import LANGUAGES
from kpi.store.database import DEFAULT_DB_PATH


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="DuckDB facts file")
    parser.add_argument("--lang", choices=LANGUAGES, help="default: the language setting")


def run(args: argparse.Namespace) -> int:
    from kpi.access.roles import SYSTEM
    from kpi.i18n import t
    from kpi.mail.notify import send_due
    from kpi.mail.outbox import unsent
    from kpi.store.database import open_store
    from kpi.store.settings import get_settings

    # The outbox is in the state file: while the app holds it this is refused in one line (by
    # kpi.cli.main); the app then sends on its own when a meeting closes.
    store = open_store(args.db)
    lang = args.lang or get_settings(store)["language"]
    report = send_due(store, SYSTEM)
    if not report.configured:
        print(t("mail.cli.off", lang))
        return 0
    for sent in report.deliveries:
        values = {
            "kind": sent.kind,
            "recipient": sent.recipient,
            "address": sent.address,
            "subject": sent.subject,
            "attempts": sent.attempts,
            "error": sent.error,
        }
        print(t("mail.cli.sent" if sent.error is None else "mail.cli.failed", lang, **values))
    failed = len(report.failed)
    print(
        t(
            "mail.cli.summary",
            lang,
            queued=report.queued,
            sent=len(report.deliveries) - failed,
            failed=failed,
            waiting=len(unsent(store)),
        )
    )
    return 1 if failed else 0


COMMAND = Command(
    "notify",
    "send the e-mail that is due / enviar los correos pendientes",
    "Queue the minutes of closed meetings, the brief the day before a meeting and the reminders "
    "of sprint actions, each once, and send the outbox; failures stay queued and are retried "
    "with backoff. Exit code 1 when a message failed.",
    arguments,
    run,
)
