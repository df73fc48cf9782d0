"""`python -m kpi backup` and `restore`: the store's backup and restore (kpi/store/backup.py) with
a one-line summary or a one-line error."""

import argparse
import sys
from pathlib import Path

from kpi.cli.arguments import Command
from kpi.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from kpi.store.backup import BackupError, backup, restore
from kpi.store.database import DEFAULT_DB_PATH


def _summary(manifest: dict) -> tuple[int, int]:
    tables = len(manifest["facts"]) + len(manifest["state"])
    rows = sum(manifest["facts"].values()) + sum(manifest["state"].values())
    return tables, rows


def backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="DuckDB facts file")
    parser.add_argument("--to", type=Path, required=True, help="new or empty folder")
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)


def restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", type=Path, required=True, help="backup folder")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="DuckDB facts file")
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)


def _run_for_cli(run, done: str, lang: str, **shown) -> int:
    """Run a backup or a restore for the CLI: a one-line error, else its one-line summary."""
    try:
        manifest = run()
    except BackupError as error:
        print(f"error: {error.message(lang)}", file=sys.stderr)
        return 1
    tables, rows = _summary(manifest)
    print(t(done, lang, tables=tables, rows=rows, **shown))
    return 0


def run_backup(args: argparse.Namespace) -> int:
    return _run_for_cli(lambda: backup(args.db, args.to), "backup.done", args.lang, target=args.to)


def run_restore(args: argparse.Namespace) -> int:
    restored = "backup.restored"
    return _run_for_cli(
        lambda: restore(args.source, args.db), restored, args.lang, db=args.db, source=args.source
    )


COMMANDS = (
    Command(
        "backup",
        "copy both database files to a folder / copia de seguridad",
        "Copy the facts and state files (consistently) into a new, empty folder.",
        backup_arguments,
        run_backup,
    ),
    Command(
        "restore",
        "replace the database by a backup / restaurar una copia",
        "Replace both files of --db by a backup; stop the app first.",
        restore_arguments,
        run_restore,
    ),
)
